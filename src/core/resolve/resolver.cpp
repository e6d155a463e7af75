#include "resolve/resolver.hpp"

#include "base/error.hpp"
#include "base/suggest.hpp"

#include <algorithm>
#include <set>

namespace glia {

namespace {

std::string list_candidates(const Index& index, const std::vector<const Candidate*>& candidates) {
    std::string text;
    for (const auto* c : candidates) {
        text += "\n  " + c->name.pretty() + "  (NEURON name " + c->neuron_name() + ")";
        if (!index.find_full(c->name) && index.find_unbuilt(c->name)) {
            text += "  installed but not built";
        }
    }
    return text;
}

// `chosen`, unless it is installed but not built: then why not, and what to do.
const Candidate& loadable(const Index& index, std::string_view name, const Candidate& chosen) {
    if (index.find_full(chosen.name)) {
        return chosen;
    }
    const Unbuilt* unbuilt = index.find_unbuilt(chosen.name);
    if (!unbuilt) {
        throw InternalError("resolved '" + std::string(name) + "' to " + chosen.name.full() + ", which is not indexed");
    }
    Message text = "'" + std::string(name) + "' ";
    if (name != chosen.name.full()) {
        text += "means " + chosen.name.full() + ", which ";
    }
    text += "is installed (package '" + chosen.name.package + "', file " + unbuilt->file.string() +
            ") but not built, so NEURON does not have it: " + unbuilt->reason;
    if (!unbuilt->fix.empty()) {
        text += "\nTo use it: " + unbuilt->fix;
    }
    throw ResolveError(text);
}

Message how_to_choose(std::string_view asset, const std::vector<const Candidate*>& candidates) {
    const Candidate& example = *candidates.front();
    Remedy choose{Remedy::Kind::choose, {std::string(asset), example.name.package}};
    if (example.name.variant != kDefaultVariant) {
        choose.args.push_back(example.name.variant);
    }
    return "\nChoose one with: " + choose + "   (or pass the package and variant to this call)";
}

} // namespace

const Candidate& resolve(const Index& index, std::string_view name, const Constraint& constraint) {
    if (is_full_name(name)) {
        MechanismName full = parse_full_name(name);
        if (const Candidate* c = index.find_full(full)) {
            return *c;
        }
        if (const Unbuilt* u = index.find_unbuilt(full)) {
            return loadable(index, name, u->candidate);
        }
        throw ResolveError("'" + std::string(name) + "' is not installed: no package '" + full.package +
                           "' provides asset '" + full.asset + "' in variant '" + full.variant +
                           "' (see '" + Remedy{Remedy::Kind::list_packages} + "')", {.asset = std::string(name)});
    }
    std::span<const Candidate> candidates = index.find(name);
    const auto* unbuilt = index.unbuilt(name);
    if (candidates.empty() && !unbuilt) {
        throw ResolveError("unknown mechanism '" + std::string(name) + "': no installed package provides it" +
                           did_you_mean(name, index.asset_names()) + " (see '" + Remedy{Remedy::Kind::list_packages} +
                           "' for every asset)", {.asset = std::string(name)});
    }
    // Installed candidates that did not build still count: choosing another in their place would
    // be a guess, and one chosen is reported as not built.
    std::vector<const Candidate*> all, matching;
    auto consider = [&](const Candidate& c) {
        all.push_back(&c);
        if (constraint.admits(c.name)) {
            matching.push_back(&c);
        }
    };
    for (const auto& c : candidates) {
        consider(c);
    }
    if (unbuilt) {
        for (const auto& u : *unbuilt) {
            consider(u.candidate);
        }
    }
    auto by_name = [](const Candidate* a, const Candidate* b) { return a->name < b->name; };
    std::sort(all.begin(), all.end(), by_name);
    std::sort(matching.begin(), matching.end(), by_name);
    if (matching.empty()) {
        std::string reason = !constraint.package.empty() && !index.has_package(constraint.package)
                                 ? " (package '" + constraint.package + "' is not installed)"
                                 : "";
        throw ResolveError("no candidate for '" + std::string(name) + "' matches " + describe(constraint) + reason +
                           "; the candidates are:" + list_candidates(index, all));
    }
    if (matching.size() == 1) {
        return loadable(index, name, *matching.front());
    }
    std::set<std::string> packages;
    const Candidate* default_variant = nullptr;
    for (const auto* c : matching) {
        packages.insert(c->name.package);
        if (c->name.variant == kDefaultVariant) {
            default_variant = c;
        }
    }
    if (packages.size() == 1 && default_variant) {
        return loadable(index, name, *default_variant);
    }
    throw ResolveError("'" + std::string(name) + "' is ambiguous: " + std::to_string(matching.size()) +
                       " candidates match" + list_candidates(index, matching) + how_to_choose(name, matching));
}

} // namespace glia
