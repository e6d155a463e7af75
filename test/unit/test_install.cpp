// Installing a package: whole or not at all, replacing only what 'glia install' made, and
// uninstalling.

#include "mod_text.hpp"
#include "temp_dir.hpp"

#include "base/error.hpp"
#include "tools/install.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::entries_in;
using glia::test::leak_mod;
using glia::test::TempDir;

BOOST_AUTO_TEST_SUITE(install)

BOOST_AUTO_TEST_CASE(install_replace_uninstall) {
    TempDir t;
    t.write("src/p/glia-package.yaml", "name: p\nversion: 1\n");
    t.write("src/p/mods/a.mod", leak_mod("a"));
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
