// The builder's outcome when a step fails (ninja's build_test.cc is the model): a compile, a
// translate or a link that fails, a publish whose rename fails, a scratch folder that vanishes.
// The tools are played (played_build.hpp) so that each failure can be put exactly where a test
// wants it; the files are real, in a real cache.

#include "played_build.hpp"

#include "build/build.hpp"
#include "store/cache.hpp"
#include "build/failure_memo.hpp"
#include "build/load_set.hpp"
#include "build/manifest.hpp"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstring>
#include <optional>

using namespace glia;
using namespace glia::test;

namespace {

// The real file system, except that `rename` fails with `rename_error` for targets under `failing`.
class RenameFails : public SystemDisk {
  public:
    fs::path failing;
    int rename_error = EXDEV;
    int rename(const fs::path& from, const fs::path& to) override {
        if (to.string().starts_with(failing.string())) {
            return rename_error;
        }
        return SystemDisk::rename(from, to);
    }
};

const ModFailure* failure_of(const PackageLibrary& lib, const std::string& full_name) {
    for (const auto& failure : lib.failures) {
        if (failure.name.full() == full_name) {
            return &failure;
        }
    }
    return nullptr;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
bool contains(const Message& text, const std::string& part) { return contains(text.plain(), part); }

} // namespace

BOOST_AUTO_TEST_SUITE(build_failures)

BOOST_AUTO_TEST_CASE(played_tools_build_a_library_and_the_second_build_reuses_it) {
    Workshop w;
    BuildResult first = w.build();
    BOOST_REQUIRE(first.ok());
    BOOST_REQUIRE_EQUAL(first.libraries.size(), 1u);
    BOOST_TEST(fs::exists(first.libraries[0].library));
    BOOST_TEST(first.libraries[0].mechanisms.size() == 2u);
    BOOST_TEST(first.stats.compiled == 2u);
    BOOST_TEST(first.stats.linked == 1u);
    BOOST_TEST(w.files_in("objects").size() == 2u);
    w.check_nothing_half_finished();
    BuildResult second = w.build();
    BOOST_TEST(second.ok());
    BOOST_TEST(second.libraries[0].library == first.libraries[0].library);
    BOOST_TEST(second.stats.reused == 2u);
    BOOST_TEST(second.stats.compiled + second.stats.linked == 0u);
    BOOST_TEST(w.tools.count("cc") == 2u); // the second build ran no tool
}

// The compiler saw the scratch copy: the failure names the user's file (lines hold), and the
// other mod still builds and links.
BOOST_AUTO_TEST_CASE(a_translation_cut_short_fails_its_mod_and_publishes_nothing) {
    // nocmodl on a full disk: its output is cut short (here: empty) and it still exits 0. Compiled,
    // that would be an object without the mechanism's registration function.
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "nocmodl" && call.stem == kKa) {
            write_file_atomic(fs::path(after(call.argv, "-o")) / (call.stem + ".c"), "");
            return ProcessResult{0, ""};
        }
        return std::nullopt;
    };
    BuildResult result = w.build();
    BOOST_REQUIRE_EQUAL(result.libraries.size(), 1u);
    const ModFailure* failure = failure_of(result.libraries[0], kKa);
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->stage == "translate");
    BOOST_TEST(contains(failure->message, "was cut short (it does not define _glia__lab__ka__0_reg)"));
    BOOST_TEST(w.tools.count("cc", kKa) == 0u, "nothing compiled from it");
    BOOST_TEST(!failure_of(result.libraries[0], kKb));
    BOOST_TEST(result.libraries[0].mechanisms.size() == 1u);
    w.check_nothing_half_finished();
}

BOOST_AUTO_TEST_CASE(a_compile_that_fails_names_the_users_file_and_the_rest_still_links) {
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "cc" && call.stem == kKb) {
            fs::path scratch_mod = call.cwd / (std::string(kKb) + ".mod");
            return ProcessResult{1, scratch_mod.string() + ":1: error: no such ion\n"};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    BOOST_TEST(!r.ok());
    const PackageLibrary& lib = r.libraries.at(0);
    const ModFailure* failure = failure_of(lib, kKb);
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->stage == "compile");
    BOOST_TEST(failure->file == w.mod("kb.mod"));
    BOOST_TEST(contains(failure->message, w.mod("kb.mod").string() + ":1: error: no such ion"),
               failure->message.plain());
    BOOST_TEST(!contains(failure->message, (w.cache / "tmp").string()), failure->message.plain());
    BOOST_TEST(!contains(failure->message, "NEURON 9 compiles mods as C++"), "C, not C++: no note");
    BOOST_TEST(fs::exists(lib.library));
    BOOST_REQUIRE_EQUAL(lib.mechanisms.size(), 1u);
    BOOST_TEST(lib.mechanisms[0].full() == kKa);
    BOOST_TEST(w.files_in("objects").size() == 1u); // ka's only
    BOOST_TEST(w.tools.count("cc", kKb) == 1u);     // the mod's own failure: not tried again
    w.check_nothing_half_finished();
}

