#pragma once
// Helpers for writing hoc builtins in C++.
//
// hoc errors unwind with longjmp, which must not cross C++ frames that own resources:
// a builtin does its C++ work in a function that returns an error text, and raises the
// hoc error (raise_if) only after that function's objects are gone.

#include "glia/resolver.hpp"

#include "hocdec.h"

#include <string>
#include <vector>

namespace glia::plugin {

/// Raises a hoc error with `error` unless it is empty. Call with no C++ objects alive.
void raise_if(const std::string& error);

/// The single-use constraint from optional string arguments `first` (package) and `first+1` (variant).
Constraint call_constraint(int first);

/// The hoc symbol type of density mechanisms (read at run time; parse.hpp is not installed).
short mechanism_symbol_type();

/// A table of builtins to register; each builtins_*.cpp file adds its own.
using BuiltinTable = std::vector<VoidFunc>;

void add_insert_builtins(BuiltinTable& table);

} // namespace glia::plugin
