#pragma once
/// \file
/// The installed NEURON's build tools: nocmodl, the units file, and the compiler and flags
/// its `nrnmech_makefile` defines, so glia builds mechanisms exactly as nrnivmodl would.

#include "base/fs.hpp"

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
    std::string neuron_version;        ///< from its headers (nrnsemanticversion.h), e.g. 8.2.2
    fs::path nocmodl;                  ///< the NMODL translator
    fs::path units;                    ///< nrnunits.lib, passed as MODLUNIT
    fs::path makefile;                 ///< the nrnmech_makefile the flags came from
    fs::path include_dir;              ///< NEURON's headers
    fs::path library_dir;              ///< where libnrniv.so lives
    std::vector<std::string> compile;  ///< C compiler and flags, without -c/-o/input (8.2's nocmodl writes C)
    std::vector<std::string> compile_cxx; ///< C++ compiler and flags, likewise (9's nocmodl writes C++)
    std::vector<std::string> link;     ///< shared-library link command, without objects/-o
    std::vector<std::string> libraries;///< what a mechanism library links against (libnrniv)

    /// A text that changes when any of the tools or flags change (part of every cache key).
    std::string identity() const;
};

/// The NEURON this build of glia targets (Meson's -Dneuron_prefix): its version, e.g. "9.0.2",
/// and its prefix. The plugin runs only in that NEURON (same major and minor version).
std::string neuron_target_version();
fs::path neuron_target_prefix();

/// The NEURON version its headers in `include_dir` declare (nrnsemanticversion.h), e.g. "9.0.2";
/// empty if they declare none.
std::string header_version(const fs::path& include_dir);

/// Finds NEURON's tools under `GLIA_NEURON_PREFIX` or the configured prefix; `GLIA_CC` and
/// `GLIA_CXX` replace the compilers (C and C++; the C++ one also links) the makefile names.
/// 8.2's makefile is in lib/nrn and has COMPILE; 9's is in bin and has CXXCOMPILE and CCOMPILE.
/// Throws glia::Error saying what is missing and how to install it.
Toolchain detect_toolchain();

} // namespace glia
