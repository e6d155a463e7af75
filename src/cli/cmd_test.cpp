// glia test: tries mechanisms in a real nrniv, one process each (tools/asset_test.hpp).

#include "commands.hpp"
#include "options.hpp"

#include "tools/asset_test.hpp"
#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "base/install_dirs.hpp"
#include "packages/package.hpp"
#include "preferences/preferences.hpp"
#include "resolve/resolver.hpp"
#include "resolve/scopes.hpp"
#include "base/text.hpp"

#include <cstdlib>
#include <iostream>

namespace glia::cli {

fs::path plugin_path() {
    return env_or("GLIA_PLUGIN", installed_plugin().string());
}

fs::path existing_plugin() {
    fs::path plugin = plugin_path();
    boost::system::error_code ec;
    if (!fs::exists(plugin, ec)) {
        throw Error("the plugin " + plugin.string() +
                    " does not exist; install glia ('meson install -C build') or set GLIA_PLUGIN to a built "
                    "libglia.so ('glia doctor' checks the setup)");
    }
    return plugin;
}

std::string put_package_first(const fs::path& dir) {
    if (!is_package_dir(dir)) {
        throw Error(dir.string() + " is not a package (no " + std::string(kManifestName) + ")");
    }
    std::string name = load_package(dir).name;
    std::string path = env_or("GLIA_PATH", "");
    ::setenv("GLIA_PATH", (dir.string() + (path.empty() ? "" : ":" + path)).c_str(), 1);
    return name;
}

int cmd_test(const Args& args) {
    po::options_description options("options");
    options.add_options()("asset", po::value<std::vector<std::string>>(), "assets or full names to try")(
        "package", po::value<std::string>(),
        "a package folder to test (default: the current folder, if it is a package)")(
        "timeout", po::value<std::string>()->default_value("60"),
        "seconds each mechanism's nrniv may take before it is stopped (0: no limit)");
    po::positional_options_description positional;
    positional.add("asset", -1);
    po::variables_map vm;
    if (!parse_options(args, "glia test [ASSET...] [--package DIR] [--timeout SECONDS]", options, vm, positional)) {
        return 0;
    }
    std::chrono::seconds timeout = parse_timeout(vm["timeout"].as<std::string>());
    fs::path plugin = existing_plugin();
    boost::system::error_code ec;
    // A package being written is tried in place: it goes first on the search path of this
    // command and of every nrniv it starts.
    fs::path local;
    if (vm.count("package")) {
        local = fs::absolute(vm["package"].as<std::string>());
    } else if (is_package_dir(fs::current_path())) {
        local = fs::current_path();
    }
    std::string local_name = local.empty() ? std::string() : put_package_first(local);
    Discovery found = discover_and_warn();
    build_before_timed_runs(found);
    Index index(found.packages);
    std::vector<AssetTest> tests;
    if (vm.count("asset")) {
        // Asset names mean what they mean to a model run here: global and project preferences apply.
        ScopeStack scopes;
        for (const auto& error : scopes.load_files(global_preferences_path(), find_project_file(fs::current_path()))) {
            warn(error);
        }
        for (const auto& asset : vm["asset"].as<std::vector<std::string>>()) {
            const Candidate& c = scopes.resolve(index, asset);
            if (c.name.package == kNeuronPackage) {
                throw Error("'" + asset + "' is NEURON's built-in " + c.neuron_name() + "; glia test tries packages' mechanisms");
            }
            tests.push_back({asset, c.name, c.kind});
        }
    } else {
        for (const auto& package : found.packages) {
            if (!local_name.empty() && package.name != local_name) {
                continue;
            }
            for (const auto& mod : package.mods) {
                if (mod.nmodl.kind == MechanismKind::nothing) {
                    std::cout << "[SKIP]  " << mod.name.pretty() << ": SUFFIX nothing, no mechanism to insert\n";
                    continue;
                }
                tests.push_back({mod.name.asset, mod.name, mod.nmodl.kind});
            }
        }
    }
    if (tests.empty()) {
        throw Error("nothing to test: no packages found (install one with 'glia install DIR', or run 'glia test' "
                    "inside a package)");
    }
    fs::path work = fs::temp_directory_path() / fs::unique_path("glia-test-%%%%%%%%");
    fs::create_directories(work);
    int failed = 0;
    for (const auto& test : tests) {
        AssetTestResult result = run_asset_test(plugin, test, work, {}, timeout);
        if (result.timed_out) {
            result.message += std::string(result.message.empty() ? "" : "\n") + "still running after " +
                              std::to_string(timeout.count()) + " s (--timeout)" +
                              (result.step.empty() ? "" : " while " + result.step) + "; nrniv was stopped";
        }
        std::cout << (result.ok ? "[OK]    " : "[ERROR] ") << test.asset << "  " << test.name.full() << "  ("
                  << kind_name(test.kind) << ")\n";
        if (!result.ok) {
            ++failed;
            for (const auto& line : split_lines(result.message)) {
                std::cout << "        " << line << "\n";
            }
        }
        std::cout.flush();
    }
    fs::remove_all(work, ec);
    std::cout << tests.size() - failed << " ok, " << failed << " failed\n";
    return failed ? 1 : 0;
}

} // namespace glia::cli
