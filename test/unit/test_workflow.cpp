// The rules behind the package workflow: naming added and imported mods, installing whole or
// not at all, and lock files.

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include "glia/asset_test.hpp"
#include "glia/error.hpp"
#include "glia/install.hpp"
#include "glia/lockfile.hpp"
#include "glia/package_tools.hpp"
#include "glia/sha256.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::message_of;
using glia::test::TempDir;

namespace {

const char* kLeak = "NEURON { SUFFIX %s NONSPECIFIC_CURRENT i }\n"
                    "ASSIGNED { v (mV) i (mA/cm2) }\nBREAKPOINT { i = 0.001 * (v + 65) }\n";

std::string leak(const std::string& name) {
    std::string text = kLeak;
    return text.replace(text.find("%s"), 2, name);
}

size_t entries_in(const fs::path& dir) {
    size_t n = 0;
    boost::system::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        ++n;
    }
    return n;
}

} // namespace

BOOST_AUTO_TEST_SUITE(package_tools)

BOOST_AUTO_TEST_CASE(guess_from_file_name_then_neuron_block) {
    NmodlInfo info = scan_nmodl(leak("kdr"), "x.mod");
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

    fs::path src = t.write("src/Leak__slow.mod", leak("leak") + "INCLUDE \"c.inc\"\n");
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
    t.write("p/mods/c.mod", leak("c") + "INCLUDE \"gone.inc\"\n");
    CheckReport report = check_package(t.path / "p", nullptr);
    BOOST_CHECK(!report.ok());
    std::string all;
    for (const auto& f : report.findings) {
        all += f.message + "\n";
    }
    BOOST_CHECK(all.find("function f is also defined by") != std::string::npos);
    BOOST_CHECK(all.find("INCLUDE \"gone.inc\" not found") != std::string::npos);
    BOOST_CHECK(!check_package(t.path / "nothing-here", nullptr).ok());
}

BOOST_AUTO_TEST_CASE(import_names_after_blocks_and_variants_repeats) {
    TempDir t;
    t.write("model/kdr.mod", leak("kdr"));
    t.write("model/kdr2.mod", leak("kdr"));
    t.write("model/cal.mod", leak("cal_")); // valid NMODL, no valid asset name
    t.write("model/broken.mod", "no neuron block here\n");
    Package installed;
    installed.name = "other";
    installed.mods.push_back({{"other", "kdr", "0"}, "k.mod", scan_nmodl(leak("kdr"), "k.mod")});
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
    BOOST_CHECK(r.clashes[0].find("asset kdr is also provided by other") != std::string::npos);
    BOOST_CHECK_THROW(import_mod_folder(t.path / "model", {"imp", t.path / "out", false}, {}), Error);
    BOOST_CHECK_EQUAL(entries_in(t.path / "out"), 1u); // no staging folder left
}

BOOST_AUTO_TEST_CASE(import_keeps_the_asset_and_variant_of_legacy_file_names) {
    TempDir t;
    t.write("legacy/glia__dbbs_mod_collection__AMPA__granule.mod", leak("glia__dbbs_mod_collection__AMPA__granule"));
    t.write("legacy/glia__dbbs_mod_collection__Kv1__0.mod", leak("glia__dbbs_mod_collection__Kv1__0"));
    ImportReport r = import_mod_folder(t.path / "legacy", {"dbbs", t.path / "out", false}, {});
    BOOST_CHECK(r.renamed.empty());
    Package p = load_package(t.path / "out" / "dbbs");
    BOOST_REQUIRE_EQUAL(p.mods.size(), 2u);
    BOOST_CHECK(p.mods[0].name == (MechanismName{"dbbs", "AMPA", "granule"}));
    BOOST_CHECK(p.mods[1].name == (MechanismName{"dbbs", "Kv1", "0"}));
}

