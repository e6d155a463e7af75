#include "build/toolchain.hpp"

#include <boost/test/unit_test.hpp>

using namespace glia;

BOOST_AUTO_TEST_SUITE(toolchain)

BOOST_AUTO_TEST_CASE(expands_makefile_variables) {
    auto vars = read_makefile_variables("A = x $(B)\nB = y\n# C = no\nD := $(A) z\n\tE = recipe\nF ?= q\n"
                                        "ifeq ($(origin CC), default)\n    CC = /usr/bin/cc\nendif\nI = -I$(incdir)\n"
                                        "incdir := ${ROOT}/include\n",
                                        {{"ROOT", "/opt/nrn"}});
    BOOST_TEST(vars["A"] == "x y");
    BOOST_TEST(vars["D"] == "x y z"); // := expands when read
    BOOST_TEST(!vars.count("C"));
    BOOST_TEST(!vars.count("E"));
    BOOST_TEST(!vars.count("F"));
    BOOST_TEST(vars["CC"] == "/usr/bin/cc");
    BOOST_TEST(vars["I"] == "-I/opt/nrn/include");
}

BOOST_AUTO_TEST_CASE(finds_the_installed_neuron) {
    Toolchain tc = detect_toolchain();
    BOOST_TEST(fs::exists(tc.nocmodl));
    BOOST_TEST(fs::exists(tc.units));
    BOOST_REQUIRE(!tc.compile.empty());
    BOOST_TEST(tc.compile.front().find("cc") != std::string::npos);
    bool has_config_h = false;
    for (const auto& flag : tc.compile) {
        has_config_h = has_config_h || flag == "-DHAVE_CONFIG_H";
    }
    BOOST_TEST(has_config_h); // taken from NEURON's own makefile
    BOOST_TEST(tc.identity().find("nocmodl=") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
