// glia lock: pins a model's mechanisms (resolve/lockfile.hpp has the format and the rules).

#include "commands.hpp"
#include "options.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "resolve/lockfile.hpp"
#include "preferences/preferences.hpp"
#include "resolve/scopes.hpp"

#include <iostream>

namespace glia::cli {
namespace {

// What a lock file tells whoever opens it.
constexpr const char* kLockHeader =
    "# glia.lock -- written by 'glia lock'. While this file is in the working directory, glia\n"
    "# refuses to load packages whose locked mechanisms changed. Re-run 'glia lock' to accept\n"
    "# changes; delete the file to stop checking.\n";

} // namespace

int cmd_lock(const Args& args) {
    po::options_description options("options");
    options.add_options()("asset", po::value<std::vector<std::string>>(),
                          "assets (or full names) the model uses; default: every unambiguous asset")(
        "model", po::value<std::string>()->default_value("."), "the model's folder, where glia.lock goes")(
        "check", "only check the existing glia.lock against the installed mechanisms");
    po::positional_options_description positional;
    positional.add("asset", -1);
    po::variables_map vm;
    if (!parse_options(args, "glia lock [ASSET...] [--model DIR] [--check]", options, vm, positional)) {
        return 0;
    }
    fs::path model = vm["model"].as<std::string>();
    fs::path path = model / kLockName;
    boost::system::error_code ec;
    if (!fs::is_directory(model, ec)) {
        throw Error(model.string() + ": no such folder (glia lock --model DIR takes the model's folder)");
    }
    if (vm.count("check")) {
        if (!fs::exists(path, ec)) {
            throw Error(path.string() + " does not exist; write one with 'glia lock' in " + model.string());
        }
        check_lock_in(model, discover_packages().packages); // throws LockMismatch naming what changed
        std::cout << path.string() << ": every locked mechanism is unchanged\n";
        return 0;
    }
    Discovery found = discover_and_warn();
    std::vector<std::string> assets;
    if (vm.count("asset")) {
        assets = vm["asset"].as<std::vector<std::string>>();
    }
    // What the model resolves to: the global preferences and the model's own glia.yaml apply.
    ScopeStack scopes;
    for (const auto& error : scopes.load_files(global_preferences_path(), find_project_file(fs::absolute(model)))) {
        warn(error);
    }
    std::vector<LockSkip> skipped;
    Lock lock = make_lock(found.packages, assets, &skipped,
                          [&](const Index& index, std::string_view name) -> const Candidate& {
                              return scopes.resolve(index, name);
                          });
    write_file_atomic(path, format_lock(lock, kLockHeader));
    for (const auto& entry : lock.entries) {
        std::cout << "locked " << entry.asset << " -> " << entry.name.full() << "  " << entry.hash << "\n";
    }
    for (const auto& skip : skipped) {
        std::cout << "not locked: " << skip.asset << ": " << shown(skip.reason) << "\n";
    }
    std::cout << "wrote " << path.string() << " (" << lock.entries.size() << " mechanisms)\n";
    return 0;
}

} // namespace glia::cli
