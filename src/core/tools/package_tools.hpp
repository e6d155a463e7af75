#pragma once
/// \file
/// Making packages: the rules behind `glia new`, `glia add`, `glia check` and `glia import`.
/// They write only into the package an author is making, never into an installed one.

#include "base/diagnostic.hpp"
#include "base/fs.hpp"
#include "resolve/index.hpp"
#include "packages/package.hpp"
#include "build/toolchain.hpp"

#include <string>
#include <vector>

namespace glia {

/// Creates the skeleton of package `name` in `dir` (which must not exist or be empty):
/// `glia-package.yaml`, `README.md` (a title, then `readme`: the front end's words on how to go on)
/// and an empty `mods/`. Throws InvalidName for a bad name and Error if `dir` already holds files.
void create_package(const fs::path& dir, const std::string& name, const std::string& readme = {});

/// The asset and variant `glia add` gives `file` when the user names none: `<asset>.mod` is
/// variant 0, `<asset>__<variant>.mod` that variant, `glia__<pkg>__<asset>__<variant>.mod` its
/// asset and variant; a file name that is no valid asset falls back to the NEURON block's name.
/// Throws InvalidName, saying to name the asset, when neither gives a valid name.
MechanismName guess_mod_name(const fs::path& file, const NmodlInfo& info);

/// What `add_mod_file` did.
struct AddResult {
    ModFile mod;                    ///< the mechanism as the package now has it
    std::vector<fs::path> copied;   ///< every file written: the mod and the includes it needed
    std::vector<std::string> notes; ///< things worth telling the user (SUFFIX nothing, kept includes)
};

/// Copies `file` into the package at `package_dir` as `mods/<asset>[__<variant>].mod`, with the
/// files it INCLUDEs (relative ones, into the same relative place under `mods/`). Empty `asset`
/// or `variant` are guessed by guess_mod_name. Throws Error if `package_dir` is not a package,
/// its manifest lists mods explicitly, the NEURON block cannot be read, or the target exists and
/// `replace` is false.
AddResult add_mod_file(const fs::path& package_dir, const fs::path& file, std::string asset = {},
                       std::string variant = {}, bool replace = false);

/// What `check_package` found.
struct CheckReport {
    std::string package;                ///< the package name, empty if it could not be read
    std::vector<MechanismName> checked; ///< the mechanisms that translated cleanly
    std::vector<Diagnostic> findings;   ///< errors, and warnings (the package still works)
    bool ok() const;                    ///< no errors (warnings allowed)
};

/// Validates the package in `dir`: the manifest and every name, each mod's NEURON block and
/// includes, clashes between its SUFFIX-nothing functions, and (when `toolchain` is given)
/// that every mod, rewritten to its full name, translates with nocmodl. Never throws for a
/// problem of the package: each one is a finding.
CheckReport check_package(const fs::path& dir, const Toolchain* toolchain);

/// How `import_mod_folder` should make the package.
struct ImportOptions {
    std::string name;       ///< the new package's name
    fs::path out;           ///< the folder to create the package in (it becomes `out/<name>`)
    bool replace = false;   ///< replace `out/<name>` if it is a package an earlier import made, as it made it
};

/// One mod of an imported folder and what became of it.
struct ImportedMod {
    fs::path source;      ///< the original file
    MechanismName name;   ///< the asset and variant it got
    MechanismKind kind = MechanismKind::density;
};

/// What `import_mod_folder` did and found.
struct ImportReport {
    fs::path package_dir;
    std::vector<ImportedMod> mods;
    std::vector<fs::path> includes;     ///< files carried along because a mod INCLUDEs them
    std::vector<Diagnostic> skipped;    ///< mods left out, each with the reason
    std::vector<std::string> renamed;   ///< names that had to change, with the reason
    std::vector<Message> clashes;       ///< what overlaps with installed packages
};

/// Turns the mod files of `source` (and its subfolders, except build output such as x86_64/)
/// into package `options.name` in `options.out/<name>`: each asset named after its NEURON block
/// (variants for repeated names), INCLUDE'd files carried along, a manifest and a README.
/// `installed` is what is already on the search path; the report lists assets it also provides
/// (so resolution will need a preference) and SUFFIX-nothing functions it already defines.
/// The package is written to a temporary folder and renamed into place, so a failed import
/// leaves nothing behind; it is marked as made by 'glia import' (made_marker.hpp), with every file
/// it wrote. Throws Error if there is nothing to import, if the target is the source, holds it or
/// lies in it, or if it exists and is not a package an import made (or is one, and `replace` is
/// false, or it holds files that import did not write or that changed since: they are named).
ImportReport import_mod_folder(const fs::path& source, const ImportOptions& options,
                               const std::vector<Package>& installed);

/// `text` made into a valid asset name: invalid characters become `_`, runs of `_` shrink to
/// one, leading and trailing `_` go, and a name that does not start with a letter gets `m`.
/// Returns empty if nothing usable is left.
std::string sanitize_asset_name(const std::string& text);

} // namespace glia
