#include "commands.hpp"
#include "options.hpp"

#include "glia/build.hpp"
#include "glia/cache.hpp"
#include "glia/discovery.hpp"
#include "glia/toolchain.hpp"

#include <iostream>

namespace glia::cli {

int cmd_compile(const Args& args) {
    po::options_description options("options");
    unsigned jobs = 0;
    options.add_options()("jobs,j", po::value<unsigned>(&jobs), "parallel compiles (default: number of cores)")(
        "force", "rebuild everything, ignoring the cache")("verbose,v", "print every command");
    po::variables_map vm;
    if (!parse_options(args, "glia compile [-j N] [--force] [--verbose]", options, vm)) {
        return 0;
    }
    Discovery found = discover_packages();
    for (const auto& problem : found.problems) {
        warn(problem);
    }
    Toolchain toolchain = detect_toolchain();
    BuildOptions build;
    build.jobs = jobs;
    build.force = vm.count("force") > 0;
    build.verbose = vm.count("verbose") > 0;
    build.log = [](const std::string& line) { std::cout << line << std::endl; };
    BuildResult result = build_packages(found.packages, toolchain, cache_root(), build);
    for (const auto& lib : result.libraries) {
        for (const auto& failure : lib.failures) {
            std::cerr << "FAILED: " << failure.describe();
        }
    }
    std::cout << "glia: " << result.stats.compiled << " compiled, " << result.stats.reused << " up to date, "
              << result.stats.linked << " linked";
    size_t failed = 0;
    for (const auto& lib : result.libraries) {
        failed += lib.failures.size();
    }
    if (failed) {
        std::cout << ", " << failed << " failed";
    }
    std::cout << std::endl;
    return failed ? 1 : 0;
}

} // namespace glia::cli
