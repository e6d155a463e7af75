// The rules of the package tools: naming added and imported mods, 'glia new' and 'glia add', a
// check that finds what is missing, and importing a folder of mods whole or not at all.

#include "mod_text.hpp"
#include "temp_dir.hpp"

#include "base/error.hpp"
#include "base/made_marker.hpp"
#include "tools/package_tools.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::entries_in;
using glia::test::leak_mod;
using glia::test::TempDir;

BOOST_AUTO_TEST_SUITE(package_tools)

BOOST_AUTO_TEST_CASE(a_listing_mark_vouches_only_for_files_as_written) {
    TempDir t;
    t.write("pkg/README.md", "# pkg\n");
    t.write("pkg/mods/a b.mod", "NEURON { SUFFIX ab }\n");
    write_made_marker(t.path / "pkg", MadeBy::import, true);
    BOOST_CHECK(has_made_marker(t.path / "pkg", MadeBy::import));
    BOOST_CHECK(files_not_as_made(t.path / "pkg").empty());
    t.write("pkg/NOTES.md", "mine\n");
    t.write("pkg/mods/a b.mod", "NEURON { SUFFIX ab }\n: edited\n");
    fs::create_symlink("README.md", t.path / "pkg" / "link");
    std::vector<fs::path> expected = {"NOTES.md", "link", "mods/a b.mod"};
    BOOST_CHECK(files_not_as_made(t.path / "pkg") == expected);
    // A mark without a list (older glia, or glia install's) vouches for nothing.
    write_made_marker(t.path / "pkg", MadeBy::import);
    BOOST_CHECK_EQUAL(files_not_as_made(t.path / "pkg").size(), 4u);
}

BOOST_AUTO_TEST_CASE(guess_from_file_name_then_neuron_block) {
    NmodlInfo info = scan_nmodl(leak_mod("kdr"), "x.mod");
    BOOST_CHECK(guess_mod_name("dir/Kv1.mod", info) == (MechanismName{"", "Kv1", "0"}));
    BOOST_CHECK(guess_mod_name("Kv1__fast.mod", info) == (MechanismName{"", "Kv1", "fast"}));
    BOOST_CHECK(guess_mod_name("glia__lab__Kdr__2019.mod", info) == (MechanismName{"", "Kdr", "2019"}));
    BOOST_CHECK(guess_mod_name("kdr-2019.mod", info) == (MechanismName{"", "kdr", "0"}));
    NmodlInfo nothing = scan_nmodl("NEURON { SUFFIX nothing }\n", "f.mod");
    BOOST_CHECK_THROW(guess_mod_name("_bad.mod", nothing), InvalidName);
}

BOOST_AUTO_TEST_CASE(sanitize) {
    BOOST_CHECK_EQUAL(sanitize_asset_name("kdr"), "kdr");
    BOOST_CHECK_EQUAL(sanitize_asset_name("Ca-L__type_"), "Ca_L_type");
    BOOST_CHECK_EQUAL(sanitize_asset_name("3d"), "m3d");
    BOOST_CHECK_EQUAL(sanitize_asset_name("__"), "");
}

BOOST_AUTO_TEST_CASE(new_then_add) {
    TempDir t;
    create_package(t.path / "lab", "lab");
    BOOST_CHECK(is_package_dir(t.path / "lab"));
    BOOST_CHECK_EQUAL(load_package(t.path / "lab").name, "lab");
    BOOST_CHECK_THROW(create_package(t.path / "lab", "lab"), Error); // not empty
    BOOST_CHECK_THROW(create_package(t.path / "x", "a__b"), InvalidName);
    BOOST_CHECK(!fs::exists(t.path / "x"));

    fs::path src = t.write("src/Leak__slow.mod", leak_mod("leak") + "INCLUDE \"c.inc\"\n");
    t.write("src/c.inc", ": constants\n");
    AddResult added = add_mod_file(t.path / "lab", src);
    BOOST_CHECK(added.mod.name == (MechanismName{"lab", "Leak", "slow"}));
    BOOST_CHECK_EQUAL(added.copied.size(), 2u);
    BOOST_CHECK(fs::exists(t.path / "lab" / "mods" / "Leak__slow.mod"));
    BOOST_CHECK(fs::exists(t.path / "lab" / "mods" / "c.inc"));
    BOOST_CHECK_THROW(add_mod_file(t.path / "lab", src), Error);
    BOOST_CHECK_NO_THROW(add_mod_file(t.path / "lab", src, "", "", true));
    add_mod_file(t.path / "lab", src, "Lk", "0");
    Package p = load_package(t.path / "lab");
    BOOST_REQUIRE_EQUAL(p.mods.size(), 2u);
    BOOST_CHECK_EQUAL(p.mods[0].name.asset, "Leak");
    BOOST_CHECK_EQUAL(p.mods[1].name.asset, "Lk");
}

