// glia show [ASSET] and glia show-pkg NAME: what an asset can mean, which preference is in force
// and from which scope, and what it resolves to; or what a package holds. The explanation is the
// core's (ScopeStack::explain), the same that glia_insert follows inside NEURON.

#include "commands.hpp"
#include "json.hpp"
#include "options.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "preferences/preferences.hpp"
#include "resolve/scopes.hpp"
#include "base/suggest.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <iostream>

namespace glia::cli {

namespace {

Json constraint_json(const Constraint& c) {
    return Json::object()
        .set("package", c.package.empty() ? Json::null() : Json(c.package))
        .set("variant", c.variant.empty() ? Json::null() : Json(c.variant));
}

Json candidate_json(const Candidate& c) {
    return Json::object()
        .set("package", c.name.package)
        .set("asset", c.name.asset)
        .set("variant", c.name.variant)
        .set("kind", std::string(kind_name(c.kind)))
        .set("name", c.neuron_name());
}

Json text_or_null(const std::string& text) { return text.empty() ? Json::null() : Json(text); }
Json text_or_null(const Message& text) { return text.empty() ? Json::null() : Json(text); }

/// The global and project scopes as the CLI sees them (script and context exist only in NEURON).
ScopeStack file_scopes(const Index& index, std::vector<Diagnostic>& errors) {
    ScopeStack scopes;
    errors = scopes.load_files(global_preferences_path(), find_project_file(fs::current_path()));
    for (const auto& warning : scopes.check_installed(index)) {
        warn("warning: " + shown(warning));
    }
    return scopes;
}

Index discovered_index(Discovery& found) {
    found = discover_and_warn();
    return Index(found.packages);
}

/// `glia show` without an asset: every file preference.
int show_files(const ScopeStack& scopes, bool json) {
    if (json) {
        Json out = Json::array();
        for (const auto& scope : scopes.scopes()) {
            if (scope.kind != ScopeKind::global && scope.kind != ScopeKind::project) {
                continue;
            }
            Json assets = Json::array();
            for (const auto& [asset, s] : scope.prefs.assets) {
                assets.push(constraint_json(s.constraint).set("asset", asset).set("origin", s.origin));
            }
            Json packages = Json::array();
            for (const auto& s : scope.prefs.packages) {
                packages.push(constraint_json(s.constraint).set("origin", s.origin));
            }
            out.push(Json::object()
                         .set("scope", std::string(scope_kind_name(scope.kind)))
                         .set("file", scope.file.empty() ? Json::null() : Json(scope.file.string()))
                         .set("error", scope.error ? Json(shown(*scope.error)) : Json::null())
                         .set("problem", scope.error ? diagnostic_json(*scope.error) : Json::null())
                         .set("assets", assets)
                         .set("packages", packages));
        }
        std::cout << out.dump() << "\n";
        return 0;
    }
    int status = 0;
    for (const auto& scope : scopes.scopes()) {
        if (scope.kind != ScopeKind::global && scope.kind != ScopeKind::project) {
            continue;
        }
        std::cout << scope_kind_name(scope.kind) << ": "
                  << (scope.file.empty() ? std::string("no glia.yaml here or in a parent directory")
                                         : scope.file.string())
                  << "\n";
        if (scope.error) {
            std::cout << "  cannot be read: " << shown(*scope.error) << "\n";
            status = 1;
        } else if (scope.prefs.empty()) {
            std::cout << "  (no preferences)\n";
        }
        for (const auto& [asset, s] : scope.prefs.assets) {
            std::cout << "  " << asset << ": " << describe(s.constraint) << "  [" << s.origin << "]\n";
        }
        for (const auto& s : scope.prefs.packages) {
            std::cout << "  every asset of " << s.constraint.package << ": " << describe(s.constraint) << "  ["
                      << s.origin << "]\n";
        }
    }
    return status;
}

int show_asset(const Explanation& ex, bool json) {
    if (json) {
        Json candidates = Json::array();
        for (const auto& c : ex.candidates) {
            candidates.push(candidate_json(c));
        }
        Json preferences = Json::array();
        for (const auto& c : ex.contributions) {
            preferences.push(constraint_json(c.constraint)
                                 .set("scope", std::string(scope_kind_name(c.kind)))
                                 .set("label", c.scope)
                                 .set("origin", text_or_null(c.origin))
                                 .set("package_wide", c.package_wide));
        }
        Json out = Json::object()
                       .set("asset", ex.asset)
                       .set("candidates", candidates)
                       .set("preferences", preferences)
                       .set("in_force", constraint_json(ex.combined)
                                            .set("package_from", text_or_null(ex.package_from))
                                            .set("variant_from", text_or_null(ex.variant_from)))
                       .set("resolves_to", ex.resolved ? candidate_json(*ex.resolved) : Json::null())
                       .set("error", ex.error ? Json(shown(*ex.error)) : Json::null())
                       .set("problem", ex.error ? diagnostic_json(*ex.error) : Json::null());
        std::cout << out.dump() << "\n";
        return ex.resolved ? 0 : 1;
    }
    std::cout << ex.asset << ": " << ex.candidates.size() << (ex.candidates.size() == 1 ? " candidate" : " candidates")
              << "\n";
    size_t width = 0;
    for (const auto& c : ex.candidates) {
        width = std::max(width, c.name.pretty().size());
    }
    for (const auto& c : ex.candidates) {
        bool chosen = ex.resolved && ex.resolved->name == c.name;
        std::string pretty = c.name.pretty();
        std::cout << (chosen ? "  * " : "    ") << pretty << std::string(width - pretty.size() + 2, ' ')
                  << c.neuron_name() << "  (" << kind_name(c.kind) << ")\n";
    }
    if (ex.contributions.empty()) {
        std::cout << "preferences: none (the resolver's rules decide)\n";
    } else {
        std::cout << "preferences, weakest first:\n";
        for (const auto& c : ex.contributions) {
            std::cout << "  " << shown(describe(c)) << "\n";
        }
        std::cout << "in force: "
                  << (ex.combined.package.empty()
                          ? "any package"
                          : "package " + ex.combined.package + " (from " + shown(ex.package_from) + ")")
                  << ", "
                  << (ex.combined.variant.empty()
                          ? "any variant"
                          : "variant " + ex.combined.variant + " (from " + shown(ex.variant_from) + ")")
                  << "\n";
    }
    if (ex.resolved) {
        std::cout << "resolves to: " << ex.resolved->neuron_name() << "  (" << ex.resolved->name.pretty() << ")\n";
        return 0;
    }
    std::cout << "does not resolve: " << (ex.error ? shown(*ex.error) : std::string()) << "\n";
    return 1;
}

// One row per mechanism of a package: (asset, variant, kind, NEURON name, file), plus who else
// has the asset.
struct PackageRow {
    Candidate candidate;
    std::string file;
    std::vector<std::string> also;
};

// The rows of package `name`: `package`'s mods, or NEURON's built-in mechanisms when it is null.
std::vector<PackageRow> package_rows(const Index& index, const std::string& name, const Package* package) {
    auto others = [&](const std::string& asset) {
        std::vector<std::string> out;
        for (const auto& c : index.find(asset)) {
            if (c.name.package != name && std::find(out.begin(), out.end(), c.name.package) == out.end()) {
                out.push_back(c.name.package);
            }
        }
        return out;
    };
    std::vector<PackageRow> rows;
    if (package) {
        for (const auto& mod : package->mods) {
            rows.push_back({Candidate{mod.name, mod.nmodl.kind}, mod.path.string(), others(mod.name.asset)});
        }
    } else {
        for (const auto& builtin : neuron_builtins()) {
            Candidate c{MechanismName{name, builtin.name, std::string(kDefaultVariant)}, builtin.kind};
            rows.push_back({c, "", others(builtin.name)});
        }
    }
    return rows;
}

void print_package_json(const std::string& name, const Package* package, const std::vector<PackageRow>& rows) {
    Json mods = Json::array();
    for (const auto& row : rows) {
        Json also = Json::array();
        for (const auto& p : row.also) {
            also.push(p);
        }
        mods.push(candidate_json(row.candidate).set("file", text_or_null(row.file)).set("also_from", also));
    }
    Json out = Json::object().set("name", name);
    if (package) {
        out.set("version", text_or_null(package->version))
            .set("description", text_or_null(package->description))
            .set("path", package->dir.string())
            .set("origin", package->origin)
            .set("distribution", distribution_json(*package));
    }
    std::cout << out.set("mods", mods).dump() << "\n";
}

void print_package_text(const std::string& name, const Package* package, const std::vector<PackageRow>& rows) {
    if (package) {
        std::cout << package->name << (package->version.empty() ? "" : " " + package->version) << "\n";
        if (!package->description.empty()) {
            std::cout << "  " << package->description << "\n";
        }
        std::cout << "  path: " << package->dir.string() << "\n";
        std::cout << "  from: " << shown(package_source(*package)) << "\n";
    } else {
        std::cout << name << ": NEURON's built-in mechanisms\n";
    }
    std::cout << "  " << rows.size() << (rows.size() == 1 ? " mechanism" : " mechanisms") << ":\n";
    for (const auto& row : rows) {
        const MechanismName& n = row.candidate.name;
        std::cout << "    " << n.asset << "  variant " << n.variant << "  " << kind_name(row.candidate.kind) << "  "
                  << row.candidate.neuron_name();
        if (!row.also.empty()) {
            std::cout << "  (also from " << join(row.also, ", ") << ")";
        }
        std::cout << "\n";
    }
}

} // namespace

int cmd_show(const Args& args) {
    po::options_description options("options");
    std::string asset, package, variant;
    options.add_options()("asset", po::value<std::string>(&asset), "the abstract name, e.g. Kv1")(
        "pkg", po::value<std::string>(&package), "as if one call asked for this package")(
        "variant", po::value<std::string>(&variant), "as if one call asked for this variant")(
        "json", "print JSON instead of text");
    po::positional_options_description positional;
    positional.add("asset", 1);
    po::variables_map vm;
    if (!parse_options(args,
                       "glia show [ASSET] [--pkg=PACKAGE] [--variant=VARIANT] [--json]\n\n"
                       "Shows the candidates for ASSET, the preferences in force (global file, project\n"
                       "glia.yaml) and from which scope each comes, and what ASSET resolves to; --pkg and\n"
                       "--variant play the part of one call's arguments. Without ASSET, lists the\n"
                       "preferences of both files. Script and context scopes exist only inside NEURON\n"
                       "(glia_resolve tells what an asset means there).",
                       options, vm, positional)) {
        return 0;
    }
    Discovery found;
    Index index = discovered_index(found);
    std::vector<Diagnostic> errors;
    ScopeStack scopes = file_scopes(index, errors);
    if (asset.empty()) {
        return show_files(scopes, vm.count("json") > 0);
    }
    return show_asset(scopes.explain(index, asset, Constraint{package, variant}), vm.count("json") > 0);
}

// The stages: read the options, find the package (or say it is not installed), collect its rows,
// print them as JSON or text.
int cmd_show_pkg(const Args& args) {
    po::options_description options("options");
    std::string name;
    options.add_options()("package", po::value<std::string>(&name), "the package name")("json",
                                                                                          "print JSON instead of text");
    po::positional_options_description positional;
    positional.add("package", 1);
    po::variables_map vm;
    if (!parse_options(args,
                       "glia show-pkg PACKAGE [--json]\n\n"
                       "Shows a package: where it is, its version and description, and its mechanisms\n"
                       "with the other packages that provide the same assets. PACKAGE may be NEURON,\n"
                       "for NEURON's built-in mechanisms.",
                       options, vm, positional)) {
        return 0;
    }
    if (name.empty()) {
        throw Error("which package? usage: glia show-pkg PACKAGE (see 'glia list')");
    }
    Discovery found;
    Index index = discovered_index(found);
    auto it =
        std::find_if(found.packages.begin(), found.packages.end(), [&](const Package& p) { return p.name == name; });
    const Package* package = it == found.packages.end() ? nullptr : &*it;
    if (!package && name != kNeuronPackage) {
        std::string error = "package '" + name + "' is not installed" + did_you_mean(name, index.package_names()) +
                            " (see 'glia list')";
        if (!vm.count("json")) {
            throw Error(error);
        }
        // As 'glia show ASSET --json' does for an asset that does not resolve: JSON saying why, status 1.
        std::cout << Json::object().set("name", name).set("error", error).dump() << "\n";
        return 1;
    }
    std::vector<PackageRow> rows = package_rows(index, name, package);
    if (vm.count("json")) {
        print_package_json(name, package, rows);
    } else {
        print_package_text(name, package, rows);
    }
    return 0;
}

} // namespace glia::cli
