#pragma once
/// \file
/// Preferences: which concrete mechanism an abstract name should mean, as one scope holds them,
/// and the YAML files that store them (docs/architecture.md, "Preferences and resolution").
///
/// Two files use this format: the global `${XDG_CONFIG_HOME:-~/.config}/glia/preferences.yaml`
/// (written by `glia select`) and a project's `glia.yaml` (the working directory's or the nearest
/// parent's). Both keys are optional; an empty file (or one with only comments) prefers nothing.
///
///     assets:                               # one choice per asset
///       Kv1: {package: example, variant: fast}
///       Nav16: {variant: slow}              # a variant only: from whichever package has it
///     packages:                             # package-wide defaults, the first that applies wins
///       - lab                               # every asset lab has comes from lab
///       - {package: lab2, variant: fast}    # ... and from lab2 in variant fast where it has one
///     load:                                 # glia.yaml only: build and load just these packages
///       - lab                               # (packages/package_list.hpp; absent: every installed one)
///
/// Within one scope an asset's own entry is stronger than a package-wide default, field by field
/// (Constraint::overridden_by). A package-wide default applies to an asset only when its package
/// provides that asset (in its variant, if it names one).
///
/// `glia select` changes a file by editing only the lines of the entries it changes, so comments
/// and layout elsewhere are kept. It re-reads its own result and, should the edit not give exactly
/// the intended preferences (an unusual hand-written layout, flow style), writes the whole file
/// afresh instead and says that comments were dropped.

#include "base/error.hpp"
#include "base/fs.hpp"
#include "preferences/constraint.hpp"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace glia {

// ---- the model (preferences.cpp) ----

/// A preference that is malformed or names something not installed; the message says where
/// (file:line:column or the call) and how to fix it; a file's place is the diagnostic's location too.
class PreferenceError : public Error {
  public:
    explicit PreferenceError(Message message, ErrorFacts facts = {})
        : Error(located(std::move(message), std::move(facts))) {}
    explicit PreferenceError(Diagnostic diagnostic) : Error(std::move(diagnostic)) {}
};

/// One choice and where it was made.
struct Selection {
    Constraint constraint;
    std::string origin; ///< `file:line:column` when read from a file, else empty
};

/// A package named in a model's `load:` list, and where (`file:line:column`, or the variable).
struct ListedPackage {
    std::string name;
    std::string origin;
};

/// The preferences one scope holds.
struct Preferences {
    /// Choices for single assets, by asset name.
    std::map<std::string, Selection, std::less<>> assets;
    /// Package-wide defaults (package set, variant optional), the first that applies wins.
    std::vector<Selection> packages;
    /// The packages a model loads (`load:`, read only from a project's glia.yaml); nullopt: all.
    /// Not a choice: empty() and the editing of `glia select` leave it as written.
    std::optional<std::vector<ListedPackage>> load;

    bool empty() const { return assets.empty() && packages.empty(); }
    /// Sets the choice for `asset`, replacing any. Throws PreferenceError if `constraint` is empty
    /// or InvalidName for a malformed name.
    void select(const std::string& asset, const Constraint& constraint);
    /// Removes the choice for `asset`; false if there was none.
    bool unselect(std::string_view asset);
    /// Adds a package-wide default, or replaces the one for the same package in its place.
    /// Throws PreferenceError if it names no package, InvalidName for a malformed name.
    void select_package(const Constraint& constraint);
    /// Removes the package-wide default for `package`; false if there was none.
    bool unselect_package(std::string_view package);
    /// The package-wide default for `package`, or nullptr.
    const Selection* package_default(std::string_view package) const;
    /// What this scope asks of `asset`: the first applicable package-wide default overridden by
    /// the asset's own entry. `provides(package, variant)` says whether a package has the asset
    /// (in `variant`, or in any variant when it is empty). `from_asset` / `from_package` (if given)
    /// receive the entries that contributed, or nullptr.
    Constraint for_asset(std::string_view asset,
                         const std::function<bool(std::string_view package, std::string_view variant)>& provides,
                         const Selection** from_asset = nullptr, const Selection** from_package = nullptr) const;

    /// Equal choices and load lists, ignoring where they were made.
    bool same_choices(const Preferences& other) const;
};

/// Throws PreferenceError unless a choice for `asset` names a package, a variant or both.
void check_choice_given(std::string_view asset, const Constraint& constraint);

/// Throws PreferenceError unless a package-wide preference names its package.
void check_package_given(const Constraint& constraint);

// ---- reading (preferences_reader.cpp) ----

/// The file name of a project's preferences.
inline constexpr const char* kProjectFileName = "glia.yaml";

/// `${XDG_CONFIG_HOME:-~/.config}/glia/preferences.yaml`.
fs::path global_preferences_path();

/// The `glia.yaml` in `start` or its nearest parent that has one, or nothing.
std::optional<fs::path> find_project_file(const fs::path& start);

/// Parses preferences read from `path`. Throws ParseError (`path:line:column: ...`) for
/// malformed YAML, an unknown key or a bad name; the message says how to fix it.
Preferences parse_preferences(const std::string& text, const fs::path& path);

/// Reads the preferences file `path`; a file that does not exist holds no preferences.
Preferences load_preferences(const fs::path& path);

// ---- writing (preferences_editor.cpp) ----

/// The text of a new preferences file holding `prefs`, after `header` (the front end's comment
/// lines, each starting with '#').
std::string format_preferences(const Preferences& prefs, const std::string& header = {});

/// A file's new text and whether it was laid out afresh.
struct EditedText {
    std::string text;
    bool relaid_out = false;
};

/// `old_text` (the content of `path`) changed to hold exactly `wanted`: only the lines of entries
/// that differ are touched, and a changed entry keeps its comments; when that cannot give `wanted`
/// (a flow-style file), the text is laid out afresh in block style (relaid_out = true), with every
/// comment kept above the entries. A text without comments laid out afresh gets `header`, as
/// format_preferences. Throws ParseError if `old_text` is malformed.
EditedText edit_preferences(const std::string& old_text, const Preferences& wanted, const fs::path& path,
                            const std::string& header = {});

/// What update_preferences_file did.
struct FileUpdate {
    bool changed = false;       ///< false when `change` left the preferences as they were
    bool relaid_out = false;    ///< true when the file was laid out afresh (its comments kept, moved up)
};

/// Read-modify-write of the preferences file `path` under an exclusive lock on its directory
/// (created if needed): loads it, applies `change`, and writes the result atomically. A malformed
/// file throws ParseError and is left exactly as it was; so is the file when `change` throws.
/// `header` is edit_preferences'.
FileUpdate update_preferences_file(const fs::path& path, const std::function<void(Preferences&)>& change,
                                   const std::string& header = {});

} // namespace glia
