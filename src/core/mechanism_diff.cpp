#include "glia/mechanism_diff.hpp"

#include "glia/error.hpp"
#include "glia/install_dirs.hpp"
#include "glia/process.hpp"
#include "glia/text.hpp"
#include "glia/toolchain.hpp"

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

// Reads one nrniv's output into `run`; returns the protocols it started, in order, and what else
// it printed after the last one started.
std::vector<std::string> read_protocols(const std::string& output, DiffRun& run, std::vector<std::string>& after_last) {
    std::vector<std::string> started;
    std::vector<std::string> said; // NEURON's lines since the current protocol started
    for (const auto& line : split_lines(output)) {
        auto f = split(line, '\t');
        if (f[0] == "protocol" && f.size() == 2) {
            run.protocols.push_back({f[1], {}, {}, {}});
            started.push_back(f[1]);
            said.clear();
        } else if (f[0] == "error" && f.size() == 3 && !started.empty()) {
            // Python sees a hoc error as "hoc error"; NEURON printed what it was just before.
            std::string neuron = neuron_says(said);
            run.protocols.back().error = neuron.empty() ? f[2] : neuron + " (" + f[2] + ")";
        } else if (f[0] == "feature" && f.size() == 5 && !started.empty()) {
            run.protocols.back().features.push_back({f[2], f[3], f[4], std::strtod(f[4].c_str(), nullptr)});
        } else if (f[0] == "curve" && !started.empty()) {
            run.protocols.back().curves.push_back(line);
        } else if (!line.empty() && line.rfind("glia: [", 0) != 0) {
            said.push_back(line);
        }
    }
    after_last = said;
    return started;
}

// A protocol that failed on a side (or did not run on B): records why in `out` and returns true.
bool note_failure(const DiffProtocolRun& pa, const DiffProtocolRun* pb, DiffComparison& out) {
    std::string error_b = pb ? pb->error : "not run";
    if (pa.error.empty() && error_b.empty()) {
        return false;
    }
    std::string why;
    if (!pa.error.empty()) {
        why += "A: " + pa.error;
    }
    if (!error_b.empty()) {
        why += std::string(why.empty() ? "" : "; ") + "B: " + error_b;
    }
    out.errors.emplace_back(pa.name, why);
    // One side fails where the other runs: that alone is a difference.
    if (pa.error.empty() != error_b.empty()) {
        out.reasons.push_back(pa.name + " fails on " + (pa.error.empty() ? "B" : "A"));
    }
    return true;
}

// One feature of `protocol` as A (`x`) and B (`y`) measured it; a side may lack it. `scale` is the
// largest value of the feature's unit in the protocol: differences far below it are not large.
FeatureComparison compare_feature(const std::string& protocol, const DiffFeature* x, const DiffFeature* y,
                                  double tolerance, double scale) {
    FeatureComparison c{protocol, (x ? x : y)->label, (x ? x : y)->unit, {}, {}, 0, 0, true};
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
        out.features.push_back(compare_feature(pa.name, x, y, tolerance, scale[(x ? x : y)->unit]));
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

// The three features outside the tolerance by the most, as reasons, worst first.
void add_largest_differences(DiffComparison& out) {
    std::vector<const FeatureComparison*> off;
    for (const auto& c : out.features) {
        if (!c.within) {
            off.push_back(&c);
        }
    }
    std::stable_sort(off.begin(), off.end(),
                     [](const FeatureComparison* x, const FeatureComparison* y) { return x->relative > y->relative; });
    for (size_t i = 0; i < off.size() && i < 3; ++i) {
        out.reasons.push_back(off[i]->protocol + ": " + off[i]->label);
    }
}

} // namespace

DiffRun run_diff(const fs::path& plugin, const DiffSide& side, const std::vector<std::string>& protocols,
                 const std::vector<std::pair<std::string, double>>& settings, const fs::path& work) {
    auto [currents, concentrations] = written(side.nmodl);
    DiffRun run;
    run.output = work / (side.name.full() + ".txt");
    std::string output;
    // One nrniv per mechanism. A mechanism that crashes NEURON (an unset POINTER read) fails the
    // protocol it was in; the protocols after it run in a fresh nrniv.
    std::vector<std::string> todo = protocols;
    while (!todo.empty()) {
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
                                         join(todo, ","),
                                         "--ion-currents",
                                         join(currents, ","),
                                         "--currents",
                                         join(side.nmodl.nonspecific_currents, ","),
                                         "--concentrations",
                                         join(concentrations, ",")};
        for (const auto& [name, value] : settings) {
            std::ostringstream text;
            text.precision(17);
            text << name << "=" << value;
            argv.insert(argv.end(), {"--set", text.str()});
        }
        ProcessResult r = run_process(argv, work, target_python_env());
        output += r.output;
        std::vector<std::string> said;
        std::vector<std::string> started = read_protocols(r.output, run, said);
        if (r.ok()) {
            break;
        }
        std::string why = "nrniv exited with status " + std::to_string(r.exit_code);
        if (r.exit_code > 128) {
            why += " (" + std::string(::strsignal(r.exit_code - 128)) + ")"; // run_process's 128+signal
        }
        if (std::string neuron = neuron_says(said); !neuron.empty()) {
            why += ": " + neuron;
        }
        if (started.empty()) {
            // It died before the first protocol (the plugin or the mechanism did not load): all fail.
            for (const auto& protocol : todo) {
                run.protocols.push_back({protocol, why, {}, {}});
            }
            break;
        }
        if (run.protocols.back().error.empty()) {
            run.protocols.back().error = why;
        }
        auto crashed = std::find(todo.begin(), todo.end(), started.back());
        if (crashed == todo.end()) {
            break; // not one it was asked to run: nothing to go on with
        }
        todo.erase(todo.begin(), crashed + 1);
    }
    write_file_atomic(run.output, output);
    return run;
}

std::string_view verdict_name(DiffVerdict verdict) {
    switch (verdict) {
    case DiffVerdict::identical: return "identical";
    case DiffVerdict::equivalent: return "equivalent";
    case DiffVerdict::different: return "different";
    }
    return "unknown";
}

// The stages: each protocol of A against B's (failures, then features), the protocols only B ran,
// the largest differences as reasons, the verdict.
DiffComparison compare_runs(const DiffRun& a, const DiffRun& b, double tolerance) {
    DiffComparison out;
    bool same_text = true;
    bool any_ran = false;
    std::map<std::string, const DiffProtocolRun*> by_name;
    for (const auto& p : b.protocols) {
        by_name[p.name] = &p;
    }
    for (const auto& pa : a.protocols) {
        auto it = by_name.find(pa.name);
        const DiffProtocolRun* pb = it == by_name.end() ? nullptr : it->second;
        if (note_failure(pa, pb, out)) {
            same_text = false;
            continue;
        }
        any_ran = true;
        same_text = compare_features(pa, *pb, tolerance, out) && same_text;
    }
    for (const auto& pb : b.protocols) {
        if (std::none_of(a.protocols.begin(), a.protocols.end(),
                         [&](const DiffProtocolRun& p) { return p.name == pb.name; })) {
            same_text = false;
            out.errors.emplace_back(pb.name, "A: not run");
            out.reasons.push_back(pb.name + " runs only on B");
        }
    }
    add_largest_differences(out);
    if (!any_ran && out.reasons.empty()) {
        out.reasons.push_back("no protocol ran on both sides");
    }
    if (!out.reasons.empty()) {
        out.verdict = DiffVerdict::different;
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
