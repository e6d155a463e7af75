#pragma once
/// \file
/// Installing packages into the user's package directory and removing them again
/// (`glia install`, `glia uninstall`). A package is either fully installed or not at all:
/// it is copied into a staging folder beside the package directory, validated with
/// load_package, and only then renamed into place.

#include "base/fs.hpp"
#include "packages/package.hpp"

#include <string>

namespace glia {

/// What `install_package` did.
struct InstallResult {
    Package package;      ///< the package as installed (its dir is the installed copy)
    bool replaced = false;///< an older copy of the same name was replaced
};

/// True if `path` names an archive `install_package` can unpack (.tar.gz, .tgz, .tar.xz, .tar).
bool is_package_archive(const fs::path& path);

/// Installs the package in folder or archive `source` as `<packages_dir>/<name>`. An archive is
/// unpacked with tar into a temporary folder first; it may hold the package at its top or in one
/// folder. Throws Error if `source` is not a valid package (nothing is installed then), or if the
/// package is installed already and `replace` is false.
InstallResult install_package(const fs::path& source, const fs::path& packages_dir, bool replace = false);

/// Removes package `name` from `packages_dir` and returns the folder it was in. Throws Error if it
/// is not installed there (saying where it is instead, when it is elsewhere on the search path).
fs::path uninstall_package(const std::string& name, const fs::path& packages_dir);

} // namespace glia
