#pragma once
/// \file
/// The start record: what one NEURON start discovered and built, with the stamp of every file and folder
/// that decided it. The next start that asks the same question checks those stamps, one `stat` each, and
/// takes the packages and their libraries from the record instead of discovering them, reading the scan
/// memo and the build manifest, and checking the build. It lives at `<cache>/starts/<key>`.
///
/// What a record stamps:
///   - each search-path folder with its manifest and mods folder, and each folder in it with its
///     manifest and mods folder: a package added, removed, renamed or made a package changes one;
///   - each package's folder, manifest and mods folder, and each mod file (kept with its scan);
///   - every file the build keyed each mod's object by, as the build manifest stamps them: each place of
///     its includes, nested ones too (mod_includes.hpp), and what else the compiler said it read;
///   - each package library and the set library: a cache cleared, collected or a set library given up
///     changes them.
/// The question holds the rest: glia's version, the search path itself, the model's package list, the
/// build's include folders and the toolchain's identity.
///
/// Only a clean start is recorded: nothing went wrong in discovery, nothing was shadowed, no package came
/// from Python (its discovery reads more than folders), every mod built, and there is a set library. And
/// only when everything it stamps had settled before the start began (file_stamp.hpp): a file changed while
/// the start ran, or just before, leaves no record, so a record never vouches for what it did not read.

#include "build/build.hpp"
#include "store/cache.hpp"
#include "packages/discovery.hpp"
#include "packages/package_list.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace glia {

/// What a start is asked besides its files: the same question finds the same record.
struct StartQuestion {
    std::vector<SearchRoot> roots;      ///< package_search_path
    std::optional<PackageList> only;    ///< the model's package list
    std::string toolchain;              ///< Toolchain::identity()
    std::vector<fs::path> include_dirs; ///< the build's (BuildOptions)
};

/// The key of `question`: its record is `start_record_path(cache, key)`.
std::string start_key(const StartQuestion& question);

/// A recorded start: its discovery (the packages) and its build (their libraries, the set library). The
/// libraries' objects are not kept: only linking needs them.
struct RecordedStart {
    Discovery found;
    BuildResult built;
};

/// The start recorded in `file` if every file and folder it stamps is as it was; nullopt if there is
/// no record, a damaged one, or anything changed. Never throws.
std::optional<RecordedStart> recorded_start(const fs::path& file);

/// Records in `file` the start that began at `started_ns` (before it read anything) and found `found`
/// and built `built` for `question`, if that start was clean and everything it stamps had settled by then.
/// Returns true if it did. Never throws: a record that cannot be written costs the next start only the
/// full way.
bool record_start(const fs::path& file, int64_t started_ns, const StartQuestion& question, const Discovery& found,
                  const BuildResult& built);

/// The start record of key `key`: `<root>/starts/<key>`.
fs::path start_record_path(const fs::path& root, const std::string& key);

/// The start records in the cache (cache.hpp), `starts/<key>`: one whose files changed serves no start
/// again (what it names may be gone now, too), so a collection removes it.
const CacheFormat& start_record_format();

} // namespace glia
