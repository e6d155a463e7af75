// Reading preferences: where the files are, and the parser that turns one into a Preferences
// model with every entry's `file:line:column`, refusing (with that place) whatever is malformed.

#include "preferences/preferences.hpp"

#include "base/yaml_util.hpp"

namespace glia {

namespace {

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

/// The error for a name given twice in one list or map.
ParseError given_twice(const fs::path& path, const YAML::Node& node, const std::string& what,
                       const std::string& first_origin) {
    return ParseError(yaml_location(path, node) + what + " (first at " + first_origin + "); keep one");
}

/// `assets:`, a map of asset names to choices.
void read_assets(const YAML::Node& assets, const fs::path& path, Preferences& prefs) {
    if (!assets.IsMap()) {
        throw ParseError(yaml_location(path, assets) +
                         "'assets' must map asset names to choices, like  Kv1: {package: example, variant: fast}");
    }
    for (const auto& entry : assets) {
        std::string asset = file_name(entry.first, NamePart::asset, "asset", path);
        if (auto first = prefs.assets.find(asset); first != prefs.assets.end()) {
            throw given_twice(path, entry.first, "asset '" + asset + "' is chosen twice", first->second.origin);
        }
        Constraint c;
        if (!entry.second.IsNull()) {
            c = read_choice(entry.second, "the choice for '" + asset + "'", path);
        }
        if (c.empty()) {
            const YAML::Node& where = entry.second.IsNull() ? entry.first : entry.second;
            throw ParseError(yaml_location(path, where) + "the choice for '" + asset +
                             "' is empty; give package:, variant: or both, or remove the line");
        }
        prefs.assets[asset] = Selection{c, location_text(path, entry.first)};
    }
}

/// `packages:`, the list of package-wide defaults.
void read_packages(const YAML::Node& packages, const fs::path& path, Preferences& prefs) {
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
            throw given_twice(path, item, "package '" + c.package + "' is listed twice", first->origin);
        }
        prefs.packages.push_back(Selection{c, location_text(path, item)});
    }
}

/// `load:`, the packages a model loads (a project's glia.yaml only).
void read_load(const YAML::Node& load, const fs::path& path, Preferences& prefs) {
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
                throw given_twice(path, item, "package '" + name + "' is listed twice", first.origin);
            }
        }
        prefs.load->push_back({name, location_text(path, item)});
    }
}

} // namespace

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
                         "(see '" + Remedy{Remedy::Kind::choose, {}, Remedy::Modifier::help} + "' for an example)");
    }
    check_yaml_keys(root, {"assets", "packages", "load"}, path);
    if (YAML::Node assets = root["assets"]; assets && !assets.IsNull()) {
        read_assets(assets, path, prefs);
    }
    if (YAML::Node packages = root["packages"]; packages && !packages.IsNull()) {
        read_packages(packages, path, prefs);
    }
    if (YAML::Node load = root["load"]) {
        read_load(load, path, prefs);
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

} // namespace glia
