#include "resolve/scopes.hpp"

#include "base/error.hpp"
#include "base/suggest.hpp"

namespace glia {

namespace {

/// True if `asset` has a candidate from `package` (in `variant`, or any when it is empty).
bool provides(const Index& index, std::string_view asset, std::string_view package, std::string_view variant) {
    for (const auto& c : index.find(asset)) {
        if (c.name.package == package && (variant.empty() || c.name.variant == variant)) {
            return true;
        }
    }
    return false;
}

/// "package 'P' is not installed", with the installed names closest to it.
std::string package_not_installed(const Index& index, const std::string& package) {
    return "package '" + package + "' is not installed" + did_you_mean(package, index.package_names());
}

std::string list_candidates(const std::vector<Candidate>& candidates) {
    std::string text;
    for (const auto& c : candidates) {
        text += "\n  " + c.name.pretty() + "  (NEURON name " + c.neuron_name() + ")";
    }
    return text;
}

/// The scopes that asked something, for an error message.
// A preference that applies to nothing, as `e` says, told at `where` (its entry or its scope).
Diagnostic unused(const PreferenceError& e, const Message& where, const Message& after = {}) {
    Diagnostic warning = retold(e.diagnostic(), where + ": ", after);
    warning.severity = Severity::warning;
    return warning;
}

Message in_force(const std::vector<Contribution>& contributions) {
    Message text = "\nThe preferences in force for it, weakest first:";
    for (const auto& c : contributions) {
        text += "\n  " + describe(c);
    }
    return text;
}

} // namespace

Message describe(const Contribution& c) {
    return c.scope + ": " + describe(c.constraint) + (c.package_wide ? " (package-wide default)" : "") +
           (c.origin.empty() ? "" : "  [" + c.origin + "]");
}

std::string_view scope_kind_name(ScopeKind kind) {
    switch (kind) {
    case ScopeKind::global: return "global";
    case ScopeKind::project: return "project";
    case ScopeKind::script: return "script";
    case ScopeKind::context: return "context";
    case ScopeKind::call: return "call";
    }
    return "scope";
}

ScopeStack::ScopeStack(std::function<void(std::uint64_t)> on_change) : on_change_(std::move(on_change)) {
    scopes_.push_back(Scope{ScopeKind::global, "global", {}, {}, {}});
    scopes_.push_back(Scope{ScopeKind::project, "project", {}, {}, {}});
    scopes_.push_back(Scope{ScopeKind::script, "script (" + Remedy{Remedy::Kind::choose_for_script} + ")", {}, {}, {}});
}

void ScopeStack::changed() {
    ++generation_;
    if (on_change_) {
        on_change_(generation_);
    }
}

std::vector<Diagnostic> ScopeStack::load_files(const fs::path& global_file,
                                               const std::optional<fs::path>& project_file) {
    std::vector<Diagnostic> errors;
    auto load = [&](Scope& scope, const fs::path& file, const char* kind) {
        scope.file = file;
        scope.label = file.empty() ? std::string(kind) : std::string(kind) + " (" + file.string() + ")";
        scope.prefs = {};
        scope.error.reset();
        if (file.empty()) {
            return;
        }
        try {
            scope.prefs = load_preferences(file);
        } catch (const Error& e) {
            scope.error = e.diagnostic();
            errors.push_back(e.diagnostic());
        }
    };
    load(scopes_[kGlobal], global_file, "global");
    load(scopes_[kProject], project_file.value_or(fs::path()), "project");
    changed();
    return errors;
}

std::vector<Diagnostic> ScopeStack::check_installed(const Index& index) const {
    std::vector<Diagnostic> warnings;
    for (const auto& scope : scopes_) {
        if (scope.error) {
            continue;
        }
        for (const auto& [asset, selection] : scope.prefs.assets) {
            try {
                check_selection(index, asset, selection.constraint);
            } catch (const PreferenceError& e) {
                warnings.push_back(unused(e, selection.origin.empty() ? scope.label : selection.origin));
            }
        }
        for (const auto& selection : scope.prefs.packages) {
            try {
                check_package_selection(index, selection.constraint);
            } catch (const PreferenceError& e) {
                warnings.push_back(unused(e, selection.origin.empty() ? scope.label : selection.origin,
                                          "; this default applies to nothing"));
            }
        }
    }
    return warnings;
}

void ScopeStack::select(const Index& index, const std::string& asset, const Constraint& constraint) {
    check_selection(index, asset, constraint);
    scopes_[kScript].prefs.select(asset, constraint);
    changed();
}

bool ScopeStack::unselect(std::string_view asset) {
    bool removed = scopes_[kScript].prefs.unselect(asset);
    if (removed) {
        changed();
    }
    return removed;
}

void ScopeStack::select_package(const Index& index, const Constraint& constraint) {
    check_package_selection(index, constraint);
    scopes_[kScript].prefs.select_package(constraint);
    changed();
}

bool ScopeStack::unselect_package(std::string_view package) {
    bool removed = scopes_[kScript].prefs.unselect_package(package);
    if (removed) {
        changed();
    }
    return removed;
}

void ScopeStack::clear_script() {
    scopes_[kScript].prefs = {};
    changed();
}

size_t ScopeStack::push_context(const Index& index, const Constraint& package_wide) {
    Scope scope{ScopeKind::context, "context " + std::to_string(context_depth() + 1), {}, {}, {}};
    if (!package_wide.empty()) {
        check_package_selection(index, package_wide);
        scope.prefs.select_package(package_wide);
    }
    scopes_.push_back(std::move(scope));
    changed();
    return context_depth();
}

void ScopeStack::context_select(const Index& index, const std::string& asset, const Constraint& constraint) {
    if (context_depth() == 0) {
        throw PreferenceError("cannot choose '" + asset + "' for a context: no context is open (open one with " +
                                  Remedy{Remedy::Kind::open_context} + ", or use " +
                                  Remedy{Remedy::Kind::choose_for_script} + " for the whole script)",
                              {.asset = asset});
    }
    check_selection(index, asset, constraint);
    scopes_.back().prefs.select(asset, constraint);
    changed();
}

size_t ScopeStack::pop_context() {
    if (context_depth() == 0) {
        throw PreferenceError("no context to pop: every " + Remedy{Remedy::Kind::close_context} + " needs a " +
                              Remedy{Remedy::Kind::open_context} + " before it");
    }
    scopes_.pop_back();
    changed();
    return context_depth();
}

void ScopeStack::throw_if_broken() const {
    for (const auto& scope : scopes_) {
        if (scope.error) {
            throw PreferenceError("the " + std::string(scope_kind_name(scope.kind)) +
                                      " preferences cannot be read: " + scope.error->message +
                                      "\nglia does not guess around a broken preferences file and left it unchanged: "
                                      "fix it, then reload (" +
                                      Remedy{Remedy::Kind::reload_preferences} + " in NEURON)",
                                  {.file = scope.file.string()});
        }
    }
}

Constraint ScopeStack::combine(const Index& index, std::string_view asset, const Constraint& call) const {
    throw_if_broken();
    auto has = [&](std::string_view package, std::string_view variant) {
        return provides(index, asset, package, variant);
    };
    Constraint combined;
    for (const auto& scope : scopes_) {
        if (!scope.prefs.empty()) {
            combined = combined.overridden_by(scope.prefs.for_asset(asset, has));
        }
    }
    return combined.overridden_by(call);
}

std::vector<Contribution> ScopeStack::contributions(const Index& index, std::string_view asset,
                                                    const Constraint& call) const {
    auto has = [&](std::string_view package, std::string_view variant) {
        return provides(index, asset, package, variant);
    };
    std::vector<Contribution> out;
    for (const auto& scope : scopes_) {
        const Selection* own = nullptr;
        const Selection* package_wide = nullptr;
        Constraint c = scope.prefs.for_asset(asset, has, &own, &package_wide);
        if (!c.empty()) {
            // An asset entry that names a package leaves nothing of the package-wide default.
            bool wide_counts = package_wide && (!own || own->constraint.package.empty());
            std::string origin = own ? own->origin : package_wide->origin;
            if (own && wide_counts && !package_wide->origin.empty()) {
                origin += (origin.empty() ? "" : ", ") + package_wide->origin;
            }
            out.push_back(Contribution{scope.kind, scope.label, c, origin, wide_counts});
        }
    }
    if (!call.empty()) {
        out.push_back(Contribution{ScopeKind::call, "this call", call, {}, false});
    }
    return out;
}

const Candidate& ScopeStack::resolve(const Index& index, std::string_view name, const Constraint& call) const {
    if (is_full_name(name)) {
        return glia::resolve(index, name);
    }
    Constraint combined = combine(index, name, call);
    try {
        return glia::resolve(index, name, combined);
    } catch (const ResolveError& e) {
        if (combined.empty()) {
            throw;
        }
        throw ResolveError(retold(e.diagnostic(), {}, in_force(contributions(index, name, call))));
    }
}

Explanation ScopeStack::explain(const Index& index, std::string_view asset, const Constraint& call) const {
    Explanation ex;
    ex.asset = std::string(asset);
    try {
        if (is_full_name(asset)) {
            ex.resolved = glia::resolve(index, asset);
            ex.candidates.push_back(*ex.resolved);
            return ex;
        }
        std::span<const Candidate> candidates = index.find(asset);
        ex.candidates.assign(candidates.begin(), candidates.end());
        ex.contributions = contributions(index, asset, call);
        for (const auto& c : ex.contributions) {
            Constraint next = ex.combined.overridden_by(c.constraint);
            if (!c.constraint.package.empty()) {
                ex.package_from = c.scope;
            }
            if (!c.constraint.variant.empty()) {
                ex.variant_from = c.scope;
            } else if (next.variant.empty()) {
                ex.variant_from = {};
            }
            ex.combined = next;
        }
        ex.resolved = resolve(index, asset, call);
    } catch (const Error& e) {
        ex.error = e.diagnostic();
    }
    return ex;
}

void check_selection(const Index& index, std::string_view asset, const Constraint& constraint) {
    check_choice_given(asset, constraint);
    // Installed but not built counts as installed: resolving it then says why it is not built.
    std::span<const Candidate> loaded = index.find(asset);
    std::vector<Candidate> candidates(loaded.begin(), loaded.end());
    if (const auto* unbuilt = index.unbuilt(asset)) {
        for (const auto& u : *unbuilt) {
            candidates.push_back(u.candidate);
        }
    }
    if (candidates.empty()) {
        throw PreferenceError("cannot choose for '" + std::string(asset) + "': no installed package provides it" +
                                  did_you_mean(asset, index.asset_names()) + " (see '" +
                                  Remedy{Remedy::Kind::list_packages} + "')",
                              {.asset = std::string(asset)});
    }
    for (const auto& c : candidates) {
        if (constraint.admits(c.name)) {
            return;
        }
    }
    std::string reason = !constraint.package.empty() && !index.has_package(constraint.package)
                             ? " (" + package_not_installed(index, constraint.package) + ")"
                             : "";
    throw PreferenceError("no installed candidate of '" + std::string(asset) + "' has " + describe(constraint) +
                              reason + "; the candidates are:" + list_candidates(candidates),
                          {.package = constraint.package, .asset = std::string(asset)});
}

void check_package_selection(const Index& index, const Constraint& constraint) {
    check_package_given(constraint);
    if (!index.has_package(constraint.package)) {
        throw PreferenceError(package_not_installed(index, constraint.package) + " (see '" +
                                  Remedy{Remedy::Kind::list_packages} + "')",
                              {.package = constraint.package});
    }
    if (constraint.variant.empty()) {
        return;
    }
    for (const auto& asset : index.asset_names()) {
        if (provides(index, asset, constraint.package, constraint.variant)) {
            return;
        }
    }
    throw PreferenceError("package '" + constraint.package + "' has no asset in variant '" + constraint.variant +
                              "' (see '" + Remedy{Remedy::Kind::show_package, {constraint.package}} + "')",
                          {.package = constraint.package});
}

} // namespace glia
