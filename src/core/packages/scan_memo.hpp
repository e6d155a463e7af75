#pragma once
/// \file
/// The scan memo: what discovery learnt by reading each mod file (`scan_nmodl`), remembered
/// with the file's stamp, so that discovering an unchanged set of packages costs one stat per
/// mod instead of reading and scanning every file. It lives at `<cache>/scans`.
///
/// Unlike the build manifest it is written without the cache lock (discovery runs in commands
/// that never build): it is replaced atomically, every entry is checked against the file's
/// current stamp before use, and an update lost to a concurrent writer only means a re-read.

#include "store/cache.hpp"
#include "base/file_stamp.hpp"
#include "base/fs.hpp"
#include "packages/nmodl.hpp"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace glia {

class ScanMemo {
  public:
    ScanMemo() = default;
    // Its index points into the text read and into `put_paths_`: moving keeps them where they are, a
    // copy would not.
    ScanMemo(const ScanMemo&) = delete;
    ScanMemo& operator=(const ScanMemo&) = delete;
    ScanMemo(ScanMemo&&) = default;
    ScanMemo& operator=(ScanMemo&&) = default;

    /// Reads `file`; a missing, foreign or damaged file gives an empty memo. Each record is checked
    /// now, but its scan is only taken apart when it is asked for (most starts need each once).
    static ScanMemo load(const fs::path& file);

    /// The scan of the file at `path` (as `stamp_key` gives it), if the stamp it had when it
    /// was scanned is `now` and had settled then; nullptr otherwise. Valid while the memo lives.
    const NmodlInfo* find(const std::string& path, const FileStamp& now);
    /// As `find`, but hands the scan over instead of keeping it (the memo still saves it).
    std::optional<NmodlInfo> take(const std::string& path, const FileStamp& now);
    /// Remembers the scan of `path`, read after taking `stamp` at `recorded_ns`.
    void put(const std::string& path, const FileStamp& stamp, int64_t recorded_ns, NmodlInfo info);

    /// Writes the memo if `put` added anything, keeping the entries used since loading and those
    /// of files that are still as they were scanned. Never throws: a memo that cannot be written
    /// (a read-only cache, a full disk) only costs the next run a re-read.
    void save_if_changed(const fs::path& file) const;

    /// How many `find` and `take` calls found nothing to vouch for (each such mod is then read).
    size_t misses() const { return misses_; }

  private:
    struct Entry {
        int64_t recorded_ns = 0;
        FileStamp stamp;
        std::string_view record;       ///< its line in the file read (until `put` replaces it)
        /// The scan: put, or taken from `record` by `find`. Apart, so that the index of a loaded memo,
        /// whose scans are mostly handed over by `take`, stays small (fewer pages touched at a start).
        std::unique_ptr<NmodlInfo> info;
        bool used = false;
    };
    Entry* vouched(const std::string& path, const FileStamp& now);
    std::unique_ptr<const std::string> text_; ///< the file read: records and their paths point into it
    std::deque<std::string> put_paths_;       ///< the paths of entries `put` added
    std::unordered_map<std::string_view, Entry> entries_;
    bool changed_ = false;
    size_t misses_ = 0;
};

/// One mod's scan as a record of the memo's format (without its newline): the file at `path`, whose stamp,
/// taken at `recorded_ns`, is `stamp`. Empty if its path, names or lists cannot be written so (a TAB or a
/// newline in them). The start record (start_record.hpp) keeps its mods so as well.
std::string scan_record(std::string_view path, int64_t recorded_ns, const FileStamp& stamp, const NmodlInfo& info);
/// Reads a record `scan_record` wrote; false if `line` is none. `path` points into `line`.
bool read_scan_record(std::string_view line, std::string_view& path, int64_t& recorded_ns, FileStamp& stamp,
                      NmodlInfo& info);

/// `<root>/scans`.
fs::path scan_memo_path(const fs::path& root);

/// The scan memo in the cache (cache.hpp): removed by a clear, kept by a collection.
const CacheFormat& scan_memo_format();

} // namespace glia
