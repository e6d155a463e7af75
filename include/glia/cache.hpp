#pragma once
/// \file
/// The build cache directory and its lock (docs/architecture.md, "Build and cache").
///
/// Layout under the cache root:
///   CACHEDIR.TAG              the Cache Directory Tagging Specification's tag (backup tools skip it)
///   glia-cache                glia's mark and the layout's version: what makes a directory glia's cache
///   lock                      flock(2) target; held by whoever builds
///   objects/<kk>/<key>.o      one compiled mechanism, key = hash of everything that made it
///   libs/<key>/libglia-<package>.so  one linked package library, key = hash of its objects
///   libs/<key>/libglia-<package>.set1.o  its objects as one, for set libraries (load_set.hpp)
///   sets/<key>/libglia-set.so  one library of a whole load set (load_set.hpp), key = hash of its
///                             package libraries' keys in load order
///   sets/<key>/members        those package libraries' keys (what `collect_garbage` checks)
///   tmp/<key>.<pid>/          scratch space of a running build, removed when it ends
///   starts/<key>              what a NEURON start found and built, with the stamps that decided it,
///                             key = hash of its question (start_record.hpp)
///   manifest                  stamps of hashed files and their keys (manifest.hpp)
///   scans                     what discovery learnt of each mod, by stamp (scan_memo.hpp);
///                             the one file written without the lock (replaced atomically)
/// Every file is published by rename, so a file present under objects/, libs/ or sets/ is complete.
/// Whoever writes anything else here holds the lock, so scratch space found by a lock holder was
/// left by a build that died, and is removed.

#include "glia/disk.hpp"
#include "glia/fs.hpp"

#include <cstdint>
#include <string>

namespace glia {

/// `${GLIA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/glia}`.
fs::path cache_root();

/// Why glia may not write into or remove from `root`; empty if it may: `root` is absent, an
/// empty directory, glia's cache (marked), or an unmarked directory that holds nothing but
/// glia's layout (a cache made by glia before caches were marked). Never writes.
std::string cache_problem(const fs::path& root);

/// Makes `root` glia's cache before anything is written there: creates it and marks it (the
/// tag and glia's mark; an unmarked old cache is adopted the same way). Throws glia::Error with
/// cache_problem's reason for any other directory. A cache glia may only read is not marked.
void claim_cache(const fs::path& root);

/// An exclusive lock on `<root>/lock` (a FileLock), held for the lifetime of the object.
class CacheLock {
  public:
    /// Claims the cache (claim_cache) and blocks until the lock is held; throws glia::Error if
    /// `root` is not glia's cache or cannot be created.
    explicit CacheLock(const fs::path& root);
    /// True if the lock file is gone: the cache was removed while the lock was held.
    bool removed() const { return lock_.removed(); }

  private:
    FileLock lock_;
};

/// Where the cache keeps the object of key `key`: `objects/<kk>/<key>.o`.
fs::path object_path(const fs::path& root, const std::string& key);

/// Where the cache keeps library `name` linked under key `key`: `libs/<key>/libglia-<name>.so`.
fs::path library_path(const fs::path& root, const std::string& key, const std::string& name);

/// Where the cache keeps the objects of package library `library` linked into one for set libraries
/// (load_set.hpp): beside it, `libs/<key>/libglia-<package>.set1.o`; it goes when the library goes.
fs::path load_set_part_path(const fs::path& library);

/// Removes the set part of package library `library` (load_set_part_path) of the cache at `root`: only a plain
/// file in real folders of the cache, never a link or what one points to.
void remove_load_set_part(const fs::path& root, const fs::path& library);

/// Where the cache keeps the set library of key `key` (load_set.hpp): `sets/<key>/libglia-set.so`.
fs::path load_set_path(const fs::path& root, const std::string& key);

/// Removes the set library of key `key` (load_set_path), its members file kept: only a plain file in a
/// real folder of the cache, never a link or what one points to.
void remove_set_library(const fs::path& root, const std::string& key);

/// Removes each set library linked from package library `library_key` (remove_set_library): that library
/// was linked again, so they may hold other code than it now does.
void remove_set_libraries_with(const fs::path& root, const std::string& library_key);

/// The list of package libraries a set library was linked from: `sets/<key>/members`.
fs::path load_set_members_path(const fs::path& root, const std::string& key);

/// This process's scratch folder for the work of key `key`: `tmp/<key>.<pid>/`.
fs::path scratch_path(const fs::path& root, const std::string& key);

/// Creates `dir` and its parents; throws glia::Error naming it on failure.
void make_dirs(const fs::path& dir);

/// For a build step that failed with `output`: if the cause is the cache itself (no space left,
/// read-only, permission denied), one sentence naming the cache directory and what to do;
/// otherwise empty. Build failures append it, since the tools name only glia's scratch files.
std::string cache_trouble(const fs::path& root, const std::string& output);

/// Moves a compiled object or linked library from scratch space to `to` in the cache, by rename,
/// once it is known to be whole: a complete ELF file (section header table within the file),
/// flushed to disk. A tool that runs out of space can exit 0 and leave a truncated file (ld on a
/// full tmpfs does), which dlopen would trust. Throws glia::Error naming the file and what to
/// do; `from` is removed then. `disk` makes the folder and renames.
void publish(const fs::path& from, const fs::path& to, const fs::path& root, Disk& disk = system_disk());

/// `<root>/manifest`.
fs::path manifest_path(const fs::path& root);

/// The start record of key `key` (start_record.hpp): `<root>/starts/<key>`.
fs::path start_record_path(const fs::path& root, const std::string& key);

/// Removes the scratch space of dead builds. Call with the lock held.
void remove_scratch(const fs::path& root);

/// Removes everything glia keeps under `root` (objects, libraries, manifest, scratch), under
/// the lock; only files of glia's layout, named as glia names them. Processes that already
/// loaded a library keep working.
void clear_cache(const fs::path& root);

/// What `collect_garbage` removed.
struct GarbageCollected {
    size_t objects = 0;
    size_t libraries = 0;
    size_t set_libraries = 0; ///< set folders (sets/<key>/, load_set.hpp)
    size_t start_records = 0; ///< start records whose files changed (starts/<key>, start_record.hpp)
    uintmax_t bytes = 0;
};

/// Removes the objects and libraries no environment uses any more, under the lock: an object
/// is in use while a mod file still has the stamp recorded when it was built, a library while
/// it is the last one built for a package directory that still exists, a set library while every package
/// library it was linked from is in use.
GarbageCollected collect_garbage(const fs::path& root);

} // namespace glia
