#pragma once
/// \file
/// What stat(2) says about a file, so that unchanged files are known without reading them
/// (the build manifest and the scan memo both rely on it).

#include "base/fs.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace glia {

/// A file as stat(2) sees it. Any write changes size, mtime or ctime; a copy or a replace
/// by rename changes the inode; so equal stamps mean the same content unless the file was
/// rewritten within the clock's granularity of the moment it was read (see `FileStamp::settled`).
struct FileStamp {
    bool exists = false;
    int64_t size = 0;
    int64_t mtime_ns = 0;
    int64_t ctime_ns = 0;
    uint64_t inode = 0;
    uint64_t device = 0;

    /// Stats `path` (following links); a missing file gives a stamp with `exists == false`.
    static FileStamp of(const fs::path& path);
    /// True if the file was last changed at least `margin_ns` before `when_ns`, so a stamp
    /// taken at `when_ns` cannot hide a later rewrite with the same timestamps.
    bool settled(int64_t when_ns, int64_t margin_ns) const;
    /// True if this stamp, taken at `when_ns`, had settled then and equals `current`: then what
    /// was learnt by reading the file at `when_ns` still holds.
    bool vouches(int64_t when_ns, const FileStamp& current) const;

    /// `-` for a missing file, else `size,mtime,ctime,inode,device`.
    std::string text() const;
    /// Parses `text()`; false if it is not one.
    static bool parse(std::string_view text, FileStamp& stamp);

    friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

/// How long a file must have been left alone before its stamp is trusted (ccache uses the same).
inline constexpr int64_t kStampMarginNs = 2'000'000'000;

/// The absolute, normalized path under which a file's stamp is recorded.
std::string stamp_key(const fs::path& path);

/// The wall clock in nanoseconds since the epoch, as file times are.
int64_t now_ns();

} // namespace glia
