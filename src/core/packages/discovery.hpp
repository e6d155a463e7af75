#pragma once
/// \file
/// Finding packages on the search path (docs/architecture.md, "Packages"): GLIA_PATH entries, then the
/// user's data directory, then the install prefix; the first package of a name wins.

#include "base/diagnostic.hpp"
#include "base/fs.hpp"
#include "packages/package.hpp"

#include <string>
#include <vector>

namespace glia {

/// One place packages are looked for.
struct SearchRoot {
    fs::path dir;
    std::string origin; ///< "GLIA_PATH", "user", "python" or "install", for messages
    fs::path python = {}; ///< for a Python site directory ("python"): the interpreter that reads it
};

/// The search path in order: GLIA_PATH, the user's packages, the Python site directories (whose
/// distributions advertise packages, python_packages.hpp), the packages shipped with glia.
/// A GLIA_PATH entry may be a package itself or a folder of packages.
/// Relative GLIA_PATH entries are taken relative to `relative_to` (the model folder), or to the
/// working directory when it is empty.
std::vector<SearchRoot> package_search_path(const fs::path& relative_to = {});

/// The GLIA_PATH entries that are relative paths (they depend on the folder they are read from).
std::vector<fs::path> relative_search_entries();

/// How to take the package that holds `file` off the search path, as an instruction ("uninstall
/// package 'x' ('glia uninstall x')"), by where discovery found it.
Message advice_to_remove(const std::string& package, const fs::path& file);

/// Where `package` came from, for `glia list` and `glia show-pkg`: "GLIA_PATH", "the user's
/// packages (glia install)", "Python distribution <name> <version> (<dist-info>)" or "the packages
/// shipped with glia".
Message package_source(const Package& package);

/// The folders discovery reads as packages for `root` (each one that is_package_dir): a GLIA_PATH entry
/// that is a package itself, else the folders in it (links to folders too), by their text. None for a
/// Python site folder, whose distributions name their packages (python_packages.hpp).
std::vector<fs::path> folders_to_search(const SearchRoot& root);

/// The user's package directory: `${XDG_DATA_HOME:-~/.local/share}/glia/packages`.
fs::path user_package_dir();

/// The packages shipped with glia: `<prefix>/share/glia/packages`.
fs::path installed_package_dir();

/// A package that lost to an earlier one of the same name.
struct ShadowedPackage {
    std::string name;
    fs::path dir;
    fs::path winner;
};

/// The outcome of discovery: the packages, and what went wrong without stopping it.
struct Discovery {
    std::vector<Package> packages;          ///< sorted by name
    std::vector<ShadowedPackage> shadowed;  ///< duplicates that lost to an earlier entry
    std::vector<Diagnostic> problems;       ///< packages that could not be read, each left out: one error each
    size_t mods_read = 0;                   ///< mods read and scanned (the rest were known by their stamps)
    size_t python_starts = 0;               ///< Glia 4.x declarations asked of Python (the rest were remembered)
};

struct PackageList;

/// Discovers every package on the search path (relative entries as in package_search_path).
/// Broken packages are reported in `problems`. With `only`, packages it does not list are left
/// out after reading their name (packages/package_list.hpp); listed ones that are missing are problems.
Discovery discover_packages(const fs::path& relative_to = {}, const PackageList* only = nullptr);

} // namespace glia
