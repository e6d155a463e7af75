#include "call_args.hpp"

#include "hoc_api.hpp"

#include "plugin_state.hpp"

#include "base/error.hpp"

namespace glia::plugin {

std::string read_string(const std::string& call, int i, const char* what, std::string& out) {
    if (!ifarg(i)) {
        return call + ": the " + what + " (argument " + std::to_string(i) + ") is missing";
    }
    if (!hoc_is_str_arg(i)) {
        return call + ": the " + what + " (argument " + std::to_string(i) + ") must be a string";
    }
    out = hoc_gargstr(i);
    return {};
}

std::string read_tail(const std::string& call, int first, bool allow_x, CallTail& tail) {
    int i = first;
    if (ifarg(i) && hoc_is_double_arg(i)) {
        if (!allow_x) {
            return call + ": argument " + std::to_string(i) + " must be a package name (a string)";
        }
        double x = *hoc_getarg(i);
        if (!(x >= 0.0 && x <= 1.0)) {
            return call + ": the location x must be between 0 and 1, not " + std::to_string(x);
        }
        tail.x = x;
        ++i;
    }
    const char* fields[] = {"package", "variant"};
    std::string* targets[] = {&tail.constraint.package, &tail.constraint.variant};
    for (int k = 0; k < 2 && ifarg(i); ++k, ++i) {
        if (!hoc_is_str_arg(i)) {
            return call + ": argument " + std::to_string(i) + " must be the " + fields[k] + " (a string)";
        }
        *targets[k] = hoc_gargstr(i);
    }
    if (ifarg(i)) {
        return call + ": too many arguments";
    }
    return {};
}

std::string resolve_call(const std::string& call, const std::string& asset, int first, bool allow_x,
                         const std::string& usage, CallTail& tail, const Candidate*& found) {
    if (auto error = read_tail(call, first, allow_x, tail); !error.empty()) {
        return error + usage;
    }
    try {
        found = &resolve_for_call(asset, tail.constraint);
    } catch (const Error& e) {
        return call + ": " + rendered(e);
    }
    return {};
}

std::string not_loaded_error(const std::string& call, const std::string& neuron_name) {
    return rendered(call + ": " + neuron_name + " is not loaded in NEURON (did it fail to build? run '" +
                    Remedy{Remedy::Kind::build} + "' to see why)");
}

std::string describe_call(const char* name, int strings) {
    std::string text = std::string(name) + "(";
    for (int i = 1; i <= strings && ifarg(i) && hoc_is_str_arg(i); ++i) {
        text += (i > 1 ? ", \"" : "\"") + std::string(hoc_gargstr(i)) + "\"";
    }
    return text + ")";
}

Section* accessed_section() { return nrn_noerr_access(); }

} // namespace glia::plugin
