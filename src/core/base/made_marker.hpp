#pragma once
/// \file
/// Which folders glia made, so that it replaces or removes only those: a package that
/// `glia import` created, a package copy that `glia install` put in place. The mark is a small
/// file `.glia-made` in the folder naming the command that made it and, when asked, every file
/// it wrote there with a hash of its content, so that a file added or changed since is known.

#include "base/fs.hpp"

#include <string>
#include <vector>

namespace glia {

/// The command that made a folder, as its mark names it.
enum class MadeBy { import, install };

/// The mark's file name.
inline constexpr const char* kMadeMarkerName = ".glia-made";

/// Writes the mark of `maker` into `dir` (replacing any mark it holds). With `list_files`, the mark
/// also lists every file now in `dir`, with a hash of its content (files_not_as_made). Throws glia::Error.
void write_made_marker(const fs::path& dir, MadeBy maker, bool list_files = false);

/// True if `dir` is a real folder (not a symbolic link) whose mark (a regular file) names `maker`.
bool has_made_marker(const fs::path& dir, MadeBy maker);

/// The files in `dir` (the mark aside; links and other non-folders count as files) that its mark does
/// not list with their present content: added or changed since the mark was written. Paths relative
/// to `dir`, sorted. A mark that lists no files (written without `list_files`, or by an older glia)
/// vouches for none of them.
std::vector<fs::path> files_not_as_made(const fs::path& dir);

} // namespace glia
