#include "hoc_api.hpp"

#include "section.h"

namespace glia::plugin {

void raise_if(const std::string& error) {
    static std::string message; // outlives the longjmp
    if (!error.empty()) {
        message = error;
        hoc_execerror(message.c_str(), nullptr);
    }
}

Constraint call_constraint(int first) {
    Constraint c;
    if (ifarg(first)) {
        c.package = hoc_gargstr(first);
    }
    if (ifarg(first + 1)) {
        c.variant = hoc_gargstr(first + 1);
    }
    return c;
}

short mechanism_symbol_type() {
    static short type = hoc_lookup("hh")->type;
    return type;
}

} // namespace glia::plugin
