// The preference store: the YAML format, its errors (file:line:column), editing that keeps
// comments, atomic read-modify-write that never truncates, and where the files are.

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include "base/error.hpp"
#include "base/fs.hpp"
#include "preferences/preferences.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>

using namespace glia;
using glia::test::message_of;
using glia::test::TempDir;

namespace {

std::string parse_error(const std::string& text) {
    return message_of([&] { parse_preferences(text, "p.yaml"); });
}

Preferences parse(const std::string& text) { return parse_preferences(text, "p.yaml"); }

std::string choice(const Preferences& p, const std::string& asset) {
    auto it = p.assets.find(asset);
    if (it == p.assets.end()) {
        return "(none)";
    }
    return it->second.constraint.package + "/" + it->second.constraint.variant;
}

/// Sets the environment variable for the lifetime of the object.
struct EnvVar {
    std::string name;
    std::string old;
    bool had;
    EnvVar(const char* n, const std::string& value) : name(n) {
        const char* v = std::getenv(n);
        had = v != nullptr;
        old = v ? v : "";
        ::setenv(n, value.c_str(), 1);
    }
    ~EnvVar() {
        if (had) {
            ::setenv(name.c_str(), old.c_str(), 1);
        } else {
            ::unsetenv(name.c_str());
        }
    }
};

const char* kHandEdited = "# my lab's choices\n"
                          "assets:\n"
                          "  # Kv1 from the paper's package\n"
                          "  Kv1: {package: example, variant: fast}   # fast for the axon\n"
                          "  Nav16:\n"
                          "    variant: slow\n"
                          "\n"
                          "# and everything else from lab\n"
                          "packages:\n"
                          "  - lab   # our own\n"
                          "# end\n";

} // namespace

BOOST_AUTO_TEST_SUITE(preferences)

// ---- the format ----

BOOST_AUTO_TEST_CASE(reads_assets_and_package_wide_defaults) {
    Preferences p = parse(kHandEdited);
    BOOST_TEST(choice(p, "Kv1") == "example/fast");
    BOOST_TEST(choice(p, "Nav16") == "/slow");
    BOOST_REQUIRE(p.packages.size() == 1);
    BOOST_TEST(p.packages[0].constraint.package == "lab");
    BOOST_TEST(p.assets.at("Kv1").origin == "p.yaml:4:3");
    BOOST_TEST(p.packages[0].origin == "p.yaml:10:5");
}

BOOST_AUTO_TEST_CASE(a_scalar_choice_is_a_package) {
    Preferences p = parse("assets:\n  Kv1: lab\npackages:\n  - {package: lab2, variant: fast}\n");
    BOOST_TEST(choice(p, "Kv1") == "lab/");
    BOOST_TEST(p.packages[0].constraint.variant == "fast");
}

BOOST_AUTO_TEST_CASE(empty_files_and_empty_keys_prefer_nothing) {
    BOOST_TEST(parse("").empty());
    BOOST_TEST(parse("# only a comment\n").empty());
    BOOST_TEST(parse("assets:\npackages:\n").empty());
    BOOST_TEST(parse("assets: {}\npackages: []\n").empty());
}

BOOST_AUTO_TEST_CASE(malformed_yaml_names_file_line_and_column) {
    BOOST_TEST(parse_error("assets:\n  Kv1: {package: lab\n") .find("p.yaml:3:1: malformed YAML") == 0);
    BOOST_TEST(parse_error("assets: [unclosed\n").find("p.yaml:2:1: malformed YAML") == 0);
}

BOOST_AUTO_TEST_CASE(unknown_keys_are_errors_with_a_suggestion) {
    BOOST_TEST(parse_error("asets:\n  Kv1: lab\n") == "p.yaml:1:1: unknown key 'asets'; did you mean 'assets'?");
    BOOST_TEST(parse_error("assets:\n  Kv1: {pakage: lab}\n") ==
               "p.yaml:2:9: unknown key 'pakage'; did you mean 'package'?");
}

BOOST_AUTO_TEST_CASE(wrong_shapes_say_what_is_expected) {
    BOOST_TEST(parse_error("- Kv1\n") == "p.yaml:1:1: a preferences file is a map with the keys 'assets' and "
                                         "'packages' (see 'glia select --help' for an example)");
    BOOST_TEST(parse_error("assets: [Kv1]\n") ==
               "p.yaml:1:9: 'assets' must map asset names to choices, like  Kv1: {package: example, variant: fast}");
    BOOST_TEST(parse_error("packages: lab\n") ==
               "p.yaml:1:11: 'packages' must be a list of package-wide defaults, like  - example");
    BOOST_TEST(parse_error("assets:\n  Kv1: [lab]\n") ==
               "p.yaml:2:8: the choice for 'Kv1' must be a package name or a map like {package: example, variant: "
               "fast}");
    BOOST_TEST(parse_error("packages:\n  - {variant: fast}\n") ==
               "p.yaml:2:5: a package-wide default must name its package");
}

