#include "fixtures.hpp"
#include "temp_dir.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "packages/package.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>

using namespace glia;
using glia::test::message_of;
using glia::test::TempDir;

namespace {
const char* kKdr = "NEURON { SUFFIX kdr }\n";
const char* kSyn = "NEURON { POINT_PROCESS Syn }\n";
} // namespace

BOOST_AUTO_TEST_SUITE(package)

BOOST_AUTO_TEST_CASE(reads_the_conventional_layout) {
    TempDir tmp;
    tmp.write("p/glia-package.yaml", "name: lab\nversion: 1.2\ndescription: test\n");
    tmp.write("p/mods/Kv1.mod", kKdr);
    tmp.write("p/mods/Kv1__fast.mod", kKdr);
    tmp.write("p/mods/AMPA.mod", kSyn);
    Package p = load_package(tmp.path / "p");
    BOOST_TEST(p.name == "lab");
    BOOST_TEST(p.version == "1.2");
    BOOST_REQUIRE(p.mods.size() == 3);
    BOOST_TEST(p.mods[0].name.full() == "glia__lab__AMPA__0");
    BOOST_TEST(p.mods[0].nmodl.kind == MechanismKind::point_process);
    BOOST_TEST(p.mods[1].name.full() == "glia__lab__Kv1__0");
    BOOST_TEST(p.mods[2].name.full() == "glia__lab__Kv1__fast");
}

// A manifest of only a `name:` line (and comments) is read without the YAML parser: it must mean
// what YAML reads, and anything more goes to the parser.
BOOST_AUTO_TEST_CASE(a_manifest_of_only_a_name_reads_as_yaml_reads_it) {
    TempDir tmp;
    tmp.write("p/glia-package.yaml", "# lab channels\nname: lab   # the package\r\n\n# end\n");
    tmp.write("p/mods/Kv1.mod", kKdr);
    Package p = load_package(tmp.path / "p");
    BOOST_TEST(p.name == "lab");
    BOOST_REQUIRE(p.mods.size() == 1u);
    BOOST_TEST(p.mods[0].name.full() == "glia__lab__Kv1__0");
    tmp.write("q/glia-package.yaml", "name: lab\n  more\n"); // a plain scalar over two lines: "lab more"
    BOOST_CHECK_THROW(load_package(tmp.path / "q"), InvalidName);
    tmp.write("r/glia-package.yaml", "name: null\n"); // YAML's null, not a name
    BOOST_CHECK_THROW(load_package(tmp.path / "r"), ParseError);
    tmp.write("t/glia-package.yaml", "name: lab\n\t# a comment after a tab\n"); // yaml-cpp refuses the tab
    BOOST_CHECK_THROW(load_package(tmp.path / "t"), ParseError);
    tmp.write("s/glia-package.yaml", "name: lab\nversion: 2\n");
    BOOST_TEST(load_package(tmp.path / "s").version == "2");
}

BOOST_AUTO_TEST_CASE(manifest_mods_override_the_convention) {
    TempDir tmp;
    tmp.write("p/glia-package.yaml", "name: lab\nmods:\n  - {file: src/k.mod, asset: Kdr, variant: slow}\n");
    tmp.write("p/src/k.mod", kKdr);
    tmp.write("p/mods/ignored.mod", kKdr);
    Package p = load_package(tmp.path / "p");
    BOOST_REQUIRE(p.mods.size() == 1);
    BOOST_TEST(p.mods[0].name.full() == "glia__lab__Kdr__slow");
}

