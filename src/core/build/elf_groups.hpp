#pragma once
/// \file
/// What a relocatable ELF object (64-bit, as the compiler and `ld -r` write it) defines in section groups
/// (COMDAT: C++ inline functions, in-class methods, template instances). The linker keeps one copy of a
/// group per name and drops the others unread, so the set library (load_set.hpp) compares the copies
/// before it lets two packages share one.

#include "base/fs.hpp"

#include <map>
#include <string>
#include <vector>

namespace glia {

/// The global symbols `data` (the object `file`) defines in section groups, in the order of its symbol
/// table. Throws glia::Error if `data` is not a whole 64-bit ELF object.
std::vector<std::string> group_symbols(const std::string& data, const fs::path& file);

/// For each global symbol `data` (the object `file`) defines in a section group, a fingerprint of the
/// whole group: each member section's type, flags, size and bytes, and each relocation of a member (its
/// offset, type, addend and target: the target symbol's name and, when the target is local and outside the
/// group, the bytes that define it). Equal fingerprints mean the same code. Throws glia::Error if `data`
/// is not a whole 64-bit ELF object.
std::map<std::string, std::string> group_definitions(const std::string& data, const fs::path& file);

} // namespace glia
