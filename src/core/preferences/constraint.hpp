#pragma once
/// \file
/// What a preference asks of one asset: a package, a variant, both or nothing (docs/architecture.md,
/// "Preferences and resolution"). The preference files hold it, the scopes combine it, the resolver obeys it.

#include "base/names.hpp"

#include <string>

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

} // namespace glia