BOOST_AUTO_TEST_CASE(legacy_layout_without_manifest) {
    TempDir tmp;
    tmp.write("old/glia__old__Kv1__0.mod", kKdr);
    tmp.write("old/glia__old__Kv1__fast.mod", kKdr);
    Package p = load_package(tmp.path / "old");
    BOOST_TEST(p.name == "old");
    BOOST_TEST(p.mods.size() == 2);
    tmp.write("mixed/glia__a__Kv1__0.mod", kKdr);
    tmp.write("mixed/glia__b__Kv1__0.mod", kKdr);
    BOOST_TEST(message_of([&] { load_package(tmp.path / "mixed"); }).find("put each package in its own directory") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(manifest_errors_name_file_line_and_column) {
    TempDir tmp;
    fs::path manifest = tmp.write("p/glia-package.yaml", "name: lab\nverison: 1\n");
    BOOST_TEST(message_of([&] { load_package(tmp.path / "p"); }) ==
               manifest.string() + ":2:1: unknown key 'verison'; did you mean 'version'?");
    tmp.write("p/glia-package.yaml", "name: [unclosed\n");
    BOOST_TEST(message_of([&] { load_package(tmp.path / "p"); }).rfind(manifest.string() + ":", 0) == 0);
    BOOST_CHECK_THROW(load_package(tmp.path / "p"), ParseError);
    tmp.write("p/glia-package.yaml", "version: 1\n");
    BOOST_TEST(message_of([&] { load_package(tmp.path / "p"); }).find("missing required key 'name'") !=
               std::string::npos);
    tmp.write("p/glia-package.yaml", "name: bad__name\n");
    BOOST_TEST(message_of([&] { load_package(tmp.path / "p"); }) ==
               manifest.string() + ":1:7: invalid package name 'bad__name': contains a double underscore '__', "
                                   "which glia uses as its separator");
}

BOOST_AUTO_TEST_CASE(bad_file_names_are_reported) {
    TempDir tmp;
    tmp.write("p/glia-package.yaml", "name: lab\n");
    fs::path file = tmp.write("p/mods/Kv-1.mod", kKdr);
    BOOST_TEST(message_of([&] { load_package(tmp.path / "p"); }).find("invalid asset name 'Kv-1'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_mod_without_neuron_block_names_the_file) {
    TempDir tmp;
    tmp.write("p/glia-package.yaml", "name: lab\n");
    fs::path file = tmp.write("p/mods/empty.mod", "PARAMETER { x = 1 }\n");
    BOOST_TEST(message_of([&] { load_package(tmp.path / "p"); }).rfind(file.string() + ":1: no NEURON block", 0) == 0);
}

BOOST_AUTO_TEST_CASE(search_path_order_and_first_hit_wins) {
    TempDir tmp;
    tmp.write("a/lab/glia-package.yaml", "name: lab\nversion: first\n");
    tmp.write("a/lab/mods/K.mod", kKdr);
    tmp.write("b/glia-package.yaml", "name: lab\nversion: second\n");
    tmp.write("b/mods/K.mod", kKdr);
    tmp.write("data/glia/packages/user/glia-package.yaml", "name: user\n");
    tmp.write("data/glia/packages/broken/glia-package.yaml", "name: [\n");
    ::setenv("GLIA_PATH", ((tmp.path / "a").string() + ":" + (tmp.path / "b").string()).c_str(), 1);
    ::setenv("XDG_DATA_HOME", (tmp.path / "data").c_str(), 1);
    Discovery found = discover_packages();
    ::unsetenv("GLIA_PATH");
    ::unsetenv("XDG_DATA_HOME");
    // Packages installed with glia (e.g. `example`) may be found too; look ours up by name.
    auto find = [&](const std::string& name) -> const Package* {
        for (const auto& p : found.packages) {
            if (p.name == name) {
                return &p;
            }
        }
        return nullptr;
    };
    BOOST_REQUIRE(find("lab"));
    BOOST_TEST(find("lab")->version == "first");
    BOOST_TEST(find("user"));
    BOOST_REQUIRE(found.shadowed.size() == 1);
    BOOST_TEST(found.shadowed[0].dir == tmp.path / "b");
    BOOST_REQUIRE(found.problems.size() == 1);
    BOOST_TEST(found.problems[0].plain().find("broken") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
