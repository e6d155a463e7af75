// glia select / glia unselect: the global preferences file (or, with --project, the project's
// glia.yaml). The file is changed line by line under a lock and replaced atomically; the rules
// of what a preference means are the core's (preferences/preferences.hpp, resolve/scopes.hpp).

#include "commands.hpp"
#include "options.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "preferences/preferences.hpp"
#include "resolve/scopes.hpp"

#include <iostream>

namespace glia::cli {

namespace {

const char* kFileHelp =
    "\nThe global file is ${XDG_CONFIG_HOME:-~/.config}/glia/preferences.yaml; with --project it is the\n"
    "glia.yaml of the working directory or its nearest parent (created here if there is none).\n"
    "Stronger scopes override it: project < script (glia_select) < context < one call.\n"
    "A file looks like this (comments are kept when glia changes it):\n\n"
    "    assets:\n"
    "      Kv1: {package: example, variant: fast}\n"
    "      Nav16: {variant: slow}\n"
    "    packages:        # package-wide defaults: every asset these packages have\n"
    "      - lab\n";

// What a preferences file glia starts (or lays out afresh without comments) tells whoever opens it.
constexpr const char* kFileHeader =
    "# glia preferences: which mechanism an abstract name means ('glia show ASSET' explains).\n"
    "# 'glia select' and 'glia unselect' change only the entries they name; comments are kept.\n";

fs::path target_file(bool project) {
    if (!project) {
        return global_preferences_path();
    }
    fs::path cwd = fs::current_path();
    return find_project_file(cwd).value_or(cwd / kProjectFileName);
}

/// Changes the file, turning a malformed file's error into one that says it was left alone.
FileUpdate change_file(const fs::path& file, const std::function<void(Preferences&)>& change) {
    try {
        return update_preferences_file(file, change, kFileHeader);
    } catch (const ParseError& e) {
        throw ParseError(
            retold(e.diagnostic(), {}, "\nglia did not change the file; fix it by hand, then run this again"));
    }
}

void note_comments(const FileUpdate& update, const fs::path& file) {
    if (update.changed && update.relaid_out) {
        warn("note: " + file.string() +
             " was laid out afresh in block style (glia edits only block style line by line); its comments were "
             "kept, each one above the entries");
    }
}

} // namespace

int cmd_select(const Args& args) {
    po::options_description options("options");
    std::string asset, package, variant;
    options.add_options()("asset", po::value<std::string>(&asset), "the abstract name, e.g. Kv1")(
        "pkg", po::value<std::string>(&package), "the package to take it from")(
        "variant", po::value<std::string>(&variant), "the variant to take")(
        "project", "change the project's glia.yaml instead of the global file")(
        "force", "record it even if nothing installed matches (a warning instead of an error)");
    po::positional_options_description positional;
    positional.add("asset", 1);
    po::variables_map vm;
    if (!parse_options(args,
                       "glia select ASSET [--pkg=PACKAGE] [--variant=VARIANT] [--project] [--force]\n"
                       "       glia select --pkg=PACKAGE [--variant=VARIANT] [--project] [--force]\n\n"
                       "Chooses which mechanism ASSET means. Without ASSET, --pkg becomes a package-wide\n"
                       "default: every asset PACKAGE has comes from it.\n" +
                           std::string(kFileHelp),
                       options, vm, positional)) {
        return 0;
    }
    Constraint choice{package, variant};
    if (asset.empty() && package.empty()) {
        throw Error("say what to choose: 'glia select ASSET --pkg=PACKAGE [--variant=VARIANT]', or "
                    "'glia select --pkg=PACKAGE' for a package-wide default (see 'glia select --help')");
    }
    if (!asset.empty() && choice.empty()) {
        throw Error("'glia select " + asset + "' needs --pkg, --variant or both (see 'glia show " + asset +
                    "' for the candidates)");
    }
    Discovery found = discover_and_warn();
    Index index(found.packages);
    try {
        if (asset.empty()) {
            check_package_selection(index, choice);
        } else {
            check_selection(index, asset, choice);
        }
    } catch (const PreferenceError& e) {
        if (!vm.count("force")) {
            throw PreferenceError(retold(e.diagnostic(), {}, "\nNothing was changed (--force records it anyway)"));
        }
        warn("warning: " + shown(e.diagnostic()));
    }
    fs::path file = target_file(vm.count("project") > 0);
    FileUpdate update = change_file(file, [&](Preferences& prefs) {
        if (asset.empty()) {
            prefs.select_package(choice);
        } else {
            prefs.select(asset, choice);
        }
    });
    std::string what = asset.empty() ? "every asset of " + package + " now comes from " + describe(choice)
                                     : asset + " now prefers " + describe(choice);
    std::cout << "glia: " << what << (update.changed ? "" : " (it already did)") << "  [" << file.string() << "]\n";
    note_comments(update, file);
    return 0;
}

int cmd_unselect(const Args& args) {
    po::options_description options("options");
    std::string asset, package;
    options.add_options()("asset", po::value<std::string>(&asset), "the abstract name, e.g. Kv1")(
        "pkg", po::value<std::string>(&package), "remove this package-wide default instead")(
        "project", "change the project's glia.yaml instead of the global file");
    po::positional_options_description positional;
    positional.add("asset", 1);
    po::variables_map vm;
    if (!parse_options(args,
                       "glia unselect ASSET [--project]\n"
                       "       glia unselect --pkg=PACKAGE [--project]\n\n"
                       "Removes the choice for ASSET (or the package-wide default for PACKAGE), so the\n"
                       "weaker scopes and the resolver's rules decide again.\n" +
                           std::string(kFileHelp),
                       options, vm, positional)) {
        return 0;
    }
    if (asset.empty() == package.empty()) {
        throw Error("give either an asset ('glia unselect Kv1') or a package-wide default ('glia unselect "
                    "--pkg=lab'), not both or neither");
    }
    fs::path file = target_file(vm.count("project") > 0);
    boost::system::error_code ec;
    if (!fs::exists(file, ec)) {
        std::cout << "glia: nothing to remove: " << file.string() << " does not exist\n";
        return 0;
    }
    FileUpdate update = change_file(file, [&](Preferences& prefs) {
        if (asset.empty()) {
            prefs.unselect_package(package);
        } else {
            prefs.unselect(asset);
        }
    });
    std::string what = asset.empty() ? "package-wide default for " + package : "choice for " + asset;
    std::cout << "glia: " << (update.changed ? "removed the " + what : "there was no " + what) << "  ["
              << file.string() << "]\n";
    note_comments(update, file);
    return 0;
}

} // namespace glia::cli
