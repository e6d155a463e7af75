// The builder's pure parts: the manifest (stamps, format, the settle guard) and the preflight.

#include "temp_dir.hpp"

#include "glia/manifest.hpp"
#include "glia/nmodl.hpp"
#include "glia/preflight.hpp"

#include <boost/test/unit_test.hpp>

#include <unistd.h>

using namespace glia;
using glia::test::TempDir;

namespace {

ManifestMod entry_for(const fs::path& mod, const std::vector<fs::path>& includes, int64_t recorded) {
    ManifestMod e;
    e.path = mod.string();
    e.name = "glia__p__a__0";
    e.toolchain = "tc";
    e.recorded_ns = recorded;
    e.stamp = FileStamp::of(mod);
    e.object_key = "0123456789abcdef0123456789abcdef";
    for (const auto& inc : includes) {
        e.includes.emplace_back(inc.string(), FileStamp::of(inc));
    }
    return e;
}

ModFile mod(const std::string& package, const std::string& asset, const std::string& text) {
    return ModFile{MechanismName{package, asset, "0"}, "/pkgs/" + package + "/mods/" + asset + ".mod",
                   scan_nmodl(text, asset + ".mod")};
}

} // namespace

BOOST_AUTO_TEST_SUITE(manifest)

BOOST_AUTO_TEST_CASE(round_trips_through_its_file) {
    TempDir dir;
    fs::path m = dir.write("pkg/a.mod", "NEURON { SUFFIX a }\n");
    fs::path inc = dir.write("pkg/a.inc", "x\n");
    BuildManifest out;
    out.put(entry_for(m, {inc, dir.path / "missing.inc"}, now_ns()));
    out.put_library({"/pkg", "p", "abc"});
    BOOST_TEST(out.changed());
    out.save(dir.path / "manifest");
    BuildManifest in = BuildManifest::load(dir.path / "manifest");
    BOOST_TEST(!in.changed());
    const ManifestMod* e = in.find(m.string(), "glia__p__a__0", "tc");
    BOOST_REQUIRE(e);
    BOOST_TEST(e->object_key == "0123456789abcdef0123456789abcdef");
    BOOST_REQUIRE(e->includes.size() == 2u);
    BOOST_TEST((e->includes[0].second == FileStamp::of(inc)));
    BOOST_TEST(!e->includes[1].second.exists);
    BOOST_TEST(in.libraries().size() == 1u);
    BOOST_TEST(!in.find(m.string(), "glia__p__a__0", "other toolchain"));
}

BOOST_AUTO_TEST_CASE(a_damaged_or_foreign_file_reads_as_empty) {
    TempDir dir;
    dir.write("m1", "glia-manifest\t999\nlib\t/p\tp\tk\n");
    dir.write("m2", "glia-manifest\t1\nmod\t/a\tn\ttc\tnotanumber\t-\tk\t0\n");
    dir.write("m3", "glia-manifest\t1\nlib\t/p\tp\tk"); // cut short: no final newline
    for (const char* name : {"m1", "m2", "m3", "absent"}) {
        BuildManifest m = BuildManifest::load(dir.path / name);
        BOOST_TEST(m.mods().empty());
        BOOST_TEST(m.libraries().empty());
    }
}

BOOST_AUTO_TEST_CASE(trusts_only_settled_unchanged_files) {
    TempDir dir;
    fs::path m = dir.write("a.mod", "NEURON { SUFFIX a }\n");
    fs::path inc = dir.write("a.inc", "x\n");
    int64_t later = now_ns() + 3 * kStampMarginNs; // as if hashed well after the last write
    BOOST_TEST(manifest_entry_current(entry_for(m, {inc}, later)));
    // Hashed right after the write: a rewrite within the same timestamp could hide, so re-hash.
    BOOST_TEST(!manifest_entry_current(entry_for(m, {inc}, now_ns())));
    ManifestMod e = entry_for(m, {inc}, later);
    dir.write("a.inc", "changed\n");
    BOOST_TEST(!manifest_entry_current(e));
    e = entry_for(m, {inc}, later);
    fs::path replaced = dir.write("b.mod", "NEURON { SUFFIX a }\n");
    fs::rename(replaced, m); // same size, new inode
    BOOST_TEST(!manifest_entry_current(e));
}

BOOST_AUTO_TEST_CASE(never_records_paths_it_could_not_read_back) {
    BuildManifest m;
    ManifestMod e;
    e.path = "/odd\tname.mod";
    m.put(e);
    BOOST_TEST(m.mods().empty());
    BOOST_TEST(!m.changed());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(preflight)

BOOST_AUTO_TEST_CASE(names_of_each_kind) {
    ModFile k = mod("p", "k", "NEURON { SUFFIX k }\nFUNCTION f() { f = 1 }\n");
    BOOST_TEST(registered_names(k) == std::vector<std::string>{"glia__p__k__0"});
    ModFile n = mod("p", "util", "NEURON { SUFFIX nothing }\nFUNCTION f() { f = 1 }\nPROCEDURE g() { }\n");
    BOOST_TEST((registered_names(n) == std::vector<std::string>{"f", "g"}));
}

BOOST_AUTO_TEST_CASE(leaves_out_the_later_of_two_nothing_mods_with_one_function) {
    ModFile a = mod("alpha", "util", "NEURON { SUFFIX nothing }\nFUNCTION shared() { shared = 1 }\n");
    ModFile b = mod("beta", "helpers", "NEURON { SUFFIX nothing }\nFUNCTION shared() { shared = 2 }\n"
                                        "FUNCTION other() { other = 1 }\n");
    ModFile c = mod("beta", "k", "NEURON { SUFFIX k }\n");
    PreflightResult r = glia::preflight({&a, &b, &c}, nullptr);
    BOOST_REQUIRE(r.clashes.size() == 1u);
    BOOST_TEST(r.clashes[0].name == "shared");
    BOOST_TEST(r.loads(a.name));
    BOOST_TEST(!r.loads(b.name));
    BOOST_TEST(r.loads(c.name)); // only what clashes is left out
    std::string text = r.clashes[0].describe();
    BOOST_TEST(text.find("'shared'") != std::string::npos);
    BOOST_TEST(text.find("alpha.util(0)") != std::string::npos);
    BOOST_TEST(text.find("beta.helpers(0)") != std::string::npos);
    BOOST_TEST(text.find("GLIA_PATH") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(checks_against_what_neuron_has) {
    ModFile a = mod("p", "util", "NEURON { SUFFIX nothing }\nFUNCTION hh() { hh = 1 }\n");
    ModFile b = mod("p", "k", "NEURON { SUFFIX k }\n");
    PreflightResult r = glia::preflight({&a, &b}, neuron_builtin_names());
    BOOST_REQUIRE(r.clashes.size() == 1u);
    BOOST_TEST(r.clashes[0].kept.package.empty());
    BOOST_TEST(r.clashes[0].describe().find("NEURON already has a 'hh'") != std::string::npos);
    BOOST_TEST(!r.loads(a.name));
    BOOST_TEST(r.loads(b.name));
    r = glia::preflight({&b}, [](const std::string& name) { return name == "glia__p__k__0"; });
    BOOST_TEST(!r.loads(b.name));
}

BOOST_AUTO_TEST_SUITE_END()