// NEURON 9's nocmodl writes C++: a compile that fails says that VERBATIM C must be valid C++.
BOOST_AUTO_TEST_CASE(a_cxx_compile_that_fails_says_why_cxx) {
    Workshop w;
    w.tools.cxx = true;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "c++" && call.stem == kKa) {
            return ProcessResult{1, "error: invalid conversion from 'void*'\n"};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    const ModFailure* failure = failure_of(r.libraries.at(0), kKa);
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->stage == "compile");
    BOOST_TEST(contains(failure->message, "NEURON 9 compiles mods as C++"), failure->message.plain());
    BOOST_TEST(w.tools.count("cc") == 0u); // a .cpp goes to the C++ compiler
}

BOOST_AUTO_TEST_CASE(a_translate_that_fails_compiles_nothing_for_that_mod) {
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "nocmodl" && call.stem == kKa) {
            return ProcessResult{1, "syntax error near line 1 of " + call.argv[1] + "\n"};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    const ModFailure* failure = failure_of(r.libraries.at(0), kKa);
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->stage == "translate");
    BOOST_TEST(contains(failure->message, "near line 1 of " + w.mod("ka.mod").string()), failure->message.plain());
    BOOST_TEST(w.tools.count("cc", kKa) == 0u);
    BOOST_TEST(r.stats.translated == 1u); // kb's
    BOOST_TEST(r.libraries[0].mechanisms.size() == 1u);
    w.check_nothing_half_finished();
}

// nocmodl can exit 0 having written nothing: that is a failed translation, not a compile of nothing.
BOOST_AUTO_TEST_CASE(a_translate_that_writes_nothing_fails) {
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "nocmodl" && call.stem == kKb) {
            return ProcessResult{0, ""};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    const ModFailure* failure = failure_of(r.libraries.at(0), kKb);
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->stage == "translate");
    BOOST_TEST(contains(failure->message, "nocmodl wrote neither glia__lab__kb__0.c nor glia__lab__kb__0.cpp"),
               failure->message.plain());
    BOOST_TEST(w.tools.count("cc", kKb) == 0u);
}

// A link that fails is taken for the cache's doing (its objects built): linked once more, then
// every mechanism is reported with the linker's words, and no library is recorded or published.
BOOST_AUTO_TEST_CASE(a_link_that_fails_is_tried_once_more_then_fails_every_mechanism) {
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "ld") {
            return ProcessResult{1, "ld: cannot find -lnrniv\n"};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    const PackageLibrary& lib = r.libraries.at(0);
    BOOST_TEST(lib.library.empty());
    BOOST_TEST(lib.mechanisms.empty());
    BOOST_TEST(lib.objects.empty());
    BOOST_REQUIRE_EQUAL(lib.failures.size(), 2u);
    for (const auto& failure : lib.failures) {
        BOOST_TEST(failure.stage == "link");
        BOOST_TEST(contains(failure.message, "ld: cannot find -lnrniv"));
    }
    BOOST_TEST(w.tools.count("ld") == 2u);
    BOOST_TEST(w.tools.count("cc") == 2u); // the objects were fine: the second round reused them
    BOOST_TEST(w.files_in("objects").size() == 2u);
    BOOST_TEST(w.files_in("libs").empty());
    BOOST_TEST(BuildManifest::load(manifest_path(w.cache)).libraries().empty());
    w.check_nothing_half_finished();
}

// An object the cache cannot take (the rename into objects/ fails): the mod fails with why, and
// the copy in scratch space is gone.
BOOST_AUTO_TEST_CASE(an_object_whose_publish_fails_is_reported_and_not_kept) {
    Workshop w;
    RenameFails disk;
    disk.failing = w.cache / "objects";
    w.options.disk = &disk;
    BuildResult r = w.build();
    const PackageLibrary& lib = r.libraries.at(0);
    BOOST_REQUIRE_EQUAL(lib.failures.size(), 2u);
    for (const auto& failure : lib.failures) {
        BOOST_TEST(failure.stage == "compile");
        BOOST_TEST(contains(failure.message, "cannot publish " + (w.cache / "objects").string()),
                   failure.message.plain());
        BOOST_TEST(contains(failure.message, std::strerror(EXDEV)), failure.message.plain());
    }
    BOOST_TEST(lib.library.empty());
    BOOST_TEST(w.tools.count("ld") == 0u);
    BOOST_TEST(w.files_in("objects").empty());
    BOOST_TEST(w.tools.count("cc") == 2u); // not the scratch folder's fault: not tried again
    w.check_nothing_half_finished();
}

