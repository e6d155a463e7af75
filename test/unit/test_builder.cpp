// The builder's pure parts: the manifest (stamps, format, the settle guard), the scan memo, the
// preflight and the cache lock.

#include "temp_dir.hpp"

#include "store/cache.hpp"
#include "build/manifest.hpp"
#include "packages/nmodl.hpp"
#include "packages/package.hpp"
#include "start/preflight.hpp"
#include "packages/scan_memo.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

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
    out.put_library({"/pkg", "p", "abc", "8.2.2"});
    out.put_library({"/pkg", "p", "def", "9.0.2"}); // the same package built for another NEURON: kept apart
    BOOST_TEST(out.changed());
    out.save(dir.path / "manifest");
    BuildManifest in = BuildManifest::load(dir.path / "manifest");
    BOOST_TEST(!in.changed());
    std::optional<ManifestModView> e = in.find(m.string(), "glia__p__a__0", "tc");
    BOOST_REQUIRE(e);
    BOOST_TEST(e->object_key == "0123456789abcdef0123456789abcdef");
    BOOST_REQUIRE(e->includes.size() == 2u);
    BOOST_TEST((e->includes[0].second == FileStamp::of(inc)));
    BOOST_TEST(!e->includes[1].second.exists);
    BOOST_REQUIRE(in.libraries().size() == 2u);
    for (const auto& [id, lib] : in.libraries()) {
        BOOST_TEST(lib.key == (lib.neuron == "9.0.2" ? "def" : "abc"));
    }
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
    BOOST_TEST(manifest_entry_current(entry_for(m, {inc}, later).view()));
    // Hashed right after the write: a rewrite within the same timestamp could hide, so re-hash.
    BOOST_TEST(!manifest_entry_current(entry_for(m, {inc}, now_ns()).view()));
    ManifestMod e = entry_for(m, {inc}, later);
    dir.write("a.inc", "changed\n");
    BOOST_TEST(!manifest_entry_current(e.view()));
    e = entry_for(m, {inc}, later);
    fs::path replaced = dir.write("b.mod", "NEURON { SUFFIX a }\n");
    fs::rename(replaced, m); // same size, new inode
    BOOST_TEST(!manifest_entry_current(e.view()));
}

