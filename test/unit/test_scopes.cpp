// The scopes of preferences: global < project < script < context < call, field by field,
// package-wide defaults, checks against what is installed, broken files and explanations.

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include "base/error.hpp"
#include "resolve/scopes.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::contains;
using glia::test::message_of;
using glia::test::mod;
using glia::test::pkg;
using glia::test::TempDir;

namespace {

// The original Glia's situations: one asset from several packages, variants within one package.
Index sample_index() {
    return Index({pkg("example", {mod("example", "Kv1", "0"), mod("example", "Kv1", "fast"),
                                  mod("example", "Leak", "0"), mod("example", "AMPA", "0", MechanismKind::point_process)}),
                  pkg("lab", {mod("lab", "Kv1", "0"), mod("lab", "Kv1", "slow"), mod("lab", "Nav16", "fast"),
                              mod("lab", "Nav16", "slow")})});
}

/// A stack whose global and project scopes come from files with this content ("" = no file).
struct Fixture {
    TempDir tmp;
    Index index = sample_index();
    ScopeStack scopes;
    std::vector<Diagnostic> load(const std::string& global, const std::string& project) {
        fs::path g = tmp.write("config/glia/preferences.yaml", global);
        std::optional<fs::path> p;
        if (!project.empty()) {
            p = tmp.write("repo/glia.yaml", project);
        }
        return scopes.load_files(g, p);
    }
    std::string resolved(const std::string& asset, const Constraint& call = {}) {
        return scopes.resolve(index, asset, call).neuron_name();
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(scopes)

BOOST_AUTO_TEST_CASE(without_preferences_the_resolver_rules_apply) {
    Fixture f;
    BOOST_TEST(f.resolved("Leak") == "glia__example__Leak__0");
    BOOST_TEST(contains(message_of([&] { f.resolved("Kv1"); }), "'Kv1' is ambiguous: 4 candidates match"));
    BOOST_TEST(f.resolved("pas") == "pas");
}

BOOST_AUTO_TEST_CASE(each_scope_overrides_the_weaker_ones) {
    Fixture f;
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "");
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__fast");
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "assets:\n  Kv1: lab\n");
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__0");
    f.scopes.select(f.index, "Kv1", {"lab", "slow"});
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__slow");
    f.scopes.push_context(f.index, {"example", ""});
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__0");
    f.scopes.push_context(f.index);
    f.scopes.context_select(f.index, "Kv1", {"", "fast"});
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__fast");
    BOOST_TEST(f.resolved("Kv1", {"lab", ""}) == "glia__lab__Kv1__0");
}

BOOST_AUTO_TEST_CASE(removing_a_stronger_scope_brings_the_weaker_back) {
    Fixture f;
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "assets:\n  Kv1: lab\n");
    f.scopes.select(f.index, "Kv1", {"lab", "slow"});
    f.scopes.push_context(f.index, {"example", ""});
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__0");
    BOOST_TEST(f.scopes.pop_context() == 0u);
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__slow");
    BOOST_TEST(f.scopes.unselect("Kv1"));
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__0");
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "");
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__fast");
}

BOOST_AUTO_TEST_CASE(a_stronger_variant_keeps_the_weaker_package) {
    Fixture f;
    f.load("assets:\n  Kv1: lab\n", "");
    f.scopes.select(f.index, "Kv1", {"", "slow"});
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__slow");
    BOOST_TEST(f.resolved("Kv1", {"", "0"}) == "glia__lab__Kv1__0");
}

BOOST_AUTO_TEST_CASE(a_stronger_package_drops_the_weaker_variant) {
    Fixture f;
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "");
    // lab has no Kv1 'fast': the global variant belonged to example and is dropped.
    BOOST_TEST(f.resolved("Kv1", {"lab", ""}) == "glia__lab__Kv1__0");
}

