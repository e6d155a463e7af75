#pragma once
/// \file
/// The build cache directory and its lock (DESIGN.md, "Build and cache").
///
/// Layout under the cache root:
///   lock                      flock(2) target; held by whoever builds
///   objects/<kk>/<key>.o      one compiled mechanism, key = hash of everything that made it
///   libs/<key>/libglia-<package>.so  one linked package library, key = hash of its objects
///   tmp/<key>.<pid>/          scratch space of a running build, removed when it ends
/// Every file is published by rename, so a file present under objects/ or libs/ is complete.

#include "glia/fs.hpp"

#include <string>

namespace glia {

/// `${GLIA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/glia}`.
fs::path cache_root();

/// An exclusive lock on `<root>/lock`, held for the lifetime of the object.
class CacheLock {
  public:
    /// Blocks until the lock is held; throws glia::Error if the cache cannot be created.
    explicit CacheLock(const fs::path& root);
    ~CacheLock();
    CacheLock(const CacheLock&) = delete;
    CacheLock& operator=(const CacheLock&) = delete;

  private:
    int fd_ = -1;
};

/// Creates `dir` and its parents; throws glia::Error naming it on failure.
void make_dirs(const fs::path& dir);

} // namespace glia
