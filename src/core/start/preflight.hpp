#pragma once
/// \file
/// The check before loading (docs/architecture.md, "A NEURON start"): NEURON registers a library's
/// names one by one and stops at the first duplicate, leaving the process half-loaded. So
/// every name a mod will register is checked first, against the other mods and against what
/// NEURON already has, and a mod with a clashing name is left out as a whole.

#include "packages/package.hpp"

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace glia {

/// The names a mod adds to NEURON's global name space: its full mechanism name, or for a
/// `SUFFIX nothing` mod its FUNCTION and PROCEDURE names, which nocmodl leaves unsuffixed.
std::vector<std::string> registered_names(const ModFile& mod);

/// One mod left out because one of its names is taken.
struct NameClash {
    std::string name;          ///< the name both want
    MechanismName left_out;    ///< the mod that is not loaded
    fs::path file;             ///< its file
    /// The mod that keeps the name; empty `package` when NEURON (or earlier hoc code) has it.
    MechanismName kept;
    fs::path kept_file;
    /// What happened and how to choose, in one paragraph.
    Message describe() const;
};

/// The outcome of `preflight`.
struct PreflightResult {
    std::vector<NameClash> clashes;
    std::set<MechanismName> left_out; ///< every mod named in `clashes`
    bool loads(const MechanismName& name) const { return !left_out.count(name); }
};

/// Checks the mods in order (earlier ones keep a contested name). `exists` says whether NEURON
/// already has a name. Changes nothing; the caller registers only what `loads`.
PreflightResult preflight(const std::vector<const ModFile*>& mods,
                          const std::function<bool(const std::string&)>& exists);

/// An `exists` predicate for `preflight` outside NEURON: its built-in mechanism names.
std::function<bool(const std::string&)> neuron_builtin_names();

} // namespace glia
