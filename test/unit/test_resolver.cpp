#include "fixtures.hpp"

#include "base/error.hpp"
#include "resolve/resolver.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::message_of;
using glia::test::mod;
using glia::test::pkg;

namespace {

// The original Glia's situations: one asset from several packages, variants within one package.
Index sample_index() {
    return Index({pkg("example", {mod("example", "Kv1", "0"), mod("example", "Kv1", "fast"),
                                  mod("example", "AMPA", "0", MechanismKind::point_process)}),
                  pkg("lab", {mod("lab", "Kv1", "0"), mod("lab", "Nav16", "fast"), mod("lab", "Nav16", "slow"),
                              mod("lab", "helpers", "0", MechanismKind::nothing)})});
}

std::string error_of(const Index& index, const std::string& name, const Constraint& c = {}) {
    std::string message = message_of([&] { resolve(index, name, c); });
    return message == "(no error)" ? "(resolved)" : message;
}

} // namespace

BOOST_AUTO_TEST_SUITE(resolver)

BOOST_AUTO_TEST_CASE(unique_asset_resolves_to_its_only_candidate) {
    Index index = sample_index();
    BOOST_TEST(resolve(index, "AMPA").neuron_name() == "glia__example__AMPA__0");
}

BOOST_AUTO_TEST_CASE(variant_zero_wins_within_one_package) {
    Index index({pkg("example", {mod("example", "Kv1", "0"), mod("example", "Kv1", "fast")})});
    BOOST_TEST(resolve(index, "Kv1").name.variant == "0");
    BOOST_TEST(resolve(index, "Kv1", {"", "fast"}).name.full() == "glia__example__Kv1__fast");
}

BOOST_AUTO_TEST_CASE(several_packages_are_ambiguous_and_say_how_to_choose) {
    Index index = sample_index();
    std::string e = error_of(index, "Kv1");
    BOOST_TEST(e.find("'Kv1' is ambiguous: 3 candidates match") != std::string::npos);
    BOOST_TEST(e.find("example.Kv1(0)") != std::string::npos);
    BOOST_TEST(e.find("example.Kv1(fast)") != std::string::npos);
    BOOST_TEST(e.find("lab.Kv1(0)") != std::string::npos);
    BOOST_TEST(e.find("glia select Kv1 --pkg=example") != std::string::npos);
    BOOST_TEST(resolve(index, "Kv1", {"lab", ""}).name.full() == "glia__lab__Kv1__0");
    BOOST_TEST(resolve(index, "Kv1", {"example", ""}).name.full() == "glia__example__Kv1__0");
}

BOOST_AUTO_TEST_CASE(variants_without_a_default_are_ambiguous) {
    Index index = sample_index();
    std::string e = error_of(index, "Nav16");
    BOOST_TEST(e.find("'Nav16' is ambiguous: 2 candidates") != std::string::npos);
    BOOST_TEST(e.find("--variant=fast") != std::string::npos);
    BOOST_TEST(resolve(index, "Nav16", {"", "slow"}).name.variant == "slow");
}

BOOST_AUTO_TEST_CASE(preference_for_a_missing_package_says_so) {
    Index index = sample_index();
    std::string e = error_of(index, "Kv1", {"nosuch", ""});
    BOOST_TEST(e.find("no candidate for 'Kv1' matches package 'nosuch' (package 'nosuch' is not installed)") !=
               std::string::npos);
    e = error_of(index, "Kv1", {"lab", "fast"});
    BOOST_TEST(e.find("matches package 'lab' and variant 'fast'; the candidates are:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_asset_suggests_close_names) {
    Index index = sample_index();
    BOOST_TEST(error_of(index, "kv1") ==
               "unknown mechanism 'kv1': no installed package provides it; did you mean 'Kv1'? "
               "(see 'glia list' for every asset)");
    BOOST_TEST(error_of(index, "zzzzzz").find("did you mean") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(full_names_pass_through) {
    Index index = sample_index();
    BOOST_TEST(resolve(index, "glia__lab__Kv1__0", {"example", "fast"}).name.full() == "glia__lab__Kv1__0");
    BOOST_TEST(error_of(index, "glia__lab__Kv1__9").find("is not installed") != std::string::npos);
    BOOST_CHECK_THROW(resolve(index, "glia__lab__Kv1"), InvalidName);
}

BOOST_AUTO_TEST_CASE(neuron_builtins_are_package_NEURON) {
    Index index = sample_index();
    const Candidate& pas = resolve(index, "pas");
    BOOST_TEST(pas.name.package == "NEURON");
    BOOST_TEST(pas.neuron_name() == "pas");
    BOOST_TEST(resolve(index, "NetStim").kind == MechanismKind::artificial_cell);
    BOOST_TEST(resolve(index, "ExpSyn").kind == MechanismKind::point_process);
}

BOOST_AUTO_TEST_CASE(suffix_nothing_mods_are_not_assets) {
    Index index = sample_index();
    BOOST_TEST(index.find("helpers").empty());
}

BOOST_AUTO_TEST_CASE(stronger_constraints_override_field_by_field) {
    Constraint global{"example", "fast"};
    BOOST_TEST(global.overridden_by({"", "0"}).package == "example");
    BOOST_TEST(global.overridden_by({"", "0"}).variant == "0");
    Constraint other = global.overridden_by({"lab", ""});
    BOOST_TEST(other.package == "lab");
    BOOST_TEST(other.variant == ""); // the variant belonged to the other package
    BOOST_TEST(global.overridden_by({"example", ""}).variant == "fast");
}

BOOST_AUTO_TEST_SUITE_END()
