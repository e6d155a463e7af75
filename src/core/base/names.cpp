#include "base/names.hpp"

#include "base/error.hpp"

#include <cctype>
#include <vector>

namespace glia {

namespace {

const char* part_label(NamePart part) {
    switch (part) {
    case NamePart::package: return "package name";
    case NamePart::asset: return "asset name";
    case NamePart::variant: return "variant name";
    }
    return "name";
}

// How many bytes at `i` form a character that a message may show as is: 1 for printable ASCII, 2-4
// for a whole UTF-8 character, 0 for anything else (NUL, control bytes, stray bytes of binary input).
size_t printable_length(std::string_view text, size_t i) {
    auto byte = static_cast<unsigned char>(text[i]);
    if (byte >= 0x20 && byte < 0x7f) {
        return 1;
    }
    size_t length = byte > 0xf4 ? 0 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc2 ? 2 : 0;
    if (length == 0 || i + length > text.size()) {
        return 0;
    }
    for (size_t k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
            return 0;
        }
    }
    return length;
}

std::string hex_byte(char c) {
    static const char* hex = "0123456789abcdef";
    auto byte = static_cast<unsigned char>(c);
    return std::string("\\x") + hex[byte >> 4] + hex[byte & 0xf];
}

// The character at `i`, quoted for a message.
std::string quoted_character(std::string_view text, size_t i) {
    size_t n = printable_length(text, i);
    return n ? "'" + std::string(text.substr(i, n)) + "'" : "byte " + hex_byte(text[i]);
}

std::vector<std::string_view> split_double_underscore(std::string_view text) {
    std::vector<std::string_view> parts;
    size_t start = 0;
    for (;;) {
        size_t pos = text.find("__", start);
        if (pos == std::string_view::npos) {
            parts.push_back(text.substr(start));
            return parts;
        }
        parts.push_back(text.substr(start, pos - start));
        start = pos + 2;
    }
}

} // namespace

std::string printable(std::string_view text) {
    std::string out;
    for (size_t i = 0; i < text.size();) {
        size_t n = printable_length(text, i);
        if (n == 0) {
            out += hex_byte(text[i++]);
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

bool is_utf8(std::string_view text) {
    for (size_t i = 0; i < text.size();) {
        size_t n = static_cast<unsigned char>(text[i]) < 0x80 ? 1 : printable_length(text, i);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

std::string name_problem(std::string_view text, NamePart part) {
    if (text.empty()) {
        return "is empty";
    }
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
            return "contains " + quoted_character(text, i) + "; only letters, digits and '_' are allowed";
        }
    }
    if (text.find("__") != std::string_view::npos) {
        return "contains a double underscore '__', which glia uses as its separator";
    }
    if (text.front() == '_' || text.back() == '_') {
        return "starts or ends with '_'";
    }
    if (part != NamePart::variant && !std::isalpha(static_cast<unsigned char>(text.front()))) {
        return "does not start with a letter";
    }
    return {};
}

void check_name(std::string_view text, NamePart part, std::string_view context) {
    std::string problem = name_problem(text, part);
    if (problem.empty()) {
        return;
    }
    std::string message;
    if (!context.empty()) {
        message += std::string(context) + ": ";
    }
    message += std::string("invalid ") + part_label(part) + " '" + printable(text) + "': " + problem;
    throw InvalidName(message);
}

std::string MechanismName::full() const {
    return std::string(kNamePrefix) + package + "__" + asset + "__" + variant;
}

std::string MechanismName::pretty() const {
    return package + "." + asset + "(" + variant + ")";
}

bool is_full_name(std::string_view name) { return name.substr(0, kNamePrefix.size()) == kNamePrefix; }

MechanismName parse_full_name(std::string_view name) {
    if (!is_full_name(name)) {
        throw InvalidName("'" + printable(name) + "' is not a glia name: it must start with 'glia__'");
    }
    auto parts = split_double_underscore(name.substr(kNamePrefix.size()));
    if (parts.size() != 3) {
        throw InvalidName("'" + printable(name) +
                          "' is not a glia name: expected glia__<package>__<asset>__<variant>");
    }
    std::string context = "in '" + printable(name) + "'";
    check_name(parts[0], NamePart::package, context);
    check_name(parts[1], NamePart::asset, context);
    check_name(parts[2], NamePart::variant, context);
    return MechanismName{std::string(parts[0]), std::string(parts[1]), std::string(parts[2])};
}

std::optional<MechanismName> try_parse_full_name(std::string_view name) {
    try {
        return parse_full_name(name);
    } catch (const InvalidName&) {
        return std::nullopt;
    }
}

} // namespace glia