BOOST_AUTO_TEST_CASE(a_library_whose_publish_fails_is_reported_and_not_kept) {
    Workshop w;
    RenameFails disk;
    disk.failing = w.cache / "libs";
    disk.rename_error = ENOSPC;
    w.options.disk = &disk;
    BuildResult r = w.build();
    const PackageLibrary& lib = r.libraries.at(0);
    BOOST_REQUIRE_EQUAL(lib.failures.size(), 2u);
    for (const auto& failure : lib.failures) {
        BOOST_TEST(failure.stage == "link");
        BOOST_TEST(contains(failure.message, "cannot publish " + (w.cache / "libs").string()), failure.message.plain());
        BOOST_TEST(contains(failure.message, std::strerror(ENOSPC)), failure.message.plain());
    }
    BOOST_TEST(lib.library.empty());
    BOOST_TEST(w.files_in("libs").empty());
    BOOST_TEST(BuildManifest::load(manifest_path(w.cache)).libraries().empty());
    w.check_nothing_half_finished();
}

// A tool that runs out of space can exit 0 having written part of its file: the cache refuses it.
BOOST_AUTO_TEST_CASE(a_truncated_object_is_not_published) {
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "cc" && call.stem == kKa) {
            write_file_atomic(after(call.argv, "-o"), elf_file(false));
            return ProcessResult{0, ""};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    const ModFailure* failure = failure_of(r.libraries.at(0), kKa);
    BOOST_REQUIRE(failure);
    BOOST_TEST(contains(failure->message, "truncated"), failure->message.plain());
    BOOST_TEST(w.files_in("objects").size() == 1u); // kb's
    w.check_nothing_half_finished();
}

// The cache removed while a mod compiles (another shell's 'glia cache --clear') takes its scratch
// folder: the mod did not fail, the cache did, so it is built once more in a fresh folder.
BOOST_AUTO_TEST_CASE(a_scratch_folder_that_vanishes_once_is_built_again) {
    Workshop w;
    bool removed = false;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "cc" && call.stem == kKa && !removed) {
            removed = true;
            fs::remove_all(call.cwd);
            return ProcessResult{1, "cc1: fatal error: " + after(call.argv, "-c") + ": No such file or directory\n"};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    BOOST_TEST(r.ok());
    BOOST_TEST(w.tools.count("cc", kKa) == 2u);
    BOOST_TEST(r.libraries.at(0).mechanisms.size() == 2u);
    BOOST_TEST(fs::exists(r.libraries[0].library));
    w.check_nothing_half_finished();
}

BOOST_AUTO_TEST_CASE(a_scratch_folder_that_keeps_vanishing_is_reported_after_one_more_try) {
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "cc" && call.stem == kKa) {
            fs::remove_all(call.cwd);
            return ProcessResult{1, "cc1: fatal error: No such file or directory\n"};
        }
        return std::nullopt;
    };
    BuildResult r = w.build();
    const ModFailure* failure = failure_of(r.libraries.at(0), kKa);
    BOOST_REQUIRE(failure);
    BOOST_TEST(failure->stage == "compile");
    BOOST_TEST(w.tools.count("cc", kKa) == 2u);
    BOOST_TEST(r.libraries[0].mechanisms.size() == 1u);
    w.check_nothing_half_finished();
}

