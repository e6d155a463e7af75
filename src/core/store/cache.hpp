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
///   tmp/<key>.<pid>/          scratch space of a running build, removed when it ends
/// and what each format keeps (a CacheFormat, each owning its names, header line and rule for what is in use):
///   sets/<key>/               one library of a whole load set and its members (load_set.hpp)
///   starts/<key>              what a NEURON start found and built (start_record.hpp)
///   manifest                  stamps of hashed files and their keys (manifest.hpp)
///   scans                     what discovery learnt of each mod, by stamp (scan_memo.hpp);
///                             the one file written without the lock (replaced atomically)
///   failures, python-packages the failure memo (failure_memo.hpp), the Python declarations (python_packages.hpp)
/// Every file is published by rename, so a file present under objects/, libs/ or sets/ is complete.
/// Whoever writes anything else here holds the lock, so scratch space found by a lock holder was
/// left by a build that died, and is removed. The store knows none of the formats: cache_formats()
/// lists them, from one place above them all (start/cache_formats.cpp).

#include "base/diagnostic.hpp"
#include "base/disk.hpp"
#include "base/fs.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// `${GLIA_CACHE_DIR:-${XDG_CACHE_HOME:-~/.cache}/glia}`.
fs::path cache_root();

/// Why glia may not write into or remove from `root`; empty if it may: `root` is absent, an
/// empty directory, glia's cache (marked), or an unmarked directory that holds nothing but
/// glia's layout (a cache made by glia before caches were marked). Never writes.
Message cache_problem(const fs::path& root);

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

/// This process's scratch folder for the work of key `key`: `tmp/<key>.<pid>/`.
fs::path scratch_path(const fs::path& root, const std::string& key);

/// What to do when the cache cannot be written: the advice make_dirs gets for a folder in the cache.
Message cache_advice();

/// True if `name` is a key as the cache names what it keeps by key (objects, libraries, records).
bool is_cache_key(std::string_view name);

/// For a build step that failed with `output`: if the cause is the cache itself (no space left,
/// read-only, permission denied), one sentence naming the cache directory and what to do;
/// otherwise empty. Build failures append it, since the tools name only glia's scratch files.
Message cache_trouble(const fs::path& root, const std::string& output);

/// Moves a compiled object or linked library from scratch space to `to` in the cache, by rename,
/// once it is known to be whole: a complete ELF file (section header table within the file),
/// flushed to disk. A tool that runs out of space can exit 0 and leave a truncated file (ld on a
/// full tmpfs does), which dlopen would trust. Throws glia::Error naming the file and what to
/// do; `from` is removed then. `disk` makes the folder and renames.
void publish(const fs::path& from, const fs::path& to, const fs::path& root, Disk& disk = system_disk());

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

/// A format kept in the cache besides the store's objects/, libs/ and tmp/: it owns its names directly under
/// the root, its header line and its rule for what is still in use. The store asks each when it checks
/// whose a folder is (cache_problem), clears (clear_cache) and collects (collect_garbage), the lock held.
class CacheFormat {
  public:
    virtual ~CacheFormat() = default;
    /// Nothing if `entry` (directly under the root) is not of this format's names; else the first thing at or
    /// under it that is not of the format, or an empty path if all is.
    virtual std::optional<fs::path> foreign_in(const fs::path& entry) const = 0;
    /// Removes all the format keeps under `root`, and only that.
    virtual void clear(const fs::path& root) const = 0;
    /// Removes what no environment uses any more, counted in `removed`; nothing by default (a memo).
    virtual void collect(const fs::path& /*root*/, GarbageCollected& /*removed*/) const {}
};

/// A file `<root>/<name>` whose first line starts with `header`, written by write_file_atomic (a memo).
class CacheFile : public CacheFormat {
  public:
    CacheFile(const char* name, const char* header) : name_(name), header_(header) {}
    std::optional<fs::path> foreign_in(const fs::path& entry) const override;
    void clear(const fs::path& root) const override;

  private:
    const char* name_;
    const char* header_;
};

/// The formats kept in the cache, in the order they are collected (the set libraries' rule needs the
/// manifest's collected first). Defined in one place above them all (start/cache_formats.cpp): the store's one call upward, at link
/// time; a format missing there reads as foreign.
const std::vector<const CacheFormat*>& cache_formats();

/// For a format's foreign_in: the first entry of `top` (folders named as `folder_ok` accepts, each holding plain
/// files named as `file_ok` accepts) that is not so, or an empty path if all are.
fs::path first_foreign_in_folders(const fs::path& top, bool (*folder_ok)(std::string_view),
                                  bool (*file_ok)(std::string_view));

/// For a format's collect: removes each object of the cache whose key `in_use` rejects, counting it.
void collect_objects(const fs::path& root, const std::function<bool(const std::string&)>& in_use,
                     GarbageCollected& removed);
/// For a format's collect: removes each library folder libs/<key>/ whose key `in_use` rejects, counting it.
void collect_libraries(const fs::path& root, const std::function<bool(const std::string&)>& in_use,
                       GarbageCollected& removed);

/// Removes what no environment uses any more, under the lock: each format's collect, in the order of
/// cache_formats() (manifest.hpp says which objects and libraries are in use, load_set.hpp which set
/// libraries, start_record.hpp which records).
GarbageCollected collect_garbage(const fs::path& root);

} // namespace glia
