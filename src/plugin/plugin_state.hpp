#pragma once
// What the plugin holds for the life of the NEURON process, and the few services every
// builtin uses: reporting (rank 0 only) and resolving under the scopes in force.

#include "resolve/index.hpp"
#include "packages/model_dir.hpp"
#include "packages/package.hpp"
#include "packages/package_list.hpp"
#include "resolve/resolver.hpp"

#include <optional>
#include <string>

namespace glia::plugin {

/// The lock check a load could not make (the model's folder was not known yet), for the first glia call:
/// the package list the load discovered with (the model's `load:` or GLIA_LOAD). The packages are not
/// kept for it: with thousands of mods that is much of the heap, for a lock few folders have; the check
/// discovers them again, and only if there is a lock.
struct DeferredLockCheck {
    std::optional<PackageList> only;
};

/// The index of loaded packages, and why loading failed if it did.
struct PluginState {
    std::optional<Index> index;
    std::string load_error;
    ModelDir model;                                  ///< the model folder as known at load (packages/model_dir.hpp)
    std::optional<fs::path> model_folder;            ///< set by the first glia call; empty path if it failed
    std::optional<DeferredLockCheck> unchecked_lock; ///< set by a load that indexed its packages
    std::optional<PackageList> load_list;            ///< the package list the load used; none: everything
    /// The load stopped at the model's glia.yaml, which it could not read: the file's `load:` list says
    /// which packages to load, so none was. glia_reload_preferences loads them once the file reads.
    bool load_awaits_project_file = false;
};

PluginState& state();

/// Prints "glia: <text>" on stderr, on MPI rank 0 only.
void report(const std::string& text);

/// The index of what loaded; throws glia::Error saying why loading failed if nothing did.
/// The first call settles the model folder (model_folder()).
const Index& loaded_index();

/// The model folder; the first call confirms the folder the load used, or fails the load (with
/// the reason in load_error and an empty result) where glia cannot tell it.
const fs::path& model_folder();

/// Loads the packages a start left unloaded for the model's unreadable glia.yaml (load_awaits_project_file),
/// as that start would have; false if there were none to load. Throws glia::Error if they cannot be loaded.
bool load_awaited_packages();

/// Reports an error reading a preferences file, with what to do, unless it was reported already: a
/// start and every reload read the file again, and the user needs to be told once.
void report_preferences_error(const std::string& error);

/// Resolves `name` for one call with its single-use constraint; throws glia::Error.
const Candidate& resolve_for_call(const std::string& name, const Constraint& call);

} // namespace glia::plugin
