#include "glia/index.hpp"

#include <algorithm>
#include <set>

namespace glia {

std::string Candidate::neuron_name() const {
    return name.package == kNeuronPackage ? name.asset : name.full();
}

Index::Index(const std::vector<Package>& packages, const std::vector<BuiltinMechanism>& builtins) {
    for (const auto& package : packages) {
        for (const auto& mod : package.mods) {
            if (mod.nmodl.kind != MechanismKind::nothing) {
                assets_[mod.name.asset].push_back(Candidate{mod.name, mod.nmodl.kind});
            }
        }
    }
    for (const auto& builtin : builtins) {
        assets_[builtin.name].push_back(
            Candidate{MechanismName{std::string(kNeuronPackage), builtin.name, std::string(kDefaultVariant)}, builtin.kind});
    }
    for (auto& [asset, candidates] : assets_) {
        std::sort(candidates.begin(), candidates.end(),
                  [](const Candidate& a, const Candidate& b) { return a.name < b.name; });
    }
}

const std::vector<Candidate>* Index::find(std::string_view asset) const {
    auto it = assets_.find(asset);
    return it == assets_.end() ? nullptr : &it->second;
}

const Candidate* Index::find_full(const MechanismName& name) const {
    if (const auto* candidates = find(name.asset)) {
        for (const auto& candidate : *candidates) {
            if (candidate.name == name) {
                return &candidate;
            }
        }
    }
    return nullptr;
}

std::vector<std::string> Index::asset_names() const {
    std::vector<std::string> names;
    for (const auto& [asset, candidates] : assets_) {
        names.push_back(asset);
    }
    return names;
}

std::vector<std::string> Index::package_names() const {
    std::set<std::string> names;
    for (const auto& [asset, candidates] : assets_) {
        for (const auto& c : candidates) {
            names.insert(c.name.package);
        }
    }
    return {names.begin(), names.end()};
}

bool Index::has_package(std::string_view package) const {
    for (const auto& [asset, candidates] : assets_) {
        for (const auto& c : candidates) {
            if (c.name.package == package) {
                return true;
            }
        }
    }
    return false;
}

} // namespace glia
