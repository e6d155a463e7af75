#pragma once
// The preference scopes of this NEURON process (global file, project file, script, contexts),
// shared by every builtin that resolves. The rules live in the core (resolve/scopes.hpp).

#include "resolve/scopes.hpp"

#include <cstdint>

namespace glia::plugin {

/// The process's scopes. A resolution cache compares scopes().generation() to stay valid.
ScopeStack& scopes();

/// Where scopes().generation() can be read without a call (an unsigned 64-bit integer that stays
/// at this address for the life of the process), for the Python module's ctypes.
const std::uint64_t* generation_address();

/// (Re)reads the global and the project preference files and reports, on rank 0, every file that
/// cannot be read and every preference that names something not installed. Never throws: a
/// broken file makes resolution fail with its error until it is fixed and read again. Returns the
/// errors (not the warnings), one message each.
std::vector<std::string> load_preferences();

} // namespace glia::plugin
