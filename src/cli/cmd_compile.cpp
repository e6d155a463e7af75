#include "build_printer.hpp"
#include "commands.hpp"
#include "options.hpp"

#include "build/build.hpp"
#include "store/cache.hpp"
#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "start/preflight.hpp"
#include "build/toolchain.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>

namespace glia::cli {

namespace {

// Leaves only the packages named in `only`, each of which must be there.
void keep_only(std::vector<Package>& packages, const std::vector<std::string>& only) {
    for (const auto& name : only) {
        bool known = false;
        for (const auto& package : packages) {
            known = known || package.name == name;
        }
        if (!known) {
            throw Error("no package named '" + name + "' on the search path ('glia list' shows what is there)");
        }
    }
    std::erase_if(packages, [&](const Package& package) {
        return std::find(only.begin(), only.end(), package.name) == only.end();
    });
}

} // namespace

int cmd_compile(const Args& args) {
    po::options_description options("options");
    unsigned jobs = 0;
    std::vector<std::string> only;
    options.add_options()("jobs,j", po::value<unsigned>(&jobs), "parallel compiles (default: number of cores)")(
        "force", "rebuild everything, ignoring the cache")("verbose,v", "print every command and what was hashed")(
        "package", po::value<std::vector<std::string>>(&only), "build only these packages (default: all)");
    po::positional_options_description positional;
    positional.add("package", -1);
    po::variables_map vm;
    if (!parse_options(args, "glia compile [-j N] [--force] [--verbose] [package...]", options, vm, positional)) {
        return 0;
    }
    auto start = std::chrono::steady_clock::now();
    Discovery found = discover_and_warn();
    if (!only.empty()) {
        keep_only(found.packages, only);
    }
    Toolchain toolchain = detect_toolchain();
    BuildPrinter printer;
    BuildOptions build;
    build.jobs = jobs;
    build.force = vm.count("force") > 0;
    build.verbose = vm.count("verbose") > 0;
    build.link_set = only.empty(); // the set every package loads, so the next NEURON start opens one library
    build.observer = &printer;
    BuildResult result = build_packages(found.packages, toolchain, cache_root(), build);
    printer.finish();

    size_t failed = 0;
    size_t total = 0;
    std::vector<const ModFile*> built;
    for (size_t p = 0; p < result.libraries.size(); ++p) {
        const auto& lib = result.libraries[p];
        for (const auto& failure : lib.failures) {
            std::cerr << "FAILED: " << shown(failure.describe());
            ++failed;
        }
        total += found.packages[p].mods.size();
        auto in_library = mods_in(lib, found.packages[p]);
        built.insert(built.end(), in_library.begin(), in_library.end());
    }
    // The same check the plugin makes before loading, against NEURON's built-in names; the
    // plugin also sees names hoc code defined before it was loaded.
    PreflightResult checked = preflight(built, neuron_builtin_names());
    for (const auto& clash : checked.clashes) {
        std::cerr << "CLASH: " << shown(clash.describe()) << "\n";
    }
    std::cout << "glia: " << result.stats.compiled << " compiled, " << result.stats.reused << " up to date, "
              << result.stats.linked << " linked";
    if (result.stats.sets_linked) {
        std::cout << ", 1 set library linked"; // the one library a NEURON start opens for all the packages
    }
    if (failed) {
        std::cout << ", " << failed << " failed";
    }
    if (!checked.left_out.empty()) {
        std::cout << ", " << checked.left_out.size() << " left out by name clashes";
    }
    std::cout << std::endl;
    if (build.verbose) {
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::cout << "glia: " << result.stats.translated << " translated, " << result.stats.hashed << " hashed, "
                  << (total - result.stats.hashed) << " known by stamps, " << found.mods_read
                  << " read by discovery; " << ms << " ms; cache "
                  << cache_root().string() << std::endl;
    }
    return failed || !checked.left_out.empty() ? 1 : 0;
}

} // namespace glia::cli
