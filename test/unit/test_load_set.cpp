#include "temp_dir.hpp"

#include "build/elf_groups.hpp"
#include "base/error.hpp"
#include "build/failure_memo.hpp"
#include "store/cache.hpp"
#include "base/fs.hpp"
#include "build/manifest.hpp"
#include "build/load_set.hpp"
#include "base/process.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::TempDir;

BOOST_AUTO_TEST_SUITE(load_set)

namespace {
PackageLibrary library(const std::string& package, const std::string& key, std::vector<std::string> assets) {
    PackageLibrary lib;
    lib.package = package;
    lib.library = "/cache/libs/" + key + "/libglia-" + package + ".so";
    lib.key = key;
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

namespace {
// Compiles C++ `source` with the system compiler into `dir`/`stem`.o, as the part of package `stem`.
LoadSetPart compiled_part(const fs::path& dir, const std::string& stem, const std::string& source) {
    write_file_atomic(dir / (stem + ".cpp"), source);
    ProcessResult r = run_process({"c++", "-c", "-fPIC", "-O2", stem + ".cpp", "-o", stem + ".o"}, dir);
    BOOST_REQUIRE_MESSAGE(r.ok(), r.output);
    LoadSetPart part;
    part.package = stem;
    part.cached = dir / (stem + ".o");
    return part;
}

// Two inline functions, kept out of line by calls through pointers: `shared_helper` answers `answer`,
// `same_helper` is alike in every object.
std::string helpers(const std::string& answer, const std::string& user) {
    return "inline int shared_helper() { return " + answer + "; }\n"
           "inline int same_helper() { static int calls = 0; return 42 + calls++; }\n"
           "int " + user + "() { int (*volatile f)() = shared_helper; int (*volatile g)() = same_helper; return f() + g(); }\n";
}
} // namespace

BOOST_AUTO_TEST_CASE(packages_that_define_an_inline_function_differently_are_not_linked_into_one_library) {
    TempDir dir;
    LoadSetPart a = compiled_part(dir.path, "a", helpers("1", "use_a"));
    LoadSetPart b = compiled_part(dir.path, "b", helpers("2", "use_b"));
    LoadSetPart c = compiled_part(dir.path, "c", helpers("1", "use_c")); // a's definitions, its own caller
    auto in_a = group_definitions(read_file(a.cached), a.cached);
    auto in_b = group_definitions(read_file(b.cached), b.cached);
    BOOST_REQUIRE(in_a.count("_Z13shared_helperv") && in_b.count("_Z13shared_helperv"));
    BOOST_REQUIRE(in_a.count("_Z11same_helperv") && in_a.count("_ZZ11same_helpervE5calls"));
    BOOST_TEST(in_a["_Z13shared_helperv"] != in_b["_Z13shared_helperv"]);
    BOOST_TEST(in_a["_Z11same_helperv"] == in_b["_Z11same_helperv"]);
    BOOST_TEST(in_a.count("_Z5use_av") == 0u); // an ordinary function is in no group
    BOOST_CHECK_NO_THROW(check_shared_definitions({a, c}));
    try {
        check_shared_definitions({a, c, b});
        BOOST_FAIL("a and b define shared_helper differently");
    } catch (const Error& e) {
        std::string why = e.what();
        BOOST_TEST(why.find("packages 'a' and 'b' define shared_helper() (_Z13shared_helperv) differently") != std::string::npos, why);
    }
}

BOOST_AUTO_TEST_CASE(a_truncated_object_is_an_error) {
    TempDir dir;
    LoadSetPart a = compiled_part(dir.path, "a", helpers("1", "use_a"));
    std::string whole = read_file(a.cached);
    BOOST_CHECK_THROW(group_definitions(whole.substr(0, whole.size() / 2), a.cached), Error);
    BOOST_CHECK_THROW(group_definitions(whole.substr(0, 40), a.cached), Error);
    write_file_atomic(a.cached, whole.substr(0, whole.size() - 1));
    BOOST_CHECK_THROW(check_shared_definitions({a, a}), Error);
}

BOOST_AUTO_TEST_CASE(a_set_folder_that_is_a_link_out_of_the_cache_is_neither_followed_nor_emptied) {
    TempDir dir;
    fs::path outside = dir.path / "outside";
    make_dirs(outside);
    write_file_atomic(outside / "libglia-set.so", "not glia's");
    write_file_atomic(outside / "members", "glia-load-set-members 1\n");
    fs::path cache = dir.path / "cache";
    { CacheLock made(cache); } // marks the folder as glia's cache
    make_dirs(cache / "sets");
    make_dirs(cache / "libs");
    fs::create_directory_symlink(outside, cache / "sets" / "0123456789abcdef");
    fs::create_directory_symlink(outside, cache / "libs" / "0123456789abcdef");
    write_file_atomic(outside / "0123456789abcdef.o", "not glia's either");
    make_dirs(cache / "objects");
    fs::create_directory_symlink(outside, cache / "objects" / "01");
    GarbageCollected removed = collect_garbage(cache);
    BOOST_TEST(removed.set_libraries == 0u);
    BOOST_TEST(removed.libraries == 0u);
    BOOST_TEST(removed.bytes == 0u);
    clear_cache(cache);
    BOOST_TEST(fs::exists(outside / "libglia-set.so"));
    BOOST_TEST(fs::exists(outside / "members"));
    BOOST_TEST(fs::exists(outside / "0123456789abcdef.o"));
}

BOOST_AUTO_TEST_CASE(gc_removes_a_set_folder_without_its_library) {
    TempDir dir;
    fs::path cache = dir.path / "cache";
    { CacheLock made(cache); }
    BuildManifest manifest;
    manifest.put_library({dir.path.string(), "a", "aaaaaaaaaaaaaaaa", "8.2.2"}); // its one member, in use
    manifest.save(manifest_path(cache));
    fs::path members = load_set_members_path(cache, "0123456789abcdef");
    make_dirs(members.parent_path());
    write_file_atomic(members, "glia-load-set-members 1\naaaaaaaaaaaaaaaa\n"); // its library was never published
    BOOST_TEST(collect_garbage(cache).set_libraries == 1u);
    BOOST_TEST(!fs::exists(members.parent_path()));
}

BOOST_AUTO_TEST_CASE(a_set_library_gone_or_linked_again_is_not_given_up) {
    TempDir dir;
    fs::path cache = dir.path / "cache";
    fs::path library = load_set_path(cache, "0123456789abcdef");
    // Missing when dlopen tried it (the cache cleared): the cleared cache is not made anew.
    give_up_load_set(cache, "0123456789abcdef", FileStamp::of(library), "No such file or directory");
    BOOST_TEST(!fs::exists(cache));
    // Linked again after dlopen refused it: the new library stays and nothing is remembered.
    { CacheLock made(cache); }
    make_dirs(library.parent_path());
    write_file_atomic(library, "refused");
    FileStamp opened = FileStamp::of(library);
    write_file_atomic(library, "linked again"); // a new file, by rename: another inode
    give_up_load_set(cache, "0123456789abcdef", opened, "refused");
    BOOST_TEST(fs::exists(library));
    BOOST_TEST(!FailureMemo::load(failure_memo_path(cache)).load_set_failed("0123456789abcdef"));
    // The very file dlopen refused is given up.
    give_up_load_set(cache, "0123456789abcdef", FileStamp::of(library), "refused");
    BOOST_TEST(!fs::exists(library));
    BOOST_TEST(FailureMemo::load(failure_memo_path(cache)).load_set_failed("0123456789abcdef"));
}

BOOST_AUTO_TEST_SUITE_END()
