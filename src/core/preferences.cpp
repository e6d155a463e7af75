#include "glia/preferences.hpp"

#include "glia/text.hpp"
#include "glia/yaml_util.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace glia {

namespace {

void check_constraint_names(const Constraint& c, std::string_view context) {
    if (!c.package.empty()) {
        check_name(c.package, NamePart::package, context);
    }
    if (!c.variant.empty()) {
        check_name(c.variant, NamePart::variant, context);
    }
}

// ---- reading ----

/// A name read from the file, checked where it stands.
std::string file_name(const YAML::Node& node, NamePart part, const std::string& what, const fs::path& path) {
    std::string text = yaml_scalar(node, what, path);
    std::string problem = name_problem(text, part);
    if (!problem.empty()) {
        throw ParseError(yaml_location(path, node) + what + " '" + text + "' " + problem);
    }
    return text;
}

/// `{package: P, variant: V}` (either optional), or a plain scalar meaning the package.
Constraint read_choice(const YAML::Node& node, const std::string& what, const fs::path& path) {
    Constraint c;
    if (node.IsScalar()) {
        c.package = file_name(node, NamePart::package, "package", path);
        return c;
    }
    if (!node.IsMap()) {
        throw ParseError(yaml_location(path, node) + what +
                         " must be a package name or a map like {package: example, variant: fast}");
    }
    check_yaml_keys(node, {"package", "variant"}, path);
    if (node["package"]) {
        c.package = file_name(node["package"], NamePart::package, "package", path);
    }
    if (node["variant"]) {
        c.variant = file_name(node["variant"], NamePart::variant, "variant", path);
    }
    return c;
}

std::string location_text(const fs::path& path, const YAML::Node& node) {
    std::string text = yaml_location(path, node);
    // yaml_location ends in ": " for messages; an origin is the bare location.
    return text.substr(0, text.size() - 2);
}

// ---- editing ----

bool is_blank_or_comment(const std::string& line) {
    size_t first = line.find_first_not_of(" \t\r");
    return first == std::string::npos || line[first] == '#';
}

/// Where the comment on `line` starts ('#' first or after a blank, outside quotes), or npos.
size_t comment_start(const std::string& line) {
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quote) {
            if (quote == '"' && c == '\\') {
                ++i;
            } else if (c == quote) {
                quote = 0;
            }
            continue;
        }
        bool after_blank = i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t';
        if (c == '#' && after_blank) {
            return i;
        }
        if ((c == '"' || c == '\'') && (after_blank || std::strchr("{[,:", line[i - 1]))) {
            quote = c; // a quoted scalar starts here (a doubled '' inside one closes and reopens it)
        }
    }
    return std::string::npos;
}

/// The lines that take the place of an entry's lines [begin, end): `entry`, still carrying the
/// comments the old lines had (the first one at the end of the line, as it stood).
std::vector<std::string> replacement_lines(const std::vector<std::string>& lines, size_t begin, size_t end,
                                           const std::string& indent, const std::string& entry) {
    std::vector<std::string> out;
    std::string trailing;
    for (size_t i = begin; i < end; ++i) {
        size_t at = comment_start(lines[i]);
        if (at == std::string::npos) {
            continue;
        }
        bool whole_line = lines[i].find_first_not_of(" \t") == at;
        if (!whole_line && trailing.empty()) {
            trailing = lines[i].substr(lines[i].find_last_not_of(" \t", at - 1) + 1); // with its spacing
        } else {
            out.push_back(indent + lines[i].substr(at));
        }
    }
    out.push_back(indent + entry + trailing);
    return out;
}

YAML::Node choice_node(const Constraint& c) {
    std::vector<std::pair<std::string, std::string>> fields;
    if (!c.package.empty()) {
        fields.emplace_back("package", c.package);
    }
    if (!c.variant.empty()) {
        fields.emplace_back("variant", c.variant);
    }
    return flow_map(fields);
}

// Each entry is one line emitted by yaml-cpp, so the line edits below stay line by line.
std::string asset_entry_text(const std::string& asset, const Constraint& c) {
    YAML::Node entry;
    entry[asset] = choice_node(c);
    return emit_yaml(entry);
}

std::string package_entry_text(const Constraint& c) {
    YAML::Node entry(YAML::NodeType::Sequence);
    entry.push_back(c.variant.empty() ? YAML::Node(c.package) : choice_node(c));
    return emit_yaml(entry);
}

