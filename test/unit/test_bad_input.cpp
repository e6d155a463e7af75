// Bad input at the level of the core: mod files that are empty, binary, huge or not NMODL; names
// with illegal characters; symlink loops inside mods/. Each case checks the message, and where a
// package is involved, that the rest still loads.

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "base/fs.hpp"
#include "base/names.hpp"
#include "packages/nmodl.hpp"
#include "packages/package.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>

using namespace glia;
using glia::test::contains;
using glia::test::message_of;
using glia::test::TempDir;

namespace {

std::string scan_message(std::string_view text) {
    return message_of([&] { scan_nmodl(text, "x.mod"); });
}

} // namespace

BOOST_AUTO_TEST_SUITE(bad_input)

BOOST_AUTO_TEST_CASE(a_file_that_may_be_missing_is_nothing_only_when_it_is_missing) {
    TempDir dir;
    fs::path file = dir.path / "entry_points.txt";
    BOOST_TEST(!read_file_if_present(file).has_value());
    BOOST_TEST(!read_file_if_present(dir.path / "no-folder" / "entry_points.txt").has_value());
    fs::create_symlink(dir.path / "gone", dir.path / "dangling");
    BOOST_TEST(!read_file_if_present(dir.path / "dangling").has_value());
    write_file_atomic(file, "[glia.packages]\n");
    BOOST_TEST(read_file_if_present(file).value() == "[glia.packages]\n");
    BOOST_TEST(read_file_if_present(file / "x").has_value() == false); // a file where a folder should be
    write_file_atomic(dir.path / "empty", "");
    BOOST_TEST(read_file_if_present(dir.path / "empty").value().empty()); // there, and empty: not missing
}

BOOST_AUTO_TEST_CASE(empty_mod_files_say_so) {
    BOOST_TEST(scan_message("").rfind("x.mod:1: the file is empty", 0) == 0);
    BOOST_TEST(scan_message(" \n\r\n\t\n").rfind("x.mod:1: the file is empty", 0) == 0);
    BOOST_CHECK_THROW(scan_nmodl("", "x.mod"), ParseError);
}

BOOST_AUTO_TEST_CASE(binary_mod_files_say_so) {
    std::string bytes("\x7f" "ELF\x02\x01\x01\0\0\0NEURON { SUFFIX x }\xff\xfe", 30);
    BOOST_TEST(scan_message(bytes) == "x.mod:1: a binary file (it holds NUL bytes), not NMODL text");
}

BOOST_AUTO_TEST_CASE(files_that_are_not_nmodl) {
    const char* c_file = "#include <stdio.h>\nint main(void) {\n    puts(\"NEURON\");\n    return 0;\n}\n";
    const char* python_file = "import neuron\n\ndef f():\n    return {'SUFFIX': 1}\n";
    for (const char* text : {c_file, python_file}) {
        std::string message = scan_message(text);
        BOOST_TEST(message.rfind("x.mod:1: no NEURON block found; is this an NMODL file?", 0) == 0, message);
    }
}

BOOST_AUTO_TEST_CASE(a_huge_mod_file_scans_in_linear_time) {
    // 20 MB of comments of every kind around an ordinary NEURON block.
    std::string text;
    text.reserve(21 << 20);
    while (text.size() < (10u << 20)) {
        text += ": a comment line that says SUFFIX fake and { opens a brace\n";
    }
    text += "COMMENT\n";
    while (text.size() < (20u << 20)) {
        text += "NEURON { SUFFIX inside_a_comment } ?\n";
    }
    text += "ENDCOMMENT\nNEURON { SUFFIX big }\n";
    auto start = std::chrono::steady_clock::now();
    NmodlInfo info = scan_nmodl(text, "big.mod");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    BOOST_TEST(info.name == "big");
    BOOST_TEST(info.line == static_cast<int>(std::count(text.begin(), text.end(), '\n')));
    // About 0.1 s here; generous, so that sanitizer builds and a busy machine pass too.
    BOOST_TEST(seconds < 10.0);
}

BOOST_AUTO_TEST_CASE(an_unclosed_include_quote_does_not_swallow_the_file) {
    NmodlInfo info = scan_nmodl("VERBATIM\n#include \"misc.h\nENDVERBATIM\nNEURON { SUFFIX k }\n: \"\n", "x.mod");
    BOOST_TEST(info.name == "k");
    BOOST_TEST(info.includes.empty());
}

