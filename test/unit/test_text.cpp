#include "base/text.hpp"

#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

using namespace glia;
using Strings = std::vector<std::string>;

BOOST_AUTO_TEST_SUITE(text)

BOOST_AUTO_TEST_CASE(join_puts_the_separator_between_items_only) {
    BOOST_TEST(join({}, ", ") == "");
    BOOST_TEST(join({"a"}, ", ") == "a");
    BOOST_TEST(join({"a", "b", "c"}, ", ") == "a, b, c");
    BOOST_TEST(join({"a", "", "c"}, ",") == "a,,c");
    BOOST_TEST(join({"x", "y"}, "\x1f") == "x\x1fy");
}

BOOST_AUTO_TEST_CASE(split_lines_keeps_blank_lines_and_a_last_line_without_newline) {
    BOOST_TEST(split_lines("") == Strings{}, boost::test_tools::per_element());
    BOOST_TEST(split_lines("\n") == Strings{""}, boost::test_tools::per_element());
    BOOST_TEST(split_lines("a\n\nb\n") == (Strings{"a", "", "b"}), boost::test_tools::per_element());
    BOOST_TEST(split_lines("a\nb") == (Strings{"a", "b"}), boost::test_tools::per_element());
    BOOST_TEST(split_lines("a\r\nb\r\n") == (Strings{"a\r", "b\r"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(split_gives_every_piece_including_empty_ones) {
    BOOST_TEST(split("", '\t') == Strings{""}, boost::test_tools::per_element());
    BOOST_TEST(split("a\tb", '\t') == (Strings{"a", "b"}), boost::test_tools::per_element());
    BOOST_TEST(split("\ta\t", '\t') == (Strings{"", "a", ""}), boost::test_tools::per_element());
    BOOST_TEST(split("a,b", '\t') == Strings{"a,b"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(trim_removes_blanks_at_both_ends_only) {
    BOOST_TEST(trim("") == "");
    BOOST_TEST(trim(" \t\r ") == "");
    BOOST_TEST(trim("  a b\t\r") == "a b");
    BOOST_TEST(trim("\tx") == "x");
    BOOST_TEST(trim("a\n") == "a\n"); // a line end is not a blank: callers split lines first
}

BOOST_AUTO_TEST_SUITE_END()
