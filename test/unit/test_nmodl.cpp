#include "base/error.hpp"
#include "packages/mod_includes.hpp"
#include "packages/nmodl.hpp"

#include "temp_dir.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;

namespace {
std::string renamed(const std::string& text, const std::string& to = "glia__p__a__0") {
    return rewrite_nmodl(text, scan_nmodl(text, "x.mod"), to);
}
} // namespace

BOOST_AUTO_TEST_SUITE(nmodl)

BOOST_AUTO_TEST_CASE(reads_each_kind) {
    BOOST_TEST(scan_nmodl("NEURON { SUFFIX kdr }", "x.mod").name == "kdr");
    BOOST_TEST(scan_nmodl("NEURON { SUFFIX kdr }", "x.mod").kind == MechanismKind::density);
    BOOST_TEST(scan_nmodl("NEURON {\n POINT_PROCESS Syn\n}", "x.mod").kind == MechanismKind::point_process);
    BOOST_TEST(scan_nmodl("NEURON {\n ARTIFICIAL_CELL Gen\n}", "x.mod").kind == MechanismKind::artificial_cell);
    BOOST_TEST(scan_nmodl("NEURON {\n SUFFIX nothing\n}", "x.mod").kind == MechanismKind::nothing);
}

BOOST_AUTO_TEST_CASE(rewrites_only_the_declared_name) {
    std::string text = "TITLE kdr channel\nNEURON {\n  SUFFIX kdr\n  RANGE gbar_kdr\n}\nPARAMETER { kdr = 1 }\n";
    BOOST_TEST(renamed(text) ==
               "TITLE kdr channel\nNEURON {\n  SUFFIX glia__p__a__0\n  RANGE gbar_kdr\n}\nPARAMETER { kdr = 1 }\n");
}

