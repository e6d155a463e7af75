// The CLI's --json writer (src/cli/json.hpp): escaping, numbers that read back, order kept.

#include "../../src/cli/json.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <limits>

using glia::Package;
using glia::cli::Json;
using glia::cli::json_quote;

BOOST_AUTO_TEST_SUITE(json)

BOOST_AUTO_TEST_CASE(quotes_and_backslashes_are_escaped) {
    BOOST_TEST(json_quote("plain") == "\"plain\"");
    BOOST_TEST(json_quote("say \"hi\"") == "\"say \\\"hi\\\"\"");
    BOOST_TEST(json_quote("C:\\dir\\") == "\"C:\\\\dir\\\\\"");
    BOOST_TEST(json_quote("") == "\"\"");
}

BOOST_AUTO_TEST_CASE(control_characters_are_escaped) {
    BOOST_TEST(json_quote("a\nb\tc\rd") == "\"a\\nb\\tc\\rd\"");
    BOOST_TEST(json_quote(std::string("\0", 1)) == "\"\\u0000\"");
    BOOST_TEST(json_quote("\x01\x1b\x1f") == "\"\\u0001\\u001b\\u001f\"");
    BOOST_TEST(json_quote("\b\f") == "\"\\u0008\\u000c\"");
    BOOST_TEST(json_quote(" \x7f") == "\" \x7f\""); // DEL and space need no escape in JSON
}

// UTF-8 passes through as bytes (JSON text is UTF-8); nothing above 0x7f is mistaken for a control.
BOOST_AUTO_TEST_CASE(non_ascii_passes_through) {
    std::string text = "K\xc3\xa1lium \xe2\x82\xac \xf0\x9f\xa7\xa0"; // Kálium € 🧠
    BOOST_TEST(json_quote(text) == "\"" + text + "\"");
    BOOST_TEST(json_quote("\x80\xff") == "\"\x80\xff\""); // bytes that are not UTF-8: kept as they are
}

BOOST_AUTO_TEST_CASE(numbers_read_back_and_non_finite_ones_are_null) {
    for (double value : {0.1, 1.0 / 3.0, -2.5e-300, 6.02214076e23}) {
        std::string text = Json::number(value).dump();
        BOOST_TEST(std::strtod(text.c_str(), nullptr) == value, text);
    }
    BOOST_TEST(Json::number(std::numeric_limits<double>::quiet_NaN()).dump() == "null");
    BOOST_TEST(Json::number(std::numeric_limits<double>::infinity()).dump() == "null");
    BOOST_TEST(Json::number(-std::numeric_limits<double>::infinity()).dump() == "null");
    BOOST_TEST(Json(-7).dump() == "-7");
    BOOST_TEST(Json(true).dump() == "true");
    BOOST_TEST(Json(false).dump() == "false");
    BOOST_TEST(Json::null().dump() == "null");
}

BOOST_AUTO_TEST_CASE(objects_keep_insertion_order_and_escape_keys) {
    Json doc = Json::object()
                   .set("z", 1)
                   .set("a", Json::array().push("x").push(Json::object()).push(Json::array()))
                   .set("key \"q\"", "v\n");
    BOOST_TEST(doc.dump() == "{\"z\": 1, \"a\": [\"x\", {}, []], \"key \\\"q\\\"\": \"v\\n\"}");
    BOOST_TEST(Json::object().dump() == "{}");
    BOOST_TEST(Json::array().dump() == "[]");
}

BOOST_AUTO_TEST_CASE(a_distribution_is_an_object_and_a_folder_null) {
    Package folder;
    BOOST_TEST(glia::cli::distribution_json(folder).dump() == "null");
    Package installed;
    installed.distribution = "glia-lab";
    installed.distribution_version = "1.0";
    installed.distribution_path = "/site/glia_lab-1.0.dist-info";
    BOOST_TEST(glia::cli::distribution_json(installed).dump() ==
               "{\"name\": \"glia-lab\", \"version\": \"1.0\", \"path\": \"/site/glia_lab-1.0.dist-info\"}");
}

BOOST_AUTO_TEST_CASE(a_problem_is_an_object_with_its_place_and_remedies_as_values) {
    using glia::Remedy;
    glia::Diagnostic problem{glia::Severity::error,
                             "/m/glia.lock:3:7: bad; run '" + Remedy{Remedy::Kind::lock, {"Kv1"}} + "'",
                             {"/m/glia.lock", 3, 7},
                             "lab"};
    BOOST_TEST(glia::cli::diagnostic_json(problem).dump() ==
               "{\"severity\": \"error\", \"message\": \"/m/glia.lock:3:7: bad; run 'glia lock Kv1'\", \"file\": "
               "\"/m/glia.lock\", \"line\": 3, \"column\": 7, \"package\""
               ": \"lab\", \"asset\": null, \"remedies\": [{\"kind\": \"lock\", \"args\": [\"Kv1\"], \"modifier\": "
               "null, \"command\": \"glia lock Kv1\"}], \"notes\": []}");
}

BOOST_AUTO_TEST_SUITE_END()
