#pragma once
/// \file
/// `glia nrnivmodl`: a model folder's mechanism library, made as NEURON's `nrnivmodl` makes it (the
/// folder's mods under their own names, NEURON's compiler and flags, nrnivmodl's registration order)
/// from objects in glia's cache, and put where NEURON looks for it at start-up:
/// `x86_64/.libs/libnrnmech.so` and `x86_64/libnrnmech.so`, with an `x86_64/special` that runs
/// nrniv with it. Loading the library can also load glia's plugin (builtins and installed packages).
///
/// glia replaces only files it wrote: `x86_64/.glia-nrnivmodl` records each with its stamp and content
/// hash, and the folder it was made for. A file of those names that glia did not write (the library
/// NEURON's nrnivmodl made, say) stops the build before anything is written, naming it; in a copy of
/// a built folder (`cp -r`), glia's files are known by their content and replaced. A model folder
/// glia cannot write stops it first, naming the folder. Everything else in `x86_64/` is left alone.

#include "build/build.hpp"
#include "base/fs.hpp"
#include "packages/package.hpp"
#include "build/toolchain.hpp"

#include <string>
#include <vector>

namespace glia {

/// The record of what glia nrnivmodl wrote into a model folder's `x86_64/`.
inline constexpr const char* kModelRecordName = ".glia-nrnivmodl";

/// What the library says when NEURON loads it, long after the front end that built it has finished:
/// the front end's words for what the user can do then.
struct LibraryAdvice {
    std::string lacking;   ///< mods failed to build: how to see why
    std::string no_plugin; ///< glia's plugin cannot be loaded: how to build the library again (with or without glia)
};

/// What `build_model_library` builds, and how.
struct ModelLibraryOptions {
    fs::path folder;              ///< the model folder: `x86_64/` goes here
    std::vector<fs::path> inputs; ///< folders of mods or mod files, as nrnivmodl takes them; empty: `folder`
    std::string incflags;         ///< nrnivmodl's -incflags: added to every compile
    std::string loadflags;        ///< nrnivmodl's -loadflags: added to the link
    bool strict = false;          ///< a mod that fails fails the build, as in nrnivmodl: nothing is written
    fs::path plugin;              ///< the libglia.so the library loads after its own mods; empty: none
    LibraryAdvice advice;         ///< what the library tells the user when it loads
    BuildOptions build;           ///< jobs, force, verbose, log (its `link` is ignored)
};

/// What `build_model_library` did.
struct ModelLibraryResult {
    Package mods;                     ///< the folder's mods, in registration order
    std::vector<ModFailure> failures; ///< the mods the library lacks
    BuildStats stats;
    fs::path library;                 ///< `x86_64/.libs/libnrnmech.so`; empty if nothing was written (--strict)
    bool changed = false;             ///< false: the folder already held this very library
};

/// Builds the library of `options.folder` and writes it (and `special`) into its `x86_64/`. A mod
/// that fails is left out and reported in `failures` (the library says so when it loads), unless
/// `strict`. Throws glia::Error for unusable inputs and for a file in the way that glia did not write.
ModelLibraryResult build_model_library(const ModelLibraryOptions& options, const Toolchain& toolchain,
                                       const fs::path& cache);

/// The registration unit of the library (nrnivmodl's `mod_func.cpp`): a `modl_reg()` that prints
/// nrnivmodl's banner, registers `mods` in order, names the mods in `lacking` and, if `plugin` is
/// not empty, loads glia's plugin and calls its `modl_reg()`. `banner` names each mod as nrnivmodl's
/// banner does (relative to the folder, so two folders with the same mods share one library); `advice`
/// ends what it prints about lacking mods and a plugin it cannot load.
std::string model_registration_unit(const std::vector<const ModFile*>& mods, const std::vector<ModFailure>& lacking,
                                    const fs::path& plugin, const std::vector<std::string>& banner,
                                    const LibraryAdvice& advice);

} // namespace glia
