#pragma once
/// \file
/// `glia test`: tries mechanisms in a real nrniv. Each one runs in its own nrniv process (a
/// mechanism that crashes NEURON takes only its own test down): the plugin is loaded, the
/// mechanism inserted into a section (or created at its middle, for point processes and
/// artificial cells), a short simulation run, and the membrane potential checked to be finite.
/// Each nrniv has a time limit: one still running then is stopped, and the step it was in named.

#include "base/fs.hpp"
#include "base/names.hpp"
#include "packages/nmodl.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace glia {

/// One mechanism to try.
struct AssetTest {
    std::string asset;  ///< as the user named it, for the report
    MechanismName name; ///< what it resolved to
    MechanismKind kind = MechanismKind::density;
};

/// The outcome of trying one mechanism.
struct AssetTestResult {
    bool ok = false;
    std::string message; ///< on failure: what NEURON said (the relevant lines of its output)
    bool timed_out = false; ///< still running at the time limit: nrniv was stopped
    std::string step;       ///< when timed out: what it was doing ("running the simulation"), if known
};

/// The hoc script that tries `test` with the plugin at `plugin`; it prints `glia-test: ok` last
/// when everything worked.
std::string asset_test_script(const fs::path& plugin, const AssetTest& test);

/// Runs the script for `test` in `nrniv` in folder `work`, with `extra_env` added to the
/// environment, stopping it after `timeout` (zero: no limit).
AssetTestResult run_asset_test(const fs::path& plugin, const AssetTest& test, const fs::path& work,
                               const std::vector<std::pair<std::string, std::string>>& extra_env = {},
                               std::chrono::seconds timeout = {});

} // namespace glia
