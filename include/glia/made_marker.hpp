#pragma once
/// \file
/// Which folders glia made, so that it replaces or removes only those: a package that
/// `glia import` created, a package copy that `glia install` put in place. The mark is a small
/// file `.glia-made` in the folder naming the command that made it.

#include "glia/fs.hpp"

#include <string>

namespace glia {

/// The command that made a folder, as its mark names it.
enum class MadeBy { import, install };

/// The mark's file name.
inline constexpr const char* kMadeMarkerName = ".glia-made";

/// Writes the mark of `maker` into `dir` (replacing any mark it holds). Throws glia::Error.
void write_made_marker(const fs::path& dir, MadeBy maker);

/// True if `dir` is a real folder (not a symbolic link) whose mark (a regular file) names `maker`.
bool has_made_marker(const fs::path& dir, MadeBy maker);

} // namespace glia
