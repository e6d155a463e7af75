#pragma once
/// \file
/// `glia diff`: compares two mechanisms by how they behave. Each is run in its own nrniv of the
/// NEURON glia is built for (`nrniv -python` share/glia/diff/glia_diff.py, its Python being
/// /usr/bin/python3) under protocols chosen by what its
/// NEURON block declares, the same protocols for both, each protocol at each temperature in a
/// fresh nrniv with a time limit; the features they print are compared one by one.

#include "base/fs.hpp"
#include "base/names.hpp"
#include "packages/nmodl.hpp"

#include <chrono>
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

/// How the protocols run, the same for both sides.
struct DiffSetup {
    std::vector<std::pair<std::string, double>> settings; ///< NAME=VALUE set on both sides
    std::vector<double> celsius = {6.3, 37};              ///< each protocol runs at each temperature
    std::chrono::seconds timeout{60};                     ///< for each protocol run; zero: none
};

/// One number a protocol measured.
struct DiffFeature {
    std::string label;
    std::string unit;
    std::string text; ///< as printed (shortest round-trip form: equal text is equal bits)
    double value = 0;
};

/// How one protocol run ended.
enum class RunOutcome {
    ran,
    failed,    ///< a NEURON error, or nrniv died (the error says which)
    timed_out, ///< still running at the time limit: nrniv was killed
    skipped,   ///< not started: an earlier run of the same mechanism hit the time limit
};

/// What one protocol gave for one mechanism at one temperature.
struct DiffProtocolRun {
    std::string name;
    double celsius = 6.3;
    RunOutcome outcome = RunOutcome::ran;
    std::string error;                ///< failed: why; timed_out: what NEURON said last (may be empty)
    std::vector<DiffFeature> features;
    std::vector<std::string> curves;  ///< the curve lines, compared as text for `identical`
};

/// Everything one mechanism's runs printed.
struct DiffRun {
    std::string mechanism; ///< its full name (left out when two sides' failures are compared)
    std::vector<DiffProtocolRun> protocols; ///< each protocol at each temperature, in that order
    fs::path output; ///< the saved output (input to the plot)
};

/// Runs `protocols` on `side` with the plugin at `plugin` as `setup` says, in folder `work` (where
/// the output is saved). After a run that hits the time limit, the side's other runs are skipped.
DiffRun run_diff(const fs::path& plugin, const DiffSide& side, const std::vector<std::string>& protocols,
                 const DiffSetup& setup, const fs::path& work);

/// One feature of both sides.
struct FeatureComparison {
    std::string protocol;
    double celsius = 0;
    std::string label, unit;
    std::optional<double> a, b; ///< missing on a side that did not measure it
    double absolute = 0;        ///< |a - b|
    double relative = 0;        ///< |a - b| / max(|a|, |b|) (infinite when a side is missing)
    bool within = true;         ///< within the tolerance
};

/// A protocol run that did not run on a side, or on both.
struct ProtocolFailure {
    std::string protocol;
    double celsius = 0;
    RunOutcome a = RunOutcome::ran, b = RunOutcome::ran;
    std::string error_a, error_b;
    /// Failed on both sides in the same way (the same words but for each side's own name): it
    /// tells nothing about either, so it is no difference.
    bool same_on_both = false;
};

enum class DiffVerdict {
    identical,
    equivalent,
    different,
    not_comparable, ///< no protocol run ran on both sides, and none failed on one side only
};
std::string_view verdict_name(DiffVerdict verdict);

/// The comparison of two runs.
struct DiffComparison {
    DiffVerdict verdict = DiffVerdict::identical;
    std::vector<FeatureComparison> features;
    std::vector<ProtocolFailure> failures;
    /// For `different`: the features out of tolerance by the most (indexes into `features`), worst first.
    std::vector<size_t> largest;
};

/// Compares `a` with `b` run by run: a failure that is not the same on both sides is a difference;
/// of the runs that ran on both, identical when they printed the same text, equivalent when every
/// feature is within `tolerance` (a fraction) relatively, or absolutely within `tolerance` of the
/// largest value of its protocol and unit (so values near zero do not count as large
/// differences); different otherwise. Features are compared per current (`ik` is not `ina`).
DiffComparison compare_runs(const DiffRun& a, const DiffRun& b, double tolerance);

/// Draws both runs' curves into `png` (one panel per curve, titled with the full names).
/// Throws Error with the plotter's output when it fails.
void plot_diff(const fs::path& png, const DiffSide& a, const DiffRun& run_a, const DiffSide& b, const DiffRun& run_b,
               const fs::path& work);

} // namespace glia