BOOST_AUTO_TEST_CASE(package_wide_defaults_apply_to_the_assets_the_package_has) {
    Fixture f;
    f.load("packages:\n  - lab\n", "");
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__0");
    BOOST_TEST(f.resolved("Leak") == "glia__example__Leak__0"); // lab has no Leak
    f.load("packages:\n  - {package: example, variant: fast}\n  - lab\n", "");
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__fast");
    BOOST_TEST(f.resolved("Nav16", {"", "fast"}) == "glia__lab__Nav16__fast");
}

BOOST_AUTO_TEST_CASE(an_asset_choice_beats_the_package_default_of_its_scope) {
    Fixture f;
    f.load("assets:\n  Kv1: example\npackages:\n  - lab\n", "");
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__0");
    BOOST_TEST(f.resolved("Nav16", {"", "slow"}) == "glia__lab__Nav16__slow");
}

BOOST_AUTO_TEST_CASE(a_context_package_default_beats_a_global_asset_choice) {
    Fixture f;
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "");
    f.scopes.push_context(f.index, {"lab", ""});
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__0");
    BOOST_TEST(f.resolved("Leak") == "glia__example__Leak__0");
    f.scopes.pop_context();
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__fast");
}

BOOST_AUTO_TEST_CASE(inner_contexts_are_stronger_and_pop_in_order) {
    Fixture f;
    BOOST_TEST(f.scopes.push_context(f.index, {"lab", ""}) == 1u);
    BOOST_TEST(f.scopes.push_context(f.index, {"example", ""}) == 2u);
    BOOST_TEST(f.resolved("Kv1") == "glia__example__Kv1__0");
    BOOST_TEST(f.scopes.scopes().back().label == "context 2");
    f.scopes.pop_context();
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__0");
    f.scopes.pop_context();
    BOOST_TEST(f.scopes.context_depth() == 0u);
}

BOOST_AUTO_TEST_CASE(popping_without_a_context_is_an_error) {
    Fixture f;
    BOOST_TEST(message_of([&] { f.scopes.pop_context(); }) ==
               "no context to pop: every glia_context_pop() needs a glia_context_push() before it");
    BOOST_TEST(message_of([&] { f.scopes.context_select(f.index, "Kv1", {"lab", ""}); }) ==
               "cannot choose 'Kv1' for a context: no context is open (open one with glia_context_push(), or use "
               "glia_select for the whole script)");
}

BOOST_AUTO_TEST_CASE(clearing_the_script_scope) {
    Fixture f;
    f.scopes.select(f.index, "Kv1", {"lab", ""});
    f.scopes.select_package(f.index, {"example", ""});
    BOOST_TEST(f.resolved("Nav16", {"", "fast"}) == "glia__lab__Nav16__fast");
    f.scopes.clear_script();
    BOOST_TEST(f.scopes.scopes()[2].prefs.empty());
    BOOST_TEST(!f.scopes.unselect("Kv1"));
    BOOST_TEST(!f.scopes.unselect_package("example"));
}

BOOST_AUTO_TEST_CASE(unselecting_a_package_default) {
    Fixture f;
    f.scopes.select_package(f.index, {"lab", ""});
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__0");
    BOOST_TEST(f.scopes.unselect_package("lab"));
    BOOST_TEST(contains(message_of([&] { f.resolved("Kv1"); }), "is ambiguous"));
}

BOOST_AUTO_TEST_CASE(full_names_pass_through_every_scope) {
    Fixture f;
    f.scopes.select(f.index, "Kv1", {"lab", ""});
    BOOST_TEST(f.resolved("glia__example__Kv1__fast") == "glia__example__Kv1__fast");
}

