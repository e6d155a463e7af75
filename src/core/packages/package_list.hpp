#pragma once
/// \file
/// Which packages a model loads. A model that uses a handful of mechanisms need not pay, at every
/// start, for every package installed: the `load:` list of its glia.yaml, or GLIA_LOAD for a script,
/// names the packages to build and load; the others are not read beyond their manifest's name, not
/// built and not loaded, so their names are unknown to HOC. Without a list everything installed loads.

#include "base/diagnostic.hpp"
#include "base/fs.hpp"
#include "packages/package.hpp"
#include "preferences/preferences.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// The variable that lists the packages for a script: names separated by commas (or colons).
inline constexpr const char* kLoadVariable = "GLIA_LOAD";

/// The packages a model loads and where that list comes from.
struct PackageList {
    std::vector<ListedPackage> packages;
    std::string source; ///< "GLIA_LOAD" or the glia.yaml's path, for messages

    bool contains(const std::string& name) const;
};

/// The list in force for the model folder `model_dir`: GLIA_LOAD when set and not empty, else the
/// `load:` of the glia.yaml found from `model_dir` upwards (none when `model_dir` is empty), else
/// nullopt (load every installed package). Throws ParseError for a malformed glia.yaml and
/// InvalidName for a bad name in GLIA_LOAD.
std::optional<PackageList> model_package_list(const fs::path& model_dir);

/// One error for each listed package that is not among `installed`, naming where it is listed.
std::vector<Diagnostic> listed_but_missing(const PackageList& list, const std::vector<Package>& installed);

/// Why `asset` (an asset or a full `glia__` name) is unknown while `list` is in force: the installed
/// packages that provide it but that the list leaves out, and how to add them ("unknown mechanism
/// 'X': package 'P' provides it, but the `load:` list of F leaves P out ..."). Empty when no left-out
/// package provides it. `installed` is every package on the search path (discover_packages, unfiltered):
/// for an error, never for a start.
Message left_out_by_list(const PackageList& list, std::string_view asset, const std::vector<Package>& installed);

} // namespace glia
