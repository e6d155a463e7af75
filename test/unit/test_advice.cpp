// The core's remedies as data (glia/remedy.hpp) and the advice layer's words for them (src/advice).

#include "advice.hpp"

#include "glia/error.hpp"
#include "glia/remedy.hpp"

#include <boost/test/unit_test.hpp>

#include <sstream>
#include <utility>
#include <vector>

using namespace glia;
using Kind = Remedy::Kind;
using Modifier = Remedy::Modifier;

BOOST_AUTO_TEST_SUITE(advice)

BOOST_AUTO_TEST_CASE(a_remedy_travels_inside_text_and_comes_back_whole) {
    Remedy choose{Kind::choose, {"Kv1", "my pkg", ""}};
    Remedy replace{Kind::install, {"/tmp/a b"}, Modifier::replace};
    std::string text = "ambiguous; run '" + choose + "' or '" + replace + "'.";
    BOOST_TEST(text.find("glia") == std::string::npos); // the core's text names no command
    auto found = remedies_in(text);
    BOOST_REQUIRE(found.size() == 2u);
    BOOST_TEST((found[0] == choose));
    BOOST_TEST((found[1] == replace));
    BOOST_TEST(plain(text) == "ambiguous; run '<choose: Kv1 my pkg >' or '<install (r): /tmp/a b>'.");
}

BOOST_AUTO_TEST_CASE(a_damaged_token_stays_text) {
    std::string cut = mention(Remedy{Kind::build, {"hh"}});
    cut.pop_back(); // no end
    BOOST_TEST(glia::advice::words("x " + cut) == "x " + cut);
    std::string unknown = "a \x02?-\x03 b"; // no such kind
    BOOST_TEST(glia::advice::words(unknown) == unknown);
    BOOST_TEST(glia::advice::words("plain text, no remedy") == "plain text, no remedy");
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
        {{Kind::import_folder, {"mods", "p", "out"}, Modifier::replace}, "glia import mods --name p --out out --replace"},
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
    };
    for (const auto& [remedy, expected] : table) {
        BOOST_TEST(glia::advice::words("'" + remedy + "'") == "'" + expected + "'");
    }
}

BOOST_AUTO_TEST_CASE(a_front_end_may_word_a_remedy_its_own_way) {
    auto hoc = [](const Remedy& r) {
        return r.kind == Kind::choose ? "glia_select(\"" + r.args.at(0) + "\")" : glia::advice::shell_command(r);
    };
    std::string text = "use " + Remedy{Kind::choose, {"Kv1", "p"}} + " or " + Remedy{Kind::list_packages};
    BOOST_TEST(glia::advice::words(text, hoc) == "use glia_select(\"Kv1\") or glia list");
}

BOOST_AUTO_TEST_CASE(an_error_carries_its_facts_and_remedies) {
    try {
        throw ResolveError("unknown mechanism 'Kv9' (see '" + Remedy{Kind::list_packages} + "')", {.asset = "Kv9"});
    } catch (const Error& e) {
        BOOST_TEST(e.facts().asset == "Kv9");
        BOOST_TEST(e.facts().line == 0);
        BOOST_REQUIRE(e.remedies().size() == 1u);
        BOOST_TEST((e.remedies()[0] == Remedy{Kind::list_packages}));
        BOOST_TEST(glia::advice::words(e.what()) == "unknown mechanism 'Kv9' (see 'glia list')");
    }
}

BOOST_AUTO_TEST_CASE(a_worded_stream_words_tokens_cut_across_writes) {
    std::ostringstream out;
    std::string token = mention(Remedy{Kind::build, {"hh"}});
    {
        glia::advice::WordedStream worded(out);
        out << "run '" << token.substr(0, 3);
        out.flush();
        BOOST_TEST(out.str() == "run '"); // the token's start waits for its end
        out << token.substr(3) << "' first\n" << 42;
        BOOST_TEST(out.str() == "run 'glia compile hh' first\n42");
    }
    out << token; // the stream is itself again
    BOOST_TEST(out.str() == "run 'glia compile hh' first\n42" + token);
}

BOOST_AUTO_TEST_SUITE_END()
