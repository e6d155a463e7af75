// The model folder (packages/model_dir.hpp): exact where it can be, and where load_file("glia.hoc")
// leaves only a guess, the guess stands only if it picks the same files as NEURON's folder.

#include "fixtures.hpp"
#include "temp_dir.hpp"

#include "packages/model_dir.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <optional>
#include <string>

using namespace glia;
using glia::test::contains;
using glia::test::message_of;
using glia::test::TempDir;

namespace {

/// Sets (or with nullptr unsets) an environment variable for one scope.
struct ScopedEnv {
    std::string name;
    std::optional<std::string> old;
    ScopedEnv(const char* n, const char* value) : name(n) {
        if (const char* was = std::getenv(n)) {
            old = was;
        }
        value ? ::setenv(n, value, 1) : ::unsetenv(n);
    }
    ~ScopedEnv() { old ? ::setenv(name.c_str(), old->c_str(), 1) : ::unsetenv(name.c_str()); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(model_dir)

BOOST_AUTO_TEST_CASE(where_glia_is_loaded_decides_how_sure_it_is) {
    TempDir t;
    fs::create_directories(t.path / "model");
    ScopedEnv pwd("PWD", (t.path / "model").c_str());
    ScopedEnv path("GLIA_PATH", nullptr);
    ScopedEnv named(kModelDirVariable, nullptr);
    ModelDir direct = model_dir_at_load(false); // nrn_load_dll, import glia: the working directory
    BOOST_CHECK(direct.confirmed);
    BOOST_CHECK_EQUAL(direct.dir, fs::current_path());
    ModelDir hoc = model_dir_at_load(true); // glia.hoc: $PWD, to be confirmed
    BOOST_CHECK(!hoc.confirmed);
    BOOST_CHECK_EQUAL(hoc.dir, t.path / "model");
    {
        ScopedEnv chosen(kModelDirVariable, (t.path / "model").c_str());
        BOOST_CHECK(model_dir_at_load(true).confirmed);
    }
    ScopedEnv relative(kModelDirVariable, "model");
    BOOST_TEST(contains(message_of([] { model_dir_at_load(false); }), "is not an absolute path to a folder"));
}

BOOST_AUTO_TEST_CASE(a_guess_stands_only_where_both_folders_pick_the_same_files) {
    TempDir t;
    fs::create_directories(t.path / "elsewhere");
    t.write("model/glia.yaml", "assets: {}\n");
    fs::create_directories(t.path / "model" / "cells");
    ScopedEnv path("GLIA_PATH", nullptr);
    ModelDir guess{t.path / "model", false, "$PWD"};
    // A subfolder finds the same glia.yaml and neither has a lock: the guess stands.
    BOOST_CHECK_EQUAL(confirm_model_dir(guess, t.path / "model" / "cells"), t.path / "model");
    // Another folder would miss the model's glia.yaml: refused, naming both and GLIA_MODEL_DIR.
    std::string message = message_of([&] { confirm_model_dir(guess, t.path / "elsewhere"); });
    BOOST_TEST(contains(message, "project preferences " + (t.path / "model" / "glia.yaml").string() + " or none"),
               message);
    BOOST_TEST(contains(message, "GLIA_MODEL_DIR=" + (t.path / "elsewhere").string()), message);
    // A lock file in one of them only is a difference too; a relative GLIA_PATH entry as well.
    t.write("model/glia.lock", "version: 2\n");
    BOOST_TEST(contains(message_of([&] { confirm_model_dir(guess, t.path / "model" / "cells"); }), "lock file"));
    ScopedEnv relative("GLIA_PATH", "pkgs");
    BOOST_TEST(contains(message_of([&] { confirm_model_dir(guess, t.path / "model" / "cells"); }), "GLIA_PATH entry"));
    // Without a guess (no $PWD), NEURON's folder is the model folder.
    BOOST_CHECK_EQUAL(confirm_model_dir(ModelDir{{}, false, "$PWD"}, t.path / "elsewhere"), t.path / "elsewhere");
}

BOOST_AUTO_TEST_SUITE_END()
