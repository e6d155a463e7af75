#pragma once
// Reading (and resolving) the arguments the object, parameter and info builtins share, without
// raising hoc errors: every check returns a message, so the caller can raise it with no C++ objects alive.
//
// Convention: after a builtin's required arguments comes an optional location `x` (a number),
// then an optional package and variant (strings; "" leaves a field unconstrained), e.g.
//   glia_new("AMPA", 0.5, "example")    glia_set("Kv1", "gbar", 0.02, "", "fast")

#include "resolve/index.hpp"
#include "resolve/resolver.hpp"

#include "neuron_api.hpp"

#include <optional>
#include <string>

namespace glia::plugin {

/// The optional tail of a call.
struct CallTail {
    std::optional<double> x;
    Constraint constraint;
};

/// Reads the tail starting at argument `first` into `tail`; returns an error text naming
/// `call` if an argument has the wrong type or x is outside [0, 1]. With `allow_x` false,
/// a number there is an error.
std::string read_tail(const std::string& call, int first, bool allow_x, CallTail& tail);

/// Reads the tail starting at argument `first` into `tail` (as read_tail), then resolves `asset`
/// under the package and variant it asks for, as this call's single-use scope, into `found`.
/// Returns an error text naming `call`: an argument's error ends with `usage`; a resolution
/// error is the resolver's message.
std::string resolve_call(const std::string& call, const std::string& asset, int first, bool allow_x,
                         const std::string& usage, CallTail& tail, const Candidate*& found);

/// The error for a resolved mechanism that NEURON does not have (its package failed to build).
std::string not_loaded_error(const std::string& call, const std::string& neuron_name);

/// Reads string argument `i` into `out`; returns an error text naming `call` if it is not a string.
std::string read_string(const std::string& call, int i, const char* what, std::string& out);

/// `name("a1", "a2")`, for messages: the builtin with its leading string arguments.
std::string describe_call(const char* name, int strings);

/// The accessed section, or nullptr when none is (never raises, unlike chk_access).
Section* accessed_section();

} // namespace glia::plugin
