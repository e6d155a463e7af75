// The core's problems as data (base/diagnostic.hpp, base/remedy.hpp) and the advice layer's words for them
// (src/advice).

#include "advice.hpp"

#include "base/error.hpp"
#include "base/remedy.hpp"

#include <boost/test/unit_test.hpp>

#include <utility>
#include <variant>
#include <vector>

using namespace glia;
using Kind = Remedy::Kind;
using Modifier = Remedy::Modifier;

BOOST_AUTO_TEST_SUITE(advice)

BOOST_AUTO_TEST_CASE(a_message_keeps_each_remedy_as_a_value_in_its_place) {
    Remedy choose{Kind::choose, {"Kv1", "my pkg", ""}};
    Remedy replace{Kind::install, {"/tmp/a b"}, Modifier::replace};
    Message text = "ambiguous; run '" + choose + "' or '" + replace + "'.";
    BOOST_REQUIRE(text.parts().size() == 5u);
    BOOST_TEST(std::get<std::string>(text.parts()[0]) == "ambiguous; run '");
    BOOST_TEST((std::get<Remedy>(text.parts()[1]) == choose));
    BOOST_TEST(std::get<std::string>(text.parts()[2]) == "' or '");
    auto found = text.remedies();
    BOOST_REQUIRE(found.size() == 2u);
    BOOST_TEST((found[0] == choose));
    BOOST_TEST((found[1] == replace));
    BOOST_TEST(text.plain() == "ambiguous; run '<choose: Kv1 my pkg >' or '<install (r): /tmp/a b>'.");
    BOOST_TEST(text.plain().find("glia") == std::string::npos); // the core's text names no command
    BOOST_TEST(text.plain().find('\x02') == std::string::npos); // and carries no token
}

BOOST_AUTO_TEST_CASE(text_composed_in_pieces_equals_text_written_at_once) {
    Message pieces = Message("a") + "b" + std::string("c");
    pieces += "d";
    BOOST_TEST((pieces == Message("abcd")));
    BOOST_TEST(pieces.parts().size() == 1u);
    BOOST_TEST(Message("").empty());
    BOOST_TEST((Message() + "" == Message()));
    BOOST_TEST(glia::advice::render("plain text, no remedy") == "plain text, no remedy");
    BOOST_TEST(("x\n" + Remedy{Kind::build} + "y\n").ends_with("\n"));
    BOOST_TEST(!("x\n" + Remedy{Kind::build}).ends_with("\n"));
}

BOOST_AUTO_TEST_CASE(words_each_remedy_kind_as_the_glia_command) {
    const std::vector<std::pair<Remedy, std::string>> table = {
        {{Kind::build}, "glia compile"},
        {{Kind::build, {"hh", "kv"}}, "glia compile hh kv"},
        {{Kind::build_model_folder}, "glia nrnivmodl"},
        {{Kind::build_model_folder, {}, Modifier::without_packages}, "--no-glia"},
        {{Kind::list_packages}, "glia list"},
        {{Kind::show_package, {"hh"}}, "glia show-pkg hh"},
        {{Kind::choose, {"Kv1", "chan"}}, "glia select Kv1 --pkg=chan"},
        {{Kind::choose, {"Kv1", "chan", "fast"}}, "glia select Kv1 --pkg=chan --variant=fast"},
        {{Kind::choose, {}, Modifier::help}, "glia select --help"},
        {{Kind::lock}, "glia lock"},
        {{Kind::lock, {"Kv1", "Na"}}, "glia lock Kv1 Na"},
        {{Kind::create_package, {"NAME"}}, "glia new NAME"},
        {{Kind::create_package, {"p"}, Modifier::other_place}, "glia new p --dir <folder>"},
        {{Kind::import_folder, {"DIR", "NAME"}}, "glia import DIR --name NAME"},
        {{Kind::import_folder, {"mods", "p", "out"}, Modifier::replace},
         "glia import mods --name p --out out --replace"},
        {{Kind::import_folder, {}, Modifier::other_place}, "--out FOLDER"},
        {{Kind::import_folder, {}, Modifier::other_name}, "--name NAME"},
        {{Kind::add_mod}, "glia add"},
        {{Kind::add_mod, {"k.mod"}, Modifier::replace}, "glia add k.mod --replace"},
        {{Kind::add_mod, {"k.mod"}, Modifier::name_asset}, "glia add k.mod --asset <Name>"},
        {{Kind::add_mod, {"k.mod"}, Modifier::name_variant}, "glia add k.mod --asset <Name> --variant <variant>"},
        {{Kind::check_package, {"DIR"}}, "glia check DIR"},
        {{Kind::install, {"DIR"}}, "glia install DIR"},
        {{Kind::install, {"pkg"}, Modifier::replace}, "glia install --replace pkg"},
        {{Kind::uninstall, {"hh"}}, "glia uninstall hh"},
        {{Kind::check_setup}, "glia doctor"},
        {{Kind::clear_cache}, "glia cache --clear"},
        {{Kind::load_plugin_by_path}, "nrn_load_dll(\"/path/to/libglia.so\")"},
        {{Kind::compiling_off_setting}, "GLIA_NOCOMPILE"},
        {{Kind::choose_for_script}, "glia_select"},
        {{Kind::open_context}, "glia_context_push()"},
        {{Kind::close_context}, "glia_context_pop()"},
        {{Kind::reload_preferences}, "glia_reload_preferences()"},
        {{Kind::package_path_setting}, "GLIA_PATH"},
        {{Kind::cache_dir_setting}, "GLIA_CACHE_DIR"},
        {{Kind::compiler_setting, {"C"}}, "GLIA_CC"},
        {{Kind::compiler_setting, {"C++"}}, "GLIA_CXX"},
        {{Kind::load_list_setting}, "GLIA_LOAD"},
        {{Kind::load_list_setting, {"a", "b"}}, "GLIA_LOAD=a,b"},
        {{Kind::set_cache_dir, {"..."}}, "export GLIA_CACHE_DIR=..."},
        {{Kind::neuron_prefix_setting}, "GLIA_NEURON_PREFIX"},
        {{Kind::model_dir_setting}, "GLIA_MODEL_DIR"},
        {{Kind::model_dir_setting, {"/m"}}, "GLIA_MODEL_DIR=/m"},
    };
    for (const auto& [remedy, expected] : table) {
        BOOST_TEST(glia::advice::render("'" + remedy + "'") == "'" + expected + "'");
    }
}