BOOST_AUTO_TEST_CASE(empty_choices_are_errors) {
    BOOST_TEST(parse_error("assets:\n  Kv1:\n") ==
               "p.yaml:2:3: the choice for 'Kv1' is empty; give package:, variant: or both, or remove the line");
    BOOST_TEST(parse_error("assets:\n  Kv1: {}\n") ==
               "p.yaml:2:8: the choice for 'Kv1' is empty; give package:, variant: or both, or remove the line");
}

BOOST_AUTO_TEST_CASE(bad_names_are_errors_where_they_stand) {
    BOOST_TEST(parse_error("assets:\n  Kv1: {package: my-lab}\n") ==
               "p.yaml:2:18: package 'my-lab' contains '-'; only letters, digits and '_' are allowed");
    BOOST_TEST(parse_error("assets:\n  K__v: lab\n").find("p.yaml:2:3: asset 'K__v' contains a double underscore") ==
               0);
    BOOST_TEST(parse_error("assets:\n  Kv1: {variant: _x}\n") == "p.yaml:2:18: variant '_x' starts or ends with '_'");
}

BOOST_AUTO_TEST_CASE(duplicates_are_errors_naming_both_places) {
    BOOST_TEST(parse_error("assets:\n  Kv1: lab\n  Kv1: example\n") ==
               "p.yaml:3:3: key 'Kv1' is repeated (first on line 2); keep one of them");
    BOOST_TEST(parse_error("packages:\n  - lab\n  - {package: lab}\n") ==
               "p.yaml:3:5: package 'lab' is listed twice (first at p.yaml:2:5); keep one");
}

// ---- the in-memory operations ----

BOOST_AUTO_TEST_CASE(select_replaces_and_unselect_removes) {
    Preferences p;
    p.select("Kv1", {"lab", ""});
    p.select("Kv1", {"example", "fast"});
    BOOST_TEST(choice(p, "Kv1") == "example/fast");
    BOOST_TEST(p.unselect("Kv1"));
    BOOST_TEST(!p.unselect("Kv1"));
    BOOST_TEST(p.empty());
}

BOOST_AUTO_TEST_CASE(select_rejects_empty_choices_and_bad_names) {
    Preferences p;
    BOOST_TEST(message_of([&] { p.select("Kv1", {}); }) ==
               "a preference for 'Kv1' must name a package, a variant or both");
    BOOST_CHECK_THROW(p.select("Kv-1", {"lab", ""}), InvalidName);
    BOOST_CHECK_THROW(p.select("Kv1", {"la b", ""}), InvalidName);
    BOOST_TEST(message_of([&] { p.select_package({"", "fast"}); }) == "a package-wide preference must name a package");
    BOOST_TEST(p.empty());
}

BOOST_AUTO_TEST_CASE(package_defaults_keep_their_place_when_replaced) {
    Preferences p;
    p.select_package({"a", ""});
    p.select_package({"b", ""});
    p.select_package({"a", "fast"});
    BOOST_REQUIRE(p.packages.size() == 2);
    BOOST_TEST(p.packages[0].constraint.variant == "fast");
    BOOST_TEST(p.unselect_package("a"));
    BOOST_TEST(!p.unselect_package("a"));
    BOOST_TEST(p.packages[0].constraint.package == "b");
}

BOOST_AUTO_TEST_CASE(asset_entry_beats_package_default_field_by_field) {
    Preferences p;
    p.select_package({"lab", ""});
    p.select_package({"example", ""});
    p.select("Kv1", {"", "fast"});
    auto lab_has_everything = [](std::string_view package, std::string_view) { return package == "lab"; };
    auto only_example = [](std::string_view package, std::string_view) { return package == "example"; };
    auto nobody = [](std::string_view, std::string_view) { return false; };
    const Selection* own = nullptr;
    const Selection* wide = nullptr;
    Constraint c = p.for_asset("Kv1", lab_has_everything, &own, &wide);
    BOOST_TEST(c.package == "lab");
    BOOST_TEST(c.variant == "fast");
    BOOST_TEST(own == &p.assets.at("Kv1"));
    BOOST_TEST(wide == &p.packages[0]);
    // The first default that has the asset applies; a package without it is skipped.
    BOOST_TEST(p.for_asset("Nav", only_example).package == "example");
    BOOST_TEST(p.for_asset("Nav", nobody).empty());
    BOOST_TEST(p.for_asset("Kv1", nobody).variant == "fast");
}

// ---- editing ----

