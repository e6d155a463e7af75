// The start record (start/start_record.hpp): a clean start read back as it was found and built, and every
// change that decides a start making its record refused; and the start's policy (start/start.hpp) around it:
// compiling off, the MPI rank that records, a record reused, with the tools played (played_build.hpp). Packages
// are real folders discovered by discover_packages; the libraries are plain files, since a record only stamps them.

#include "mod_text.hpp"
#include "played_build.hpp"
#include "temp_dir.hpp"

#include "store/cache.hpp"
#include "packages/discovery.hpp"
#include "base/file_stamp.hpp"
#include "build/manifest.hpp"
#include "packages/mod_includes.hpp"
#include "start/start.hpp"
#include "start/start_record.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <thread>

using namespace glia;
using glia::test::leak_mod;
using glia::test::TempDir;

BOOST_AUTO_TEST_SUITE(start_record)

namespace {

/// Packages a (two mods, one with an INCLUDE) and b under one GLIA_PATH folder, a folder that is not a
/// package beside them, and a cache; GLIA_PATH and XDG_DATA_HOME point into the temporary folder while it
/// lives.
struct Installed {
    TempDir tmp;
    fs::path root = tmp.path / "pkgs";
    fs::path cache = tmp.path / "cache";
    StartQuestion question;

    Installed() {
        tmp.write("pkgs/a/glia-package.yaml", "name: a\n");
        tmp.write("pkgs/a/mods/Kv1.mod", leak_mod("Kv1"));
        tmp.write("pkgs/a/mods/Na.mod", "INCLUDE \"rates.inc\"\n" + leak_mod("Na"));
        tmp.write("pkgs/a/mods/rates.inc", ": rates\n");
        tmp.write("pkgs/b/glia-package.yaml", "name: b\n");
        tmp.write("pkgs/b/mods/Leak.mod", leak_mod("Leak"));
        tmp.write("pkgs/notes/readme.txt", "not a package\n");
        ::setenv("GLIA_PATH", root.c_str(), 1);
        ::setenv("XDG_DATA_HOME", (tmp.path / "data").c_str(), 1);
        question.roots = package_search_path();
        question.toolchain = "cc 1";
    }
    ~Installed() {
        ::unsetenv("GLIA_PATH");
        ::unsetenv("XDG_DATA_HOME");
    }

    /// What a clean start finds now, and a build of it: a plain file for each library and the set library
    /// (outside the cache, whose collection would remove libraries its manifest does not name).
    std::pair<Discovery, BuildResult> start() const {
        Discovery found = discover_packages();
        BuildResult built;
        for (const auto& package : found.packages) {
            PackageLibrary lib;
            lib.package = package.name;
            lib.key = std::string(32, 'a' + char(built.libraries.size()));
            lib.library = tmp.path / "built" / lib.key / ("libglia-" + package.name + ".so");
            for (const auto& mod : package.mods) {
                lib.mechanisms.push_back(mod.name);
            }
            built.libraries.push_back(lib);
        }
        built.set_key = std::string(32, 'f');
        built.set_library = tmp.path / "built" / built.set_key / "libglia-set.so";
        for (const auto& lib : built.libraries) {
            if (!fs::exists(lib.library)) {
                tmp.write(fs::relative(lib.library, tmp.path).string(), "library");
            }
        }
        if (!fs::exists(built.set_library)) {
            tmp.write(fs::relative(built.set_library, tmp.path).string(), "set library");
        }
        // The build manifest's entry of each mod, as a build keys it: the record stamps what it names.
        BuildManifest manifest = BuildManifest::load(manifest_path(cache));
        for (const auto& package : found.packages) {
            for (const auto& mod : package.mods) {
                ManifestMod entry{stamp_key(mod.path), mod.name.full(), manifest_toolchain(question.toolchain, {question.include_dirs, {}}),
                                  now_ns(), FileStamp::of(mod.path), std::string(32, '0'), {}};
                for (const auto& include : mod_file_includes(entry.path, {question.include_dirs, {}})) {
                    for (const auto& place : include.places) {
                        entry.includes.emplace_back(place.path.string(), place.stamp);
                    }
                }
                manifest.put(std::move(entry));
            }
        }
        make_dirs(cache);
        manifest.save(manifest_path(cache));
        return {found, built};
    }

