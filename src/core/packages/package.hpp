#pragma once
/// \file
/// A package: a directory of mod files with a manifest `glia-package.yaml` (or the legacy
/// layout of files named `glia__<pkg>__<asset>__<variant>.mod`). See docs/architecture.md, "Packages".

#include "base/file_stamp.hpp"
#include "base/fs.hpp"
#include "base/names.hpp"
#include "packages/nmodl.hpp"

#include <functional>
#include <string>
#include <vector>

namespace glia {

/// The manifest's file name.
inline constexpr const char* kManifestName = "glia-package.yaml";
/// The folder of a package's mods named by convention (`<asset>.mod`, `<asset>__<variant>.mod`).
inline constexpr const char* kModsFolderName = "mods";

/// One mechanism of a package, as found on disk.
struct ModFile {
    MechanismName name; ///< package, asset, variant
    fs::path path;      ///< the original .mod file (never written to)
    NmodlInfo nmodl;    ///< what its NEURON block declares
    FileStamp stamp{};  ///< the file's stamp, taken before it was read (or found in the scan memo)
    /// A model folder's mod (glia nrnivmodl): compiled under its own NEURON name and file name, as
    /// written, as NEURON's nrnivmodl compiles it; `name` only keys it in the cache.
    bool own_name = false;
};

/// A package as discovered.
struct Package {
    std::string name;
    std::string version;
    std::string description;
    fs::path dir;           ///< the package directory
    std::vector<ModFile> mods;
    /// For a package installed with pip (python_packages.hpp): the Python distribution that
    /// installs it, its version and its dist-info folder; empty for a package folder.
    std::string distribution;
    std::string distribution_version;
    fs::path distribution_path;
    /// Where discovery found it: "GLIA_PATH", "user", "python" or "install" (discovery.hpp).
    std::string origin;
};

/// A mod that a package declares outside a manifest (a Glia 4.x `Mod(...)`): its file relative
/// to the package directory, its asset and its variant.
struct DeclaredMod {
    fs::path file;
    std::string asset;
    std::string variant;
};

/// The mods of `package` in the order NEURON's `nrnivmodl` registers them when the package's mod
/// files sit in one folder: by file name alone (a manifest's subfolders do not count), compared
/// byte by byte as `*.mod` sorts in the C locale; two files of one name (in different subfolders)
/// follow by their whole path. NEURON sums a section's currents in registration order, so only
/// this order makes a package's results bit-identical to its `nrnivmodl` build.
std::vector<const ModFile*> registration_order(const Package& package);

/// True if `dir` looks like a package: a manifest, a `mods/` folder, or legacy-named mod files.
bool is_package_dir(const fs::path& dir);

class ScanMemo;

/// The package `model` that stands for the mod files of a model folder (glia nrnivmodl): of each
/// input, a folder's `*.mod` files (by file name, C locale) or one mod file (a name without
/// `.mod` means it), inputs in the order given, which is the order NEURON's `nrnivmodl`
/// registers them in. Each mod keeps its own name (`own_name`). Unlike a package's, its mods
/// may be links to files elsewhere, as nrnivmodl allows. Throws Error for an input that is
/// neither, and for two mods of one file name (their registration functions would clash).
Package load_model_mods(const std::vector<fs::path>& inputs, ScanMemo* memo = nullptr);

/// Reads the package in `dir`. Throws ParseError (file:line:column) for a malformed manifest,
/// InvalidName for a bad name and Error for anything else that makes it unusable.
/// With a `memo`, a mod file whose stamp it vouches for is not read again. A package whose name
/// `wanted` refuses is returned with its name and no mods, its mod files not even listed.
Package load_package(const fs::path& dir, ScanMemo* memo = nullptr,
                     const std::function<bool(const std::string&)>& wanted = {});

/// The package `name` in `dir` made of `mods`, checked as a manifest's `mods:` are (inside the
/// package, existing, valid names, one file per asset and variant); `where` names the declaration
/// in messages.
Package load_declared_package(const fs::path& dir, const std::string& name, const std::vector<DeclaredMod>& mods,
                              const std::string& where, ScanMemo* memo = nullptr);

} // namespace glia
