// libFuzzer target for mechanism names (src/core/base/names.cpp).
//
// Promises checked, for any bytes:
// - name_problem agrees with an independent statement of the rules in docs/architecture.md ("Names"), and
//   check_name throws InvalidName exactly when name_problem finds a problem;
// - try_parse_full_name and parse_full_name agree, and whatever parses prints back as the same text;
// - splitting the input at '/' into package/asset/variant: parse(full()) gives the triple back when
//   all three parts are valid, and fails otherwise (no two triples share a NEURON name).

#include "base/error.hpp"
#include "base/names.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok, const char* promise) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_names: broken promise: %s\n", promise);
        std::abort();
    }
}

bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool ascii_digit(char c) { return c >= '0' && c <= '9'; }

// The naming rules written out again, independently of names.cpp.
bool valid(std::string_view s, glia::NamePart part) {
    if (s.empty() || s.front() == '_' || s.back() == '_' || s.find("__") != std::string_view::npos) {
        return false;
    }
    for (char c : s) {
        if (!ascii_letter(c) && !ascii_digit(c) && c != '_') {
            return false;
        }
    }
    return part == glia::NamePart::variant || ascii_letter(s.front());
}

void check_part(std::string_view s, glia::NamePart part) {
    std::string problem = glia::name_problem(s, part);
    check(problem.empty() == valid(s, part), "name_problem follows the naming rules");
    bool threw = false;
    try {
        glia::check_name(s, part, "fuzz");
    } catch (const glia::InvalidName& e) {
        threw = true;
        check(std::string_view(e.what()).find(problem) != std::string_view::npos, "check_name says the problem");
    }
    check(threw == !problem.empty(), "check_name throws exactly for a problem");
}

glia::MechanismName split_triple(std::string_view s) {
    glia::MechanismName m{"", "", ""};
    std::string* parts[] = {&m.package, &m.asset, &m.variant};
    size_t start = 0;
    for (int i = 0; i < 3; ++i) {
        size_t end = i < 2 ? s.find('/', start) : std::string_view::npos;
        if (end == std::string_view::npos) {
            *parts[i] = std::string(s.substr(std::min(start, s.size())));
            start = s.size() + 1;
        } else {
            *parts[i] = std::string(s.substr(start, end - start));
            start = end + 1;
        }
    }
    return m;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view s(reinterpret_cast<const char*>(data), size);
    using glia::NamePart;
    for (auto part : {NamePart::package, NamePart::asset, NamePart::variant}) {
        check_part(s, part);
    }

    auto parsed = glia::try_parse_full_name(s);
    bool threw = false;
    try {
        auto strict = glia::parse_full_name(s);
        check(parsed && strict == *parsed, "parse_full_name and try_parse_full_name agree");
    } catch (const glia::InvalidName&) {
        threw = true;
    }
    check(threw == !parsed, "parse_full_name throws exactly when try_parse_full_name fails");
    if (parsed) {
        check(glia::is_full_name(s), "a parsed name starts with glia__");
        check(parsed->full() == s, "a parsed name prints back as the same text");
        check(valid(parsed->package, NamePart::package) && valid(parsed->asset, NamePart::asset) &&
                  valid(parsed->variant, NamePart::variant),
              "a parsed name has valid parts");
        (void)parsed->pretty();
    }

    glia::MechanismName triple = split_triple(s);
    bool all_valid = valid(triple.package, NamePart::package) && valid(triple.asset, NamePart::asset) &&
                     valid(triple.variant, NamePart::variant);
    auto round = glia::try_parse_full_name(triple.full());
    check(round.has_value() == all_valid, "a full name parses exactly when its parts are valid");
    if (round) {
        check(*round == triple, "parse(full()) gives the original back");
    }
    return 0;
}
