#include "start/preflight.hpp"

#include "packages/discovery.hpp"
#include "resolve/index.hpp"
#include "base/remedy.hpp"

#include <map>

namespace glia {

std::vector<std::string> registered_names(const ModFile& mod) {
    if (mod.nmodl.kind != MechanismKind::nothing) {
        return {mod.own_name ? mod.nmodl.name : mod.name.full()};
    }
    std::vector<std::string> names;
    for (const auto& function : mod.nmodl.functions) {
        bool seen = false;
        for (const auto& name : names) {
            seen = seen || name == function;
        }
        if (!seen) {
            names.push_back(function);
        }
    }
    return names;
}

Message NameClash::describe() const {
    Message text = "name clash on '" + name + "': " + left_out.pretty() + " (package '" + left_out.package +
                   "', file " + file.string() + ") is left out because ";
    if (kept.package.empty()) {
        text += "NEURON already has a '" + name + "' (a built-in, another loaded library, or a name hoc code "
                "used before glia was loaded). Load glia before defining '" + name +
                "', or rename it in a copy of package '" + left_out.package + "'.";
    } else {
        text += kept.pretty() + " (package '" + kept.package + "', file " + kept_file.string() +
                ") defines it too and was taken first. To choose " + left_out.package + "'s instead, " +
                (kept.package == left_out.package ? "take one of the two mods out of package '" + kept.package + "'"
                                                  : advice_to_remove(kept.package, kept_file)) +
                "; '" + Remedy{Remedy::Kind::list_packages} + "' shows where each package comes from.";
    }
    return text;
}

PreflightResult preflight(const std::vector<const ModFile*>& mods,
                          const std::function<bool(const std::string&)>& exists) {
    PreflightResult result;
    std::map<std::string, const ModFile*> claimed;
    for (const ModFile* mod : mods) {
        auto names = registered_names(*mod);
        // All or nothing per mod: its registration function adds every name at once.
        bool clash = false;
        for (const auto& name : names) {
            auto it = claimed.find(name);
            if (it != claimed.end()) {
                result.clashes.push_back(NameClash{name, mod->name, mod->path, it->second->name, it->second->path});
                clash = true;
            } else if (exists && exists(name)) {
                result.clashes.push_back(NameClash{name, mod->name, mod->path, {}, {}});
                clash = true;
            }
        }
        if (clash) {
            result.left_out.insert(mod->name);
            continue;
        }
        for (const auto& name : names) {
            claimed.emplace(name, mod);
        }
    }
    return result;
}

std::function<bool(const std::string&)> neuron_builtin_names() {
    return [](const std::string& name) {
        for (const auto& builtin : neuron_builtins()) {
            if (builtin.name == name) {
                return true;
            }
        }
        return false;
    };
}

} // namespace glia
