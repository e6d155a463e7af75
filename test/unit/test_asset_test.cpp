// 'glia test': the hoc script that tries a mechanism in nrniv.

#include "tools/asset_test.hpp"

#include <boost/test/unit_test.hpp>

#include <string>

using namespace glia;

BOOST_AUTO_TEST_SUITE(asset_test)

BOOST_AUTO_TEST_CASE(test_script_inserts_or_creates_by_kind) {
    AssetTest density{"Kv1", {"p", "Kv1", "0"}, MechanismKind::density};
    std::string script = asset_test_script("/x/libglia.so", density);
    BOOST_CHECK(script.find("{ nrn_load_dll(\"/x/libglia.so\") }\n") != std::string::npos);
    BOOST_CHECK(script.find("execute1(\"glia_test_soma insert glia__p__Kv1__0\")") != std::string::npos);
    BOOST_CHECK(script.find("execute1(\"run()\")") != std::string::npos);
    BOOST_CHECK(script.find("quit()") != std::string::npos);
    AssetTest synapse{"AMPA", {"p", "AMPA", "0"}, MechanismKind::point_process};
    BOOST_CHECK(asset_test_script("l.so", synapse).find("glia_test_obj = new glia__p__AMPA__0(0.5)") !=
                std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
