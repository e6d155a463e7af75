#pragma once
/// \file
/// What building a package leaves (build.hpp): its library, the mechanisms it registers and the ones it
/// left out. Apart from the builder, so that what reads or remembers libraries (load_set.hpp,
/// failure_memo.hpp) needs nothing of how they are built.

#include "base/fs.hpp"
#include "base/names.hpp"

#include <string>
#include <vector>

namespace glia {

/// The C function a library exports to register mechanism `full_name` with NEURON
/// (nocmodl names it after the translated file, which glia names after the mechanism).
std::string registration_symbol(const std::string& full_name);

/// A mechanism that did not make it into its library, and why.
struct ModFailure {
    MechanismName name;
    fs::path file;
    std::string stage;   ///< "translate", "compile", "link" or "clash"
    Message message;     ///< the tool's own output, or the clash explained
    /// One paragraph: package, asset, file, stage, and the message.
    Message describe() const;
};

/// One package's library.
struct PackageLibrary {
    std::string package;
    fs::path library;                      ///< empty if nothing in the package built
    std::string key;                       ///< the library's key (its folder libs/<key>/ in the cache)
    std::vector<MechanismName> mechanisms; ///< what the library registers
    std::vector<fs::path> objects;         ///< the cached object of each of `mechanisms`, in that order
    std::vector<ModFailure> failures;      ///< what it left out
    std::vector<Diagnostic> warnings;      ///< what loads, but not as the user may think (a stale build)
};

} // namespace glia
