// Lock files: made from the packages, written and read back, verified against the mods, and
// refused with the place when malformed.

#include "fixtures.hpp"
#include "mod_text.hpp"
#include "temp_dir.hpp"

#include "base/error.hpp"
#include "resolve/lockfile.hpp"
#include "base/sha256.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::leak_mod;
using glia::test::message_of;
using glia::test::TempDir;

BOOST_AUTO_TEST_SUITE(lockfile)

BOOST_AUTO_TEST_CASE(round_trip_and_verify) {
    TempDir t;
    t.write("p/glia-package.yaml", "name: p\n");
    t.write("p/mods/a.mod", leak_mod("a") + "INCLUDE \"c.inc\"\n");
    t.write("p/mods/c.inc", ": one\n");
    t.write("p/mods/b.mod", leak_mod("b"));
    t.write("p/mods/b__fast.mod", leak_mod("b"));
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
    BOOST_CHECK_EQUAL(problems[0].diagnostic.message.plain(), (t.path / "p" / "mods" / "c.inc").string() + " changed");

    problems = verify_lock(read, {});
    BOOST_REQUIRE_EQUAL(problems.size(), 2u);
    BOOST_CHECK_EQUAL(problems[0].diagnostic.message.plain(), "package 'p' is not installed");
}

BOOST_AUTO_TEST_CASE(hash_ignores_paths) {
    TempDir t;
    t.write("x/glia-package.yaml", "name: x\n");
    t.write("x/mods/a.mod", leak_mod("a"));
    t.write("y/glia-package.yaml", "name: x\n");
    t.write("y/mods/a.mod", leak_mod("a"));
    BOOST_CHECK_EQUAL(mechanism_hash(load_package(t.path / "x").mods[0]),
                      mechanism_hash(load_package(t.path / "y").mods[0]));
    t.write("y/mods/a.mod", leak_mod("a") + ": changed\n");
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

BOOST_AUTO_TEST_CASE(locked_file_hashes_are_sha256_of_the_content) {
    TempDir t;
    t.write("p/glia-package.yaml", "name: p\n");
    t.write("p/mods/a.mod", "NEURON { SUFFIX a }\n");
    Package package = load_package(t.path / "p");
    auto files = mechanism_files(package.mods.at(0));
    BOOST_REQUIRE_EQUAL(files.size(), 1u);
    BOOST_CHECK_EQUAL(files[0].second, sha256_hex("NEURON { SUFFIX a }\n")); // what sha256sum prints
    BOOST_CHECK_EQUAL(mechanism_hash(files).size(), 64u);
    BOOST_CHECK(("\n" + format_lock(make_lock({package}, {"a"}))).find("\nversion: 2\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_version_1_lock_is_refused_with_the_command_that_relocks) {
    TempDir t;
    fs::path file =
        t.write("model/glia.lock", "version: 1\nmechanisms:\n"
                                   "  - asset: Kv1\n    name: glia__example__Kv1__0\n"
                                   "    hash: 0123456789abcdef0123456789abcdef\n"
                                   "  - name: glia__example__Na__0\n    hash: 0123456789abcdef0123456789abcdef\n");
    std::string message = message_of([&] { read_lock(file); });
    BOOST_TEST(message.find(file.string() + ":1:") == 0, message);
    BOOST_TEST(message.find("a version 1 lock file") != std::string::npos, message);
    BOOST_TEST(message.find("'glia lock Kv1 glia__example__Na__0' in " + (t.path / "model").string()) !=
                   std::string::npos,
               message);
    // The plugin refuses to load.
    BOOST_CHECK_THROW(check_lock_in(t.path / "model", std::vector<Package>{}), ParseError);
}

BOOST_AUTO_TEST_SUITE_END()
