#include "tools/asset_test.hpp"

#include "base/process.hpp"
#include "base/text.hpp"

namespace glia {

namespace {

constexpr const char* kOkMarker = "glia-test: ok";
constexpr const char* kStepMarker = "glia-test: step ";

// The hoc line that says the script is now `doing` (read back when it hangs there).
std::string step(const std::string& doing) {
    return "{ printf(\"" + std::string(kStepMarker) + doing + "\\n\") }\n"; // braces: hoc prints no count
}

// The last step the script said it started, from its output.
std::string last_step(const std::string& output) {
    std::string found;
    for (const auto& line : split_lines(output)) {
        if (line.starts_with(kStepMarker)) {
            found = line.substr(std::string_view(kStepMarker).size());
        }
    }
    return found;
}

// The lines of nrniv's output worth showing: everything but the script's own progress lines and
// the plugin's build progress.
std::string relevant_output(const std::string& output) {
    std::vector<std::string> kept;
    for (const auto& line : split_lines(output)) {
        if (!line.empty() && !line.starts_with("glia-test:") && !line.starts_with("glia: [")) {
            kept.push_back(line);
        }
    }
    return join(kept, "\n");
}

} // namespace

std::string asset_test_script(const fs::path& plugin, const AssetTest& test) {
    std::string full = test.name.full();
    std::string make;
    switch (test.kind) {
    case MechanismKind::density: make = "glia_test_soma insert " + full; break;
    case MechanismKind::point_process:
    case MechanismKind::artificial_cell: make = "glia_test_obj = new " + full + "(0.5)"; break;
    case MechanismKind::nothing: make = ""; break;
    }
    // execute1 turns a hoc error into a return value of 0, so each step can be reported.
    std::string s;
    s += step("loading the plugin");
    s += "{ nrn_load_dll(\"" + plugin.string() + "\") }\n"; // braces: hoc prints no return value
    s += "{ load_file(\"stdrun.hoc\") }\n";
    s += "create glia_test_soma\n";
    s += "access glia_test_soma\n";
    s += "glia_test_soma.L = 20\n";
    s += "glia_test_soma.diam = 20\n";
    s += "objref glia_test_obj\n";
    s += "glia_test_ok = 1\n";
    if (!make.empty()) {
        s += step("creating " + full);
        s += "glia_test_ok = execute1(\"" + make + "\")\n";
        s += "if (!glia_test_ok) { printf(\"glia-test: cannot create " + full + "\\n\") }\n";
    }
    s += "tstop = 5\n";
    s += "if (glia_test_ok) { " + step("running 5 ms of simulation (INITIAL, BREAKPOINT)") + "}\n";
    s += "if (glia_test_ok) { glia_test_ok = execute1(\"run()\") }\n";
    s += "if (!glia_test_ok) { printf(\"glia-test: the simulation failed\\n\") }\n";
    // hoc's != compares with a tolerance, under which NaN equals itself; a range test catches it.
    s += "glia_test_v = glia_test_soma.v(0.5)\n";
    s += "if (glia_test_ok && !(glia_test_v > -1e4 && glia_test_v < 1e4)) { glia_test_ok = 0 }\n";
    s += "if (glia_test_ok) { printf(\"" + std::string(kOkMarker) + " v=%g\\n\", glia_test_v) }\n";
    s += "if (!glia_test_ok) { printf(\"glia-test: failed with v(0.5) = %g mV at t = %g ms\\n\", glia_test_v, t) }\n";
    s += "quit()\n";
    return s;
}

AssetTestResult run_asset_test(const fs::path& plugin, const AssetTest& test, const fs::path& work,
                               const std::vector<std::pair<std::string, std::string>>& extra_env,
                               std::chrono::seconds timeout) {
    fs::path script = work / (test.name.full() + ".hoc");
    write_file_atomic(script, asset_test_script(plugin, test));
    ProcessResult r = run_process({"nrniv", "-nogui", "-nobanner", script.string()}, work, extra_env, timeout);
    AssetTestResult result;
    if (r.timed_out) {
        result.timed_out = true;
        result.step = last_step(r.output);
        result.message = relevant_output(r.output);
        return result;
    }
    result.ok = r.ok() && r.output.find(kOkMarker) != std::string::npos;
    if (!result.ok) {
        result.message = relevant_output(r.output);
        if (r.output.find("glia-test: failed with v") != std::string::npos) {
            size_t at = r.output.find("glia-test: failed with v");
            result.message += (result.message.empty() ? "" : "\n") +
                              r.output.substr(at + 11, r.output.find('\n', at) - at - 11);
        }
        if (!r.ok()) {
            result.message += (result.message.empty() ? "" : "\n") + std::string("nrniv exited with status ") +
                              std::to_string(r.exit_code);
        }
    }
    return result;
}

} // namespace glia
