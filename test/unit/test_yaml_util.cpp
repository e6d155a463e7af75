// Reading YAML: aliases are refused before anything walks the document, in every file glia reads,
// with the file and line; a '*' that is no alias, and anchors alone, still read.

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include "base/error.hpp"
#include "resolve/lockfile.hpp"
#include "packages/package.hpp"
#include "preferences/preferences.hpp"
#include "base/yaml_util.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>

using namespace glia;
using glia::test::contains;
using glia::test::message_of;
using glia::test::TempDir;

namespace {

/// "Billion laughs": each of `levels` lines lists the previous line's anchor ten times, so a walk
/// that follows aliases meets 10^levels nodes in about 1.5 KB of text. The first alias is on line 3.
std::string alias_bomb(const std::string& head, int levels = 9) {
    std::string text = head + "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level < levels; ++level) {
        std::string previous = "*l" + std::to_string(level - 1);
        text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
        for (int i = 0; i < 10; ++i) {
            text += (i ? ", " : "") + previous;
        }
        text += "]\n";
    }
    return text;
}

std::string parse_message(const std::string& text) {
    return message_of([&] { parse_yaml(text, "f.yaml"); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(yaml_util)

BOOST_AUTO_TEST_CASE(an_alias_bomb_is_refused_at_its_first_alias_at_once) {
    std::string bomb = alias_bomb("name: lab\n");
    BOOST_TEST(bomb.size() < 1600);
    auto started = std::chrono::steady_clock::now();
    BOOST_CHECK_THROW(parse_yaml(bomb, "f.yaml"), ParseError);
    std::string message = parse_message(bomb);
    bool quick = std::chrono::steady_clock::now() - started < std::chrono::seconds(2);
    BOOST_TEST(quick);
    BOOST_TEST(message.find("f.yaml:3:10: a YAML alias (*name), which glia refuses in its files") == 0, message);
    BOOST_TEST(contains(message, "write out in full"), message);
}

BOOST_AUTO_TEST_CASE(an_alias_inside_its_own_anchor_is_refused) {
    BOOST_TEST(parse_message("a: &a [x, *a]\n").find("f.yaml:1:11: a YAML alias") == 0);
    BOOST_TEST(parse_message("a: &a\n  b: *a\n").find("f.yaml:2:6: a YAML alias") == 0);
}

BOOST_AUTO_TEST_CASE(a_star_that_is_no_alias_and_anchors_alone_still_read) {
    YAML::Node root = parse_yaml("a: &a x\nb: \"*a\"\nc: 2*3\nd: '*'\n# *a\n", "f.yaml");
    BOOST_TEST(root["a"].Scalar() == "x");
    BOOST_TEST(root["b"].Scalar() == "*a");
    BOOST_TEST(root["c"].Scalar() == "2*3");
    BOOST_TEST(root["d"].Scalar() == "*");
    // An alias of no anchor is malformed YAML, as before; an alias in a later document is never read.
    BOOST_TEST(parse_message("a: *nowhere\n").find("f.yaml:1:4: malformed YAML") == 0);
    BOOST_TEST(parse_yaml("a: x\n---\nb: &b x\nc: *b\n", "f.yaml")["a"].Scalar() == "x");
}

BOOST_AUTO_TEST_CASE(every_file_glia_reads_refuses_aliases_with_its_path_and_line) {
    TempDir dir;
    fs::path manifest = dir.write("lab/glia-package.yaml", alias_bomb("name: lab\n"));
    dir.write("lab/mods/K.mod", "NEURON { SUFFIX k }\n");
    std::string message = message_of([&] { load_package(dir.path / "lab"); });
    BOOST_TEST(message.find(manifest.string() + ":3:10: a YAML alias") == 0, message);

    message = message_of([&] { parse_preferences(alias_bomb("load: [lab]\n"), "p/glia.yaml"); });
    BOOST_TEST(message.find("p/glia.yaml:3:10: a YAML alias") == 0, message);

    fs::path lock = dir.write("glia.lock", alias_bomb("version: 2\n"));
    message = message_of([&] { read_lock(lock); });
    BOOST_TEST(message.find(lock.string() + ":3:10: a YAML alias") == 0, message);
}

BOOST_AUTO_TEST_SUITE_END()
