#pragma once
/// \file
/// Building packages into mechanism libraries (docs/architecture.md, "Build and cache"):
/// rewrite -> nocmodl -> compile -> link, one library per package, keyed by content.

#include "build/build_events.hpp"
#include "base/disk.hpp"
#include "base/fs.hpp"
#include "packages/mod_includes.hpp"
#include "base/names.hpp"
#include "packages/package.hpp"
#include "build/package_library.hpp"
#include "base/process.hpp"
#include "build/toolchain.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// How to build.
struct BuildOptions {
    unsigned jobs = 0;    ///< parallel compiles; 0 means the number of cores
    bool force = false;   ///< rebuild even what the cache holds
    bool verbose = false; ///< tell every command (and notes) to the observer
    bool link = true;     ///< false: compile the objects only (glia nrnivmodl links its own library)
    /// Also link the packages' libraries into one library for the whole load set (load_set.hpp).
    bool link_set = false;
    /// true: a mod that failed with the same key is not tried again, its remembered failure is reported
    /// (NEURON's start; build/failure_memo.hpp). Every build remembers the failures it meets.
    bool reuse_failures = false;
    /// Directories the compile searches besides the mod's own (nrnivmodl's -incflags -I): a header a
    /// mod includes that is found in one is part of the mod's key, so editing it recompiles the mod.
    std::vector<fs::path> include_dirs;
    /// nocmodl's MODL_INCLUDE folders (glia nrnivmodl passes the user's, as NEURON's nrnivmodl does; a package
    /// build none, so that what it reads is in the package). Part of every key they can change.
    std::vector<fs::path> modl_include;
    /// Hears the build's progress, commands and warnings (build_events.hpp); must outlive the build.
    BuildObserver* observer = &silent_observer();
    /// Who runs the tools and does the file operations: the system's, unless a unit test puts in
    /// its own to drive failures (process.hpp, disk.hpp).
    CommandRunner* runner = &system_runner();
    Disk* disk = &system_disk();
};

/// Counts of what a build did, for tests and benchmarks.
struct BuildStats {
    unsigned translated = 0; ///< mods run through nocmodl
    unsigned compiled = 0;   ///< objects compiled
    unsigned linked = 0;     ///< libraries linked
    unsigned sets_linked = 0;///< set libraries linked (load_set.hpp)
    unsigned reused = 0;     ///< objects the cache already had
    unsigned hashed = 0;     ///< mods read and hashed (the rest were known by their stamps alone)
};

/// The outcome of `build_packages`.
struct BuildResult {
    std::vector<PackageLibrary> libraries; ///< one per package, in the order given
    fs::path set_library;                  ///< all of `libraries` in one (load_set.hpp); empty if none
    std::string set_key;                   ///< its key (load_set_key), with it
    BuildStats stats;
    bool ok() const;                       ///< true if no mechanism failed
};

/// Builds every package into the cache at `cache`, under its lock. Never throws for a
/// mechanism that fails to build: that is reported in its library's `failures`.
/// A mod whose file and includes have the stamps the manifest recorded (and had settled then)
/// is not read at all; see manifest.hpp.
BuildResult build_packages(const std::vector<Package>& packages, const Toolchain& toolchain,
                           const fs::path& cache, const BuildOptions& options);

/// Where the build's tools look for includes (mod_includes.hpp).
IncludeSearch include_search(const BuildOptions& options);

/// The name of the file nocmodl translates for `mod`, without `.mod`; nocmodl names the C file and
/// the registration function after it: the full name, or the file's own stem for an `own_name` mod.
std::string translation_stem(const ModFile& mod);

/// The text glia compiles for `mod` (whose file holds `text`): its NEURON block declares the full
/// name, except `SUFFIX nothing`, which keeps its own (its C globals depend on it), and an `own_name`
/// mod, compiled as written.
std::string build_source(const ModFile& mod, std::string_view text);

/// Translates `rewritten` (the build source of a mod whose file is in `mod_dir`) with nocmodl
/// into `work`, run as the builder runs it: in the mod's own directory, so that INCLUDE files
/// resolve as they always did. Not ok if nocmodl wrote neither `.c` (NEURON 8.2) nor `.cpp` (9).
/// `log`, if set, sees the command.
ProcessResult translate_mod(const Toolchain& tc, const fs::path& rewritten, const fs::path& mod_dir,
                            const fs::path& work,
                            const std::function<void(const std::vector<std::string>&)>& log = {});

/// The mods of `package` that `lib` (its library) holds, in the package's order.
std::vector<const ModFile*> mods_in(const PackageLibrary& lib, const Package& package);

/// Builds nothing (a front end turned compiling off), so needs no toolchain: each package gets the
/// library it was last linked into, however old (with a warning naming mods changed since), and a
/// package the cache has no library for reports its mods as failures; the set library of those libraries
/// if the cache has it (never linked here). Reads the manifest without the lock.
BuildResult last_built(const std::vector<Package>& packages, const fs::path& cache);

} // namespace glia
