#pragma once
// How the CLI words a preference, so that `glia select` confirms a choice in the same words that
// `glia show` lists it with.

#include "glia/resolver.hpp"

#include <string>

namespace glia::cli {

/// "package P", "variant V", "package P, variant V", or "nothing" for an empty constraint.
std::string describe(const Constraint& c);

} // namespace glia::cli