/// Replace lines [begin, end) with `lines` (an insertion when begin == end).
struct LineEdit {
    size_t begin;
    size_t end;
    std::vector<std::string> lines;
};

/// One block collection under a top-level key, as laid out in the text.
struct CollectionLayout {
    bool present = false;                          ///< the top-level key exists
    std::vector<std::pair<size_t, size_t>> spans;  ///< each entry's lines [begin, end)
    std::vector<std::string> keys;                 ///< asset name or package of each entry
    size_t insert_at = 0;                          ///< where a new entry goes
    std::string indent = "  ";
};

/// Finds where the entries of `key` stand; false if the layout is not one this edit handles.
bool layout_of(const YAML::Node& root, const std::vector<std::string>& lines, const std::string& key,
               CollectionLayout& out) {
    std::vector<size_t> top_lines;
    YAML::Node value;
    size_t key_line = 0;
    for (const auto& entry : root) {
        top_lines.push_back(static_cast<size_t>(entry.first.Mark().line));
        if (entry.first.Scalar() == key) {
            out.present = true;
            value = entry.second;
            key_line = static_cast<size_t>(entry.first.Mark().line);
        }
    }
    if (!out.present) {
        return true;
    }
    size_t next_top = lines.size();
    for (size_t line : top_lines) {
        if (line > key_line) {
            next_top = std::min(next_top, line);
        }
    }
    if (value.IsNull()) {
        // `key:` alone on its line; `key: ~` and the like are left to the fallback.
        size_t colon = lines[key_line].find(':');
        if (colon == std::string::npos || !is_blank_or_comment(lines[key_line].substr(colon + 1))) {
            return false;
        }
        out.insert_at = key_line + 1;
        return true;
    }
    if ((!value.IsMap() && !value.IsSequence()) || value.Style() == YAML::EmitterStyle::Flow) {
        return false;
    }
    std::vector<size_t> starts;
    for (auto it = value.begin(); it != value.end(); ++it) {
        const YAML::Node& node = value.IsMap() ? it->first : *it;
        size_t line = static_cast<size_t>(node.Mark().line);
        if (line <= key_line || line >= next_top) {
            return false;
        }
        starts.push_back(line);
        out.keys.push_back(value.IsMap()      ? it->first.Scalar()
                           : it->IsScalar()   ? it->Scalar()
                           : (*it)["package"] ? (*it)["package"].Scalar()
                                              : std::string());
    }
    for (size_t i = 0; i < starts.size(); ++i) {
        size_t end = i + 1 < starts.size() ? starts[i + 1] : next_top;
        // Comments and blank lines after an entry belong to what follows it.
        while (end > starts[i] + 1 && is_blank_or_comment(lines[end - 1])) {
            --end;
        }
        out.spans.emplace_back(starts[i], end);
    }
    const std::string& first = lines[starts.front()];
    out.indent = first.substr(0, first.find_first_not_of(' '));
    out.insert_at = out.spans.back().second;
    return true;
}

