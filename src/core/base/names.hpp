#pragma once
/// \file
/// Namespaced mechanism names: `glia__<package>__<asset>__<variant>` (docs/architecture.md, "Names").

#include <optional>
#include <string>
#include <string_view>

namespace glia {

/// The prefix every namespaced name starts with.
inline constexpr std::string_view kNamePrefix = "glia__";
/// The variant a package provides when it names none.
inline constexpr std::string_view kDefaultVariant = "0";
/// The pseudo-package that holds NEURON's built-in mechanisms.
inline constexpr std::string_view kNeuronPackage = "NEURON";

/// `text` for a message, with what cannot be shown (control bytes, stray bytes) written as \xNN.
std::string printable(std::string_view text);

/// True if `text` is valid UTF-8 (control characters included).
bool is_utf8(std::string_view text);

/// Which part of a name is being checked, for messages and for the first-character rule.
enum class NamePart { package, asset, variant };

/// Returns an empty string if `text` is a valid `part`, else the reason it is not.
std::string name_problem(std::string_view text, NamePart part);

/// Throws InvalidName if `text` is not a valid `part`; `context` says where it came from.
void check_name(std::string_view text, NamePart part, std::string_view context = {});

/// One mechanism: the triple that names it.
struct MechanismName {
    std::string package;
    std::string asset;
    std::string variant{kDefaultVariant};

    /// The name NEURON sees: `glia__package__asset__variant`.
    std::string full() const;
    /// A short human form: `package.asset(variant)`.
    std::string pretty() const;

    friend bool operator==(const MechanismName&, const MechanismName&) = default;
    friend auto operator<=>(const MechanismName&, const MechanismName&) = default;
};

/// True if `name` starts with the `glia__` prefix (so it is meant as a full name).
bool is_full_name(std::string_view name);

/// Parses a full name; throws InvalidName with the reason if it is malformed.
MechanismName parse_full_name(std::string_view name);

/// Parses a full name; returns nothing if it is malformed.
std::optional<MechanismName> try_parse_full_name(std::string_view name);

} // namespace glia
