#pragma once
/// \file
/// One library per load set (DESIGN.md, "Build and cache"): the packages a NEURON start loads, linked
/// once more from their objects into a single library, so the start opens one library instead of one
/// per package. The packages stay as far apart as dlopen(RTLD_LOCAL) per package kept them: each
/// package's objects are first linked into one relocatable object (`-r`), in which every symbol but the
/// registration functions of its mechanisms is then made local (objcopy --keep-global-symbols). A
/// function two packages both define stays two functions, and no package binds to another's symbols.
/// The set library is cached under a key of its package libraries' keys in load order; anything that
/// goes wrong with it leaves the start with the package libraries, as before.

#include "glia/build.hpp"
#include "glia/fs.hpp"
#include "glia/toolchain.hpp"

#include <string>
#include <utility>
#include <vector>

namespace glia {

/// The key of the set library of `libraries` (one per package, in load order): of each package's name
/// and library key. Empty if fewer than two packages have a library: one library is its own set.
std::string load_set_key(const std::vector<PackageLibrary>& libraries);

/// The text of a set library's members file: the keys of its package libraries (`glia cache --gc`
/// keeps a set library while each of them is kept).
std::string load_set_members(const std::vector<PackageLibrary>& libraries);

/// The package library keys `file` lists; empty if it is missing or not a members file.
std::vector<std::string> read_load_set_members(const fs::path& file);

/// What linking a set library in scratch folder `work` takes.
struct LoadSetSteps {
    /// Written first: per package, the symbols that stay global (its registration functions).
    std::vector<std::pair<fs::path, std::string>> files;
    /// Per package, its commands in order: the partial link, then the localizing objcopy. The packages'
    /// commands do not depend on each other.
    std::vector<std::vector<std::vector<std::string>>> per_package;
    /// Last: the shared library `output` from the packages' objects.
    std::vector<std::string> link;
};

/// The steps that link the set library of `libraries` into `output` with `tc`, working in `work`.
LoadSetSteps load_set_steps(const std::vector<PackageLibrary>& libraries, const Toolchain& tc, const fs::path& work,
                            const fs::path& output);

/// For a set library `library` that dlopen refused with `why`: remembers that in the cache's failure memo
/// (under the lock, so no start tries it again) and removes it. Never throws: a cache it may not write
/// only means the next start tries the library once more.
void give_up_load_set(const fs::path& cache, const fs::path& library, const std::string& why);

} // namespace glia