/// The edited text, or nothing when the layout is not one this edit handles.
std::optional<std::string> edit_lines(const std::string& text, const Preferences& old, const Preferences& wanted) {
    YAML::Node root = YAML::Load(text);
    if (!root.IsNull() && !(root.IsMap() && root.Style() != YAML::EmitterStyle::Flow)) {
        return std::nullopt;
    }
    std::vector<std::string> lines = split_lines(text);
    CollectionLayout assets, packages;
    if (root.IsMap() && (!layout_of(root, lines, "assets", assets) || !layout_of(root, lines, "packages", packages))) {
        return std::nullopt;
    }
    std::vector<LineEdit> edits;
    std::vector<std::string> appended; // new top-level keys, at the end of the file

    // assets: replace or remove entries in place, add new ones after the last.
    std::vector<std::string> added;
    for (size_t i = 0; i < assets.keys.size(); ++i) {
        auto want = wanted.assets.find(assets.keys[i]);
        auto [begin, end] = assets.spans[i];
        if (want == wanted.assets.end()) {
            edits.push_back({begin, end, {}});
        } else if (want->second.constraint != old.assets.at(assets.keys[i]).constraint) {
            edits.push_back({begin, end,
                             replacement_lines(lines, begin, end, assets.indent,
                                               asset_entry_text(want->first, want->second.constraint))});
        }
    }
    for (const auto& [asset, selection] : wanted.assets) {
        if (!old.assets.count(asset)) {
            added.push_back(assets.indent + asset_entry_text(asset, selection.constraint));
        }
    }
    if (!added.empty()) {
        if (assets.present) {
            edits.push_back({assets.insert_at, assets.insert_at, added});
        } else {
            appended.push_back("assets:");
            appended.insert(appended.end(), added.begin(), added.end());
        }
    }

    // packages: the same, keeping the order of the defaults that stay.
    added.clear();
    for (size_t i = 0; i < packages.keys.size(); ++i) {
        const Selection* want = wanted.package_default(packages.keys[i]);
        const Selection* had = old.package_default(packages.keys[i]);
        auto [begin, end] = packages.spans[i];
        if (!want) {
            edits.push_back({begin, end, {}});
        } else if (!had || want->constraint != had->constraint) {
            edits.push_back({begin, end,
                             replacement_lines(lines, begin, end, packages.indent,
                                               package_entry_text(want->constraint))});
        }
    }
    for (const auto& selection : wanted.packages) {
        if (!old.package_default(selection.constraint.package)) {
            added.push_back(packages.indent + package_entry_text(selection.constraint));
        }
    }
    if (!added.empty()) {
        if (packages.present) {
            edits.push_back({packages.insert_at, packages.insert_at, added});
        } else {
            appended.push_back("packages:");
            appended.insert(appended.end(), added.begin(), added.end());
        }
    }

    // Apply from the bottom up so earlier line numbers stay valid.
    std::stable_sort(edits.begin(), edits.end(), [](const LineEdit& a, const LineEdit& b) { return a.begin > b.begin; });
    for (const auto& e : edits) {
        lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(e.begin),
                    lines.begin() + static_cast<std::ptrdiff_t>(e.end));
        lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(e.begin), e.lines.begin(), e.lines.end());
    }
    lines.insert(lines.end(), appended.begin(), appended.end());
    std::string out;
    for (const auto& line : lines) {
        out += line + "\n";
    }
    return out;
}

} // namespace

// ---- Preferences ----

void Preferences::select(const std::string& asset, const Constraint& constraint) {
    check_name(asset, NamePart::asset, "a preference");
    if (constraint.empty()) {
        throw PreferenceError("a preference for '" + asset + "' must name a package, a variant or both");
    }
    check_constraint_names(constraint, "a preference for '" + asset + "'");
    assets[asset] = Selection{constraint, {}};
}

bool Preferences::unselect(std::string_view asset) {
    auto it = assets.find(asset);
    if (it == assets.end()) {
        return false;
    }
    assets.erase(it);
    return true;
}

void Preferences::select_package(const Constraint& constraint) {
    if (constraint.package.empty()) {
        throw PreferenceError("a package-wide preference must name a package");
    }
    check_constraint_names(constraint, "a package-wide preference");
    for (auto& s : packages) {
        if (s.constraint.package == constraint.package) {
            s = Selection{constraint, {}};
            return;
        }
    }
    packages.push_back(Selection{constraint, {}});
}

bool Preferences::unselect_package(std::string_view package) {
    auto it = std::find_if(packages.begin(), packages.end(),
                           [&](const Selection& s) { return s.constraint.package == package; });
    if (it == packages.end()) {
        return false;
    }
    packages.erase(it);
    return true;
}

const Selection* Preferences::package_default(std::string_view package) const {
    for (const auto& s : packages) {
        if (s.constraint.package == package) {
            return &s;
        }
    }
    return nullptr;
}

Constraint Preferences::for_asset(std::string_view asset,
                                  const std::function<bool(std::string_view, std::string_view)>& provides,
                                  const Selection** from_asset, const Selection** from_package) const {
    const Selection* package_wide = nullptr;
    for (const auto& s : packages) {
        if (provides(s.constraint.package, s.constraint.variant)) {
            package_wide = &s;
            break;
        }
    }
    auto it = assets.find(asset);
    const Selection* own = it == assets.end() ? nullptr : &it->second;
    if (from_asset) {
        *from_asset = own;
    }
    if (from_package) {
        *from_package = package_wide;
    }
    Constraint out = package_wide ? package_wide->constraint : Constraint{};
    return own ? out.overridden_by(own->constraint) : out;
}

