#include "preferences/constraint.hpp"

namespace glia {

std::string describe(const Constraint& c) {
    std::string text;
    if (!c.package.empty()) {
        text += "package '" + c.package + "'";
    }
    if (!c.variant.empty()) {
        text += (text.empty() ? "" : " and ") + std::string("variant '") + c.variant + "'";
    }
    return text.empty() ? "nothing" : text;
}

bool Constraint::admits(const MechanismName& name) const {
    return (package.empty() || name.package == package) && (variant.empty() || name.variant == variant);
}

Constraint Constraint::overridden_by(const Constraint& stronger) const {
    Constraint out = *this;
    if (!stronger.package.empty()) {
        out.package = stronger.package;
        // A stronger scope that picks another package makes a weaker variant choice meaningless.
        if (stronger.variant.empty() && out.package != package) {
            out.variant.clear();
        }
    }
    if (!stronger.variant.empty()) {
        out.variant = stronger.variant;
    }
    return out;
}

} // namespace glia