BOOST_AUTO_TEST_CASE(a_set_library_whose_publish_fails_is_said_once_not_remembered_and_leaves_no_members_file) {
    Workshop w;
    w.tmp.write("den/glia-package.yaml", "name: den\n");
    w.tmp.write("den/mods/kd.mod", "NEURON { SUFFIX kd }\n");
    std::vector<Package> packages{load_package(w.tmp.path / "lab"), load_package(w.tmp.path / "den")};
    RenameFails disk;
    disk.failing = w.cache / "sets";
    w.options.disk = &disk;
    w.options.link_set = true;
    struct Warnings : BuildObserver {
        std::vector<std::string> said;
        std::vector<Diagnostic> problems;
        void warning(const BuildWarning& warning) override {
            said.push_back(warning.plain());
            problems.push_back(warning);
        }
    } heard;
    std::vector<std::string>& said = heard.said;
    w.options.observer = &heard;
    BuildResult r = build_packages(packages, w.tc, w.cache, w.options);
    BOOST_TEST(r.set_library.empty());
    std::string key = load_set_key(r.libraries);
    BOOST_REQUIRE(!key.empty());
    BOOST_TEST(!fs::exists(load_set_members_path(w.cache, key)));
    BOOST_REQUIRE_EQUAL(said.size(), 1u); // glia compile says why, in one line
    BOOST_TEST((said[0].starts_with("the set library") && contains(said[0], "cannot publish")), said[0]);
    // A warning, and what to do is a remedy (the same build, verbose), not a flag in its text.
    BOOST_TEST((heard.problems[0].severity == Severity::warning));
    // Its cause keeps its own remedies (the cache's), worded where it is printed.
    std::vector<Remedy> remedies = heard.problems[0].remedies();
    BOOST_REQUIRE_EQUAL(remedies.size(), 2u);
    BOOST_TEST((remedies[0] == Remedy{Remedy::Kind::build}));
    BOOST_TEST((remedies[1] == Remedy{Remedy::Kind::build, {}, Remedy::Modifier::verbose}));
    BOOST_TEST(!contains(said[0], "--verbose"), said[0]);
    BOOST_TEST(!FailureMemo::load(failure_memo_path(w.cache)).load_set_failed(key)); // the cache's fault
    // A start, which reuses failures, links it once the cache can be written.
    w.options.disk = &system_disk();
    w.options.reuse_failures = true;
    r = build_packages(packages, w.tc, w.cache, w.options);
    BOOST_TEST(r.set_library == load_set_path(w.cache, key));
    BOOST_TEST(r.stats.sets_linked == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(build_keys)

// An INCLUDE is part of its mod's key: editing it recompiles that mod, and only that one.
BOOST_AUTO_TEST_CASE(an_edited_include_recompiles_the_mod_that_includes_it) {
    Workshop w;
    w.tmp.write("lab/mods/ka.mod", "NEURON { SUFFIX ka }\nINCLUDE \"shared.inc\"\n");
    w.tmp.write("lab/mods/shared.inc", "PARAMETER { g = 1 }\n");
    BOOST_REQUIRE(w.build().ok());
    BOOST_TEST(w.build().stats.compiled == 0u);
    w.tmp.write("lab/mods/shared.inc", "PARAMETER { g = 2 }\n");
    BuildResult r = w.build();
    BOOST_TEST(r.ok());
    BOOST_TEST(r.stats.compiled == 1u);
    BOOST_TEST(w.tools.count("cc", kKa) == 2u);
    BOOST_TEST(w.tools.count("cc", kKb) == 1u);
    BOOST_TEST(r.stats.linked == 1u); // a new object, a new library
}

// A header found through an include directory (nrnivmodl's -incflags -I) counts too; one that
// is not searched does not.
BOOST_AUTO_TEST_CASE(a_header_in_an_include_dir_is_part_of_the_key) {
    Workshop w;
    w.tmp.write("lab/mods/ka.mod", "NEURON { SUFFIX ka }\nVERBATIM\n#include \"konst.h\"\nENDVERBATIM\n");
    w.tmp.write("headers/konst.h", "#define K 1\n");
    BOOST_REQUIRE(w.build().ok());
    w.tmp.write("headers/konst.h", "#define K 2\n");
    BOOST_TEST(w.build().stats.compiled == 0u); // not searched: not part of the key
    w.options.include_dirs = {w.tmp.path / "headers"};
    BOOST_TEST(w.build().stats.compiled == 1u); // searched now: ka's key names the header's place
    w.tmp.write("headers/konst.h", "#define K 3\n");
    BuildResult r = w.build();
    BOOST_TEST(r.stats.compiled == 1u);
    BOOST_TEST(w.tools.count("cc", kKa) == 3u);
}

BOOST_AUTO_TEST_CASE(other_compiler_flags_make_other_objects) {
    Workshop w;
    BOOST_REQUIRE(w.build().ok());
    w.tc.compile = {"cc", "-O3"};
    BuildResult r = w.build();
    BOOST_TEST(r.stats.compiled == 2u);
    BOOST_TEST(w.files_in("objects").size() == 4u); // the old ones stay for the old flags
    BOOST_TEST(w.files_in("libs").size() == 2u);
}

BOOST_AUTO_TEST_CASE(force_rebuilds_what_the_cache_holds) {
    Workshop w;
    BOOST_REQUIRE(w.build().ok());
    w.options.force = true;
    BuildResult r = w.build();
    BOOST_TEST(r.stats.compiled == 2u);
    BOOST_TEST(r.stats.linked == 1u);
    BOOST_TEST(r.stats.reused == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
