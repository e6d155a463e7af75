// Every YAML file glia writes reads back unchanged with glia's own readers, whatever names and
// paths it holds: random names full of YAML's special characters go through each writer.

#include "mod_text.hpp"
#include "temp_dir.hpp"

#include "resolve/lockfile.hpp"
#include "tools/package_tools.hpp"
#include "preferences/preferences.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <random>
#include <set>

using namespace glia;
using glia::test::leak_mod;
using glia::test::TempDir;

namespace {

// Pieces YAML treats specially (indicators, quotes, escapes, words it reads as null or bools,
// spaces where plain scalars drop them), plus unicode and control characters.
const std::vector<std::string> kPieces = {
    "a", "Z", "0", "7", ".mod", " ", "  ", ",", ", ", ":", ": ", "#", " #", "[", "]", "{", "}", "'", "\"", "\\",
    "\\n", "-", "- ", "?", "&", "*", "!", "|", ">", "%", "@", "`", "~", "null", "true", "0x1f", "1e3", "é",
    "日本", "\xe2\x80\x8b", "\xc2\x85", "\xe2\x80\xa8", "\xef\xbb\xbf", "\x7f", "\x1b", "\t", "\n", "\r", "\x01", "...", "---"};

/// A random name of up to `max_pieces` pieces; the seed is fixed, so a failure repeats.
std::string random_name(std::mt19937& rng, size_t max_pieces = 8) {
    std::uniform_int_distribution<size_t> count(1, max_pieces), piece(0, kPieces.size() - 1);
    std::string name;
    for (size_t n = count(rng); n > 0; --n) {
        name += kPieces[piece(rng)];
    }
    return name;
}

/// Names written into a message readably, so a failure shows which name broke.
std::string shown(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        out += c < 0x20 ? "\\x" + std::to_string(c) : std::string(1, static_cast<char>(c));
    }
    return "'" + out + "'";
}

// Valid glia names that YAML would read as something else unless quoted: null, bools, numbers.
const std::vector<std::string> kWords = {"null", "Null", "NULL", "true", "False", "yes", "No", "on", "OFF", "y",
                                         "n", "inf", "nan", "a", "Kv1", "x_1", "0", "7", "1e3", "0x1f", "0o7"};

/// A random valid name of `part`: one or two words joined by '_'.
std::string random_glia_name(std::mt19937& rng, NamePart part) {
    std::uniform_int_distribution<size_t> word(0, kWords.size() - 1), count(1, 2);
    for (;;) {
        std::string name = kWords[word(rng)];
        if (count(rng) == 2) {
            name += "_" + kWords[word(rng)];
        }
        if (name_problem(name, part).empty()) {
            return name;
        }
    }
}

Constraint random_choice(std::mt19937& rng) {
    std::uniform_int_distribution<int> which(0, 2);
    int kind = which(rng);
    return {kind == 1 ? "" : random_glia_name(rng, NamePart::package),
            kind == 0 ? "" : random_glia_name(rng, NamePart::variant)};
}

} // namespace

BOOST_AUTO_TEST_SUITE(yaml_round_trip)

BOOST_AUTO_TEST_CASE(preferences_keep_names_yaml_would_read_otherwise) {
    std::mt19937 rng(1129);
    TempDir t;
    fs::path file = t.path / "preferences.yaml";
    for (int round = 0; round < 200; ++round) {
        Preferences want;
        for (int i = 0; i < 3; ++i) {
            Constraint c = random_choice(rng);
            want.select(random_glia_name(rng, NamePart::asset), c);
            if (!c.package.empty()) {
                want.select_package(c);
            }
        }
        // Written afresh, and line by line into a file that already has entries.
        BOOST_TEST_INFO("fresh:\n" << format_preferences(want));
        BOOST_CHECK(parse_preferences(format_preferences(want), file).same_choices(want));
        std::string hand = "# mine\nassets:\n  Kv1: {package: lab}  # keep\npackages:\n  - lab\n";
        EditedText edited = edit_preferences(hand, want, file);
        BOOST_TEST_INFO("edited:\n" << edited.text);
        BOOST_CHECK(!edited.relaid_out);
        BOOST_CHECK(edited.text.rfind("# mine\n", 0) == 0);
        BOOST_CHECK(parse_preferences(edited.text, file).same_choices(want));
        // And through the file, as 'glia select' changes it.
        update_preferences_file(file, [&](Preferences& p) { p = want; });
        BOOST_CHECK(load_preferences(file).same_choices(want));
    }
}