BOOST_AUTO_TEST_CASE(the_generation_grows_with_every_change) {
    Fixture f;
    auto g = f.scopes.generation();
    f.scopes.select(f.index, "Kv1", {"lab", ""});
    BOOST_TEST(f.scopes.generation() > g);
    g = f.scopes.generation();
    f.scopes.push_context(f.index);
    BOOST_TEST(f.scopes.generation() > g);
    g = f.scopes.generation();
    f.scopes.pop_context();
    BOOST_TEST(f.scopes.generation() > g);
    g = f.scopes.generation();
    f.scopes.unselect("Kv1");
    BOOST_TEST(f.scopes.generation() > g);
    g = f.scopes.generation();
    f.scopes.unselect("Kv1"); // nothing changed
    BOOST_TEST(f.scopes.generation() == g);
    f.load("", "");
    BOOST_TEST(f.scopes.generation() > g);
    g = f.scopes.generation();
    f.scopes.clear_script();
    BOOST_TEST(f.scopes.generation() > g);
}

// ---- preferences for what is not installed ----

BOOST_AUTO_TEST_CASE(selecting_a_missing_package_is_an_error_and_changes_nothing) {
    Fixture f;
    auto g = f.scopes.generation();
    BOOST_TEST(message_of([&] { f.scopes.select(f.index, "Kv1", {"labb", ""}); }) ==
               "no installed candidate of 'Kv1' has package 'labb' (package 'labb' is not installed; did you mean "
               "'lab'?); the candidates are:\n"
               "  example.Kv1(0)  (NEURON name glia__example__Kv1__0)\n"
               "  example.Kv1(fast)  (NEURON name glia__example__Kv1__fast)\n"
               "  lab.Kv1(0)  (NEURON name glia__lab__Kv1__0)\n"
               "  lab.Kv1(slow)  (NEURON name glia__lab__Kv1__slow)");
    BOOST_TEST(f.scopes.scopes()[2].prefs.empty());
    BOOST_TEST(f.scopes.generation() == g);
}

BOOST_AUTO_TEST_CASE(selecting_a_missing_variant_or_asset_is_an_error) {
    Fixture f;
    BOOST_TEST(contains(message_of([&] { f.scopes.select(f.index, "Kv1", {"lab", "fast"}); }),
                        "no installed candidate of 'Kv1' has package 'lab' and variant 'fast'; the candidates are:"));
    BOOST_TEST(contains(message_of([&] { f.scopes.select(f.index, "Kv1", {"", "medium"}); }),
                        "no installed candidate of 'Kv1' has variant 'medium'"));
    BOOST_TEST(message_of([&] { f.scopes.select(f.index, "kv1", {"lab", ""}); }) ==
               "cannot choose for 'kv1': no installed package provides it; did you mean 'Kv1'? (see 'glia list')");
    BOOST_TEST(message_of([&] { f.scopes.select(f.index, "Kv1", {}); }) ==
               "a preference for 'Kv1' must name a package, a variant or both");
    f.scopes.select(f.index, "Kv1", {"", "fast"}); // some package has it: fine
}

BOOST_AUTO_TEST_CASE(package_wide_defaults_for_missing_packages_are_errors) {
    Fixture f;
    BOOST_TEST(message_of([&] { f.scopes.select_package(f.index, {"exampel", ""}); }) ==
               "package 'exampel' is not installed; did you mean 'example'? (see 'glia list')");
    BOOST_TEST(message_of([&] { f.scopes.push_context(f.index, {"nosuch", ""}); }) ==
               "package 'nosuch' is not installed (see 'glia list')");
    BOOST_TEST(f.scopes.context_depth() == 0u);
    BOOST_TEST(message_of([&] { f.scopes.select_package(f.index, {"lab", "fast0"}); }) ==
               "package 'lab' has no asset in variant 'fast0' (see 'glia show-pkg lab')");
    BOOST_TEST(message_of([&] { f.scopes.select_package(f.index, {"", "fast"}); }) ==
               "a package-wide preference must name a package");
}

