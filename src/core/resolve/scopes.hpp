#pragma once
/// \file
/// The scopes of preferences and their combination into one Constraint per asset
/// (docs/architecture.md, "Preferences and resolution").
///
/// Scopes, weakest first; a stronger one overrides a weaker one field by field (package, variant):
///   1. global   `${XDG_CONFIG_HOME:-~/.config}/glia/preferences.yaml` (`glia select`)
///   2. project  the `glia.yaml` of the working directory or its nearest parent
///   3. script   `glia_select(...)`, for the rest of the process
///   4. context  pushed and popped around a block of code; an inner context is stronger
///   5. call     the package and variant arguments of one call
///
/// The plugin and the CLI both resolve and explain through this file, so `glia show` says
/// exactly what `glia_insert` does.

#include "resolve/index.hpp"
#include "preferences/preferences.hpp"
#include "resolve/resolver.hpp"

#include <cstdint>
#include <functional>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// Which kind of scope a preference lives in.
enum class ScopeKind { global, project, script, context, call };

/// "global", "project", "script", "context" or "call".
std::string_view scope_kind_name(ScopeKind kind);

/// Prints `scope_kind_name(kind)`.
inline std::ostream& operator<<(std::ostream& out, ScopeKind kind) { return out << scope_kind_name(kind); }

/// One scope and the preferences it holds.
struct Scope {
    ScopeKind kind;
    /// For messages: `global preferences (/home/u/.config/glia/preferences.yaml)`, `context 2`, ...
    Message label;
    /// The file of a global or project scope (empty when there is none).
    fs::path file;
    Preferences prefs;
    /// Why the file could not be read; while set, resolving through the scopes fails with it.
    std::optional<Diagnostic> error;
};

/// What one scope asks of one asset.
struct Contribution {
    ScopeKind kind;
    Message scope;          ///< the scope's label
    Constraint constraint;  ///< what it asks, after its own package-wide default and asset entry
    std::string origin;     ///< `file:line:column` of the entry that decided it, if from a file
    bool package_wide = false; ///< whether a package-wide default contributed
};

/// "label: what it asks", marked when a package-wide default contributed, with `[origin]`: one
/// line of the list that `glia show` prints and a resolution error quotes.
Message describe(const Contribution& c);

/// Everything that decides how an asset resolves, for `glia show` and for error messages.
struct Explanation {
    std::string asset;
    std::vector<Candidate> candidates;        ///< every candidate; empty for an unknown asset
    std::vector<Contribution> contributions;  ///< the scopes that ask something, weakest first
    Constraint combined;                      ///< the constraint in force
    Message package_from;                     ///< label of the scope whose package is in force
    Message variant_from;                     ///< label of the scope whose variant is in force
    std::optional<Candidate> resolved;        ///< what it resolves to, if it does
    std::optional<Diagnostic> error;          ///< why it does not resolve
};

/// The stack of scopes: global, project, script, then the contexts (innermost last).
class ScopeStack {
  public:
    /// `on_change` (if given) receives the new generation after every change of any scope, so a
    /// front end can keep a copy of it where another language reads it (the plugin, for Python).
    explicit ScopeStack(std::function<void(std::uint64_t generation)> on_change = {});

    /// Reads the global and the project file (if any). A malformed file does not throw: its
    /// scope keeps no preferences and records the error, and resolution fails with it until
    /// the file is fixed and read again. Returns the errors, one message each.
    std::vector<Diagnostic> load_files(const fs::path& global_file, const std::optional<fs::path>& project_file);

    /// Warnings for file preferences that name what `index` does not have (never silent:
    /// a per-asset one also fails when used; a package-wide one would otherwise never apply).
    std::vector<Diagnostic> check_installed(const Index& index) const;

    /// Script scope: chooses for `asset` after checking against `index` (check_selection).
    void select(const Index& index, const std::string& asset, const Constraint& constraint);
    /// Script scope: removes the choice for `asset`; false if there was none.
    bool unselect(std::string_view asset);
    /// Script scope: a package-wide default, checked against `index` (check_package_selection).
    void select_package(const Index& index, const Constraint& constraint);
    /// Script scope: removes the package-wide default for `package`; false if there was none.
    bool unselect_package(std::string_view package);
    /// Script scope: removes every choice.
    void clear_script();

    /// Opens a context, with a package-wide default unless `package_wide` is empty (checked
    /// against `index`). Returns the number of open contexts.
    size_t push_context(const Index& index, const Constraint& package_wide = {});
    /// Chooses for `asset` in the innermost context; throws PreferenceError when none is open.
    void context_select(const Index& index, const std::string& asset, const Constraint& constraint);
    /// Closes the innermost context and returns how many stay open; throws PreferenceError when
    /// none is open.
    size_t pop_context();
    size_t context_depth() const { return scopes_.size() - kFirstContext; }

    /// Every scope, weakest first.
    const std::vector<Scope>& scopes() const { return scopes_; }

    /// Grows with every change of any scope (a resolution cache compares it).
    std::uint64_t generation() const { return generation_; }

    /// The constraint in force for `asset` with the single-use `call` constraint. Throws
    /// PreferenceError if a preferences file is broken.
    Constraint combine(const Index& index, std::string_view asset, const Constraint& call = {}) const;

    /// Resolves `name` through every scope. Full `glia__...` names pass through untouched.
    /// Throws ResolveError (saying which scope asked for what) or PreferenceError.
    const Candidate& resolve(const Index& index, std::string_view name, const Constraint& call = {}) const;

    /// Why `asset` resolves as it does (or does not); never throws a glia::Error.
    Explanation explain(const Index& index, std::string_view asset, const Constraint& call = {}) const;

  private:
    /// Where each fixed scope stands in scopes_; the contexts follow them, innermost last.
    enum Slot : size_t { kGlobal, kProject, kScript, kFirstContext };
    std::vector<Scope> scopes_;
    std::uint64_t generation_ = 0;
    std::function<void(std::uint64_t)> on_change_;

    /// Called after every change: a new generation, which on_change_ hears of.
    void changed();

    void throw_if_broken() const;
    std::vector<Contribution> contributions(const Index& index, std::string_view asset, const Constraint& call) const;
};

/// Checks that a choice for `asset` names something installed: the asset exists and at least one
/// of its candidates has the package and variant asked for. Throws PreferenceError otherwise,
/// listing the candidates (or close names for an unknown asset).
void check_selection(const Index& index, std::string_view asset, const Constraint& constraint);

/// Checks that a package-wide default names an installed package (that has the variant, if it
/// names one). Throws PreferenceError otherwise, suggesting close package names.
void check_package_selection(const Index& index, const Constraint& constraint);

} // namespace glia
