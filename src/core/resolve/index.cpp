#include "resolve/index.hpp"

#include "base/remedy.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <tuple>
#include <set>

namespace glia {

namespace {

// nocmodl's notes of its progress ("Translating x.mod into y.c", "INCLUDEing h.inc") and of each place it
// tried for an include ("Couldn't open: dir/h.inc"): they say where it was, not what went wrong.
bool progress_note(std::string_view line) {
    return line.starts_with("Translating ") || line.starts_with("INCLUDEing ") || line.starts_with("Couldn't open: ");
}

// The line of a failure's message that says why: the first, past blank lines and nocmodl's notes (so a
// missing nested include is named, not the file that included it); a heading such as nocmodl's
// "syntax error:" takes the next line along.
std::string summary_line(std::string_view message) {
    std::vector<std::string> kept;
    for (const auto& line : split_lines(message)) {
        std::string text = trim(line);
        if (text.empty() || (kept.empty() && progress_note(line))) {
            continue;
        }
        kept.push_back(text);
        if (text.back() != ':' || kept.size() == 2) {
            break;
        }
    }
    return join(kept, " ");
}

// The same for a message: glia's own (a failed load, with what to do) keeps its first line whole.
Message summary_line(const Message& message) {
    if (message.remedies().empty()) {
        return summary_line(std::string_view(message.plain()));
    }
    Message line;
    for (const auto& part : message.parts()) {
        const auto* text = std::get_if<std::string>(&part);
        if (text && text->find('\n') != std::string::npos) {
            return line + text->substr(0, text->find('\n'));
        }
        line += text ? Message(*text) : Message(std::get<Remedy>(part));
    }
    return line;
}

} // namespace

std::string Candidate::neuron_name() const {
    return name.package == kNeuronPackage ? name.asset : name.full();
}

namespace {

/// The order of the index: by asset, then package, then variant.
bool by_asset(const Candidate& a, const Candidate& b) {
    return std::tie(a.name.asset, a.name.package, a.name.variant) < std::tie(b.name.asset, b.name.package, b.name.variant);
}

} // namespace

Index::Index(const std::vector<Package>& packages, const std::vector<BuiltinMechanism>& builtins,
             const std::function<bool(const ModFile&)>& included) {
    size_t count = builtins.size();
    for (const auto& package : packages) {
        count += package.mods.size();
    }
    candidates_.reserve(count);
    for (const auto& package : packages) {
        for (const auto& mod : package.mods) {
            if (mod.nmodl.kind != MechanismKind::nothing && (!included || included(mod))) {
                candidates_.push_back(Candidate{mod.name, mod.nmodl.kind});
            }
        }
    }
    for (const auto& builtin : builtins) {
        candidates_.push_back(
            Candidate{MechanismName{std::string(kNeuronPackage), builtin.name, std::string(kDefaultVariant)}, builtin.kind});
    }
    std::sort(candidates_.begin(), candidates_.end(), by_asset);
    candidates_.shrink_to_fit(); // SUFFIX-nothing mods left out
}

std::span<const Candidate> Index::find(std::string_view asset) const {
    auto first = std::partition_point(candidates_.begin(), candidates_.end(),
                                      [&](const Candidate& c) { return c.name.asset < asset; });
    auto last = std::partition_point(first, candidates_.end(), [&](const Candidate& c) { return c.name.asset == asset; });
    return {first, last};
}

const Candidate* Index::find_full(const MechanismName& name) const {
    for (const auto& candidate : find(name.asset)) {
        if (candidate.name == name) {
            return &candidate;
        }
    }
    return nullptr;
}

std::vector<std::string> Index::asset_names() const {
    std::vector<std::string> names;
    for (const auto& c : candidates_) {
        if (names.empty() || names.back() != c.name.asset) {
            names.push_back(c.name.asset);
        }
    }
    return names;
}

std::vector<std::string> Index::package_names() const {
    std::set<std::string> names;
    for (const auto& c : candidates_) {
        names.insert(c.name.package);
    }
    return {names.begin(), names.end()};
}

void Index::add_unbuilt(const ModFile& mod, std::string_view stage, const Message& message) {
    if (mod.nmodl.kind == MechanismKind::nothing) {
        return; // not resolvable when built either
    }
    Unbuilt entry{Candidate{mod.name, mod.nmodl.kind}, mod.path, summary_line(message), {}};
    // A clash's and a failed load's own message says what to do; a build's full output is long.
    if (stage == "translate" || stage == "compile" || stage == "link") {
        entry.reason = "it failed to " + std::string(stage) + ": " + entry.reason;
        entry.fix = "run '" + Remedy{Remedy::Kind::build, {mod.name.package}} +
                    "' to see the whole message, fix what it names, and start NEURON again";
    }
    unbuilt_[mod.name.asset].push_back(std::move(entry));
}

const std::vector<Unbuilt>* Index::unbuilt(std::string_view asset) const {
    auto it = unbuilt_.find(asset);
    return it == unbuilt_.end() ? nullptr : &it->second;
}

const Unbuilt* Index::find_unbuilt(const MechanismName& name) const {
    if (const auto* entries = unbuilt(name.asset)) {
        for (const auto& entry : *entries) {
            if (entry.candidate.name == name) {
                return &entry;
            }
        }
    }
    return nullptr;
}

bool Index::has_package(std::string_view package) const {
    return std::any_of(candidates_.begin(), candidates_.end(), [&](const Candidate& c) { return c.name.package == package; });
}

} // namespace glia