bool Preferences::same_choices(const Preferences& other) const {
    if (assets.size() != other.assets.size() || packages.size() != other.packages.size()) {
        return false;
    }
    for (const auto& [asset, selection] : assets) {
        auto it = other.assets.find(asset);
        if (it == other.assets.end() || selection.constraint != it->second.constraint) {
            return false;
        }
    }
    for (size_t i = 0; i < packages.size(); ++i) {
        if (packages[i].constraint != other.packages[i].constraint) {
            return false;
        }
    }
    auto names = [](const std::optional<std::vector<ListedPackage>>& list) {
        std::vector<std::string> out;
        for (const auto& item : list.value_or(std::vector<ListedPackage>{})) {
            out.push_back(item.name);
        }
        return std::make_pair(list.has_value(), out);
    };
    return names(load) == names(other.load);
}

// ---- files ----

fs::path global_preferences_path() {
    return xdg_dir("XDG_CONFIG_HOME", ".config") / "glia" / "preferences.yaml";
}

std::optional<fs::path> find_project_file(const fs::path& start) {
    boost::system::error_code ec;
    fs::path dir = fs::absolute(start, ec);
    if (ec) {
        return std::nullopt;
    }
    for (;;) {
        fs::path candidate = dir / kProjectFileName;
        if (fs::is_regular_file(candidate, ec)) {
            return candidate;
        }
        if (!dir.has_parent_path() || dir.parent_path() == dir) {
            return std::nullopt;
        }
        dir = dir.parent_path();
    }
}

Preferences parse_preferences(const std::string& text, const fs::path& path) {
    YAML::Node root = parse_yaml(text, path);
    Preferences prefs;
    if (root.IsNull()) {
        return prefs;
    }
    if (!root.IsMap()) {
        throw ParseError(yaml_location(path, root) +
                         "a preferences file is a map with the keys 'assets' and 'packages' "
                         "(see 'glia select --help' for an example)");
    }
    check_yaml_keys(root, {"assets", "packages", "load"}, path);
    if (YAML::Node assets = root["assets"]; assets && !assets.IsNull()) {
        if (!assets.IsMap()) {
            throw ParseError(yaml_location(path, assets) +
                             "'assets' must map asset names to choices, like  Kv1: {package: example, variant: fast}");
        }
        for (const auto& entry : assets) {
            std::string asset = file_name(entry.first, NamePart::asset, "asset", path);
            if (prefs.assets.count(asset)) {
                throw ParseError(yaml_location(path, entry.first) + "asset '" + asset + "' is chosen twice (first at " +
                                 prefs.assets[asset].origin + "); keep one");
            }
            if (entry.second.IsNull()) {
                throw ParseError(yaml_location(path, entry.first) + "the choice for '" + asset +
                                 "' is empty; give package:, variant: or both, or remove the line");
            }
            Constraint c = read_choice(entry.second, "the choice for '" + asset + "'", path);
            if (c.empty()) {
                throw ParseError(yaml_location(path, entry.second) + "the choice for '" + asset +
                                 "' is empty; give package:, variant: or both, or remove the line");
            }
            prefs.assets[asset] = Selection{c, location_text(path, entry.first)};
        }
    }
    if (YAML::Node packages = root["packages"]; packages && !packages.IsNull()) {
        if (!packages.IsSequence()) {
            throw ParseError(yaml_location(path, packages) +
                             "'packages' must be a list of package-wide defaults, like  - example");
        }
        for (const auto& item : packages) {
            Constraint c = read_choice(item, "a package-wide default", path);
            if (c.package.empty()) {
                throw ParseError(yaml_location(path, item) + "a package-wide default must name its package");
            }
            if (const Selection* first = prefs.package_default(c.package)) {
                throw ParseError(yaml_location(path, item) + "package '" + c.package + "' is listed twice (first at " +
                                 first->origin + "); keep one");
            }
            prefs.packages.push_back(Selection{c, location_text(path, item)});
        }
    }
    if (YAML::Node load = root["load"]) {
        if (path.filename() != kProjectFileName) {
            throw ParseError(yaml_location(path, load) + "'load' belongs in a model's " + kProjectFileName +
                             " (the packages that model uses); remove it here");
        }
        if (!load.IsNull() && !load.IsSequence()) {
            throw ParseError(yaml_location(path, load) + "'load' must be a list of package names, like  - example");
        }
        prefs.load.emplace();
        for (const auto& item : load) {
            std::string name = file_name(item, NamePart::package, "package", path);
            for (const auto& first : *prefs.load) {
                if (first.name == name) {
                    throw ParseError(yaml_location(path, item) + "package '" + name + "' is listed twice (first at " +
                                     first.origin + "); keep one");
                }
            }
            prefs.load->push_back({name, location_text(path, item)});
        }
    }
    return prefs;
}

