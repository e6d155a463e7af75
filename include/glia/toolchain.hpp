#pragma once
/// \file
/// The installed NEURON's build tools: nocmodl, the units file, and the compiler and flags
/// its `nrnmech_makefile` defines, so glia builds mechanisms exactly as nrnivmodl would.

#include "glia/fs.hpp"

#include <map>
#include <string>
#include <vector>

namespace glia {

/// Variables assigned in a makefile, with `$(NAME)` references expanded (conditionals ignored:
/// the last plain assignment wins, which is what NEURON's generated makefile needs).
std::map<std::string, std::string> read_makefile_variables(const std::string& text,
                                                           const std::map<std::string, std::string>& preset);

/// Splits a command line on white space (no quoting: NEURON's flags contain none).
std::vector<std::string> split_words(const std::string& text);

/// How to turn a mod file into a library.
struct Toolchain {
    fs::path neuron_prefix;            ///< e.g. /usr
    fs::path nocmodl;                  ///< the NMODL translator
    fs::path units;                    ///< nrnunits.lib, passed as MODLUNIT
    fs::path makefile;                 ///< the nrnmech_makefile the flags came from
    fs::path include_dir;              ///< NEURON's headers
    fs::path library_dir;              ///< where libnrniv.so lives
    std::vector<std::string> compile;  ///< C compiler and flags, without -c/-o/input
    std::vector<std::string> link;     ///< shared-library link command, without objects/-o
    std::vector<std::string> libraries;///< what a mechanism library links against (libnrniv)

    /// A text that changes when any of the tools or flags change (part of every cache key).
    std::string identity() const;
};

/// Finds NEURON's tools under `GLIA_NEURON_PREFIX` or the configured prefix; `GLIA_CC` and
/// `GLIA_CXX` replace the compiler and the linking C++ driver the makefile names.
/// Throws glia::Error saying what is missing and how to install it.
Toolchain detect_toolchain();

} // namespace glia
