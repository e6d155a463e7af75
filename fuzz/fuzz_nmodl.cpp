// libFuzzer target for the NMODL scanner and rewriter (src/core/packages/nmodl.cpp).
//
// Promises checked, for any bytes at all:
// - scan_nmodl either returns or throws ParseError (anything else escapes and is reported as a crash);
// - what it returns points at the declared name in the text;
// - rewriting that name and scanning again finds the new name, of the same kind, at the same place,
//   with the same functions and includes: the rewrite changes the declaration and nothing else.

#include "base/error.hpp"
#include "packages/nmodl.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

void check(bool ok, const char* promise) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_nmodl: broken promise: %s\n", promise);
        std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    glia::NmodlInfo info;
    try {
        info = glia::scan_nmodl(text, "fuzz.mod");
    } catch (const glia::ParseError&) {
        return 0;
    }
    check(!info.name.empty(), "a successful scan names the mechanism");
    check(info.name_offset + info.name.size() <= text.size(), "the name's offset lies inside the text");
    check(text.substr(info.name_offset, info.name.size()) == info.name, "the offset points at the name");
    check(info.line >= 1, "the name's line is 1-based");

    // A namespaced name, as the builder writes it.
    const std::string new_name = "glia__fuzz__Asset__0";
    std::string out = glia::rewrite_nmodl(text, info, new_name);
    check(out.size() == text.size() - info.name.size() + new_name.size(), "the rewrite only swaps the name");

    glia::NmodlInfo again;
    try {
        again = glia::scan_nmodl(out, "fuzz.mod");
    } catch (const glia::ParseError& e) {
        std::fprintf(stderr, "rescan failed: %s\n", e.what());
        check(false, "the rewritten text scans");
    }
    check(again.name == new_name, "the rescan finds the new name");
    // `SUFFIX nothing` is a kind of its own only because of its name.
    auto expected = info.kind == glia::MechanismKind::nothing ? glia::MechanismKind::density : info.kind;
    check(again.kind == expected, "the rescan finds the same kind");
    check(again.name_offset == info.name_offset, "the name stays where it was");
    check(again.line == info.line, "the name stays on its line");
    check(again.functions == info.functions, "functions are unchanged");
    check(again.includes == info.includes, "includes are unchanged");
    // A mechanism named like the keyword USEION makes its successor look like an ion; not worth a rule.
    if (!glia::same_keyword(info.name, "USEION")) {
        check(again.ions == info.ions, "ions are unchanged");
    }
    return 0;
}