Preferences load_preferences(const fs::path& path) {
    boost::system::error_code ec;
    if (!fs::exists(path, ec)) {
        return {};
    }
    return parse_preferences(read_file(path), path);
}

namespace {

/// The entries of `prefs` in glia's block layout, one line each.
std::string entries_text(const Preferences& prefs) {
    std::string text;
    if (!prefs.assets.empty()) {
        text += "assets:\n";
        for (const auto& [asset, selection] : prefs.assets) {
            text += "  " + asset_entry_text(asset, selection.constraint) + "\n";
        }
    }
    if (!prefs.packages.empty()) {
        text += "packages:\n";
        for (const auto& selection : prefs.packages) {
            text += "  " + package_entry_text(selection.constraint) + "\n";
        }
    }
    if (prefs.load) {
        text += prefs.load->empty() ? "load: []\n" : "load:\n";
        for (const auto& item : *prefs.load) {
            text += "  - " + item.name + "\n"; // a checked package name needs no quoting
        }
    }
    return text;
}

/// `wanted` in glia's block layout, keeping every comment of `old_text`: the comments that open
/// the file stay on top, each later one (in a layout not edited line by line, such as flow style)
/// follows them in its order, above the entries.
std::string relaid_out(const std::string& old_text, const Preferences& wanted) {
    std::string head, moved;
    bool in_head = true;
    for (const auto& line : split_lines(old_text)) {
        if (in_head && is_blank_or_comment(line)) {
            head += line + "\n";
            continue;
        }
        in_head = false;
        if (size_t at = comment_start(line); at != std::string::npos) {
            moved += line.substr(at) + "\n";
        }
    }
    if (head.find('#') == std::string::npos && moved.empty()) {
        return format_preferences(wanted);
    }
    return head + moved + entries_text(wanted);
}

} // namespace

std::string format_preferences(const Preferences& prefs) {
    return "# glia preferences: which mechanism an abstract name means ('glia show ASSET' explains).\n"
           "# 'glia select' and 'glia unselect' change only the entries they name; comments are kept.\n" +
           entries_text(prefs);
}

EditedText edit_preferences(const std::string& old_text, const Preferences& wanted, const fs::path& path) {
    Preferences old = parse_preferences(old_text, path);
    if (old.same_choices(wanted)) {
        return {old_text, false};
    }
    if (old_text.find_first_not_of(" \t\r\n") == std::string::npos) {
        return {format_preferences(wanted), false};
    }
    // The line edit is checked by reading it back: anything it gets wrong falls back to laying
    // the file out afresh, which keeps the comments but may move them.
    try {
        if (auto edited = edit_lines(old_text, old, wanted)) {
            if (parse_preferences(*edited, path).same_choices(wanted)) {
                return {*edited, false};
            }
        }
    } catch (const YAML::Exception&) {
    } catch (const Error&) {
    }
    return {relaid_out(old_text, wanted), true};
}

FileUpdate update_preferences_file(const fs::path& path, const std::function<void(Preferences&)>& change) {
    boost::system::error_code ec;
    // Editing through a symlink (a dotfiles repository) must change its target, not replace the link.
    fs::path target = path;
    if (fs::is_symlink(fs::symlink_status(path, ec))) {
        target = fs::canonical(path, ec);
        if (ec) {
            throw Error(path.string() + ": cannot follow the symbolic link: " + ec.message());
        }
    }
    fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
    fs::create_directories(dir, ec);
    if (ec) {
        throw Error(dir.string() + ": cannot create the directory: " + ec.message() +
                    " (make its parent writable; for the global preferences, XDG_CONFIG_HOME chooses another place)");
    }
    DirectoryLock lock(dir);
    std::string old_text = fs::exists(target, ec) ? read_file(target) : std::string();
    Preferences old = parse_preferences(old_text, path);
    Preferences wanted = old;
    change(wanted);
    if (wanted.same_choices(old)) {
        return {false, true};
    }
    EditedText edited = edit_preferences(old_text, wanted, path);
    write_file_atomic(target, edited.text);
    return {true, edited.relaid_out};
}

} // namespace glia
