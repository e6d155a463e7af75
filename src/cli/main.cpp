// The glia command: a dispatcher over subcommands, each a thin shell over the core.

#include "advice.hpp"
#include "commands.hpp"

#include "build/build.hpp"
#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/suggest.hpp"
#include "build/toolchain.hpp"

#include <boost/program_options/errors.hpp>

#include <cstring>
#include <functional>
#include <iostream>
#include <map>

namespace {

struct Command {
    std::function<int(const glia::cli::Args&)> run;
    const char* summary;
};

const std::map<std::string, Command>& commands() {
    using namespace glia::cli;
    static const std::map<std::string, Command> table = {
        {"cache", {cmd_cache, "print the cache directory; --clear empties it, --gc removes what is unused"}},
        {"compile", {cmd_compile, "build every package into the cache (only what changed)"}},
        {"list", {cmd_list, "list installed packages and their assets"}},
        {"select", {cmd_select, "choose which package/variant an asset means (global or --project)"}},
        {"unselect", {cmd_unselect, "remove a choice made with select"}},
        {"show", {cmd_show, "explain an asset: candidates, preferences in force, what it resolves to"}},
        {"show-pkg", {cmd_show_pkg, "show a package: path, version, mechanisms"}},
        {"new", {cmd_new, "create a package skeleton (manifest, README, mods/)"}},
        {"add", {cmd_add, "copy a .mod file into the current package"}},
        {"check", {cmd_check, "validate a package: names, manifest, every mod translates"}},
        {"import", {cmd_import, "turn a folder of .mod files (e.g. a ModelDB model) into a package"}},
        {"install", {cmd_install, "install a package folder or .tar.gz into the user package directory"}},
        {"uninstall", {cmd_uninstall, "remove a package from the user package directory"}},
        {"test", {cmd_test, "try mechanisms in a real nrniv: [OK]/[ERROR] per asset"}},
        {"diff", {cmd_diff, "compare providers of an asset by behaviour in nrniv: table, verdict, --plot"}},
        {"doctor", {cmd_doctor, "check the NEURON toolchain and say how to fix what is broken"}},
        {"nrnivmodl", {cmd_nrnivmodl, "build a model folder's mods as NEURON's nrnivmodl does, from the cache"}},
        {"lock", {cmd_lock, "pin a model's mechanisms in glia.lock (content hashes)"}},
    };
    return table;
}

void usage(std::ostream& out) {
    out << "usage: glia <command> [options]\n\n"
           "glia manages NEURON mechanisms as packages: it finds them, compiles them into one\n"
           "cached library per package and lets models ask for abstract names like Kv1.\n\ncommands:\n";
    for (const auto& [name, command] : commands()) {
        out << "  " << name << std::string(12 - name.size(), ' ') << command.summary << "\n";
    }
    out << "\nRun 'glia <command> --help' for the options of one command.\n";
}

} // namespace

namespace glia::cli {
void warn(const std::string& text) { std::cerr << "glia: " << text << "\n"; }
void warn(const Diagnostic& problem) { warn(shown(problem)); }
std::string shown(const Diagnostic& problem) { return advice::render(problem); }
std::string shown(const Message& message) { return advice::render(message); }

Discovery discover_and_warn() {
    Discovery found = discover_packages();
    for (const auto& problem : found.problems) {
        warn(problem);
    }
    return found;
}

void build_before_timed_runs(const Discovery& found) {
    BuildOptions build;
    build.link_set = true;
    build.reuse_failures = true; // as a start: a mod that failed unchanged is not compiled again
    try {
        build_packages(found.packages, detect_toolchain(), cache_root(), build);
    } catch (const Error&) {
        // No toolchain, or a cache it cannot write: each run's start meets it and says so.
    }
}
} // namespace glia::cli

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        usage(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::cout << "glia " << GLIA_VERSION << " (NEURON " << glia::neuron_target_version() << ")\n";
        return 0;
    }
    std::string name = argv[1];
    auto it = commands().find(name);
    if (it == commands().end()) {
        std::vector<std::string> names;
        for (const auto& [n, c] : commands()) {
            names.push_back(n);
        }
        std::cerr << "glia: unknown command '" << name << "'" << glia::did_you_mean(name, names)
                  << " (run 'glia --help' for the list)\n";
        return 2;
    }
    try {
        return it->second.run(glia::cli::Args(argv + 2, argv + argc));
    } catch (const boost::program_options::error& e) {
        std::cerr << "glia " << name << ": " << e.what() << " (run 'glia " << name << " --help')\n";
        return 2;
    } catch (const glia::Error& e) {
        std::cerr << "glia " << name << ": " << glia::cli::shown(e.diagnostic()) << "\n";
        return 1;
    } catch (const std::exception& e) {
        std::cerr << "glia " << name << ": internal error: " << e.what() << "\n";
        return 3;
    }
}
