#pragma once
/// \file
/// Where a path really leads: whether it stays inside a folder once every symbolic link and `..`
/// is resolved. A package must be self-contained, and glia must never write over what it reads.

#include "base/fs.hpp"

namespace glia {

/// True if the canonical `inner` is the canonical `outer` or lies under it (compared element by
/// element, so `/a/bc` does not lie in `/a/b`).
bool lies_in(const fs::path& inner, const fs::path& outer);

/// True if `path`, with every symbolic link followed, exists and is `root` or lies inside it.
bool resolves_within(const fs::path& path, const fs::path& root);

/// True if `a` and `b` are the same folder or one lies inside the other (compared as canonical
/// paths, so symbolic links and `..` cannot hide it; of a path that does not exist yet, the part
/// that does is resolved).
bool paths_overlap(const fs::path& a, const fs::path& b);

} // namespace glia
