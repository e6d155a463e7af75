#include "glia/names.hpp"

#include "glia/error.hpp"

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

std::string name_problem(std::string_view text, NamePart part) {
    if (text.empty()) {
        return "is empty";
    }
    for (char c : text) {
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) {
            return std::string("contains '") + c + "'; only letters, digits and '_' are allowed";
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
    message += std::string("invalid ") + part_label(part) + " '" + std::string(text) + "': " + problem;
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
        throw InvalidName("'" + std::string(name) + "' is not a glia name: it must start with 'glia__'");
    }
    auto parts = split_double_underscore(name.substr(kNamePrefix.size()));
    if (parts.size() != 3) {
        throw InvalidName("'" + std::string(name) +
                          "' is not a glia name: expected glia__<package>__<asset>__<variant>");
    }
    std::string context = "in '" + std::string(name) + "'";
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