BOOST_AUTO_TEST_CASE(changing_one_entry_keeps_every_comment_even_its_own) {
    Preferences want = parse(kHandEdited);
    want.select("Kv1", {"lab", ""});
    EditedText e = edit_preferences(kHandEdited, want, "p.yaml");
    BOOST_TEST(!e.relaid_out);
    BOOST_TEST(e.text == "# my lab's choices\n"
                         "assets:\n"
                         "  # Kv1 from the paper's package\n"
                         "  Kv1: {package: lab}   # fast for the axon\n"
                         "  Nav16:\n"
                         "    variant: slow\n"
                         "\n"
                         "# and everything else from lab\n"
                         "packages:\n"
                         "  - lab   # our own\n"
                         "# end\n");
}

BOOST_AUTO_TEST_CASE(adding_and_removing_entries_keeps_comments) {
    Preferences want = parse(kHandEdited);
    want.unselect("Nav16");
    want.select("AMPA", {"example", ""});
    want.select_package({"example", "fast"});
    EditedText e = edit_preferences(kHandEdited, want, "p.yaml");
    BOOST_TEST(!e.relaid_out);
    BOOST_TEST(e.text == "# my lab's choices\n"
                         "assets:\n"
                         "  # Kv1 from the paper's package\n"
                         "  Kv1: {package: example, variant: fast}   # fast for the axon\n"
                         "  AMPA: {package: example}\n"
                         "\n"
                         "# and everything else from lab\n"
                         "packages:\n"
                         "  - lab   # our own\n"
                         "  - {package: example, variant: fast}\n"
                         "# end\n");
    BOOST_TEST(parse(e.text).same_choices(want));
}

BOOST_AUTO_TEST_CASE(missing_sections_are_appended) {
    std::string text = "# nothing chosen yet\n";
    Preferences want;
    want.select("Kv1", {"example", "fast"});
    want.select_package({"lab", ""});
    EditedText e = edit_preferences(text, want, "p.yaml");
    BOOST_TEST(!e.relaid_out);
    BOOST_TEST(e.text == "# nothing chosen yet\nassets:\n  Kv1: {package: example, variant: fast}\npackages:\n  - lab\n");
    text = "assets:   # to fill\npackages:\n";
    e = edit_preferences(text, want, "p.yaml");
    BOOST_TEST(e.text == "assets:   # to fill\n  Kv1: {package: example, variant: fast}\npackages:\n  - lab\n");
}

BOOST_AUTO_TEST_CASE(removing_the_last_entry_leaves_an_empty_section) {
    std::string text = "assets:\n  Kv1: lab  # why\n# trailing\n";
    Preferences want;
    EditedText e = edit_preferences(text, want, "p.yaml");
    BOOST_TEST(e.text == "assets:\n# trailing\n");
    BOOST_TEST(parse(e.text).empty());
}

BOOST_AUTO_TEST_CASE(flow_style_files_are_laid_out_afresh_keeping_every_comment) {
    std::string text = "# flow style\n"
                       "{assets: {Kv1: lab,   # the lab's own\n"
                       "          Nav: {variant: slow}},  # slow everywhere\n"
                       " # defaults\n"
                       " packages: [lab, 'ex']}  # 'end'\n";
    Preferences want = parse(text);
    want.select("Kv1", {"example", ""});
    EditedText e = edit_preferences(text, want, "p.yaml");
    BOOST_TEST(e.relaid_out);
    BOOST_TEST(e.text == "# flow style\n"
                         "# the lab's own\n"
                         "# slow everywhere\n"
                         "# defaults\n"
                         "# 'end'\n"
                         "assets:\n"
                         "  Kv1: {package: example}\n"
                         "  Nav: {variant: slow}\n"
                         "packages:\n"
                         "  - lab\n"
                         "  - ex\n");
    BOOST_TEST(parse(e.text).same_choices(want));
    // Without comments there is nothing to keep: the file gets the front end's header.
    e = edit_preferences("assets: {Kv1: lab}\n", want, "p.yaml", "# the header\n");
    BOOST_TEST(e.text == format_preferences(want, "# the header\n"));
    BOOST_TEST(e.text.find("# the header\nassets:\n") == 0);
    BOOST_TEST(parse(e.text).same_choices(want));
}

BOOST_AUTO_TEST_CASE(an_unchanged_choice_leaves_the_text_alone) {
    Preferences want = parse(kHandEdited);
    BOOST_TEST(edit_preferences(kHandEdited, want, "p.yaml").text == kHandEdited);
}

BOOST_AUTO_TEST_CASE(a_fresh_file_reads_back) {
    Preferences want;
    want.select("Kv1", {"", "fast"});
    want.select("AMPA", {"lab", "0"});
    want.select_package({"lab", ""});
    want.select_package({"x", "y"});
    std::string text = format_preferences(want, "# glia preferences\n");
    BOOST_TEST(text.find("# glia preferences\nassets:\n") == 0);
    BOOST_TEST(parse(text).same_choices(want));
    BOOST_TEST(choice(parse(text), "AMPA") == "lab/0");
}

