// libFuzzer target for preference files (preferences.yaml, glia.yaml: src/core/preferences/preferences.cpp).
//
// Promises checked, for any text:
// - parse_preferences either returns or throws glia::Error (a YAML exception escaping is a crash);
// - what it returns survives a fresh write: parse(format(p)) holds the same choices;
// - editing the text in place, to hold the same choices or one more, gives text that parses to
//   exactly the wanted choices (the line editor falls back to a fresh write when it cannot).

#include "base/error.hpp"
#include "preferences/preferences.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

void check(bool ok, const char* promise) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_preferences: broken promise: %s\n", promise);
        std::abort();
    }
}

glia::Preferences reparse(const std::string& text, const char* what) {
    try {
        return glia::parse_preferences(text, "written.yaml");
    } catch (const glia::Error& e) {
        std::fprintf(stderr, "%s does not parse: %s\n--- text ---\n%s\n", what, e.what(), text.c_str());
        check(false, "glia's own output parses");
    }
    return {};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    const glia::fs::path path = "preferences.yaml";
    glia::Preferences prefs;
    try {
        prefs = glia::parse_preferences(text, path);
    } catch (const glia::Error&) {
        return 0;
    }
    check(reparse(glia::format_preferences(prefs), "format_preferences").same_choices(prefs),
          "a fresh write keeps every choice");

    check(reparse(glia::edit_preferences(text, prefs, path).text, "an unchanged edit").same_choices(prefs),
          "editing to the same choices keeps them");

    glia::Preferences more = prefs;
    more.select("FuzzAsset", glia::Constraint{"fuzzpkg", "fast"});
    more.select_package(glia::Constraint{"otherpkg", ""});
    check(reparse(glia::edit_preferences(text, more, path).text, "an edit").same_choices(more),
          "an edit gives exactly the wanted choices");

    if (!prefs.assets.empty()) {
        glia::Preferences fewer = prefs;
        fewer.unselect(fewer.assets.begin()->first);
        check(reparse(glia::edit_preferences(text, fewer, path).text, "a removal").same_choices(fewer),
              "removing a choice removes only it");
    }
    return 0;
}
