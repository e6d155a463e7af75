#include "packages/package_list.hpp"

#include "base/error.hpp"
#include "base/names.hpp"
#include "base/remedy.hpp"
#include "base/suggest.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace glia {

bool PackageList::contains(const std::string& name) const {
    return std::any_of(packages.begin(), packages.end(), [&](const ListedPackage& p) { return p.name == name; });
}

std::optional<PackageList> model_package_list(const fs::path& model_dir) {
    const char* variable = std::getenv(kLoadVariable);
    if (variable && *variable) {
        PackageList list{{}, kLoadVariable};
        std::string text = variable;
        for (size_t start = 0; start <= text.size();) {
            size_t end = std::min(text.find(',', start), text.find(':', start));
            end = end == std::string::npos ? text.size() : end;
            std::string name = text.substr(start, end - start);
            name.erase(0, name.find_first_not_of(" \t"));
            name.erase(name.find_last_not_of(" \t") + 1);
            if (!name.empty() && !list.contains(name)) {
                check_name(name, NamePart::package, std::string(kLoadVariable) + "=" + text);
                list.packages.push_back({name, kLoadVariable});
            }
            start = end + 1;
        }
        return list;
    }
    if (model_dir.empty()) {
        return std::nullopt;
    }
    std::optional<fs::path> file = find_project_file(model_dir);
    if (!file) {
        return std::nullopt;
    }
    Preferences prefs = load_preferences(*file);
    if (!prefs.load) {
        return std::nullopt;
    }
    return PackageList{*prefs.load, file->string()};
}

std::vector<Diagnostic> listed_but_missing(const PackageList& list, const std::vector<Package>& installed) {
    std::vector<std::string> names;
    for (const auto& package : installed) {
        names.push_back(package.name);
    }
    std::vector<Diagnostic> errors;
    for (const auto& listed : list.packages) {
        if (std::find(names.begin(), names.end(), listed.name) != names.end()) {
            continue;
        }
        std::string error = listed.origin + ": package '" + listed.name + "' is listed to load but not installed";
        error += did_you_mean(listed.name, names);
        errors.push_back(
            located(error + " (see '" + Remedy{Remedy::Kind::list_packages} + "'; install it or take it off the list)",
                    {.package = listed.name}));
    }
    return errors;
}

Message left_out_by_list(const PackageList& list, std::string_view asset, const std::vector<Package>& installed) {
    std::set<std::string> providers;
    for (const auto& package : installed) {
        for (const auto& mod : package.mods) {
            if (!list.contains(package.name) && (mod.name.asset == asset || mod.name.full() == asset)) {
                providers.insert(package.name);
            }
        }
    }
    if (providers.empty()) {
        return {};
    }
    std::vector<std::string> names(providers.begin(), providers.end()), listed;
    for (const auto& package : list.packages) {
        listed.push_back(package.name);
    }
    listed.push_back(names.front());
    bool several = names.size() > 1, variable = list.source == kLoadVariable;
    std::string provide =
        several ? "packages '" + join(names, "', '") + "' provide" : "package '" + names.front() + "' provides";
    Message where = variable ? Message(Remedy{Remedy::Kind::load_list_setting}) : "the `load:` list of " + list.source;
    Message added = variable ? Message(Remedy{Remedy::Kind::load_list_setting, listed})
                             : Message("load: [" + join(listed, ", ") + "]");
    return "unknown mechanism '" + std::string(asset) + "': " + provide + " it, but " + where + " leaves " +
           (several ? "them" : names.front()) + " out, so glia did not load " + (several ? "them" : "it") + ". Add " +
           (several ? "one of them" : names.front()) + " to the list (" + added + ") and start NEURON again";
}

} // namespace glia