BOOST_AUTO_TEST_CASE(illegal_characters_in_names_are_shown_readably) {
    BOOST_TEST(name_problem("K-v", NamePart::asset) == "contains '-'; only letters, digits and '_' are allowed");
    BOOST_TEST(name_problem("Kü", NamePart::asset) == "contains 'ü'; only letters, digits and '_' are allowed");
    BOOST_TEST(name_problem(std::string_view("K\0v", 3), NamePart::asset) ==
               "contains byte \\x00; only letters, digits and '_' are allowed");
    BOOST_TEST(name_problem("K\tv", NamePart::variant) ==
               "contains byte \\x09; only letters, digits and '_' are allowed");
    BOOST_TEST(message_of([] { check_name("a\nb", NamePart::package); }) ==
               "invalid package name 'a\\x0ab': contains byte \\x0a; only letters, digits and '_' are allowed");
    BOOST_TEST(message_of([] { parse_full_name("glia__a\x01__b__0"); }) ==
               "in 'glia__a\\x01__b__0': invalid package name 'a\\x01': contains byte \\x01; only letters, digits "
               "and '_' are allowed");
}

BOOST_AUTO_TEST_CASE(double_underscores_in_names) {
    for (auto part : {NamePart::package, NamePart::asset, NamePart::variant}) {
        BOOST_TEST(contains(name_problem("a__b", part), "double underscore"));
    }
    // A file name with two separators cannot be read as asset__variant.
    TempDir tmp;
    tmp.write("p/glia-package.yaml", "name: lab\n");
    tmp.write("p/mods/Kv__fast__x.mod", "NEURON { SUFFIX k }\n");
    std::string message = message_of([&] { load_package(tmp.path / "p"); });
    BOOST_TEST(contains(message, "invalid variant name 'fast__x': contains a double underscore"), message);
    BOOST_TEST(contains(message, "file names are <asset>.mod or <asset>__<variant>.mod"), message);
}

BOOST_AUTO_TEST_CASE(looping_and_dangling_symlinks_in_mods_are_reported) {
    TempDir tmp;
    tmp.write("p/glia-package.yaml", "name: lab\n");
    tmp.write("p/mods/K.mod", "NEURON { SUFFIX k }\n");
    fs::create_symlink("Loop.mod", tmp.path / "p/mods/Loop.mod");
    std::string message = message_of([&] { load_package(tmp.path / "p"); });
    BOOST_TEST(contains(message, "Loop.mod: cannot read: Too many levels of symbolic links"), message);

    fs::remove(tmp.path / "p/mods/Loop.mod");
    fs::create_symlink("../elsewhere/Gone.mod", tmp.path / "p/mods/Gone.mod");
    message = message_of([&] { load_package(tmp.path / "p"); });
    BOOST_TEST(contains(message, "Gone.mod: cannot read: No such file or directory"), message);

    // A directory loop inside mods/ is not followed: the package still loads.
    fs::remove(tmp.path / "p/mods/Gone.mod");
    fs::create_symlink("..", tmp.path / "p/mods/up");
    fs::create_symlink(".", tmp.path / "p/mods/self.mod");
    Package package = load_package(tmp.path / "p");
    BOOST_REQUIRE(package.mods.size() == 1);
    BOOST_TEST(package.mods[0].name.full() == "glia__lab__K__0");
}

BOOST_AUTO_TEST_CASE(symlink_loops_in_a_search_root_stop_nothing) {
    TempDir tmp;
    tmp.write("root/a/glia-package.yaml", "name: a\n");
    tmp.write("root/a/mods/K.mod", "NEURON { SUFFIX k }\n");
    tmp.write("root/z/glia-package.yaml", "name: z\n");
    fs::create_symlink("m2", tmp.path / "root/m1");
    fs::create_symlink("m1", tmp.path / "root/m2");
    fs::create_symlink(".", tmp.path / "root/self");
    fs::create_symlink("a", tmp.path / "root/a_again");
    ::setenv("GLIA_PATH", (tmp.path / "root").c_str(), 1);
    ::setenv("XDG_DATA_HOME", (tmp.path / "data").c_str(), 1);
    Discovery found = discover_packages();
    ::unsetenv("GLIA_PATH");
    ::unsetenv("XDG_DATA_HOME");
    int ours = 0;
    for (const auto& p : found.packages) {
        ours += p.name == "a" || p.name == "z";
    }
    BOOST_TEST(ours == 2);
    // a_again is the same directory as a: read once, not reported as a duplicate of itself.
    BOOST_TEST(found.shadowed.empty());
    BOOST_TEST(found.problems.empty());
}

BOOST_AUTO_TEST_SUITE_END()
