#pragma once
/// \file
/// Choosing the concrete mechanism an abstract name means (docs/architecture.md, "Preferences and resolution").

#include "glia/index.hpp"

#include <string>
#include <string_view>

namespace glia {

/// What the scopes in force ask of one asset; an empty field asks nothing.
struct Constraint {
    std::string package;
    std::string variant;
    /// This constraint with every field that `stronger` sets replaced by it.
    Constraint overridden_by(const Constraint& stronger) const;
    bool empty() const { return package.empty() && variant.empty(); }
    /// Whether `name` has the package and the variant this constraint asks for (if it asks).
    bool admits(const MechanismName& name) const;
    bool operator==(const Constraint&) const = default;
};

/// The constraint in words, the same in every message and listing: "package 'lab'",
/// "variant 'fast'", "package 'lab' and variant 'fast'", or "nothing" when it asks nothing.
std::string describe(const Constraint& c);

/// Resolves `name` under `constraint`:
/// - a full `glia__...` name must be in the index and is returned as is;
/// - an unknown asset throws ResolveError naming it and suggesting close names;
/// - of the candidates that satisfy the constraint, exactly one is it; several from one package
///   with one of them variant `0` give that one; anything else throws ResolveError listing
///   every candidate and how to choose.
const Candidate& resolve(const Index& index, std::string_view name, const Constraint& constraint = {});

} // namespace glia
