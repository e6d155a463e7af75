#include "glia/package_library.hpp"

namespace glia {

std::string registration_symbol(const std::string& full_name) { return "_" + full_name + "_reg"; }

std::string ModFailure::describe() const {
    std::string text = name.pretty() + " (package '" + name.package + "', asset '" + name.asset + "'";
    if (!file.empty()) {
        text += ", file " + file.string();
    }
    text += ") failed to " + stage + ":\n" + message;
    if (!text.empty() && text.back() != '\n') {
        text += '\n';
    }
    return text;
}


} // namespace glia
