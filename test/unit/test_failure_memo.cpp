#include "temp_dir.hpp"

#include "build/failure_memo.hpp"
#include "base/fs.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;
using glia::test::TempDir;

BOOST_AUTO_TEST_SUITE(failure_memo)

namespace {
ModFile mod_named(const std::string& asset) {
    ModFile mod;
    mod.name = MechanismName{"pkg", asset, "0"};
    mod.path = "/somewhere/" + asset + ".mod";
    return mod;
}
} // namespace

BOOST_AUTO_TEST_CASE(round_trips_messages_with_tabs_and_newlines_by_key) {
    TempDir dir;
    fs::path file = dir.path / "failures";
    FailureMemo out;
    out.put("k1", ModFailure{mod_named("A").name, {}, "compile", "a.c:1: error:\tbad\nsecond line\n"});
    out.put("k2", ModFailure{mod_named("B").name, {}, "translate", "syntax error"});
    out.put("k3", ModFailure{mod_named("C").name, {}, "link", "not remembered: the library's, not the mod's"});
    out.save_if_changed(file);
    FailureMemo in = FailureMemo::load(file);
    auto a = in.find("k1", mod_named("A"));
    BOOST_REQUIRE(a);
    BOOST_TEST(a->stage == "compile");
    BOOST_TEST(a->message.plain() == "a.c:1: error:\tbad\nsecond line\n");
    BOOST_TEST(a->file == "/somewhere/A.mod"); // named as the mod is now
    BOOST_TEST(in.find("k2", mod_named("B"))->message.plain() == "syntax error");
    BOOST_TEST(!in.find("k3", mod_named("C")).has_value());
    BOOST_TEST(!in.find("other", mod_named("A")).has_value());

    in.forget("k1");
    in.save_if_changed(file);
    BOOST_TEST(!FailureMemo::load(file).find("k1", mod_named("A")).has_value());
    BOOST_TEST(FailureMemo::load(file).find("k2", mod_named("B")).has_value());
}

BOOST_AUTO_TEST_CASE(a_set_library_failure_is_remembered_by_its_key_and_never_found_for_a_mod) {
    TempDir dir;
    fs::path file = dir.path / "failures";
    FailureMemo out;
    out.put_load_set("set1", "objcopy: out of order");
    out.save_if_changed(file);
    FailureMemo in = FailureMemo::load(file);
    BOOST_TEST(in.load_set_failed("set1"));
    BOOST_TEST(!in.load_set_failed("set2"));
    BOOST_TEST(!in.find("set1", mod_named("A")).has_value()); // a mod with that key would still build
    in.forget("set1");
    in.save_if_changed(file);
    BOOST_TEST(!FailureMemo::load(file).load_set_failed("set1"));
}

BOOST_AUTO_TEST_CASE(a_damaged_or_cut_short_file_is_an_empty_memo) {
    TempDir dir;
    fs::path file = dir.path / "failures";
    FailureMemo out;
    out.put("k1", ModFailure{mod_named("A").name, {}, "compile", "message"});
    out.save_if_changed(file);
    std::string whole = read_file(file);
    for (size_t cut : {whole.size() - 1, whole.size() - 4, size_t(20)}) {
        write_file_atomic(file, whole.substr(0, cut));
        BOOST_TEST(!FailureMemo::load(file).find("k1", mod_named("A")).has_value(), "cut at " << cut);
    }
    write_file_atomic(file, "glia-failures 1\nno tabs at all\n");
    BOOST_TEST(!FailureMemo::load(file).find("k1", mod_named("A")).has_value());
    BOOST_TEST(!FailureMemo::load(dir.path / "missing").find("k1", mod_named("A")).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
