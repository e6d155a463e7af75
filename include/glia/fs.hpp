#pragma once
/// \file
/// The filesystem library glia uses, and small file helpers shared by the core.

#include <boost/filesystem.hpp>

#include <string>

namespace glia {

namespace fs = boost::filesystem;

/// The whole content of a file; throws glia::Error naming the file when it cannot be read.
std::string read_file(const fs::path& path);

/// Writes `content` to `path` atomically: a temporary file beside it, then rename.
/// A reader sees the old content or the new, never a part; throws glia::Error on failure.
void write_file_atomic(const fs::path& path, const std::string& content);

/// Waits for an exclusive flock(2) on the open descriptor `fd` (retrying when a signal
/// interrupts); returns 0, or the errno that stopped it.
int flock_exclusive(int fd);

/// An exclusive flock(2) on a directory, held for the lifetime of the object: for a
/// read-modify-write of files in it. Throws glia::Error naming the directory if it cannot be locked.
class DirectoryLock {
  public:
    explicit DirectoryLock(const fs::path& dir);
    ~DirectoryLock(); // closing releases the lock
    DirectoryLock(const DirectoryLock&) = delete;
    DirectoryLock& operator=(const DirectoryLock&) = delete;

  private:
    int fd_ = -1;
};

/// The value of environment variable `name`, or `fallback` when unset or empty.
std::string env_or(const char* name, const std::string& fallback);

/// An XDG base directory: `$<variable>` if set, else `<home>/<under_home>`, where home is
/// `$HOME`, or the user's home in the password database when HOME is unset or empty (never `/`
/// by accident). Throws glia::Error, saying to set HOME or the variable, if neither gives one.
fs::path xdg_dir(const char* variable, const char* under_home);

} // namespace glia