BOOST_AUTO_TEST_CASE(file_preferences_for_missing_things_are_warned_about_and_fail_when_used) {
    Fixture f;
    f.load("assets:\n  Kv1: nosuch\n  Gone: lab\npackages:\n  - ghost\n", "");
    std::vector<std::string> warnings;
    for (const auto& warning : f.scopes.check_installed(f.index)) {
        warnings.push_back(advice::render(warning)); // as the plugin reports them
    }
    BOOST_REQUIRE(warnings.size() == 3u);
    std::string file = (f.tmp.path / "config/glia/preferences.yaml").string();
    BOOST_TEST(warnings[0] == file + ":3:3: cannot choose for 'Gone': no installed package provides it (see 'glia list')");
    BOOST_TEST(contains(warnings[1], file + ":2:3: no installed candidate of 'Kv1' has package 'nosuch' (package "
                                            "'nosuch' is not installed); the candidates are:"));
    BOOST_TEST(warnings[2] == file + ":5:5: package 'ghost' is not installed (see 'glia list'); this default "
                                     "applies to nothing");
    // Using it is an error that says where the preference came from: never a silent fallback.
    std::string e = message_of([&] { f.resolved("Kv1"); });
    BOOST_TEST(contains(e, "no candidate for 'Kv1' matches package 'nosuch' (package 'nosuch' is not installed)"));
    BOOST_TEST(contains(e, "The preferences in force for it, weakest first:\n  global (" + file +
                               "): package 'nosuch'  [" + file + ":2:3]"));
}

// ---- broken files ----

BOOST_AUTO_TEST_CASE(a_broken_file_is_reported_and_blocks_resolution_until_fixed) {
    Fixture f;
    std::vector<Diagnostic> errors = f.load("assets:\n  Kv1: {package: lab\n", "");
    std::string file = (f.tmp.path / "config/glia/preferences.yaml").string();
    BOOST_REQUIRE(errors.size() == 1u);
    BOOST_TEST(errors[0].plain().find(file + ":3:1: malformed YAML") == 0);
    std::string e = message_of([&] { f.resolved("Leak"); });
    BOOST_TEST(e.find("the global preferences cannot be read: " + file + ":3:1: malformed YAML") == 0);
    BOOST_TEST(contains(e, "glia does not guess around a broken preferences file and left it unchanged: fix it, then "
                           "reload (glia_reload_preferences() in NEURON)"));
    BOOST_TEST(f.resolved("glia__example__Leak__0") == "glia__example__Leak__0");
    BOOST_TEST(f.load("assets:\n  Kv1: {package: lab}\n", "").empty());
    BOOST_TEST(f.resolved("Kv1") == "glia__lab__Kv1__0");
}

BOOST_AUTO_TEST_CASE(a_broken_project_file_is_named_as_such) {
    Fixture f;
    f.load("", "assets: [\n");
    BOOST_TEST(contains(message_of([&] { f.resolved("Leak"); }), "the project preferences cannot be read: "));
}

BOOST_AUTO_TEST_CASE(scope_labels_name_their_files) {
    Fixture f;
    f.load("", "assets:\n  Kv1: lab\n");
    BOOST_TEST(f.scopes.scopes()[0].label == "global (" + (f.tmp.path / "config/glia/preferences.yaml").string() + ")");
    BOOST_TEST(f.scopes.scopes()[1].label == "project (" + (f.tmp.path / "repo/glia.yaml").string() + ")");
    f.scopes.load_files(f.tmp.path / "none.yaml", std::nullopt);
    BOOST_TEST(f.scopes.scopes()[1].label == "project");
    BOOST_TEST(advice::render(f.scopes.scopes()[2].label) == "script (glia_select)");
    BOOST_TEST(scope_kind_name(ScopeKind::call) == "call");
}

// ---- explanations ----