    fs::path record_file() const { return start_record_path(cache, start_key(question)); }

    /// Records a start that began 3 s from now, so that everything written before has settled by then.
    bool record() const {
        auto [found, built] = start();
        return record_start(record_file(), now_ns() + 3'000'000'000, question, found, built);
    }
};

std::vector<std::string> full_names(const std::vector<MechanismName>& names) {
    std::vector<std::string> full;
    for (const auto& name : names) {
        full.push_back(name.full());
    }
    return full;
}

const Package& package_named(const std::vector<Package>& packages, const std::string& name) {
    for (const auto& package : packages) {
        if (package.name == name) {
            return package;
        }
    }
    BOOST_FAIL("no package " + name);
    return packages.front();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_clean_start_is_read_back_as_it_was_found_and_built) {
    Installed installed;
    BOOST_TEST_REQUIRE(installed.record());
    auto [found, built] = installed.start();
    std::optional<RecordedStart> recorded = recorded_start(installed.record_file());
    BOOST_TEST_REQUIRE(recorded.has_value());
    BOOST_TEST_REQUIRE(recorded->found.packages.size() == found.packages.size());
    BOOST_TEST(recorded->found.problems.empty());
    for (size_t p = 0; p < found.packages.size(); ++p) {
        const Package& was = found.packages[p];
        const Package& read = recorded->found.packages[p];
        BOOST_TEST(read.name == was.name);
        BOOST_TEST(read.dir == was.dir);
        BOOST_TEST(read.origin == was.origin);
        BOOST_TEST(read.version == was.version);
        BOOST_TEST(read.description == was.description);
        BOOST_TEST_REQUIRE(read.mods.size() == was.mods.size());
        for (size_t m = 0; m < was.mods.size(); ++m) {
            BOOST_TEST(read.mods[m].name.full() == was.mods[m].name.full());
            BOOST_TEST(read.mods[m].path == was.mods[m].path);
            BOOST_TEST((read.mods[m].stamp == was.mods[m].stamp));
            BOOST_TEST(read.mods[m].nmodl.name == was.mods[m].nmodl.name);
            BOOST_TEST(int(read.mods[m].nmodl.kind) == int(was.mods[m].nmodl.kind));
            BOOST_TEST(read.mods[m].nmodl.includes == was.mods[m].nmodl.includes);
            BOOST_TEST(read.mods[m].nmodl.nonspecific_currents == was.mods[m].nmodl.nonspecific_currents);
        }
        BOOST_TEST(recorded->built.libraries[p].package == built.libraries[p].package);
        BOOST_TEST(recorded->built.libraries[p].key == built.libraries[p].key);
        BOOST_TEST(recorded->built.libraries[p].library == built.libraries[p].library);
        BOOST_TEST(full_names(recorded->built.libraries[p].mechanisms) == full_names(built.libraries[p].mechanisms));
    }
    BOOST_TEST(recorded->built.set_library == built.set_library);
    BOOST_TEST(recorded->built.set_key == built.set_key);
    BOOST_TEST(package_named(recorded->found.packages, "a").mods.size() == 2u);
}

BOOST_AUTO_TEST_CASE(each_change_that_decides_a_start_makes_its_record_refused) {
    std::vector<std::pair<std::string, std::function<void(Installed&)>>> changes = {
        {"a mod edited", [](Installed& i) { i.tmp.write("pkgs/a/mods/Kv1.mod", leak_mod("Kv1") + ": edited\n"); }},
        {"a mod added", [](Installed& i) { i.tmp.write("pkgs/b/mods/Ca.mod", leak_mod("Ca")); }},
        {"a mod removed", [](Installed& i) { fs::remove(i.root / "b/mods/Leak.mod"); }},
        {"a package added", [](Installed& i) { i.tmp.write("pkgs/c/glia-package.yaml", "name: c\n"); }},
        {"a folder made a package", [](Installed& i) { i.tmp.write("pkgs/notes/glia-package.yaml", "name: notes\n"); }},
        {"a manifest edited", [](Installed& i) { i.tmp.write("pkgs/b/glia-package.yaml", "name: b\nversion: 2\n"); }},
        {"an include edited", [](Installed& i) { i.tmp.write("pkgs/a/mods/rates.inc", ": faster rates\n"); }},
        {"a package library gone", [](Installed& i) { fs::remove(i.tmp.path / "built" / std::string(32, 'a') / "libglia-a.so"); }},
        {"the set library gone", [](Installed& i) { fs::remove_all(i.tmp.path / "built" / std::string(32, 'f')); }},
        {"a user package installed", [](Installed& i) { i.tmp.write("data/glia/packages/d/glia-package.yaml", "name: d\n"); }},
    };
    for (const auto& [what, change] : changes) {
        BOOST_TEST_CONTEXT(what) {
            Installed installed;
            BOOST_TEST_REQUIRE(installed.record());
            BOOST_TEST_REQUIRE(recorded_start(installed.record_file()).has_value());
            change(installed);
            BOOST_TEST(!recorded_start(installed.record_file()).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(what_changed_just_before_the_start_is_not_recorded) {
    Installed installed;
    auto [found, built] = installed.start();
    // The files were written just now: a start beginning now cannot tell a later rewrite in the same tick.
    BOOST_TEST(!record_start(installed.record_file(), now_ns(), installed.question, found, built));
    BOOST_TEST(!fs::exists(installed.record_file()));
}

BOOST_AUTO_TEST_CASE(a_start_with_a_problem_or_a_failure_is_not_recorded) {
    Installed installed;
    int64_t later = now_ns() + 3'000'000'000;
    {
        auto [found, built] = installed.start();
        found.problems.push_back({Severity::error, "package in /x skipped: broken manifest"});
        BOOST_TEST(!record_start(installed.record_file(), later, installed.question, found, built));
    }
    {
        auto [found, built] = installed.start();
        built.libraries.front().failures.push_back(ModFailure{built.libraries.front().mechanisms.front(), "/x.mod",
                                                              "compile", "error"});
        BOOST_TEST(!record_start(installed.record_file(), later, installed.question, found, built));
    }
    {
        auto [found, built] = installed.start();
        built.set_library.clear();
        BOOST_TEST(!record_start(installed.record_file(), later, installed.question, found, built));
    }
    BOOST_TEST(!fs::exists(installed.record_file()));
}

BOOST_AUTO_TEST_CASE(a_damaged_record_is_refused) {
    Installed installed;
    BOOST_TEST_REQUIRE(installed.record());
    std::string text = read_file(installed.record_file());
    write_file_atomic(installed.record_file(), text.substr(0, text.rfind("set\t"))); // its end cut off
    BOOST_TEST(!recorded_start(installed.record_file()).has_value());
    write_file_atomic(installed.record_file(), text.substr(0, text.size() - 1)); // its last newline
    BOOST_TEST(!recorded_start(installed.record_file()).has_value());
    size_t mod_line = text.find("\nmod\t") + 1;
    std::string without_a_mod = text.substr(0, mod_line) + text.substr(text.find('\n', mod_line) + 1);
    write_file_atomic(installed.record_file(), without_a_mod); // a mod line left out
    BOOST_TEST(!recorded_start(installed.record_file()).has_value());
    fs::path other = start_record_path(installed.cache, std::string(32, '0'));
    write_file_atomic(other, text); // another question's file
    BOOST_TEST(!recorded_start(other).has_value());
    write_file_atomic(installed.record_file(), text);
    BOOST_TEST(recorded_start(installed.record_file()).has_value());
}

BOOST_AUTO_TEST_CASE(the_question_decides_which_record) {
    Installed installed;
    std::string key = start_key(installed.question);
    StartQuestion other = installed.question;
    other.toolchain = "cc 2";
    BOOST_TEST(start_key(other) != key);
    other = installed.question;
    other.only = PackageList{{ListedPackage{"a", ""}}, "GLIA_LOAD"};
    BOOST_TEST(start_key(other) != key);
    other = installed.question;
    other.roots.pop_back();
    BOOST_TEST(start_key(other) != key);
    other = installed.question;
    other.include_dirs.push_back("/opt/include");
    BOOST_TEST(start_key(other) != key);
}

BOOST_AUTO_TEST_CASE(gc_removes_a_record_that_no_longer_holds_and_clear_removes_all) {
    Installed installed;
    claim_cache(installed.cache);
    BOOST_TEST_REQUIRE(installed.record());
    BOOST_TEST(collect_garbage(installed.cache).start_records == 0u);
    BOOST_TEST(fs::exists(installed.record_file()));
    installed.tmp.write("pkgs/a/mods/Kv1.mod", leak_mod("Kv1") + ": edited\n");
    BOOST_TEST(collect_garbage(installed.cache).start_records == 1u);
    BOOST_TEST(!fs::exists(installed.record_file()));
    BOOST_TEST_REQUIRE(installed.record());
    clear_cache(installed.cache);
    BOOST_TEST(!fs::exists(installed.record_file()));
    BOOST_TEST(!fs::exists(installed.cache / "starts"));
}

namespace {
/// A start of `installed`'s packages as NEURON's would ask it, the tools played, once its files have settled
/// (file_stamp.hpp), so that the start may be recorded.
struct PlayedStart {
    Installed installed;
    glia::test::PlayedTools tools;
    StartSettings settings;

    PlayedStart() {
        settle();
        settings.cache = installed.cache;
        settings.toolchain = glia::test::played_toolchain();
        settings.build.runner = &tools;
        settings.build.link_set = true;
        settings.build.reuse_failures = true;
        installed.question.toolchain = settings.toolchain->identity();
    }
    bool recorded() const { return fs::exists(installed.record_file()); }
    /// Waits until what was written so far has settled (file_stamp.hpp: its ctime is past the margin).
    static void settle() { std::this_thread::sleep_for(std::chrono::nanoseconds(kStampMarginNs + 100'000'000)); }
    /// Builds the packages (a start right after a build is not recorded: its libraries have not settled), and
    /// lets the libraries settle, as they have by the next start.
    StartResult build() {
        StartResult built = start_packages(settings);
        settle();
        return built;
    }
};
} // namespace

BOOST_AUTO_TEST_CASE(rank_0_records_a_clean_start_and_rank_1_does_not) {
    PlayedStart start;
    StartResult first = start.build();
    BOOST_TEST_REQUIRE(first.built.ok());
    BOOST_TEST_REQUIRE(!first.built.set_library.empty());
    BOOST_TEST_REQUIRE(!start.recorded());
    start.settings.mpi_rank = 1;
    start_packages(start.settings);
    BOOST_TEST(!start.recorded());
    start.settings.mpi_rank = 0;
    start_packages(start.settings);
    BOOST_TEST(start.recorded());
}

BOOST_AUTO_TEST_CASE(a_recorded_start_is_reused_without_building) {
    PlayedStart start;
    start.build();
    StartResult first = start_packages(start.settings);
    BOOST_TEST_REQUIRE(start.recorded());
    size_t translated = start.tools.count("nocmodl");
    // The record answers: no build looks at the cache's objects (a build reuses each of them).
    fs::path record = start.installed.record_file();
    std::string text = read_file(record);
    StartResult again = start_packages(start.settings);
    BOOST_TEST(first.built.stats.reused + first.built.stats.compiled > 0u);
    BOOST_TEST(again.built.stats.reused + again.built.stats.compiled == 0u);
    BOOST_TEST(read_file(record) == text);
    BOOST_TEST(start.tools.count("nocmodl") == translated); // nothing built again
    BOOST_TEST(again.built.set_library == first.built.set_library);
    BOOST_TEST(again.found.packages.size() == first.found.packages.size());
}

BOOST_AUTO_TEST_CASE(compiling_off_takes_the_last_build_and_records_nothing) {
    PlayedStart start;
    StartResult built = start.build();
    size_t translated = start.tools.count("nocmodl");
    start.settings.compiling_off = true;
    start.installed.tmp.write("pkgs/a/mods/Kv1.mod", leak_mod("Kv1") + ": edited\n");
    StartResult last = start_packages(start.settings);
    BOOST_TEST(!start.recorded());
    BOOST_TEST(start.tools.count("nocmodl") == translated);     // nothing built again
    BOOST_TEST(!last.built.libraries.front().warnings.empty()); // Kv1 changed since: said, not built
    BOOST_TEST_REQUIRE(last.built.libraries.size() == built.built.libraries.size());
    for (size_t i = 0; i < last.built.libraries.size(); ++i) {
        BOOST_TEST(last.built.libraries[i].library == built.built.libraries[i].library);
    }
}

BOOST_AUTO_TEST_SUITE_END()
