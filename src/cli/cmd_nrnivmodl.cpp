// glia nrnivmodl: NEURON's nrnivmodl, from glia's cache (tools/model_library.hpp).

#include "build_printer.hpp"
#include "commands.hpp"
#include "options.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "tools/model_library.hpp"
#include "base/text.hpp"
#include "build/toolchain.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

namespace glia::cli {

int cmd_nrnivmodl(const Args& given) {
    // nrnivmodl spells its options with one dash.
    Args args;
    for (const auto& arg : given) {
        args.push_back(arg == "-incflags" || arg == "-loadflags" || arg == "-coreneuron" ? "-" + arg : arg);
    }
    po::options_description options("options");
    ModelLibraryOptions model;
    std::vector<std::string> inputs;
    unsigned jobs = 0;
    options.add_options()("incflags", po::value<std::string>(&model.incflags), "flags added to every compile (as nrnivmodl's -incflags)")(
        "loadflags", po::value<std::string>(&model.loadflags), "flags added to the link (as nrnivmodl's -loadflags)")(
        "strict", "a mod that fails fails the build and nothing is written, as in nrnivmodl")(
        "no-glia", "leave glia's plugin out of the library (no builtins, no packages)")(
        "jobs,j", po::value<unsigned>(&jobs), "parallel compiles (default: number of cores)")(
        "force", "rebuild everything, ignoring the cache")("verbose,v", "print every command")(
        "coreneuron", "not supported")("input", po::value<std::vector<std::string>>(&inputs), "folders or mod files");
    po::positional_options_description positional;
    positional.add("input", -1);
    po::variables_map vm;
    if (!parse_options(args, "glia nrnivmodl [-incflags FLAGS] [-loadflags FLAGS] [--strict] [--no-glia] [-j N] [DIR|MOD...]",
                       options, vm, positional)) {
        return 0;
    }
    if (vm.count("coreneuron")) {
        throw Error("glia nrnivmodl does not build for CoreNEURON; use NEURON's nrnivmodl -coreneuron");
    }
    auto start = std::chrono::steady_clock::now();
    model.folder = fs::current_path();
    model.inputs.assign(inputs.begin(), inputs.end());
    model.strict = vm.count("strict") > 0;
    if (!vm.count("no-glia")) {
        model.plugin = fs::canonical(existing_plugin());
    }
    model.advice = {"run 'glia nrnivmodl' in the model folder to see why",
                    "run 'glia nrnivmodl' again, or 'glia nrnivmodl --no-glia' to leave glia out"};
    // NEURON's nrnivmodl leaves MODL_INCLUDE to nocmodl; glia's build passes it on itself, so that the folders
    // are part of every key they can change. A relative folder is taken from the model folder.
    if (const char* folders = std::getenv("MODL_INCLUDE")) {
        for (const auto& folder : split(folders, ':')) {
            if (!folder.empty()) {
                model.build.modl_include.push_back(fs::absolute(folder, model.folder));
            }
        }
    }
    model.build.jobs = jobs;
    model.build.force = vm.count("force") > 0;
    model.build.verbose = vm.count("verbose") > 0;
    BuildPrinter printer;
    model.build.observer = &printer;
    ModelLibraryResult result = build_model_library(model, detect_toolchain(), cache_root());
    printer.finish();

    for (const auto& failure : result.failures) {
        std::cerr << "FAILED: " << failure.file.string() << " failed to " << failure.stage << ":\n"
                  << shown(failure.message);
        if (!failure.message.empty() && !failure.message.ends_with("\n")) {
            std::cerr << "\n";
        }
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::cout << "glia: " << result.mods.mods.size() << " mods: " << result.stats.compiled << " compiled, "
              << result.stats.reused << " up to date, " << result.stats.linked << " linked";
    if (!result.failures.empty()) {
        std::cout << ", " << result.failures.size() << " failed";
    }
    if (result.library.empty()) {
        std::cout << "; --strict: nothing written" << std::endl;
        return 1;
    }
    std::cout << (result.changed ? "; wrote " : "; unchanged: ") << fs::relative(result.library).string();
    if (model.build.verbose) {
        std::cout << " (" << ms << " ms)";
    }
    std::cout << std::endl;
    return result.failures.empty() ? 0 : 1;
}

} // namespace glia::cli
