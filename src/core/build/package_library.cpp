#include "build/package_library.hpp"

namespace glia {

std::string registration_symbol(const std::string& full_name) { return "_" + full_name + "_reg"; }

Message ModFailure::describe() const {
    std::string head = name.pretty() + " (package '" + name.package + "', asset '" + name.asset + "'";
    if (!file.empty()) {
        head += ", file " + file.string();
    }
    Message text = head + ") failed to " + stage + ":\n" + message;
    return text.ends_with("\n") ? text : text + "\n";
}


} // namespace glia
