#pragma once
/// \file
/// The file operations the builder performs, behind an interface (ninja's DiskInterface):
/// `system_disk()` does them for real; a unit test puts in one that fails where it wants, to
/// check what the builder then reports and that nothing half-finished looks finished.

#include "base/fs.hpp"

#include <string>

namespace glia {

/// What the builder does to files. Called from several threads at once.
class Disk {
  public:
    virtual ~Disk() = default;
    /// True if something is at `path`; false also when that cannot be told.
    virtual bool exists(const fs::path& path) = 0;
    /// The whole file; throws glia::Error naming it (read_file).
    virtual std::string read(const fs::path& path) = 0;
    /// Replaces `path` atomically; throws glia::Error naming it (write_file_atomic).
    virtual void write(const fs::path& path, const std::string& content) = 0;
    /// Creates `dir` and its parents; throws glia::Error naming it, with `advice` (make_dirs).
    virtual void make_dirs(const fs::path& dir, const Message& advice) = 0;
    /// Removes `path` and all under it, if it is there; failures are ignored (scratch space).
    virtual void remove_all(const fs::path& path) = 0;
    /// rename(2): 0, or the errno that stopped it.
    virtual int rename(const fs::path& from, const fs::path& to) = 0;
};

/// The real file system; a test derives from it to make one operation fail.
class SystemDisk : public Disk {
  public:
    bool exists(const fs::path& path) override;
    std::string read(const fs::path& path) override;
    void write(const fs::path& path, const std::string& content) override;
    void make_dirs(const fs::path& dir, const Message& advice) override;
    void remove_all(const fs::path& path) override;
    int rename(const fs::path& from, const fs::path& to) override;
};

/// The one SystemDisk everybody shares.
Disk& system_disk();

} // namespace glia
