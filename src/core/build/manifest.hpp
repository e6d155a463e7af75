#pragma once
/// \file
/// The build manifest: what the cache remembers about the files it hashed, so that an
/// unchanged set of mods costs `stat` calls instead of reading and hashing (docs/architecture.md,
/// "Build and cache"). It lives at `<cache>/manifest` and is read and written under the
/// cache lock; the format is described at the top of manifest.cpp.

#include "store/cache.hpp"
#include "base/file_stamp.hpp"
#include "base/fs.hpp"
#include "packages/mod_includes.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace glia {

/// What the manifest holds of one mod, as `find` hands it out: views into the manifest (or into the
/// ManifestMod it was made from), valid while that lives unchanged. A start looks up every installed
/// mod, so the manifest it reads is not taken apart into strings.
struct ManifestModView {
    std::string_view path;
    std::string_view object_key;
    int64_t recorded_ns = 0;
    FileStamp stamp;
    std::vector<std::pair<std::string_view, FileStamp>> includes;
};

/// How the manifest names a build in its entries: a hash of the toolchain's `identity` (Toolchain::identity) and
/// of where it looks for includes, so an entry never vouches for a key made with other include folders.
std::string manifest_toolchain(const std::string& identity, const IncludeSearch& search);

/// What was learnt when one mod was hashed.
struct ManifestMod {
    std::string path;         ///< the mod file, absolute
    std::string name;         ///< the full name it was built as
    std::string toolchain;    ///< hash of the toolchain identity it was built with
    int64_t recorded_ns = 0;  ///< when the stamps were taken
    FileStamp stamp;          ///< the mod file's stamp
    std::string object_key;   ///< the object's cache key
    std::vector<std::pair<std::string, FileStamp>> includes; ///< each included file (absolute) and its stamp
    /// This entry as `find` would hand it out.
    ManifestModView view() const;
};

/// Which library a package directory was last linked into, for one NEURON version (a cache shared
/// by builds for NEURON 8.2 and 9 holds one of each, and never hands one NEURON the other's).
struct ManifestLibrary {
    std::string package_dir; ///< the package directory, absolute
    std::string package;     ///< the package name
    std::string key;         ///< the library's cache key
    std::string neuron;      ///< the NEURON version it was built for (the toolchain's), e.g. 9.0.2
};

/// The manifest's content, keyed for lookup.
class BuildManifest {
  public:
    /// Reads `file`. A missing file, or one written by another format version, gives an
    /// empty manifest (it is only a cache: everything is then hashed once more).
    static BuildManifest load(const fs::path& file);
    /// Writes atomically (temporary file + rename).
    void save(const fs::path& file) const;

    /// The entry for `path` built as `name` with `toolchain`, if there is one.
    std::optional<ManifestModView> find(std::string_view path, std::string_view name, std::string_view toolchain) const;
    /// Adds or replaces the entry of the same (path, name, toolchain).
    void put(ManifestMod mod);
    /// Adds or replaces the library of the same (package_dir, package, neuron).
    void put_library(ManifestLibrary library);

    /// Every mod entry, by (path, name, toolchain).
    std::vector<ManifestMod> mods() const;
    const std::map<std::string, ManifestLibrary>& libraries() const { return libraries_; }
    /// Keeps only the entries `keep` accepts.
    void prune(const std::function<bool(const ManifestMod&)>& keep_mod,
               const std::function<bool(const ManifestLibrary&)>& keep_library);
    /// True if `put`, `put_library` or `prune` changed anything since loading.
    bool changed() const { return changed_; }

  private:
    /// A mod entry of the file read, as views into it (its include lines follow its own line).
    struct Read {
        std::string_view path, name, toolchain, object_key, include_lines;
        int64_t recorded_ns = 0;
        FileStamp stamp;
        ManifestModView view() const;
        ManifestMod owned() const;
    };
    /// `read_`'s entries that `put` has not replaced and `prune` has not taken out, in order.
    template <class Visit> void for_each_read(Visit visit) const;
    std::unique_ptr<const std::string> text_; ///< the file read: `read_` points into it
    std::vector<Read> read_;                  ///< by (path, name, toolchain), as the file lists them
    std::map<std::string, ManifestMod> mods_; ///< entries put since (they replace read ones of their id)
    std::map<std::string, ManifestLibrary> libraries_;
    bool changed_ = false;
};

/// True if every stamp recorded in `entry` still matches the file system and every file had
/// settled when it was recorded: then its object key can be used without reading anything.
/// `mod_now` is the mod file's stamp if the caller has just taken it (discovery does).
bool manifest_entry_current(const ManifestModView& entry, const FileStamp* mod_now = nullptr);

/// `<root>/manifest`.
fs::path manifest_path(const fs::path& root);

/// The manifest in the cache (cache.hpp), and its rule for the store's objects and libraries: an object is
/// in use while a mod file still has the stamp recorded when it was built, a library while it is the last
/// one built for a package directory that still exists.
const CacheFormat& manifest_format();

} // namespace glia