BOOST_AUTO_TEST_CASE(a_front_end_may_word_a_remedy_its_own_way) {
    auto hoc = [](const Remedy& r) {
        return r.kind == Kind::choose ? "glia_select(\"" + r.args.at(0) + "\")" : glia::advice::shell_command(r);
    };
    Message text = "use " + Remedy{Kind::choose, {"Kv1", "p"}} + " or " + Remedy{Kind::list_packages};
    BOOST_TEST(glia::advice::render(text, hoc) == "use glia_select(\"Kv1\") or glia list");
}

BOOST_AUTO_TEST_CASE(an_error_carries_its_facts_and_remedies) {
    try {
        throw ResolveError("unknown mechanism 'Kv9' (see '" + Remedy{Kind::list_packages} + "')", {.asset = "Kv9"});
    } catch (const Error& e) {
        BOOST_TEST(e.diagnostic().asset == "Kv9");
        BOOST_TEST(e.diagnostic().where.line == 0);
        BOOST_TEST((e.diagnostic().severity == Severity::error));
        BOOST_REQUIRE(e.remedies().size() == 1u);
        BOOST_TEST((e.remedies()[0] == Remedy{Kind::list_packages}));
        BOOST_TEST(glia::advice::render(e.diagnostic()) == "unknown mechanism 'Kv9' (see 'glia list')");
        BOOST_TEST(std::string(e.what()) == "unknown mechanism 'Kv9' (see '<list packages>')"); // for logs
    }
}

BOOST_AUTO_TEST_CASE(an_error_caught_and_told_again_keeps_its_remedies_and_place) {
    Diagnostic told;
    try {
        try {
            throw ParseError("/m/glia.lock:3:7: unsupported version; write a new one with '" + Remedy{Kind::lock} +
                             "'");
        } catch (const ParseError& e) {
            throw Error(retold(e.diagnostic(), "package in /m skipped: ", "\nNothing was changed"));
        }
    } catch (const Error& e) {
        told = e.diagnostic();
    }
    BOOST_TEST(told.where.file == "/m/glia.lock");
    BOOST_TEST(told.where.line == 3);
    BOOST_TEST(told.where.column == 7);
    BOOST_REQUIRE(told.remedies().size() == 1u);
    BOOST_TEST((told.remedies()[0] == Remedy{Kind::lock}));
    BOOST_TEST(glia::advice::render(told) == "package in /m skipped: /m/glia.lock:3:7: unsupported version; write a "
                                             "new one with 'glia lock'\nNothing was changed");
}

BOOST_AUTO_TEST_CASE(a_message_retold_about_another_file_keeps_its_remedies) {
    Message text = "/tmp/s/k.mod: bad; run '" + Remedy{Kind::add_mod, {"/tmp/s/k.mod"}, Modifier::replace} + "'";
    Message retold = replace_all(text, "/tmp/s", "/p");
    BOOST_TEST(glia::advice::render(retold) == "/p/k.mod: bad; run 'glia add /p/k.mod --replace'");
    BOOST_TEST(retold.remedies().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_diagnostic_renders_its_notes_on_lines_of_their_own) {
    Diagnostic d{Severity::warning, "stale: run '" + Remedy{Kind::build, {"hh"}} + "'"};
    d.notes.push_back({Severity::note, "or " + Remedy{Kind::clear_cache}});
    BOOST_TEST(glia::advice::render(d) == "stale: run 'glia compile hh'\nor glia cache --clear");
    BOOST_REQUIRE(d.remedies().size() == 2u);
    BOOST_TEST((d.remedies()[1] == Remedy{Kind::clear_cache}));
    BOOST_TEST(severity_name(d.severity) == "warning");
}

BOOST_AUTO_TEST_SUITE_END()