BOOST_AUTO_TEST_CASE(ignores_comments_and_commented_declarations) {
    std::string text = ": NEURON { SUFFIX wrong }\nCOMMENT\nNEURON { SUFFIX wrong2 }\nENDCOMMENT\n"
                       "NEURON {\n  SUFFIX kdr : SUFFIX old\n  ? SUFFIX older\n}\n";
    NmodlInfo info = scan_nmodl(text, "x.mod");
    BOOST_TEST(info.name == "kdr");
    BOOST_TEST(info.line == 6);
    BOOST_TEST(renamed(text).find("SUFFIX glia__p__a__0 : SUFFIX old") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(handles_crlf_cr_and_no_trailing_newline) {
    BOOST_TEST(renamed("NEURON {\r\n SUFFIX k\r\n}") == "NEURON {\r\n SUFFIX glia__p__a__0\r\n}");
    NmodlInfo info = scan_nmodl("TITLE t\rNEURON {\r SUFFIX k\r}", "x.mod");
    BOOST_TEST(info.name == "k");
    BOOST_TEST(info.line == 3);
}

BOOST_AUTO_TEST_CASE(title_with_colon_and_keywords_is_free_text) {
    std::string text = "NEURON { SUFFIX k }\nTITLE NEURON: SUFFIX fake { ARTIFICIAL_CELL x\n";
    NmodlInfo info = scan_nmodl(text, "x.mod");
    BOOST_TEST(info.name == "k");
}

BOOST_AUTO_TEST_CASE(keywords_in_either_case) {
    BOOST_TEST(scan_nmodl("neuron { suffix k }", "x.mod").name == "k");
}

BOOST_AUTO_TEST_CASE(neuron_block_split_in_two) {
    std::string text = "NEURON { USEION ca READ eca }\nNEURON { SUFFIX ca }\n";
    NmodlInfo info = scan_nmodl(text, "x.mod");
    BOOST_TEST(info.name == "ca");
    BOOST_TEST(info.ions == std::vector<std::string>{"ca"});
    BOOST_TEST(renamed(text) == "NEURON { USEION ca READ eca }\nNEURON { SUFFIX glia__p__a__0 }\n");
}

BOOST_AUTO_TEST_CASE(verbatim_is_skipped_and_its_includes_recorded) {
    std::string text = "INCLUDE \"units.inc\"\nVERBATIM\n#include \"misc.h\"\n SUFFIX bogus {\nENDVERBATIM\n"
                       "NEURON { SUFFIX nothing }\nFUNCTION f(x) { f = x }\nPROCEDURE p() { }\n";
    NmodlInfo info = scan_nmodl(text, "x.mod");
    BOOST_TEST(info.kind == MechanismKind::nothing);
    BOOST_TEST(info.includes == (std::vector<std::string>{"units.inc", "misc.h"}));
    BOOST_TEST(info.functions == (std::vector<std::string>{"f", "p"}));
}

BOOST_AUTO_TEST_CASE(errors_name_file_and_line) {
    try {
        scan_nmodl("PARAMETER { x = 1 }\n", "dir/bad.mod");
        BOOST_FAIL("expected ParseError");
    } catch (const ParseError& e) {
        BOOST_TEST(std::string(e.what()).rfind("dir/bad.mod:1: no NEURON block found", 0) == 0);
    }
    try {
        scan_nmodl("NEURON {\n SUFFIX a\n POINT_PROCESS b\n}\n", "two.mod");
        BOOST_FAIL("expected ParseError");
    } catch (const ParseError& e) {
        BOOST_TEST(std::string(e.what()).rfind("two.mod:3: a second mechanism declaration 'POINT_PROCESS b'", 0) == 0);
    }
    BOOST_CHECK_THROW(scan_nmodl("NEURON { RANGE x }", "x.mod"), ParseError);
    BOOST_CHECK_THROW(scan_nmodl("", "x.mod"), ParseError);
}

BOOST_AUTO_TEST_SUITE_END()

// Every include a mod's build may read, nested ones too (packages/mod_includes.hpp).
BOOST_AUTO_TEST_SUITE(mod_includes_)

BOOST_AUTO_TEST_CASE(names_includes_of_nmodl_and_c_text) {
    std::vector<IncludedName> names = included_names("INCLUDE \"a.inc\"\n: INCLUDE \"no.inc\"\n"
                                                     "VERBATIM\n#include \"b.h\"\n#include <stdio.h>\nENDVERBATIM\n");
    BOOST_TEST(names == (std::vector<IncludedName>{{"a.inc", false}, {"b.h", false}, {"stdio.h", true}}));
    BOOST_TEST((included_names("#ifndef X\n#  include \"c.h\"\n#endif\n") == std::vector<IncludedName>{{"c.h", false}}));
    // A C header is not NMODL: a word COMMENT in it does not hide the includes after it.
    BOOST_TEST((included_names("/* Comment */\n#include \"d.h\"\n") == std::vector<IncludedName>{{"d.h", false}}));
    BOOST_TEST(included_names("\"unclosed INCLUDE\n#include \"\n#include <>").empty());
}

BOOST_AUTO_TEST_CASE(follows_nested_includes_to_every_place_the_tools_look) {
    test::TempDir t;
    fs::path mods = t.path / "pkg" / "mods";
    t.write("pkg/mods/outer.inc", "INCLUDE \"sub/mid.inc\"\n");
    t.write("pkg/mods/sub/mid.inc", "VERBATIM\n#include \"deep.h\"\nENDVERBATIM\n");
    t.write("pkg/mods/sub/deep.h", "#include \"gone.h\"\n");
    auto met = mod_includes(mods, {{"outer.inc", false}}, {{t.path / "inc"}, {t.path / "modl"}});
    BOOST_REQUIRE_EQUAL(met.size(), 4u);
    BOOST_TEST(met[0].found()->path == mods / "outer.inc");
    BOOST_TEST(met[1].found()->path == mods / "sub/mid.inc");
    BOOST_TEST(met[2].found()->path == mods / "sub/deep.h"); // the including file's folder first
    BOOST_TEST(!met[3].found());                              // looked for everywhere, found nowhere
    std::vector<std::string> roles;
    for (const auto& place : met[3].places) {
        roles.push_back(place_role(mods, place.path));
    }
    BOOST_TEST(roles == (std::vector<std::string>{"sub/gone.h", "gone.h", "../gone.h", (t.path / "modl/gone.h").string(),
                                                  (t.path / "inc/gone.h").string()}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_include_cycle_ends_however_its_paths_are_written) {
    test::TempDir t;
    fs::path mods = t.path / "mods";
    t.write("mods/a.inc", "INCLUDE \"../mods/b.inc\"\n");
    t.write("mods/b.inc", "INCLUDE \"../mods/a.inc\"\nINCLUDE \"b.inc\"\n");
    auto met = mod_includes(mods, {{"a.inc", false}}, {});
    BOOST_TEST(met.size() <= 4u);
    BOOST_TEST(met.front().found());
}

BOOST_AUTO_TEST_SUITE_END()