// ---- files ----

BOOST_AUTO_TEST_CASE(update_creates_the_file_and_its_directory) {
    TempDir tmp;
    fs::path file = tmp.path / "config" / "glia" / "preferences.yaml";
    FileUpdate u = update_preferences_file(file, [](Preferences& p) { p.select("Kv1", {"lab", ""}); });
    BOOST_TEST(u.changed);
    BOOST_TEST(choice(load_preferences(file), "Kv1") == "lab/");
    u = update_preferences_file(file, [](Preferences& p) { p.select("Kv1", {"lab", ""}); });
    BOOST_TEST(!u.changed);
}

BOOST_AUTO_TEST_CASE(update_keeps_comments_of_a_hand_edited_file) {
    TempDir tmp;
    fs::path file = tmp.write("preferences.yaml", kHandEdited);
    update_preferences_file(file, [](Preferences& p) { p.unselect("Kv1"); });
    std::string text = read_file(file);
    BOOST_TEST(text.find("# my lab's choices") == 0);
    BOOST_TEST(text.find("Kv1:") == std::string::npos);
    BOOST_TEST(text.find("# Kv1 from") != std::string::npos);
    BOOST_TEST(text.find("  - lab   # our own") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_malformed_file_is_never_changed) {
    TempDir tmp;
    std::string broken = "# careful\nassets:\n  Kv1: {package: lab\n";
    fs::path file = tmp.write("preferences.yaml", broken);
    std::string e = message_of([&] { update_preferences_file(file, [](Preferences& p) { p.unselect("Kv1"); }); });
    BOOST_TEST(e.find(file.string() + ":4:1: malformed YAML") == 0);
    BOOST_TEST(read_file(file) == broken);
    BOOST_TEST(fs::directory_iterator(tmp.path)->path() == file); // no temporary left behind
}

BOOST_AUTO_TEST_CASE(a_failing_change_leaves_the_file_alone) {
    TempDir tmp;
    fs::path file = tmp.write("preferences.yaml", kHandEdited);
    BOOST_CHECK_THROW(update_preferences_file(file, [](Preferences& p) { p.select("Kv1", {}); }), PreferenceError);
    BOOST_TEST(read_file(file) == kHandEdited);
}

BOOST_AUTO_TEST_CASE(update_through_a_symlink_changes_its_target) {
    TempDir tmp;
    fs::path target = tmp.write("dotfiles/prefs.yaml", "# mine\n");
    fs::path link = tmp.path / "config" / "preferences.yaml";
    fs::create_directories(link.parent_path());
    fs::create_symlink(target, link);
    update_preferences_file(link, [](Preferences& p) { p.select("Kv1", {"lab", ""}); });
    BOOST_TEST(fs::is_symlink(link));
    BOOST_TEST(read_file(target) == "# mine\nassets:\n  Kv1: {package: lab}\n");
}

BOOST_AUTO_TEST_CASE(a_missing_file_holds_no_preferences) {
    TempDir tmp;
    BOOST_TEST(load_preferences(tmp.path / "nope.yaml").empty());
}

BOOST_AUTO_TEST_CASE(the_global_file_follows_xdg_config_home) {
    {
        EnvVar config("XDG_CONFIG_HOME", "/x/conf");
        BOOST_TEST(global_preferences_path() == fs::path("/x/conf/glia/preferences.yaml"));
    }
    EnvVar config("XDG_CONFIG_HOME", "");
    EnvVar home("HOME", "/home/u");
    BOOST_TEST(global_preferences_path() == fs::path("/home/u/.config/glia/preferences.yaml"));
}

BOOST_AUTO_TEST_CASE(the_project_file_is_the_nearest_glia_yaml) {
    TempDir tmp;
    fs::create_directories(tmp.path / "repo" / "models" / "cells");
    BOOST_TEST(!find_project_file(tmp.path / "repo" / "models" / "cells"));
    fs::path top = tmp.write("repo/glia.yaml", "");
    auto found = [](const fs::path& start) {
        std::optional<fs::path> file = find_project_file(start);
        BOOST_REQUIRE(file);
        return *file;
    };
    BOOST_TEST(found(tmp.path / "repo" / "models" / "cells") == top);
    fs::path inner = tmp.write("repo/models/glia.yaml", "");
    BOOST_TEST(found(tmp.path / "repo" / "models" / "cells") == inner);
    BOOST_TEST(found(tmp.path / "repo") == top);
}

BOOST_AUTO_TEST_SUITE_END()
