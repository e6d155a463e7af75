#include "temp_dir.hpp"

#include "glia/fs.hpp"
#include "glia/load_set.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::TempDir;

BOOST_AUTO_TEST_SUITE(load_set)

namespace {
PackageLibrary library(const std::string& package, const std::string& key, std::vector<std::string> assets) {
    PackageLibrary lib;
    lib.package = package;
    lib.library = "/cache/libs/" + key + "/libglia-" + package + ".so";
    for (const auto& asset : assets) {
        lib.mechanisms.push_back(MechanismName{package, asset, "0"});
        lib.objects.push_back("/cache/objects/" + asset + ".o");
    }
    return lib;
}
} // namespace

BOOST_AUTO_TEST_CASE(the_key_follows_the_package_libraries_in_load_order) {
    PackageLibrary a = library("a", "aaaaaaaaaaaaaaaa", {"x"});
    PackageLibrary b = library("b", "bbbbbbbbbbbbbbbb", {"y"});
    PackageLibrary unbuilt;
    unbuilt.package = "c";
    BOOST_TEST(load_set_key({a}).empty()); // one library is its own set
    BOOST_TEST(load_set_key({a, unbuilt}).empty());
    BOOST_TEST(!load_set_key({a, b}).empty());
    BOOST_TEST(load_set_key({a, b}) == load_set_key({a, unbuilt, b}));
    BOOST_TEST(load_set_key({a, b}) != load_set_key({b, a}));
    BOOST_TEST(load_set_key({a, b}) != load_set_key({a, library("b", "cccccccccccccccc", {"y"})}));
}

BOOST_AUTO_TEST_CASE(the_members_file_lists_the_package_library_keys) {
    TempDir dir;
    fs::path file = dir.path / "members";
    write_file_atomic(file, load_set_members({library("a", "aaaaaaaaaaaaaaaa", {"x"}), library("b", "bbbbbbbbbbbbbbbb", {"y"})}));
    BOOST_TEST(read_load_set_members(file) == (std::vector<std::string>{"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"}));
    write_file_atomic(file, "something else\naaaaaaaaaaaaaaaa\n");
    BOOST_TEST(read_load_set_members(file).empty());
    BOOST_TEST(read_load_set_members(dir.path / "missing").empty());
}

BOOST_AUTO_TEST_CASE(each_package_keeps_only_its_registration_functions_global) {
    Toolchain tc;
    tc.link = {"c++", "-shared", "-fPIC"};
    tc.libraries = {"-lnrniv"};
    LoadSetSteps steps = load_set_steps({library("a", "aaaaaaaaaaaaaaaa", {"x", "z"}), library("b", "bbbbbbbbbbbbbbbb", {"y"})},
                                        tc, "/work", "/work/libglia-set.so");
    BOOST_REQUIRE(steps.parts.size() == 2u);
    BOOST_TEST(steps.parts[0].registration == (std::vector<std::string>{"_glia__a__x__0_reg", "_glia__a__z__0_reg"}));
    BOOST_TEST(steps.parts[1].registration == (std::vector<std::string>{"_glia__b__y__0_reg"}));
    BOOST_TEST(steps.parts[0].cached == "/cache/libs/aaaaaaaaaaaaaaaa/libglia-a.set1.o"); // kept with its library
    BOOST_TEST(steps.parts[0].partial_link[1] == "-r");
    BOOST_TEST(steps.parts[0].localize[0] == "objcopy");
    BOOST_TEST(steps.link.back() == "-lnrniv");
}

BOOST_AUTO_TEST_SUITE_END()
