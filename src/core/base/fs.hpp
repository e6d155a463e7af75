#pragma once
/// \file
/// The filesystem library glia uses, and small file helpers shared by the core.

#include "base/diagnostic.hpp"

#include <boost/filesystem.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <cstdint>

namespace glia {

namespace fs = boost::filesystem;

/// The last element of the path to a file, read off its text without copying: boost's filename()
/// copies and compares path elements, too dear for the per-mod work of every NEURON start.
inline std::string_view file_name_view(const fs::path& file) {
    std::string_view text = file.native();
    return text.substr(text.rfind('/') + 1); // npos + 1 is 0: no folder
}

/// The stem of the path to a file (its name up to the last dot), as boost's stem() gives it.
inline std::string_view file_stem_view(const fs::path& file) {
    std::string_view name = file_name_view(file);
    return name.substr(0, name.rfind('.'));
}

/// The whole content of a file; throws glia::Error naming the file when it cannot be read.
std::string read_file(const fs::path& path);

/// The whole content of a file, or nothing if there is no such file; throws glia::Error naming the
/// file when it is there but cannot be read. For files whose absence is normal (a Python
/// distribution without entry points): an exception per missing file is dear at every start.
std::optional<std::string> read_file_if_present(const fs::path& path);

/// The content of a file glia keeps only as a shortcut (a memo in the cache): empty when it is missing
/// or cannot be read, which the memo's reader takes as "nothing remembered". Never throws: most starts
/// meet a memo that is not there yet, and an exception each is dear.
std::string read_memo_text(const fs::path& path);

/// Writes `content` to `path` atomically: a temporary file beside it, then rename.
/// A reader sees the old content or the new, never a part; throws glia::Error on failure.
void write_file_atomic(const fs::path& path, const std::string& content);

/// Creates `dir` and its parents; throws glia::Error naming it on failure, followed by ` (advice)` when
/// `advice` is given.
void make_dirs(const fs::path& dir, const Message& advice = {});

/// True if `name` is what write_file_atomic leaves beside `file` (a name) when it is killed while writing it.
bool is_temporary_of(std::string_view name, std::string_view file);

/// True if `path` is a plain file, not a link (to one); false also when that cannot be told.
bool is_plain_file(const fs::path& path);
/// True if `path` is a directory, not a link (to one); false also when that cannot be told.
bool is_real_dir(const fs::path& path);
/// True if nothing is at `path` (not even a dangling link).
bool is_gone(const fs::path& path);
/// True if `file` is a plain file whose text starts with `header`; false when it cannot be read.
bool starts_with_line(const fs::path& file, std::string_view header);
/// The entries of `dir`, unsorted; empty if it cannot be listed.
std::vector<fs::path> entries_of(const fs::path& dir);
/// The size of a file, or of the plain files under a directory (links not followed).
uintmax_t disk_size(const fs::path& path);

/// An exclusive flock(2) on a file or a directory, held for the lifetime of the object (closing
/// the descriptor releases it): glia's one lock, for a read-modify-write of files in a directory
/// (DirectoryLock) and for the build cache (CacheLock, cache.hpp).
class FileLock {
  public:
    enum class Target {
        directory,  ///< an existing directory, opened read-only
        lock_file,  ///< a file made if absent; opened read-only where it may not be written (a
                    ///< cache the user may only read still serves: flock works on that too)
    };
    /// Opens `path` as `target` says and waits for the lock. Throws glia::Error naming `path`
    /// and what failed, followed by ` (advice)` when `advice` is given.
    FileLock(const fs::path& path, Target target, const Message& advice = {});
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    ~FileLock();
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    /// True if `path` names the file locked (not another put in its place since it was opened).
    bool is_at(const fs::path& path) const;
    /// True if the file locked has no name any more (removed while the lock was held).
    bool removed() const;

  private:
    int fd_ = -1;
};

/// An exclusive lock on a directory, held for the lifetime of the object: for a read-modify-write
/// of files in it. Throws glia::Error naming the directory if it cannot be locked.
class DirectoryLock {
  public:
    explicit DirectoryLock(const fs::path& dir) : lock_(dir, FileLock::Target::directory) {}

  private:
    FileLock lock_;
};

/// The value of environment variable `name`, or `fallback` when unset or empty.
std::string env_or(const char* name, const std::string& fallback);

/// An XDG base directory: `$<variable>` if set, else `<home>/<under_home>`, where home is
/// `$HOME`, or the user's home in the password database when HOME is unset or empty (never `/`
/// by accident). Throws glia::Error, saying to set HOME or the variable, if neither gives one.
fs::path xdg_dir(const char* variable, const char* under_home);

} // namespace glia
