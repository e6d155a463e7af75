#pragma once
/// \file
/// `glia diff`: compares two mechanisms by how they behave. Each is run in its own nrniv of the
/// NEURON glia is built for (`nrniv -python` share/glia/diff/glia_diff.py, its Python being
/// /usr/bin/python3) under protocols chosen by what its
/// NEURON block declares, the same protocols for both; the features they print are compared
/// one by one.

#include "glia/fs.hpp"
#include "glia/names.hpp"
#include "glia/nmodl.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace glia {

/// One mechanism to exercise: its name and what its NEURON block declares.
struct DiffSide {
    MechanismName name;
    NmodlInfo nmodl;
};

/// The protocols for a mechanism, by kind and declarations: `vclamp` and `states` for density
/// mechanisms with a current, `concentration` for those that write a concentration, `synapse` for
/// point processes with NET_RECEIVE, `spikes` for artificial cells, `membrane` for anything else.
std::vector<std::string> diff_protocols(const NmodlInfo& nmodl);

/// The protocol script: $GLIA_DIFF_SCRIPT, else the installed share/glia/diff/glia_diff.py.
fs::path diff_script();

/// One number a protocol measured.
struct DiffFeature {
    std::string label;
    std::string unit;
    std::string text; ///< as printed (shortest round-trip form: equal text is equal bits)
    double value = 0;
};

/// What one protocol gave for one mechanism.
struct DiffProtocolRun {
    std::string name;
    std::string error;                ///< why it failed; empty when it ran
    std::vector<DiffFeature> features;
    std::vector<std::string> curves;  ///< the curve lines, compared as text for `identical`
};

/// Everything one mechanism's run printed.
struct DiffRun {
    std::vector<DiffProtocolRun> protocols;
    fs::path output; ///< the saved output (input to the plot)
};

/// Runs `protocols` on `side` with the plugin at `plugin`, setting each NAME=VALUE of `settings`,
/// in folder `work` (where the output is saved).
DiffRun run_diff(const fs::path& plugin, const DiffSide& side, const std::vector<std::string>& protocols,
                 const std::vector<std::pair<std::string, double>>& settings, const fs::path& work);

/// One feature of both sides.
struct FeatureComparison {
    std::string protocol, label, unit;
    std::optional<double> a, b; ///< missing on a side that did not measure it
    double absolute = 0;        ///< |a - b|
    double relative = 0;        ///< |a - b| / max(|a|, |b|) (infinite when a side is missing)
    bool within = true;         ///< within the tolerance
};

enum class DiffVerdict { identical, equivalent, different };
std::string_view verdict_name(DiffVerdict verdict);

/// The comparison of two runs.
struct DiffComparison {
    DiffVerdict verdict = DiffVerdict::identical;
    std::vector<FeatureComparison> features;
    std::vector<std::pair<std::string, std::string>> errors; ///< (protocol, "A: why" / "B: why")
    std::vector<std::string> reasons; ///< for `different`: the features that differ most, worst first
};

/// Compares `a` with `b`: identical when every protocol ran on both and printed the same text;
/// equivalent when every feature is within `tolerance` (a fraction) relatively, or absolutely
/// within `tolerance` of the largest value of its protocol and unit (so values near zero do not
/// count as large differences); different otherwise.
DiffComparison compare_runs(const DiffRun& a, const DiffRun& b, double tolerance);

/// Draws both runs' curves into `png` (one panel per curve, titled with the full names).
/// Throws Error with the plotter's output when it fails.
void plot_diff(const fs::path& png, const DiffSide& a, const DiffRun& run_a, const DiffSide& b, const DiffRun& run_b,
               const fs::path& work);

} // namespace glia
