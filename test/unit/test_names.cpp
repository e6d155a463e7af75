#include "base/error.hpp"
#include "base/names.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;

BOOST_AUTO_TEST_SUITE(names)

BOOST_AUTO_TEST_CASE(formats_the_full_name) {
    MechanismName name{"example", "Kv1", "fast"};
    BOOST_TEST(name.full() == "glia__example__Kv1__fast");
    BOOST_TEST(name.pretty() == "example.Kv1(fast)");
    MechanismName defaulted{"p", "a", "0"};
    BOOST_TEST(defaulted.full() == "glia__p__a__0");
}

BOOST_AUTO_TEST_CASE(parses_a_full_name) {
    MechanismName name = parse_full_name("glia__example__Kv1__0");
    BOOST_TEST(name.package == "example");
    BOOST_TEST(name.asset == "Kv1");
    BOOST_TEST(name.variant == "0");
    BOOST_TEST(parse_full_name(name.full()).full() == name.full());
}

BOOST_AUTO_TEST_CASE(single_underscores_are_part_of_a_name) {
    MechanismName name = parse_full_name("glia__my_pkg__na_v__fast_2");
    BOOST_TEST(name.package == "my_pkg");
    BOOST_TEST(name.asset == "na_v");
    BOOST_TEST(name.variant == "fast_2");
}

BOOST_AUTO_TEST_CASE(rejects_malformed_full_names) {
    BOOST_CHECK_THROW(parse_full_name("Kv1"), InvalidName);
    BOOST_CHECK_THROW(parse_full_name("glia__example__Kv1"), InvalidName);
    BOOST_CHECK_THROW(parse_full_name("glia__a__b__c__d"), InvalidName);
    BOOST_CHECK_THROW(parse_full_name("glia__a___b__0"), InvalidName); // asset "_b"
    BOOST_CHECK_THROW(parse_full_name("glia__a__b-c__0"), InvalidName);
    BOOST_CHECK_THROW(parse_full_name("glia____b__0"), InvalidName);
    BOOST_TEST(!try_parse_full_name("glia__1pkg__b__0"));
}

BOOST_AUTO_TEST_CASE(validates_each_part) {
    BOOST_TEST(name_problem("Kv1", NamePart::asset).empty());
    BOOST_TEST(name_problem("0", NamePart::variant).empty());
    BOOST_TEST(name_problem("a__b", NamePart::asset).find("double underscore") != std::string::npos);
    BOOST_TEST(name_problem("a.b", NamePart::package).find("'.'") != std::string::npos);
    BOOST_TEST(name_problem("a-b", NamePart::asset).find("only letters, digits and '_'") != std::string::npos);
    BOOST_TEST(name_problem("_a", NamePart::asset).find("starts or ends with '_'") != std::string::npos);
    BOOST_TEST(name_problem("a_", NamePart::variant).find("starts or ends with '_'") != std::string::npos);
    BOOST_TEST(name_problem("1a", NamePart::package).find("does not start with a letter") != std::string::npos);
    BOOST_TEST(name_problem("1a", NamePart::variant).empty()); // variants may start with a digit
    BOOST_TEST(name_problem("", NamePart::asset) == "is empty");
}

BOOST_AUTO_TEST_CASE(check_name_message_names_the_context) {
    try {
        check_name("bad__name", NamePart::asset, "pkg/glia-package.yaml:3:5");
        BOOST_FAIL("expected InvalidName");
    } catch (const InvalidName& e) {
        BOOST_TEST(std::string(e.what()) ==
                   "pkg/glia-package.yaml:3:5: invalid asset name 'bad__name': contains a double underscore '__', "
                   "which glia uses as its separator");
    }
}

BOOST_AUTO_TEST_SUITE_END()
