#define BOOST_TEST_MODULE glia
#include <boost/test/unit_test.hpp>