BOOST_AUTO_TEST_CASE(explain_names_the_scope_of_each_field) {
    Fixture f;
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "assets:\n  Kv1: {variant: 0}\n");
    Explanation ex = f.scopes.explain(f.index, "Kv1");
    BOOST_TEST(ex.candidates.size() == 4u);
    BOOST_REQUIRE(ex.contributions.size() == 2u);
    BOOST_TEST(ex.contributions[0].kind == ScopeKind::global);
    BOOST_TEST(ex.contributions[0].origin == (f.tmp.path / "config/glia/preferences.yaml").string() + ":2:3");
    BOOST_TEST(ex.contributions[1].kind == ScopeKind::project);
    BOOST_TEST(ex.combined.package == "example");
    BOOST_TEST(ex.combined.variant == "0");
    BOOST_TEST(ex.package_from == f.scopes.scopes()[0].label);
    BOOST_TEST(ex.variant_from == f.scopes.scopes()[1].label);
    BOOST_REQUIRE(ex.resolved);
    BOOST_TEST(ex.resolved->neuron_name() == "glia__example__Kv1__0");
    BOOST_TEST(!ex.error);

    ex = f.scopes.explain(f.index, "Kv1", {"lab", ""});
    BOOST_TEST(ex.package_from == "this call");
    // The call picks another package, so the weaker variant no longer applies.
    BOOST_TEST(ex.variant_from.empty());
    BOOST_REQUIRE(ex.resolved);
    BOOST_TEST(ex.resolved->neuron_name() == "glia__lab__Kv1__0");
}

BOOST_AUTO_TEST_CASE(explain_reports_package_wide_defaults_and_cleared_variants) {
    Fixture f;
    f.load("assets:\n  Kv1: {package: example, variant: fast}\n", "");
    f.scopes.push_context(f.index, {"lab", ""});
    Explanation ex = f.scopes.explain(f.index, "Kv1");
    BOOST_REQUIRE(ex.contributions.size() == 2u);
    BOOST_TEST(ex.contributions[1].package_wide);
    BOOST_TEST(ex.package_from == "context 1");
    BOOST_TEST(ex.variant_from.empty());
    BOOST_REQUIRE(ex.resolved);
    BOOST_TEST(ex.resolved->neuron_name() == "glia__lab__Kv1__0");
}

BOOST_AUTO_TEST_CASE(explain_credits_a_package_default_only_when_it_counts) {
    Fixture f;
    f.load("assets:\n  Kv1: example\n  Nav16: {variant: slow}\npackages:\n  - lab\n", "");
    std::string file = (f.tmp.path / "config/glia/preferences.yaml").string();
    Explanation ex = f.scopes.explain(f.index, "Kv1");
    BOOST_REQUIRE(ex.contributions.size() == 1u);
    BOOST_TEST(!ex.contributions[0].package_wide);
    BOOST_TEST(ex.contributions[0].origin == file + ":2:3");
    ex = f.scopes.explain(f.index, "Nav16");
    BOOST_REQUIRE(ex.contributions.size() == 1u);
    BOOST_TEST(ex.contributions[0].package_wide);
    BOOST_TEST(ex.contributions[0].origin == file + ":3:3, " + file + ":5:5");
    BOOST_REQUIRE(ex.resolved);
    BOOST_TEST(ex.resolved->neuron_name() == "glia__lab__Nav16__slow");
}

BOOST_AUTO_TEST_CASE(explain_carries_errors_instead_of_throwing) {
    Fixture f;
    Explanation ex = f.scopes.explain(f.index, "Kv1");
    BOOST_TEST(!ex.resolved);
    BOOST_TEST(contains(ex.error->message, "'Kv1' is ambiguous"));
    ex = f.scopes.explain(f.index, "Kv9");
    BOOST_TEST(ex.candidates.empty());
    BOOST_TEST(contains(ex.error->message, "unknown mechanism 'Kv9'"));
    f.load("assets: [\n", "");
    ex = f.scopes.explain(f.index, "Leak");
    BOOST_TEST(ex.candidates.size() == 1u);
    BOOST_TEST(contains(ex.error->message, "the global preferences cannot be read"));
}

BOOST_AUTO_TEST_SUITE_END()
