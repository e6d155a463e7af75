#pragma once
// Builders and checks that several unit suites share: mods and packages made in memory (no files,
// no NMODL text: only the name and kind the index needs), and the message of a glia::Error.

#include "advice.hpp"

#include "base/error.hpp"
#include "packages/package.hpp"

#include <functional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace glia::test {

/// A mod of `package` that provides `asset` in `variant`, of `kind`.
inline ModFile mod(const std::string& package, const std::string& asset, const std::string& variant,
                   MechanismKind kind = MechanismKind::density) {
    ModFile m;
    m.name = MechanismName{package, asset, variant};
    m.nmodl.kind = kind;
    return m;
}

/// A package named `name` holding `mods`.
inline Package pkg(const std::string& name, std::vector<ModFile> mods) {
    Package p;
    p.name = name;
    p.mods = std::move(mods);
    return p;
}

/// The message of the glia::Error that `f` throws, its remedies worded as the front ends word them,
/// or "(no error)".
inline std::string message_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return advice::render(e.diagnostic());
    }
    return "(no error)";
}

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
/// The same for a message of the core, as the CLI words it.
inline bool contains(const Message& text, const std::string& part) { return contains(advice::render(text), part); }

} // namespace glia::test

namespace glia {
/// A message as the CLI words it, for Boost.Test's reports.
inline std::ostream& operator<<(std::ostream& out, const Message& message) { return out << advice::render(message); }
} // namespace glia

namespace glia::test {} // namespace glia::test
