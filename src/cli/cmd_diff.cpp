// glia diff: compares providers of an asset by how they behave (tools/mechanism_diff.hpp).

#include "commands.hpp"
#include "json.hpp"
#include "options.hpp"

#include "base/error.hpp"
#include "resolve/index.hpp"
#include "tools/mechanism_diff.hpp"
#include "preferences/preferences.hpp"
#include "resolve/resolver.hpp"
#include "resolve/scopes.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <optional>
#include <tuple>

namespace glia::cli {

namespace {

using Settings = std::vector<std::pair<std::string, double>>;

// `package[:variant]` as a constraint.
Constraint parse_pkg(const std::string& text) {
    size_t colon = text.find(':');
    Constraint c{text.substr(0, colon), colon == std::string::npos ? std::string() : text.substr(colon + 1)};
    if (c.package.empty() || (colon != std::string::npos && c.variant.empty())) {
        throw po::error("--pkg '" + text + "' must be PACKAGE or PACKAGE:VARIANT");
    }
    return c;
}

Settings parse_settings(const std::vector<std::string>& items) {
    Settings out;
    for (const auto& item : items) {
        size_t eq = item.find('=');
        char* end = nullptr;
        double value = eq == std::string::npos ? 0 : std::strtod(item.c_str() + eq + 1, &end);
        if (eq == std::string::npos || eq == 0 || end == item.c_str() + eq + 1 || *end != '\0') {
            throw po::error("--set '" + item + "' must be NAME=NUMBER (e.g. --set gbar=0.02)");
        }
        if (item.substr(0, eq) == "celsius") {
            throw po::error("--set '" + item + "': the temperature is --celsius " + item.substr(eq + 1));
        }
        out.emplace_back(item.substr(0, eq), value);
    }
    return out;
}

// The temperatures of --celsius (each given, or a comma-separated list), in order, once each.
std::vector<double> parse_celsius(const std::vector<std::string>& items) {
    std::vector<double> out;
    for (const auto& item : items) {
        for (const auto& text : split(item, ',')) {
            char* end = nullptr;
            double degrees = std::strtod(text.c_str(), &end);
            if (text.empty() || *end != '\0' || !std::isfinite(degrees) || degrees < -273.15) {
                throw po::error("--celsius '" + item + "' must be degrees Celsius, e.g. 37 or 6.3,37");
            }
            if (std::find(out.begin(), out.end(), degrees) == out.end()) {
                out.push_back(degrees);
            }
        }
    }
    return out.empty() ? DiffSetup{}.celsius : out;
}

// The tolerance as a fraction, from a percentage (`1` or `1%`).
double parse_tolerance(std::string text) {
    if (!text.empty() && text.back() == '%') {
        text.pop_back();
    }
    char* end = nullptr;
    double percent = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(percent >= 0) || !std::isfinite(percent)) {
        throw po::error("--tolerance '" + text + "' must be a percentage such as 1 or 0.5%");
    }
    return percent / 100;
}

std::string number(std::optional<double> x) {
    if (!x) {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", *x);
    return buf;
}

std::string percent(double relative) {
    if (std::isinf(relative)) {
        return "-";
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g%%", relative * 100);
    return buf;
}

// "vclamp at 6.3 °C"
std::string run_label(const std::string& protocol, double celsius) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", celsius);
    return protocol + " at " + buf + " °C";
}

std::string padded(const std::string& text, size_t width) {
    return text.size() >= width ? text + " " : text + std::string(width - text.size(), ' ');
}

// How a run ended on one side, in words; empty when it ran.
std::string side_words(RunOutcome outcome, const std::string& error, const std::string& mechanism,
                       const DiffSetup& setup) {
    switch (outcome) {
    case RunOutcome::ran: return {};
    case RunOutcome::failed: return error;
    case RunOutcome::timed_out:
        return mechanism + " was still running after " + std::to_string(setup.timeout.count()) +
               " s (--timeout); nrniv was stopped" + (error.empty() ? "" : " (NEURON said last: " + error + ")");
    case RunOutcome::skipped: return "not run: an earlier protocol of " + mechanism + " hit the time limit";
    }
    return {};
}

// "A: why; B: why", each side that did not run.
std::string failure_words(const ProtocolFailure& f, const DiffSide& a, const DiffSide& b, const DiffSetup& setup) {
    std::string why;
    for (auto [side, outcome, error, name] :
         {std::tuple{"A", f.a, &f.error_a, &a}, std::tuple{"B", f.b, &f.error_b, &b}}) {
        if (outcome != RunOutcome::ran) {
            why += std::string(why.empty() ? "" : "; ") + side + ": " +
                   side_words(outcome, *error, name->name.full(), setup);
        }
    }
    return why;
}

// What makes the pair different, worst first: the runs that failed on one side (or differently),
// then the features out of tolerance by the most.
std::vector<std::string> reasons(const DiffComparison& c) {
    std::vector<std::string> out;
    for (const auto& f : c.failures) {
        if (f.same_on_both) {
            continue;
        }
        std::string label = run_label(f.protocol, f.celsius);
        if (f.a == RunOutcome::ran || f.b == RunOutcome::ran) {
            out.push_back(label + " fails on " + (f.a == RunOutcome::ran ? "B" : "A"));
        } else {
            out.push_back(label + " fails differently on A and B");
        }
    }
    for (size_t i : c.largest) {
        const auto& f = c.features[i];
        out.push_back(run_label(f.protocol, f.celsius) + ": " + f.label);
    }
    return out;
}

void print_table(const DiffSide& a, const DiffSide& b, const DiffComparison& c, const DiffSetup& setup) {
    std::cout << "A: " << a.name.full() << "\nB: " << b.name.full() << "\n";
    std::vector<std::string> labels;
    size_t label_width = 8;
    for (const auto& f : c.features) {
        labels.push_back(run_label(f.protocol, f.celsius) + ": " + f.label +
                         (f.unit.empty() ? "" : " (" + f.unit + ")"));
        label_width = std::max(label_width, labels.back().size() + 2);
    }
    std::cout << "  " << padded("feature", label_width) << padded("A", 14) << padded("B", 14) << padded("|A-B|", 12)
              << "rel\n";
    for (size_t i = 0; i < c.features.size(); ++i) {
        const auto& f = c.features[i];
        std::cout << (f.within ? "  " : "! ") << padded(labels[i], label_width) << padded(number(f.a), 14)
                  << padded(number(f.b), 14) << padded(number(f.absolute), 12) << percent(f.relative) << "\n";
    }
    for (const auto& f : c.failures) {
        std::cout << "  " << run_label(f.protocol, f.celsius)
                  << (f.same_on_both ? " not comparable (fails the same way on both sides): " : " failed: ")
                  << failure_words(f, a, b, setup) << "\n";
    }
    std::cout << "verdict: " << verdict_name(c.verdict);
    if (c.verdict == DiffVerdict::different) {
        std::cout << " (differs most in: " << join(reasons(c), "; ") << ")";
    } else if (c.verdict == DiffVerdict::not_comparable) {
        std::cout << " (no protocol ran on either side; see why above)";
    }
    std::cout << "\n\n";
}

std::string_view outcome_name(RunOutcome outcome) {
    switch (outcome) {
    case RunOutcome::ran: return "ran";
    case RunOutcome::failed: return "failed";
    case RunOutcome::timed_out: return "timed_out";
    case RunOutcome::skipped: return "skipped";
    }
    return "unknown";
}

Json to_json(const DiffSide& a, const DiffSide& b, const DiffComparison& c, const DiffSetup& setup,
             const std::string& plot) {
    Json features = Json::array();
    for (const auto& f : c.features) {
        features.push(Json::object()
                          .set("protocol", f.protocol)
                          .set("celsius", Json::number(f.celsius))
                          .set("feature", f.label)
                          .set("unit", f.unit)
                          .set("a", f.a ? Json::number(*f.a) : Json::null())
                          .set("b", f.b ? Json::number(*f.b) : Json::null())
                          .set("absolute", Json::number(f.absolute))
                          .set("relative", Json::number(f.relative))
                          .set("within_tolerance", f.within));
    }
    Json errors = Json::array();
    for (const auto& f : c.failures) {
        errors.push(Json::object()
                        .set("protocol", f.protocol)
                        .set("celsius", Json::number(f.celsius))
                        .set("a", std::string(outcome_name(f.a)))
                        .set("b", std::string(outcome_name(f.b)))
                        .set("comparable", !f.same_on_both)
                        .set("error", failure_words(f, a, b, setup)));
    }
    Json reasons_json = Json::array();
    for (const auto& r : reasons(c)) {
        reasons_json.push(r);
    }
    return Json::object()
        .set("a", a.name.full())
        .set("b", b.name.full())
        .set("verdict", std::string(verdict_name(c.verdict)))
        .set("differs_most_in", std::move(reasons_json))
        .set("features", std::move(features))
        .set("failed_protocols", std::move(errors))
        .set("plot", plot.empty() ? Json::null() : Json(plot));
}

// FILE.png for a single pair; FILE-<B's full name>.png for each pair when there are several.
fs::path plot_file(const fs::path& requested, const DiffSide& b, size_t pairs) {
    if (pairs == 1) {
        return requested;
    }
    return requested.parent_path() / (requested.stem().string() + "-" + b.name.full() + requested.extension().string());
}

// What the command line asks for, checked.
struct DiffRequest {
    std::vector<std::string> names; // one ASSET, or two full names
    std::vector<std::string> pkgs;  // none, or the two --pkg of one ASSET
    bool two_full = false;
    DiffSetup setup;
    double tolerance = 0;
    std::string plot;
    bool json = false;
};

// The request, or nothing when --help was asked for (and printed).
std::optional<DiffRequest> read_request(const Args& args) {
    po::options_description options("options");
    options.add_options()("name", po::value<std::vector<std::string>>(), "ASSET, or two full glia__... names")(
        "pkg", po::value<std::vector<std::string>>(), "PACKAGE[:VARIANT] of ASSET to compare (give it twice)")(
        "package", po::value<std::string>(), "a package folder to take part, first on the search path")(
        "set", po::value<std::vector<std::string>>(), "NAME=VALUE: set a parameter on both sides (repeatable)")(
        "celsius", po::value<std::vector<std::string>>(),
        "run every protocol at these temperatures (repeatable, or 6.3,37; default: 6.3 and 37)")(
        "timeout", po::value<std::string>()->default_value("60"),
        "seconds each protocol run may take before nrniv is stopped (0: no limit)")(
        "tolerance", po::value<std::string>()->default_value("1"), "percent within which features are equivalent")(
        "json", po::bool_switch(), "print JSON instead of tables")(
        "plot", po::value<std::string>(), "draw both sides' curves into this PNG file (one panel per protocol)");
    po::positional_options_description positional;
    positional.add("name", -1);
    po::variables_map vm;
    if (!parse_options(args,
                       "glia diff ASSET [--pkg A[:VARIANT] --pkg B[:VARIANT]] | glia diff FULL_NAME FULL_NAME\n"
                       "       [--package DIR] [--set NAME=VALUE]... [--celsius DEGREES]... [--timeout SECONDS]\n"
                       "       [--tolerance PERCENT] [--json] [--plot FILE.png]",
                       options, vm, positional)) {
        return std::nullopt;
    }
    DiffRequest r;
    r.names = vm.count("name") ? vm["name"].as<std::vector<std::string>>() : Args{};
    r.pkgs = vm.count("pkg") ? vm["pkg"].as<std::vector<std::string>>() : Args{};
    r.two_full = r.names.size() == 2 && is_full_name(r.names[0]) && is_full_name(r.names[1]);
    if (r.names.empty() || r.names.size() > 2 || (r.names.size() == 2 && !r.two_full)) {
        throw po::error("give one ASSET (with no or two --pkg) or two full glia__... names");
    }
    if (!r.pkgs.empty() && (r.pkgs.size() != 2 || r.two_full)) {
        throw po::error("--pkg is given twice, once for each side, and only with one ASSET");
    }
    r.setup.settings = parse_settings(vm.count("set") ? vm["set"].as<std::vector<std::string>>() : Args{});
    r.setup.celsius = parse_celsius(vm.count("celsius") ? vm["celsius"].as<std::vector<std::string>>() : Args{});
    r.setup.timeout = parse_timeout(vm["timeout"].as<std::string>());
    r.tolerance = parse_tolerance(vm["tolerance"].as<std::string>());
    r.plot = vm.count("plot") ? vm["plot"].as<std::string>() : "";
    if (!r.plot.empty() && fs::path(r.plot).extension() != ".png") {
        throw po::error("--plot '" + r.plot + "' must name a .png file");
    }
    if (vm.count("package")) {
        put_package_first(fs::absolute(vm["package"].as<std::string>()));
    }
    r.json = vm["json"].as<bool>();
    return r;
}

using SidePairs = std::vector<std::pair<DiffSide, DiffSide>>;

// The pairs to compare: the two named, or the asset as a model run here means it (preferences
// apply) against every other provider.
SidePairs pairs_to_compare(const DiffRequest& r, const Discovery& found) {
    Index index(found.packages);
    // What each mechanism's NEURON block declares, by full name.
    std::map<std::string, DiffSide> facts;
    for (const auto& package : found.packages) {
        for (const auto& mod : package.mods) {
            facts[mod.name.full()] = {mod.name, mod.nmodl};
        }
    }
    auto side = [&](const Candidate& c, const std::string& asked) {
        if (c.name.package == kNeuronPackage) {
            throw Error("'" + asked + "' is NEURON's built-in " + c.neuron_name() +
                        "; glia diff compares packages' mechanisms");
        }
        return facts.at(c.name.full());
    };
    ScopeStack scopes;
    for (const auto& error : scopes.load_files(global_preferences_path(), find_project_file(fs::current_path()))) {
        warn(error);
    }
    SidePairs pairs;
    const auto& names = r.names;
    if (r.two_full) {
        pairs.emplace_back(side(resolve(index, names[0]), names[0]), side(resolve(index, names[1]), names[1]));
        return pairs;
    }
    if (!r.pkgs.empty()) {
        pairs.emplace_back(side(resolve(index, names[0], parse_pkg(r.pkgs[0])), r.pkgs[0]),
                           side(resolve(index, names[0], parse_pkg(r.pkgs[1])), r.pkgs[1]));
        return pairs;
    }
    const Candidate& chosen = scopes.resolve(index, names[0]);
    DiffSide a = side(chosen, names[0]);
    for (const auto& c : index.find(chosen.name.asset)) {
        if (c.name.full() != chosen.name.full() && c.name.package != kNeuronPackage) {
            pairs.emplace_back(a, side(c, c.name.full()));
        }
    }
    if (pairs.empty()) {
        throw Error("'" + names[0] + "' has one provider, " + chosen.name.full() +
                    "; nothing to compare it with (add a package that provides it, e.g. with --package DIR)");
    }
    return pairs;
}

// The protocols of both sides, A's first.
std::vector<std::string> protocols_of(const DiffSide& a, const DiffSide& b) {
    std::vector<std::string> protocols = diff_protocols(a.nmodl);
    for (const auto& p : diff_protocols(b.nmodl)) {
        if (std::find(protocols.begin(), protocols.end(), p) == protocols.end()) {
            protocols.push_back(p);
        }
    }
    return protocols;
}

// Runs and compares each pair in `work`, printing a table each (or collecting JSON into `all`);
// true if any pair differs or cannot be compared.
bool compare_pairs(const DiffRequest& r, const SidePairs& pairs, const fs::path& plugin, const fs::path& work,
                   Json& all) {
    std::map<std::string, DiffRun> runs; // each mechanism runs once, however many pairs it is in
    bool any_different = false;
    for (const auto& [a, b] : pairs) {
        std::vector<std::string> protocols = protocols_of(a, b);
        std::string protocol_list = " " + join(protocols, " ");
        for (const DiffSide* s : {&a, &b}) {
            std::string key = s->name.full() + protocol_list;
            if (!runs.count(key)) {
                runs[key] = run_diff(plugin, *s, protocols, r.setup, work);
            }
        }
        const DiffRun& run_a = runs[a.name.full() + protocol_list];
        const DiffRun& run_b = runs[b.name.full() + protocol_list];
        DiffComparison c = compare_runs(run_a, run_b, r.tolerance);
        any_different = any_different || c.verdict == DiffVerdict::different ||
                        c.verdict == DiffVerdict::not_comparable;
        std::string png;
        if (!r.plot.empty()) {
            png = plot_file(r.plot, b, pairs.size()).string();
            plot_diff(png, a, run_a, b, run_b, work);
        }
        if (r.json) {
            all.push(to_json(a, b, c, r.setup, png));
        } else {
            print_table(a, b, c, r.setup);
            if (!png.empty()) {
                std::cout << "plot: " << png << "\n\n";
            }
        }
    }
    return any_different;
}

} // namespace

// The stages: read the request, check that the plugin and the protocol script are there, find the
// pairs to compare, run and compare each in a scratch folder.
int cmd_diff(const Args& args) {
    std::optional<DiffRequest> request = read_request(args);
    if (!request) {
        return 0;
    }
    fs::path plugin = existing_plugin();
    boost::system::error_code ec;
    if (!fs::exists(diff_script(), ec)) {
        throw Error("the protocol script " + diff_script().string() +
                    " does not exist; install glia ('meson install -C build') or set GLIA_DIFF_SCRIPT to "
                    "share/glia/diff/glia_diff.py of a source tree");
    }
    Discovery found = discover_and_warn();
    build_before_timed_runs(found);
    SidePairs pairs = pairs_to_compare(*request, found);
    fs::path work = fs::temp_directory_path() / fs::unique_path("glia-diff-%%%%%%%%");
    fs::create_directories(work);
    Json all = Json::array();
    bool any_different = compare_pairs(*request, pairs, plugin, work, all);
    fs::remove_all(work, ec);
    if (request->json) {
        std::cout << Json::object().set("pairs", std::move(all)).dump() << "\n";
    }
    return any_different ? 1 : 0;
}

} // namespace glia::cli