BOOST_AUTO_TEST_CASE(test_script_inserts_or_creates_by_kind) {
    AssetTest density{"Kv1", {"p", "Kv1", "0"}, MechanismKind::density};
    std::string script = asset_test_script("/x/libglia.so", density);
    BOOST_CHECK(script.rfind("nrn_load_dll(\"/x/libglia.so\")\n", 0) == 0);
    BOOST_CHECK(script.find("execute1(\"glia_test_soma insert glia__p__Kv1__0\")") != std::string::npos);
    BOOST_CHECK(script.find("execute1(\"run()\")") != std::string::npos);
    BOOST_CHECK(script.find("quit()") != std::string::npos);
    AssetTest synapse{"AMPA", {"p", "AMPA", "0"}, MechanismKind::point_process};
    BOOST_CHECK(asset_test_script("l.so", synapse).find("glia_test_obj = new glia__p__AMPA__0(0.5)") !=
                std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(install)

BOOST_AUTO_TEST_CASE(install_replace_uninstall) {
    TempDir t;
    t.write("src/p/glia-package.yaml", "name: p\nversion: 1\n");
    t.write("src/p/mods/a.mod", leak("a"));
    t.write("src/p/x86_64/junk.c", "nrnivmodl output\n");
    fs::path packages = t.path / "data" / "packages";
    InstallResult r = install_package(t.path / "src" / "p", packages);
    BOOST_CHECK(!r.replaced);
    BOOST_CHECK_EQUAL(r.package.dir, packages / "p");
    BOOST_CHECK(fs::exists(packages / "p" / "mods" / "a.mod"));
    BOOST_CHECK(!fs::exists(packages / "p" / "x86_64"));
    BOOST_CHECK_THROW(install_package(t.path / "src" / "p", packages), Error);
    t.write("src/p/glia-package.yaml", "name: p\nversion: 2\n");
    r = install_package(t.path / "src" / "p", packages, true);
    BOOST_CHECK(r.replaced);
    BOOST_CHECK_EQUAL(load_package(packages / "p").version, "2");
    BOOST_CHECK_EQUAL(entries_in(t.path / "data" / ".install-tmp"), 0u);
    BOOST_CHECK_EQUAL(uninstall_package("p", packages), packages / "p");
    BOOST_CHECK(!fs::exists(packages / "p"));
    BOOST_CHECK_THROW(uninstall_package("p", packages), Error);
}

BOOST_AUTO_TEST_CASE(broken_package_installs_nothing) {
    TempDir t;
    t.write("src/q/glia-package.yaml", "name: q\nmods: [{file: mods/none.mod}]\n");
    fs::path packages = t.path / "data" / "packages";
    BOOST_CHECK_THROW(install_package(t.path / "src" / "q", packages), Error);
    BOOST_CHECK_EQUAL(entries_in(packages), 0u);
    BOOST_CHECK_THROW(install_package(t.path / "src" / "none", packages), Error);
    BOOST_CHECK(is_package_archive("a.tar.gz") && is_package_archive("a.tgz") && !is_package_archive("a.zip"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(lockfile)

BOOST_AUTO_TEST_CASE(round_trip_and_verify) {
    TempDir t;
    t.write("p/glia-package.yaml", "name: p\n");
    t.write("p/mods/a.mod", leak("a") + "INCLUDE \"c.inc\"\n");
    t.write("p/mods/c.inc", ": one\n");
    t.write("p/mods/b.mod", leak("b"));
    t.write("p/mods/b__fast.mod", leak("b"));
    std::vector<Package> packages{load_package(t.path / "p")};

    std::vector<LockSkip> skipped;
    Lock all = make_lock(packages, {}, &skipped);
    BOOST_REQUIRE_EQUAL(all.entries.size(), 2u); // a, and b (variant 0 wins within one package)
    BOOST_CHECK(skipped.empty());

    Lock lock = make_lock(packages, {"a", "glia__p__b__fast", "pas"}, &skipped);
    BOOST_REQUIRE_EQUAL(lock.entries.size(), 2u);
    BOOST_CHECK_EQUAL(skipped.size(), 1u); // pas: built-in
    BOOST_CHECK_THROW(make_lock(packages, {"nope"}), ResolveError);

    fs::path file = t.path / "glia.lock";
    write_file_atomic(file, format_lock(lock));
    Lock read = read_lock(file);
    BOOST_REQUIRE_EQUAL(read.entries.size(), 2u);
    BOOST_CHECK_EQUAL(read.entries[0].asset, "a");
    BOOST_CHECK(read.entries[0].name == (MechanismName{"p", "a", "0"}));
    BOOST_CHECK_EQUAL(read.entries[0].hash, lock.entries[0].hash);
    BOOST_CHECK_EQUAL(read.entries[0].files.size(), 2u);
    BOOST_CHECK(verify_lock(read, packages).empty());
    BOOST_CHECK_NO_THROW(check_lock_in(t.path / "p", packages)); // no lock there

    t.write("p/mods/c.inc", ": two\n");
    packages = {load_package(t.path / "p")};
    auto problems = verify_lock(read, packages);
    BOOST_REQUIRE_EQUAL(problems.size(), 1u);
    BOOST_CHECK_EQUAL(problems[0].entry.asset, "a");
    BOOST_CHECK_EQUAL(problems[0].what, (t.path / "p" / "mods" / "c.inc").string() + " changed");

    problems = verify_lock(read, {});
    BOOST_REQUIRE_EQUAL(problems.size(), 2u);
    BOOST_CHECK_EQUAL(problems[0].what, "package 'p' is not installed");
}

BOOST_AUTO_TEST_CASE(hash_ignores_paths) {
    TempDir t;
    t.write("x/glia-package.yaml", "name: x\n");
    t.write("x/mods/a.mod", leak("a"));
    t.write("y/glia-package.yaml", "name: x\n");
    t.write("y/mods/a.mod", leak("a"));
    BOOST_CHECK_EQUAL(mechanism_hash(load_package(t.path / "x").mods[0]),
                      mechanism_hash(load_package(t.path / "y").mods[0]));
    t.write("y/mods/a.mod", leak("a") + ": changed\n");
    BOOST_CHECK_NE(mechanism_hash(load_package(t.path / "x").mods[0]),
                   mechanism_hash(load_package(t.path / "y").mods[0]));
}

BOOST_AUTO_TEST_CASE(malformed_lock_names_the_place) {
    TempDir t;
    fs::path file = t.write("glia.lock", "version: 2\nmechanisms:\n  - {name: kv1, hash: x}\n");
    try {
        read_lock(file);
        BOOST_FAIL("no error");
    } catch (const ParseError& e) {
        BOOST_CHECK(std::string(e.what()).find("glia.lock:3:") != std::string::npos);
        BOOST_CHECK(std::string(e.what()).find("not a full mechanism name") != std::string::npos);
    }
    t.write("glia.lock", "version: 3\n");
    BOOST_CHECK_THROW(read_lock(file), ParseError);
    t.write("glia.lock", "version: 2\nmechanisms:\n  - {asset: Kv1, name: glia__p__Kv1__0, hash: 0123abcd}\n");
    std::string message = message_of([&] { read_lock(file); });
    BOOST_TEST(message.find("glia.lock:3:") != std::string::npos, message);
    BOOST_TEST(message.find("must be a SHA-256 digest") != std::string::npos, message);
}

BOOST_AUTO_TEST_CASE(sha256_matches_the_standard_vectors) {
    // FIPS 180-2's examples, and the same digest fed in pieces.
    BOOST_CHECK_EQUAL(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    BOOST_CHECK_EQUAL(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    BOOST_CHECK_EQUAL(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    BOOST_CHECK_EQUAL(sha256_hex(std::string(1000000, 'a')),
                      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    BOOST_CHECK_EQUAL(Sha256().bytes("a").bytes("").bytes("bc").hex(), sha256_hex("abc"));
}

BOOST_AUTO_TEST_CASE(locked_file_hashes_are_sha256_of_the_content) {
    TempDir t;
    t.write("p/glia-package.yaml", "name: p\n");
    t.write("p/mods/a.mod", "NEURON { SUFFIX a }\n");
    Package package = load_package(t.path / "p");
    auto files = mechanism_files(package.mods.at(0));
    BOOST_REQUIRE_EQUAL(files.size(), 1u);
    BOOST_CHECK_EQUAL(files[0].second, sha256_hex("NEURON { SUFFIX a }\n")); // what sha256sum prints
    BOOST_CHECK_EQUAL(mechanism_hash(files).size(), 64u);
    BOOST_CHECK(format_lock(make_lock({package}, {"a"})).find("\nversion: 2\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_version_1_lock_is_refused_with_the_command_that_relocks) {
    TempDir t;
    fs::path file = t.write("model/glia.lock", "version: 1\nmechanisms:\n"
                                               "  - asset: Kv1\n    name: glia__example__Kv1__0\n"
                                               "    hash: 0123456789abcdef0123456789abcdef\n"
                                               "  - name: glia__example__Na__0\n    hash: 0123456789abcdef0123456789abcdef\n");
    std::string message = message_of([&] { read_lock(file); });
    BOOST_TEST(message.find(file.string() + ":1:") == 0, message);
    BOOST_TEST(message.find("a version 1 lock file") != std::string::npos, message);
    BOOST_TEST(message.find("'glia lock Kv1 glia__example__Na__0' in " + (t.path / "model").string()) !=
                   std::string::npos,
               message);
    BOOST_CHECK_THROW(check_lock_in(t.path / "model", {}), ParseError); // the plugin refuses to load
}

BOOST_AUTO_TEST_SUITE_END()