BOOST_AUTO_TEST_CASE(check_without_translation) {
    TempDir t;
    t.write("p/glia-package.yaml", "name: p\n");
    t.write("p/mods/a.mod", "NEURON { SUFFIX nothing }\nFUNCTION f(x) { f = x }\n");
    t.write("p/mods/b.mod", "NEURON { SUFFIX nothing }\nFUNCTION f(x) { f = 2*x }\n");
    t.write("p/mods/c.mod", leak_mod("c") + "INCLUDE \"gone.inc\"\n");
    CheckReport report = check_package(t.path / "p", nullptr);
    BOOST_CHECK(!report.ok());
    std::string all;
    for (const auto& f : report.findings) {
        all += f.message.plain() + "\n";
    }
    BOOST_CHECK(all.find("function f is also defined by") != std::string::npos);
    BOOST_CHECK(all.find("INCLUDE \"gone.inc\" not found") != std::string::npos);
    BOOST_CHECK(!check_package(t.path / "nothing-here", nullptr).ok());
}

BOOST_AUTO_TEST_CASE(import_names_after_blocks_and_variants_repeats) {
    TempDir t;
    t.write("model/kdr.mod", leak_mod("kdr"));
    t.write("model/kdr2.mod", leak_mod("kdr"));
    t.write("model/cal.mod", leak_mod("cal_")); // valid NMODL, no valid asset name
    t.write("model/broken.mod", "no neuron block here\n");
    Package installed;
    installed.name = "other";
    installed.mods.push_back({{"other", "kdr", "0"}, "k.mod", scan_nmodl(leak_mod("kdr"), "k.mod")});
    ImportReport r = import_mod_folder(t.path / "model", {"imp", t.path / "out", false}, {installed});
    BOOST_REQUIRE_EQUAL(r.mods.size(), 3u);
    Package p = load_package(t.path / "out" / "imp");
    BOOST_REQUIRE_EQUAL(p.mods.size(), 3u);
    BOOST_CHECK(p.mods[0].name == (MechanismName{"imp", "cal", "0"}));
    BOOST_CHECK_EQUAL(r.renamed.size(), 2u); // cal_ -> cal, the second kdr -> variant
    BOOST_CHECK(p.mods[1].name == (MechanismName{"imp", "kdr", "0"}));
    BOOST_CHECK(p.mods[2].name == (MechanismName{"imp", "kdr", "kdr2"}));
    BOOST_CHECK_EQUAL(r.skipped.size(), 1u);
    BOOST_REQUIRE_EQUAL(r.clashes.size(), 1u);
    BOOST_CHECK(r.clashes[0].plain().find("asset kdr is also provided by other") != std::string::npos);
    BOOST_CHECK_THROW(import_mod_folder(t.path / "model", {"imp", t.path / "out", false}, {}), Error);
    BOOST_CHECK_EQUAL(entries_in(t.path / "out"), 1u); // no staging folder left
}

BOOST_AUTO_TEST_CASE(import_keeps_the_asset_and_variant_of_legacy_file_names) {
    TempDir t;
    t.write("legacy/glia__dbbs_mod_collection__AMPA__granule.mod",
            leak_mod("glia__dbbs_mod_collection__AMPA__granule"));
    t.write("legacy/glia__dbbs_mod_collection__Kv1__0.mod", leak_mod("glia__dbbs_mod_collection__Kv1__0"));
    ImportReport r = import_mod_folder(t.path / "legacy", {"dbbs", t.path / "out", false}, {});
    BOOST_CHECK(r.renamed.empty());
    Package p = load_package(t.path / "out" / "dbbs");
    BOOST_REQUIRE_EQUAL(p.mods.size(), 2u);
    BOOST_CHECK(p.mods[0].name == (MechanismName{"dbbs", "AMPA", "granule"}));
    BOOST_CHECK(p.mods[1].name == (MechanismName{"dbbs", "Kv1", "0"}));
}

BOOST_AUTO_TEST_SUITE_END()