BOOST_AUTO_TEST_CASE(imported_manifests_keep_any_file_and_folder_name) {
    std::mt19937 rng(2019);
    TempDir t;
    for (int round = 0; round < 40; ++round) {
        // A file name may hold anything but '/' and NUL; the folder's name goes into the description.
        std::string folder = random_name(rng);
        std::replace(folder.begin(), folder.end(), '/', '_');
        if (folder == "." || folder == "..") {
            folder = "d";
        }
        fs::path source = t.path / std::to_string(round) / folder;
        std::set<std::string> files;
        for (int i = 0; i < 4; ++i) {
            std::string name = random_name(rng) + ".mod";
            std::replace(name.begin(), name.end(), '/', '_');
            if (files.insert(name).second) {
                t.write((source / name).lexically_relative(t.path).string(), leak_mod("leak"));
            }
        }
        fs::path out = t.path / std::to_string(round) / "out";
        BOOST_TEST_INFO("folder " << shown(folder));
        ImportReport report = import_mod_folder(source, {"imp", out, false}, {});
        BOOST_REQUIRE_EQUAL(report.mods.size(), files.size());
        Package package = load_package(out / "imp");
        BOOST_REQUIRE_EQUAL(package.mods.size(), files.size());
        std::set<std::string> read_back;
        for (const auto& mod : package.mods) {
            read_back.insert(mod.path.filename().string());
            BOOST_CHECK(fs::is_regular_file(mod.path));
        }
        BOOST_CHECK(read_back == files);
        BOOST_CHECK_MESSAGE(package.description == "imported from " + fs::absolute(source).string(),
                            shown(package.description) << " read back from " << shown(read_file(out / "imp" / kManifestName)));
    }
}

BOOST_AUTO_TEST_CASE(a_file_name_that_is_not_utf8_is_refused_whole) {
    TempDir t;
    t.write("model/ok.mod", leak_mod("leak"));
    t.write("model/bad\xff.mod", leak_mod("leak"));
    try {
        import_mod_folder(t.path / "model", {"imp", t.path / "out", false}, {});
        BOOST_FAIL("the import succeeded");
    } catch (const Error& e) {
        BOOST_TEST_INFO(e.what());
        BOOST_CHECK(std::string(e.what()).find("'mods/bad\\xff.mod' is not UTF-8 text") != std::string::npos);
    }
    BOOST_CHECK(!fs::exists(t.path / "out" / "imp"));
}

BOOST_AUTO_TEST_CASE(a_failed_import_never_names_its_staging_folder) {
    // A name of 250 characters is a valid file, but a temporary beside it ('.NAME.tmp.XXXXXX')
    // is too long: the write fails inside the staging folder, which is gone when the error is read.
    TempDir t;
    std::string long_name = std::string(246, 'k') + ".mod";
    t.write("model/" + long_name, leak_mod("leak"));
    try {
        import_mod_folder(t.path / "model", {"imp", t.path / "out", false}, {});
        BOOST_FAIL("the import succeeded");
    } catch (const Error& e) {
        std::string message = e.what();
        BOOST_TEST_INFO(message);
        BOOST_CHECK(message.find("glia-tmp") == std::string::npos);
        BOOST_CHECK(message.find((t.path / "out" / "imp").string()) != std::string::npos);
    }
    BOOST_CHECK(!fs::exists(t.path / "out" / "imp"));
}

BOOST_AUTO_TEST_SUITE_END()
