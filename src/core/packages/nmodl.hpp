#pragma once
/// \file
/// Reading just enough NMODL to namespace a mechanism: where its NEURON block declares
/// the mechanism's name, what kind it is, and which names it adds to NEURON.

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// What a mod file's NEURON block declares.
enum class MechanismKind {
    density,         ///< SUFFIX name: a distributed mechanism, inserted into sections
    point_process,   ///< POINT_PROCESS name: an object placed at a location
    artificial_cell, ///< ARTIFICIAL_CELL name: an object without a location
    nothing,         ///< SUFFIX nothing: no mechanism, only functions and procedures
};

/// `density`, `point_process`, `artificial_cell` or `nothing`.
std::string_view kind_name(MechanismKind kind);

/// `kind_name(kind)` after its article, for messages: "a point_process", "an artificial_cell".
std::string kind_with_article(MechanismKind kind);

/// Prints `kind_name(kind)`.
inline std::ostream& operator<<(std::ostream& out, MechanismKind kind) { return out << kind_name(kind); }

/// What `scan_nmodl` learns of a mod file.
struct NmodlInfo {
    MechanismKind kind = MechanismKind::density;
    std::string name;         ///< the declared name (`hh`, `ExpSyn`, `nothing`)
    size_t name_offset = 0;   ///< byte offset of the name token in the text
    int line = 0;             ///< 1-based line of the name token
    std::vector<std::string> ions;      ///< USEION names
    std::vector<std::string> writes;    ///< what the USEIONs WRITE: currents (`ik`) and concentrations (`cai`)
    std::vector<std::string> nonspecific_currents; ///< NONSPECIFIC_CURRENT names
    bool net_receive = false;           ///< it has a NET_RECEIVE block (it receives events)
    std::vector<std::string> functions; ///< FUNCTION, PROCEDURE and FUNCTION_TABLE names
    std::vector<std::string> includes;  ///< INCLUDE files and `#include "x"` of VERBATIM blocks
};

/// True if `a` and `b` are the same NMODL keyword: keywords are matched without regard to case.
bool same_keyword(std::string_view a, std::string_view b);

/// Scans NMODL text. Throws ParseError naming `filename` and the line when there is no
/// NEURON block, no declaration, or more than one.
NmodlInfo scan_nmodl(std::string_view text, std::string_view filename);

/// A file named by an include, as written.
struct IncludedName {
    std::string name;
    bool angled = false; ///< `#include <x>`: the compiler looks only in its -I folders (and the system's)
    friend bool operator==(const IncludedName&, const IncludedName&) = default;
};

/// The files a piece of NMODL or C text includes: `INCLUDE "x"` (NMODL, as its lexer reads it) and every
/// `#include "x"` or `#include <x>` line (in VERBATIM blocks or in a header), each once. A line inside a comment
/// counts too: a key may cover more than the tools read, never less. Never throws.
std::vector<IncludedName> included_names(std::string_view text);

/// The text with only the declared name token replaced by `new_name`.
std::string rewrite_nmodl(std::string_view text, const NmodlInfo& info, std::string_view new_name);

} // namespace glia
