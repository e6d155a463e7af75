#pragma once
/// \file
/// Choosing the concrete mechanism an abstract name means (docs/architecture.md, "Preferences and resolution").

#include "preferences/constraint.hpp"
#include "resolve/index.hpp"

#include <string>
#include <string_view>

namespace glia {

/// Resolves `name` under `constraint`:
/// - a full `glia__...` name must be in the index and is returned as is;
/// - an unknown asset throws ResolveError naming it and suggesting close names;
/// - of the candidates that satisfy the constraint, exactly one is it; several from one package
///   with one of them variant `0` give that one; anything else throws ResolveError listing
///   every candidate and how to choose.
const Candidate& resolve(const Index& index, std::string_view name, const Constraint& constraint = {});

} // namespace glia
