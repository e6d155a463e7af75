// Changing a preferences file in place: the line editor that touches only the lines of the
// entries that change and keeps every comment, the fresh block layout it falls back to, and the
// locked read-modify-write that `glia select` uses. The model is preferences.cpp's, the parser
// preferences_reader.cpp's; every edit is checked by parsing its result.

#include "preferences/preferences.hpp"

#include "base/text.hpp"
#include "base/yaml_util.hpp"

#include <algorithm>
#include <cstring>

namespace glia {

namespace {

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

/// One entry of `assets:` or `packages:`: its asset (or package) name, its choice, and its line.
struct Entry {
    std::string name;
    Constraint constraint;
    std::string text;
};

std::vector<Entry> asset_entries(const Preferences& prefs) {
    std::vector<Entry> out;
    for (const auto& [asset, selection] : prefs.assets) {
        out.push_back({asset, selection.constraint, asset_entry_text(asset, selection.constraint)});
    }
    return out;
}

std::vector<Entry> package_entries(const Preferences& prefs) {
    std::vector<Entry> out;
    for (const auto& selection : prefs.packages) {
        const Constraint& c = selection.constraint;
        out.push_back({c.package, c, package_entry_text(c)});
    }
    return out;
}

const Entry* find_entry(const std::vector<Entry>& entries, const std::string& name) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const Entry& e) { return e.name == name; });
    return it == entries.end() ? nullptr : &*it;
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

/// The edits that turn the collection under `key` from `old` into `wanted`: entries replaced or
/// removed in place, new ones after the last (or under a new `key:` appended to the file), the
/// entries that stay in their order.
void edit_collection(const std::vector<std::string>& lines, const std::string& key, const CollectionLayout& layout,
                     const std::vector<Entry>& old, const std::vector<Entry>& wanted, std::vector<LineEdit>& edits,
                     std::vector<std::string>& appended) {
    for (size_t i = 0; i < layout.keys.size(); ++i) {
        const Entry* want = find_entry(wanted, layout.keys[i]);
        const Entry* had = find_entry(old, layout.keys[i]);
        auto [begin, end] = layout.spans[i];
        if (!want) {
            edits.push_back({begin, end, {}});
        } else if (!had || want->constraint != had->constraint) {
            edits.push_back({begin, end, replacement_lines(lines, begin, end, layout.indent, want->text)});
        }
    }
    std::vector<std::string> added;
    for (const auto& entry : wanted) {
        if (!find_entry(old, entry.name)) {
            added.push_back(layout.indent + entry.text);
        }
    }
    if (added.empty()) {
        return;
    }
    if (layout.present) {
        edits.push_back({layout.insert_at, layout.insert_at, added});
    } else {
        appended.push_back(key + ":");
        appended.insert(appended.end(), added.begin(), added.end());
    }
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
    edit_collection(lines, "assets", assets, asset_entries(old), asset_entries(wanted), edits, appended);
    edit_collection(lines, "packages", packages, package_entries(old), package_entries(wanted), edits, appended);

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

/// The entries of `prefs` in glia's block layout, one line each.
std::string entries_text(const Preferences& prefs) {
    std::string text;
    if (!prefs.assets.empty()) {
        text += "assets:\n";
        for (const auto& entry : asset_entries(prefs)) {
            text += "  " + entry.text + "\n";
        }
    }
    if (!prefs.packages.empty()) {
        text += "packages:\n";
        for (const auto& entry : package_entries(prefs)) {
            text += "  " + entry.text + "\n";
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
std::string relaid_out(const std::string& old_text, const Preferences& wanted, const std::string& header) {
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
        return format_preferences(wanted, header);
    }
    return head + moved + entries_text(wanted);
}

} // namespace

std::string format_preferences(const Preferences& prefs, const std::string& header) {
    return header + entries_text(prefs);
}

EditedText edit_preferences(const std::string& old_text, const Preferences& wanted, const fs::path& path,
                            const std::string& header) {
    Preferences old = parse_preferences(old_text, path);
    if (old.same_choices(wanted)) {
        return {old_text, false};
    }
    if (old_text.find_first_not_of(" \t\r\n") == std::string::npos) {
        return {format_preferences(wanted, header), false};
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
    return {relaid_out(old_text, wanted, header), true};
}

FileUpdate update_preferences_file(const fs::path& path, const std::function<void(Preferences&)>& change,
                                   const std::string& header) {
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
    EditedText edited = edit_preferences(old_text, wanted, path, header);
    write_file_atomic(target, edited.text);
    return {true, edited.relaid_out};
}

} // namespace glia
