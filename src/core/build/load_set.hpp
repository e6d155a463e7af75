#pragma once
/// \file
/// One library per load set (docs/architecture.md, "Build and cache"): the packages a NEURON start loads, linked
/// once more from their objects into a single library, so the start opens one library instead of one
/// per package. The packages stay as far apart as dlopen(RTLD_LOCAL) per package kept them: each
/// package's objects are first linked into one relocatable object (`-r`), in which every symbol but the
/// registration functions of its mechanisms is then made local (objcopy --keep-global-symbols). A
/// function two packages both define stays two functions, and no package binds to another's symbols.
/// C++'s inline functions, in-class methods and template instances (COMDAT groups) stay global, and the
/// linker keeps the first package's copy of each: so the set library is linked only if every package that
/// defines one defines it alike (check_shared_definitions); else each package loads its own library.
/// The set library is cached under a key of its package libraries' keys in load order; anything that
/// goes wrong with it leaves the start with the package libraries, as before.

#include "store/cache.hpp"
#include "base/file_stamp.hpp"
#include "base/fs.hpp"
#include "build/package_library.hpp"
#include "build/toolchain.hpp"

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

/// One package's part of a set library.
struct LoadSetPart {
    std::string package;                   ///< the package whose objects it joins
    fs::path cached;                       ///< where the cache keeps it, once made (load_set_part_path)
    std::vector<std::string> partial_link; ///< links the package's objects into `object` (`-r`)
    fs::path object;                       ///< the package's one relocatable object, in scratch space
    std::vector<std::string> registration; ///< its mechanisms' registration functions: they stay global
    fs::path keep_file;                    ///< where `kept_global` is written for `localize`
    std::vector<std::string> localize;     ///< makes all but the symbols of `keep_file` local in `object`
};

/// What linking a set library in scratch folder `work` takes: each part the cache lacks (independent of
/// the others), then `link`. A part is kept with its package library, so a change to one package makes
/// only that package's part again.
struct LoadSetSteps {
    std::vector<LoadSetPart> parts;
    std::vector<std::string> link; ///< the shared library from the parts' cached objects
};

/// The steps that link the set library of `libraries` into `output` with `tc`, working in `work`.
LoadSetSteps load_set_steps(const std::vector<PackageLibrary>& libraries, const Toolchain& tc, const fs::path& work,
                            const fs::path& output);

/// The symbols of `part` that stay global, one a line, once its object is linked: its registration
/// functions, and what its object defines in section groups (COMDAT: C++ inline functions and template
/// instances, such as NEURON 9's headers put in every mod). The linker keeps one copy of a group across
/// packages, as it does across the mods of one package; a symbol made local in a copy it drops would leave
/// the references to it dangling. Throws glia::Error if the object cannot be read as ELF.
std::string kept_global(const LoadSetPart& part);

/// Throws glia::Error, naming the symbol and the two packages, if two of `parts` (their cached objects)
/// define a symbol of a section group differently: the set library would keep only the first package's
/// definition, and the second package would run the first one's code.
void check_shared_definitions(const std::vector<LoadSetPart>& parts);

/// Where the cache keeps the set library of key `key`: `sets/<key>/libglia-set.so`.
fs::path load_set_path(const fs::path& root, const std::string& key);

/// The list of package libraries a set library was linked from: `sets/<key>/members`.
fs::path load_set_members_path(const fs::path& root, const std::string& key);

/// Removes the set library of key `key` (load_set_path), its members file kept: only a plain file in a
/// real folder of the cache, never a link or what one points to.
void remove_set_library(const fs::path& root, const std::string& key);

/// Removes each set library linked from package library `library_key` (remove_set_library): that library
/// was linked again, so they may hold other code than it now does.
void remove_set_libraries_with(const fs::path& root, const std::string& library_key);

/// The set libraries in the cache (cache.hpp), `sets/<key>/`: one is in use while every package library it was
/// linked from is (manifest.hpp), so it is collected after the manifest's.
const CacheFormat& load_set_format();

/// For the set library of key `key` in `cache` that dlopen refused with `why`, stamped `opened` just before
/// dlopen: remembers that in the cache's failure memo (under the lock, so no start tries it again) and
/// removes it; nothing if it was missing then or is not that file any more (cleared, or linked again
/// meanwhile). Never throws: a cache it may not write only means the next start tries the library once more.
void give_up_load_set(const fs::path& cache, const std::string& key, const FileStamp& opened, const std::string& why);

} // namespace glia