BOOST_AUTO_TEST_CASE(an_entry_put_replaces_the_one_read_and_both_kinds_are_saved) {
    TempDir dir;
    fs::path a = dir.write("a.mod", "NEURON { SUFFIX a }\n");
    fs::path b = dir.write("b.mod", "NEURON { SUFFIX b }\n");
    // Written out of order by hand, with a second line for one id: read in order, the last line of an id wins.
    std::string stamp_a = FileStamp::of(a).text(), stamp_b = FileStamp::of(b).text();
    dir.write("manifest", "glia-manifest\t2\n"
                          "mod\t" + b.string() + "\tglia__p__b__0\ttc\t1\t" + stamp_b + "\tkb\t0\n"
                          "mod\t" + a.string() + "\tglia__p__a__0\ttc\t1\t" + stamp_a + "\told\t0\n"
                          "mod\t" + a.string() + "\tglia__p__a__0\ttc\t1\t" + stamp_a + "\tka\t1\n"
                          "inc\t" + (dir.path / "a.inc").string() + "\t-\n");
    BuildManifest m = BuildManifest::load(dir.path / "manifest");
    BOOST_REQUIRE(m.find(a.string(), "glia__p__a__0", "tc"));
    BOOST_TEST(m.find(a.string(), "glia__p__a__0", "tc")->object_key == "ka");
    BOOST_TEST(m.find(a.string(), "glia__p__a__0", "tc")->includes.size() == 1u);
    BOOST_TEST(m.find(b.string(), "glia__p__b__0", "tc")->object_key == "kb");
    BOOST_TEST(!m.find(b.string(), "glia__p__a__0", "tc"));
    BOOST_TEST(m.mods().size() == 2u);
    ManifestMod replaced = entry_for(b, {}, now_ns());
    replaced.name = "glia__p__b__0";
    replaced.object_key = "kb2";
    m.put(replaced);
    BOOST_TEST(m.find(b.string(), "glia__p__b__0", "tc")->object_key == "kb2");
    m.save(dir.path / "manifest");
    BuildManifest again = BuildManifest::load(dir.path / "manifest");
    std::vector<ManifestMod> mods = again.mods();
    BOOST_REQUIRE(mods.size() == 2u);
    BOOST_TEST(mods[0].object_key == "ka");
    BOOST_TEST(mods[0].includes.size() == 1u);
    BOOST_TEST(mods[1].object_key == "kb2");
    again.prune([&](const ManifestMod& mod) { return mod.object_key == "ka"; },
                [](const ManifestLibrary&) { return true; });
    BOOST_TEST(again.changed());
    BOOST_TEST(again.mods().size() == 1u);
    BOOST_TEST(!again.find(b.string(), "glia__p__b__0", "tc"));
    BOOST_TEST(again.find(a.string(), "glia__p__a__0", "tc")->object_key == "ka");
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

BOOST_AUTO_TEST_SUITE(scan_memo)

const char* kTwoIons = "NEURON { SUFFIX k USEION k READ ek WRITE ik USEION ca READ cai }\n"
                       "FUNCTION f() { f = 1 }\nPROCEDURE g() { }\nINCLUDE \"a b.inc\"\n";

BOOST_AUTO_TEST_CASE(round_trips_every_field) {
    TempDir dir;
    fs::path m = dir.write("k.mod", kTwoIons);
    NmodlInfo info = scan_nmodl(kTwoIons, "k.mod");
    FileStamp stamp = FileStamp::of(m);
    ScanMemo out;
    out.put(stamp_key(m), stamp, stamp.mtime_ns + 3 * kStampMarginNs, info);
    out.save_if_changed(dir.path / "cache" / "scans");
    ScanMemo in = ScanMemo::load(dir.path / "cache" / "scans");
    const NmodlInfo* got = in.find(stamp_key(m), stamp);
    BOOST_REQUIRE(got);
    BOOST_TEST(got->kind == info.kind);
    BOOST_TEST(got->name == "k");
    BOOST_TEST(got->name_offset == info.name_offset);
    BOOST_TEST(got->line == info.line);
    BOOST_TEST(got->ions == info.ions);
    BOOST_TEST(got->functions == info.functions);
    BOOST_TEST(got->includes == std::vector<std::string>{"a b.inc"});
}

BOOST_AUTO_TEST_CASE(vouches_only_for_settled_unchanged_files) {
    TempDir dir;
    fs::path m = dir.write("k.mod", kTwoIons);
    NmodlInfo info = scan_nmodl(kTwoIons, "k.mod");
    FileStamp stamp = FileStamp::of(m);
    ScanMemo memo;
    memo.put(stamp_key(m), stamp, now_ns(), info); // read just after the write: not trusted
    BOOST_TEST(!memo.find(stamp_key(m), stamp));
    memo.put(stamp_key(m), stamp, stamp.mtime_ns + 3 * kStampMarginNs, info);
    BOOST_TEST(memo.find(stamp_key(m), stamp));
    dir.write("k.mod", "NEURON { SUFFIX kk }\n");
    BOOST_TEST(!memo.find(stamp_key(m), FileStamp::of(m)));
    BOOST_TEST(!memo.find(stamp_key(dir.path / "other.mod"), stamp));
}

BOOST_AUTO_TEST_CASE(load_package_takes_what_the_memo_vouches_for_and_reads_the_rest) {
    TempDir dir;
    dir.write("p/glia-package.yaml", "name: p\n");
    fs::path m = dir.write("p/mods/k.mod", kTwoIons);
    ScanMemo memo;
    Package first = load_package(dir.path / "p", &memo);
    BOOST_REQUIRE(first.mods.size() == 1u);
    BOOST_TEST(!memo.find(stamp_key(m), first.mods[0].stamp)); // just written: not trusted yet
    // A memo entry recorded long after the last write is used without reading the file: a
    // planted scan (naming ion zz, which the file does not) comes back.
    NmodlInfo planted = first.mods[0].nmodl;
    planted.ions = {"zz"};
    memo.put(stamp_key(m), first.mods[0].stamp, first.mods[0].stamp.mtime_ns + 3 * kStampMarginNs, planted);
    BOOST_TEST(load_package(dir.path / "p", &memo).mods[0].nmodl.ions == std::vector<std::string>{"zz"});
    dir.write("p/mods/k.mod", "NEURON { POINT_PROCESS k }\n"); // a real change is read
    Package changed = load_package(dir.path / "p", &memo);
    BOOST_TEST(changed.mods[0].nmodl.kind == MechanismKind::point_process);
    BOOST_TEST(changed.mods[0].nmodl.ions.empty());
}

BOOST_AUTO_TEST_CASE(taken_and_replaced_scans_survive_saving_and_loading) {
    TempDir dir;
    fs::path a = dir.write("a.mod", kTwoIons);
    fs::path b = dir.write("b.mod", "NEURON { POINT_PROCESS b }\n");
    FileStamp sa = FileStamp::of(a), sb = FileStamp::of(b);
    NmodlInfo ia = scan_nmodl(kTwoIons, "a.mod"), ib = scan_nmodl("NEURON { POINT_PROCESS b }\n", "b.mod");
    fs::path file = dir.path / "cache" / "scans";
    ScanMemo out;
    out.put(stamp_key(a), sa, sa.mtime_ns + 3 * kStampMarginNs, ia);
    out.put(stamp_key(b), sb, sb.mtime_ns + 3 * kStampMarginNs, ib);
    out.save_if_changed(file);
    ScanMemo in = ScanMemo::load(file);
    BOOST_TEST(in.take(stamp_key(a), sa)->ions == ia.ions); // handed over: still saved from its record
    const NmodlInfo* found = in.find(stamp_key(b), sb);
    BOOST_REQUIRE(found);
    NmodlInfo changed = ib;
    changed.name = "bb";
    in.put(stamp_key(b), sb, sb.mtime_ns + 3 * kStampMarginNs, changed); // over a loaded entry
    BOOST_TEST(found->name == "bb"); // what find handed out stays valid, and is the new scan
    in.save_if_changed(file);
    ScanMemo again = ScanMemo::load(file);
    BOOST_TEST(again.take(stamp_key(a), sa)->ions == ia.ions);
    BOOST_TEST(again.take(stamp_key(b), sb)->name == "bb");
}

BOOST_AUTO_TEST_CASE(a_damaged_or_foreign_file_reads_as_empty) {
    TempDir dir;
    FileStamp stamp; // "1,1,1,1,1", settled long before it was recorded at 10 s
    FileStamp::parse("1,1,1,1,1", stamp);
    const std::string good = "scan\t/a.mod\t10000000000\t1,1,1,1,1\t0\ta\t0\t1\t\t\t\t\t\t0\n";
    dir.write("s0", "glia-scans\t2\n" + good);
    BOOST_TEST(ScanMemo::load(dir.path / "s0").find("/a.mod", stamp)); // the control: a sound file is used
    dir.write("s1", "glia-scans\t999\n" + good);
    dir.write("s2", "glia-scans\t2\n" + good + "scan\t/b.mod\tnotanumber\t-\t0\tb\t0\t1\t\t\t\t\t\t0\n");
    dir.write("s3", "glia-scans\t2\n" + good.substr(0, good.size() - 1)); // cut short
    dir.write("s4", "glia-scans\t2\n" + good + "scan\t/b.mod\t1\t1,1,1,1,1\t9\tb\t0\t1\t\t\t\t\t\t0\n"); // no kind 9
    for (const char* name : {"s1", "s2", "s3", "s4", "absent"}) {
        BOOST_TEST(!ScanMemo::load(dir.path / name).find("/a.mod", stamp), name);
    }
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
    std::string text = r.clashes[0].describe().plain();
    BOOST_TEST(text.find("'shared'") != std::string::npos);
    BOOST_TEST(text.find("alpha.util(0)") != std::string::npos);
    BOOST_TEST(text.find("beta.helpers(0)") != std::string::npos);
    BOOST_TEST(text.find("out of the way") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(checks_against_what_neuron_has) {
    ModFile a = mod("p", "util", "NEURON { SUFFIX nothing }\nFUNCTION hh() { hh = 1 }\n");
    ModFile b = mod("p", "k", "NEURON { SUFFIX k }\n");
    PreflightResult r = glia::preflight({&a, &b}, neuron_builtin_names());
    BOOST_REQUIRE(r.clashes.size() == 1u);
    BOOST_TEST(r.clashes[0].kept.package.empty());
    BOOST_TEST(r.clashes[0].describe().plain().find("NEURON already has a 'hh'") != std::string::npos);
    BOOST_TEST(!r.loads(a.name));
    BOOST_TEST(r.loads(b.name));
    r = glia::preflight({&b}, [](const std::string& name) { return name == "glia__p__k__0"; });
    BOOST_TEST(!r.loads(b.name));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(cache_lock)

namespace {
// How many descriptors of this process are open on `file` (their links in /proc/self/fd).
int open_on(const fs::path& file) {
    int count = 0;
    for (fs::directory_iterator it("/proc/self/fd"), end; it != end; ++it) {
        boost::system::error_code ec;
        count += fs::read_symlink(it->path(), ec) == file ? 1 : 0;
    }
    return count;
}
} // namespace

// A build waiting for the lock of a cache that is then removed and made anew must not take the
// removed lock file, once free, as leave to build: the build of the new cache holds the new one.
BOOST_AUTO_TEST_CASE(a_lock_file_removed_while_waiting_for_it_does_not_exclude) {
    using namespace std::chrono_literals;
    TempDir tmp;
    fs::path root = tmp.path / "cache";
    auto old_build = std::make_unique<CacheLock>(root);
    std::atomic<bool> locked{false};
    std::thread waiting([&] {
        CacheLock lock(root);
        locked = true;
    });
    for (int i = 0; i < 2000 && open_on(root / "lock") < 2; ++i) {
        std::this_thread::sleep_for(5ms); // until the waiting build has opened the lock file
    }
    BOOST_REQUIRE_EQUAL(open_on(root / "lock"), 2);
    fs::remove_all(root);
    BOOST_CHECK(old_build->removed());
    auto new_build = std::make_unique<CacheLock>(root); // the cache made anew, a build in it
    old_build.reset();
    std::this_thread::sleep_for(300ms);
    BOOST_CHECK(!locked); // it waits for the new lock file, not the removed one
    new_build.reset();
    waiting.join();
    BOOST_CHECK(locked);
    BOOST_CHECK(fs::exists(root / "lock"));
}

BOOST_AUTO_TEST_SUITE_END()
