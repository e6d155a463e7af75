#pragma once
// Helpers for writing hoc builtins in C++.
//
// hoc errors unwind with longjmp, which must not cross C++ frames that own resources:
// a builtin does its C++ work in a function that returns an error text, and raises the
// hoc error (raise_if) only after that function's objects are gone.

#include "base/error.hpp"
#include "resolve/resolver.hpp"

#include "neuron_api.hpp"

#include <exception>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace glia::plugin {

/// The plugin's one rendering point for the core's problems (base/diagnostic.hpp): the text with each
/// remedy worded as advice to the user. Every message of the core the plugin raises (raise_if) or
/// reports passes here.
std::string rendered(const Message& message);
std::string rendered(const Diagnostic& problem);
/// A glia::Error's diagnostic rendered; any other exception's own text.
std::string rendered(const std::exception& e);

/// Raises a hoc error with `error` unless it is empty. Call with no C++ objects alive.
void raise_if(const std::string& error);

/// The single-use constraint from optional string arguments `first` (package) and `first+1` (variant).
Constraint call_constraint(int first);

/// The hoc symbol type of density mechanisms (read at run time; parse.hpp is not installed).
short mechanism_symbol_type();

/// Returns `value` as the string result of a builtin registered with `make_string_builtin`.
/// Results live in a ring of buffers, so nested calls and sprint("%s %s", f(), g()) work.
void return_string(const std::string& value);

/// Returns `object` (a new reference, e.g. from hoc_newobj1) as the object result of a builtin
/// registered with `make_object_builtin`; the caller's reference is handed over.
void return_object(Object* object);

/// Marks builtin `name` (already registered) as returning a string, like NEURON's `secname`.
void make_string_builtin(const char* name);
/// Marks builtin `name` (already registered) as returning an object, like `object_pushed`.
void make_object_builtin(const char* name);

/// True if `name` exists anywhere hoc could see it: built-ins, loaded libraries, top level
/// (including names only mentioned in hoc code). Context-free, unlike hoc_lookup.
bool name_taken(const char* name);

/// Every name hoc could see, as name_taken checks them, gathered in one walk of each symbol list:
/// checking thousands of names against NEURON's lists one by one walks them thousands of times.
std::unordered_set<std::string> taken_names();

/// Runs `body` as nrn_load_dll runs a library's registration: with NEURON's built-in symbol list as
/// the one names are registered in (and restored, also when `body` throws), so that mechanisms
/// registered after the start are built in, as those a start registers.
void register_as_nrn_load_dll(const std::function<void()>& body);

/// Moves the symbols of `table` (just registered) to the front of the list they were registered
/// in, in the table's order. Python's `h.name` finds a name by walking hoc's symbol lists from the
/// front; appended after NEURON's thousands of built-in names, glia's builtins cost a longer walk than
/// NEURON's own. Each name ahead of a builtin still costs its lookup a comparison (about 33
/// instructions), so the table puts the builtins called most often first.
void put_first_in_lookup(const std::vector<VoidFunc>& table);

/// A table of builtins to register; each builtins_*.cpp file adds its own.
using BuiltinTable = std::vector<VoidFunc>;

void add_insert_builtins(BuiltinTable& table);
/// glia_select, glia_resolve, glia_context_push/pop, ... (builtins_select.cpp);
/// finish_* marks glia_resolve's string result once registered.
void add_select_builtins(BuiltinTable& table);
void finish_select_builtins();
/// glia_new (builtins_objects.cpp); finish_* marks its object result once registered.
void add_objects_builtins(BuiltinTable& table);
void finish_objects_builtins();
/// glia_set, glia_get (builtins_params.cpp).
void add_params_builtins(BuiltinTable& table);
/// glia_exists, glia_kind, glia_assets, glia_packages, glia_version (builtins_info.cpp);
/// finish_* marks the string results once registered.
void add_info_builtins(BuiltinTable& table);
void finish_info_builtins();

} // namespace glia::plugin
