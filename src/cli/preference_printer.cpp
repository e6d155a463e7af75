#include "preference_printer.hpp"

namespace glia::cli {

std::string describe(const Constraint& c) {
    std::string text;
    if (!c.package.empty()) {
        text += "package " + c.package;
    }
    if (!c.variant.empty()) {
        text += (text.empty() ? "" : ", ") + std::string("variant ") + c.variant;
    }
    return text.empty() ? "nothing" : text;
}

} // namespace glia::cli
