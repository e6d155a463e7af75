#include "tools/mechanism_diff.hpp"

#include "base/error.hpp"
#include "base/install_dirs.hpp"
#include "base/process.hpp"
#include "base/text.hpp"
#include "build/toolchain.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>


namespace glia {

namespace {

constexpr const char* kPython = "/usr/bin/python3"; // Debian's, the one with NEURON (and matplotlib)

// The nrniv of the NEURON this glia is built for: the plugin runs in no other.
fs::path target_nrniv() {
    fs::path nrniv = neuron_target_prefix() / "bin" / "nrniv";
    boost::system::error_code ec;
    if (!fs::exists(nrniv, ec)) {
        throw Error("glia diff runs each mechanism in " + nrniv.string() + " (the NEURON " + neuron_target_version() +
                    " this glia is built for), which does not exist; reinstall that NEURON, or build glia for the "
                    "NEURON you have (meson setup -Dneuron_prefix=...)");
    }
    return nrniv;
}

// nrniv's Python imports `neuron` from its path: that of nrniv's own NEURON goes first (Debian's is
// on Python's path already; another one's, such as /opt/nrn-9.0.2/lib/python, may not be).
std::vector<std::pair<std::string, std::string>> target_python_env() {
    std::vector<std::pair<std::string, std::string>> env;
    fs::path module_dir = neuron_target_prefix() / "lib" / "python";
    boost::system::error_code ec;
    if (fs::is_directory(module_dir / "neuron", ec)) {
        std::string path = env_or("PYTHONPATH", "");
        env.emplace_back("PYTHONPATH", module_dir.string() + (path.empty() ? "" : ":" + path));
    }
    return env;
}

bool is_concentration(const std::string& name, const std::vector<std::string>& ions) {
    for (const auto& ion : ions) {
        if (name == ion + "i" || name == ion + "o") {
            return true;
        }
    }
    return false;
}

// The written ion currents (`ik`) and concentrations (`cai`) of a mechanism.
std::pair<std::vector<std::string>, std::vector<std::string>> written(const NmodlInfo& nmodl) {
    std::vector<std::string> currents, concentrations;
    for (const auto& name : nmodl.writes) {
        (is_concentration(name, nmodl.ions) ? concentrations : currents).push_back(name);
    }
    return {currents, concentrations};
}

} // namespace

std::vector<std::string> diff_protocols(const NmodlInfo& nmodl) {
    auto [currents, concentrations] = written(nmodl);
    std::vector<std::string> protocols;
    switch (nmodl.kind) {
    case MechanismKind::artificial_cell: return {"spikes"};
    case MechanismKind::point_process: return {nmodl.net_receive ? "synapse" : "membrane"};
    case MechanismKind::nothing: return {};
    case MechanismKind::density:
        if (!currents.empty() || !nmodl.nonspecific_currents.empty()) {
            protocols = {"vclamp", "states"};
        }
        if (!concentrations.empty()) {
            protocols.push_back("concentration");
        }
        if (protocols.empty()) {
            protocols.push_back("membrane");
        }
    }
    return protocols;
}

fs::path diff_script() {
    return env_or("GLIA_DIFF_SCRIPT", (installed_data_dir() / "glia" / "diff" / "glia_diff.py").string());
}

namespace {

// What NEURON said in `lines` (printed while a protocol ran): its first line that is not part of
// the hoc call trace under it ("near line 0", "^", the indented calls).
std::string neuron_says(const std::vector<std::string>& lines) {
    for (const auto& line : lines) {
        if (!line.empty() && line[0] != ' ' && line[0] != '\t' && line[0] != '^') {
            return line;
        }
    }
    return {};
}

// Reads one nrniv's output (one protocol at one temperature) into `run`; returns whether the
// protocol started, and in `said` what NEURON printed after it started (or before, if it did not).
bool read_protocol(const std::string& output, DiffProtocolRun& run, std::vector<std::string>& said) {
    bool started = false;
    for (const auto& line : split_lines(output)) {
        auto f = split(line, '\t');
        if (f[0] == "protocol" && f.size() == 2) {
            started = true;
            said.clear();
        } else if (f[0] == "error" && f.size() == 3 && started) {
            // Python sees a hoc error as "hoc error"; NEURON printed what it was just before.
            std::string neuron = neuron_says(said);
            run.outcome = RunOutcome::failed;
            run.error = neuron.empty() ? f[2] : neuron + " (" + f[2] + ")";
        } else if (f[0] == "feature" && f.size() == 5 && started) {
            run.features.push_back({f[2], f[3], f[4], std::strtod(f[4].c_str(), nullptr)});
        } else if (f[0] == "curve" && started) {
            run.curves.push_back(line);
        } else if (!line.empty() && line.rfind("glia: [", 0) != 0) {
            said.push_back(line);
        }
    }
    return started;
}

// How nrniv ended, when it did not exit 0: its status, the signal, what NEURON said last.
std::string how_it_ended(const ProcessResult& r, const std::vector<std::string>& said) {
    std::string why = "nrniv exited with status " + std::to_string(r.exit_code);
    if (r.exit_code > 128) {
        why += " (" + std::string(::strsignal(r.exit_code - 128)) + ")"; // run_process's 128+signal
    }
    if (std::string neuron = neuron_says(said); !neuron.empty()) {
        why += ": " + neuron;
    }
    return why;
}

// `text` with every `name` in it replaced by a placeholder.
std::string without_name(std::string text, const std::string& name) {
    for (size_t at = name.empty() ? std::string::npos : text.find(name); at != std::string::npos;
         at = text.find(name, at)) {
        text.replace(at, name.size(), "MECHANISM");
    }
    return text;
}

// A run that did not run on a side: records it in `out` and returns true. `a_name` and `b_name`
// are left out of the errors when they are compared.
bool note_failure(const DiffProtocolRun& pa, const DiffProtocolRun& pb, const std::string& a_name,
                  const std::string& b_name, DiffComparison& out) {
    if (pa.outcome == RunOutcome::ran && pb.outcome == RunOutcome::ran) {
        return false;
    }
    ProtocolFailure f{pa.name, pa.celsius, pa.outcome, pb.outcome, pa.error, pb.error, false};
    f.same_on_both = pa.outcome == pb.outcome &&
                     (pa.outcome == RunOutcome::timed_out || pa.outcome == RunOutcome::skipped ||
                      without_name(pa.error, a_name) == without_name(pb.error, b_name));
    out.failures.push_back(f);
    return true;
}

// One feature of `protocol` as A (`x`) and B (`y`) measured it; a side may lack it. `scale` is the
// largest value of the feature's unit in the protocol: differences far below it are not large.
FeatureComparison compare_feature(const DiffProtocolRun& protocol, const DiffFeature* x, const DiffFeature* y,
                                  double tolerance, double scale) {
    FeatureComparison c{protocol.name, protocol.celsius, (x ? x : y)->label, (x ? x : y)->unit, {}, {}, 0, 0, true};
    if (x) {
        c.a = x->value;
    }
    if (y) {
        c.b = y->value;
    }
    if (!x || !y) {
        c.absolute = c.relative = std::numeric_limits<double>::infinity();
        c.within = false;
        return c;
    }
    c.absolute = std::fabs(x->value - y->value);
    double largest = std::max(std::fabs(x->value), std::fabs(y->value));
    c.relative = largest > 0 ? c.absolute / largest : (c.absolute > 0 ? 1.0 : 0.0);
    if (std::isnan(x->value) || std::isnan(y->value)) {
        c.within = x->text == y->text;
    } else {
        c.within = c.relative <= tolerance || c.absolute <= tolerance * scale;
    }
    return c;
}

// Compares the features of a protocol that ran on both sides into `out`, A's order first, then
// those only B measured; returns whether both printed the same text.
bool compare_features(const DiffProtocolRun& pa, const DiffProtocolRun& pb, double tolerance, DiffComparison& out) {
    bool same_text = pa.curves == pb.curves;
    std::map<std::string, double> scale; // the largest value of each unit in this protocol
    for (const auto* p : {&pa, &pb}) {
        for (const auto& f : p->features) {
            scale[f.unit] = std::max(scale[f.unit], std::fabs(f.value));
        }
    }
    std::map<std::string, const DiffFeature*> fb;
    for (const auto& f : pb.features) {
        fb[f.label] = &f;
    }
    auto add = [&](const DiffFeature* x, const DiffFeature* y) {
        same_text = same_text && x && y && x->text == y->text;
        out.features.push_back(compare_feature(pa, x, y, tolerance, scale[(x ? x : y)->unit]));
    };
    for (const auto& f : pa.features) {
        auto found = fb.find(f.label);
        add(&f, found == fb.end() ? nullptr : found->second);
        if (found != fb.end()) {
            fb.erase(found);
        }
    }
    for (const auto& f : pb.features) {
        if (fb.count(f.label)) {
            add(nullptr, &f);
        }
    }
    return same_text;
}

// The three features outside the tolerance by the most, worst first.
void add_largest_differences(DiffComparison& out) {
    std::vector<size_t> off;
    for (size_t i = 0; i < out.features.size(); ++i) {
        if (!out.features[i].within) {
            off.push_back(i);
        }
    }
    std::stable_sort(off.begin(), off.end(),
                     [&](size_t x, size_t y) { return out.features[x].relative > out.features[y].relative; });
    off.resize(std::min<size_t>(off.size(), 3));
    out.largest = off;
}

// The nrniv command line that runs `protocol` on `side` at `celsius`.
std::vector<std::string> protocol_command(const fs::path& plugin, const DiffSide& side, const std::string& protocol,
                                          double celsius, const DiffSetup& setup) {
    auto [currents, concentrations] = written(side.nmodl);
    auto text = [](double x) {
        std::ostringstream out;
        out.precision(17);
        out << x;
        return out.str();
    };
    std::vector<std::string> argv = {target_nrniv().string(),
                                     "-nogui",
                                     "-nobanner",
                                     "-pyexe",
                                     kPython,
                                     "-python",
                                     diff_script().string(),
                                     "run",
                                     plugin.string(),
                                     side.name.full(),
                                     std::string(kind_name(side.nmodl.kind)),
                                     protocol,
                                     "--ion-currents",
                                     join(currents, ","),
                                     "--currents",
                                     join(side.nmodl.nonspecific_currents, ","),
                                     "--concentrations",
                                     join(concentrations, ","),
                                     "--celsius",
                                     text(celsius)};
    for (const auto& [name, value] : setup.settings) {
        argv.insert(argv.end(), {"--set", name + "=" + text(value)});
    }
    return argv;
}

} // namespace

// Each protocol at each temperature in a fresh nrniv: a mechanism that crashes NEURON (an unset
// POINTER read) or never returns fails only that run.
DiffRun run_diff(const fs::path& plugin, const DiffSide& side, const std::vector<std::string>& protocols,
                 const DiffSetup& setup, const fs::path& work) {
    DiffRun run;
    run.mechanism = side.name.full();
    run.output = work / (side.name.full() + ".txt");
    std::string output;
    bool timed_out = false;
    for (const auto& protocol : protocols) {
        for (double celsius : setup.celsius) {
            DiffProtocolRun& p = run.protocols.emplace_back(DiffProtocolRun{protocol, celsius, {}, {}, {}, {}});
            if (timed_out) {
                p.outcome = RunOutcome::skipped; // it would most likely hang again: one wait is enough
                continue;
            }
            ProcessResult r = run_process(protocol_command(plugin, side, protocol, celsius, setup), work,
                                          target_python_env(), setup.timeout);
            output += r.output;
            std::vector<std::string> said;
            bool started = read_protocol(r.output, p, said);
            if (r.timed_out) {
                timed_out = true;
                p.outcome = RunOutcome::timed_out;
                p.error = neuron_says(said);
            } else if (!r.ok() && p.outcome == RunOutcome::ran) {
                p.outcome = RunOutcome::failed;
                p.error = how_it_ended(r, said);
            } else if (!started && p.outcome == RunOutcome::ran) {
                p.outcome = RunOutcome::failed;
                p.error = "nrniv did not start the protocol" + (said.empty() ? "" : ": " + neuron_says(said));
            }
        }
    }
    write_file_atomic(run.output, output);
    return run;
}

std::string_view verdict_name(DiffVerdict verdict) {
    switch (verdict) {
    case DiffVerdict::identical: return "identical";
    case DiffVerdict::equivalent: return "equivalent";
    case DiffVerdict::different: return "different";
    case DiffVerdict::not_comparable: return "not comparable";
    }
    return "unknown";
}

// The stages: each run of A against B's (failures, then features), the largest differences, the
// verdict. Both ran the same protocols at the same temperatures (run_diff's order).
DiffComparison compare_runs(const DiffRun& a, const DiffRun& b, double tolerance) {
    DiffComparison out;
    bool same_text = true;
    bool any_ran = false;
    for (size_t i = 0; i < a.protocols.size() && i < b.protocols.size(); ++i) {
        const DiffProtocolRun& pa = a.protocols[i];
        const DiffProtocolRun& pb = b.protocols[i];
        if (note_failure(pa, pb, a.mechanism, b.mechanism, out)) {
            same_text = false;
            continue;
        }
        any_ran = true;
        same_text = compare_features(pa, pb, tolerance, out) && same_text;
    }
    add_largest_differences(out);
    bool differs = !out.largest.empty() || a.protocols.size() != b.protocols.size() ||
                   std::any_of(out.failures.begin(), out.failures.end(),
                               [](const ProtocolFailure& f) { return !f.same_on_both; });
    if (differs) {
        out.verdict = DiffVerdict::different;
    } else if (!any_ran) {
        out.verdict = DiffVerdict::not_comparable;
    } else {
        out.verdict = same_text ? DiffVerdict::identical : DiffVerdict::equivalent;
    }
    return out;
}

void plot_diff(const fs::path& png, const DiffSide& a, const DiffRun& run_a, const DiffSide& b, const DiffRun& run_b,
               const fs::path& work) {
    ProcessResult r = run_process({kPython, diff_script().string(), "plot", fs::absolute(png).string(), a.name.full(),
                                   run_a.output.string(), b.name.full(), run_b.output.string()},
                                  work);
    if (!r.ok()) {
        throw Error("could not draw " + png.string() + " (" + kPython + " with matplotlib): " + r.output);
    }
}

} // namespace glia
