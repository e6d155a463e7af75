#pragma once
// The NMODL text of a small, valid mechanism, for suites that write mod files to disk.

#include <string>

namespace glia::test {

/// A leak current (density mechanism) whose SUFFIX is `suffix`.
inline std::string leak_mod(const std::string& suffix) {
    return "NEURON { SUFFIX " + suffix +
           " NONSPECIFIC_CURRENT i }\n"
           "ASSIGNED { v (mV) i (mA/cm2) }\nBREAKPOINT { i = 0.001 * (v + 65) }\n";
}

} // namespace glia::test
