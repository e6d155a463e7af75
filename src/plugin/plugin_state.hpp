#pragma once
// What the plugin holds for the life of the NEURON process, and the few services every
// builtin uses: reporting (rank 0 only) and resolving under the scopes in force.

#include "glia/index.hpp"
#include "glia/resolver.hpp"

#include <optional>
#include <string>

namespace glia::plugin {

/// The index of loaded packages, and why loading failed if it did.
struct PluginState {
    std::optional<Index> index;
    std::string load_error;
};

PluginState& state();

/// Prints "glia: <text>" on stderr, on MPI rank 0 only.
void report(const std::string& text);

/// The index of what loaded; throws glia::Error saying why loading failed if nothing did.
const Index& loaded_index();

/// Resolves `name` for one call with its single-use constraint; throws glia::Error.
const Candidate& resolve_for_call(const std::string& name, const Constraint& call);

} // namespace glia::plugin
