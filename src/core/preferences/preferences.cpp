// The preference model: the choices one scope holds and how they apply to an asset. Reading them
// from a file is preferences_reader.cpp's, changing a file preferences_editor.cpp's.

#include "preferences/preferences.hpp"

#include "base/names.hpp"

#include <algorithm>

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

} // namespace

void check_choice_given(std::string_view asset, const Constraint& constraint) {
    if (constraint.empty()) {
        throw PreferenceError("a preference for '" + std::string(asset) + "' must name a package, a variant or both",
                              {.asset = std::string(asset)});
    }
}

void check_package_given(const Constraint& constraint) {
    if (constraint.package.empty()) {
        throw PreferenceError("a package-wide preference must name a package");
    }
}

void Preferences::select(const std::string& asset, const Constraint& constraint) {
    check_name(asset, NamePart::asset, "a preference");
    check_choice_given(asset, constraint);
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
    check_package_given(constraint);
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

} // namespace glia
