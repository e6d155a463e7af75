// Range parameters of density mechanisms by abstract name, on the currently accessed section:
//   glia_set(asset, param, value [, x] [, package [, variant]])  every segment, or the one at x
//   glia_get(asset, param [, x] [, package [, variant]])         the value at x (default 0.5)
// The asset resolves like glia_insert's; the parameter is NEURON's `<param>_<neuron name>`.

#include "call_args.hpp"
#include "hoc_api.hpp"
#include "plugin_state.hpp"

#include "base/suggest.hpp"
#include "base/text.hpp"

#include <vector>

namespace glia::plugin {

namespace {

constexpr const char* kSetUsage = "; usage: glia_set(asset, param, value [, x] [, package [, variant]])";
constexpr const char* kGetUsage = "; usage: glia_get(asset, param [, x] [, package [, variant]])";

/// The parameter names of mechanism `mech` (its range variables without the `_<name>` suffix).
std::vector<std::string> parameter_names(Symbol* mech, const std::string& suffix) {
    std::vector<std::string> names;
    for (unsigned i = 0; i < mech->s_varn; ++i) {
        std::string full = mech->u.ppsym[i]->name;
        if (full.size() > suffix.size() && full.compare(full.size() - suffix.size(), suffix.size(), suffix) == 0) {
            names.push_back(full.substr(0, full.size() - suffix.size()));
        }
    }
    return names;
}

/// Finds the storage of `param` of `asset` in the accessed section: one pointer per segment,
/// or only the one at x. `value_arg` is 3 for glia_set (which takes a value) and 0 for glia_get.
std::string locate(const char* builtin, int value_arg, std::vector<double*>& storage) {
    std::string call = describe_call(builtin, 2);
    const char* usage = value_arg ? kSetUsage : kGetUsage;
    std::string asset, param;
    for (auto error : {read_string(call, 1, "asset name", asset), read_string(call, 2, "parameter name", param)}) {
        if (!error.empty()) {
            return error + usage;
        }
    }
    if (value_arg && !(ifarg(value_arg) && hoc_is_double_arg(value_arg))) {
        return call + ": the value (argument 3) must be a number" + usage;
    }
    CallTail tail;
    const Candidate* found = nullptr;
    if (auto error = resolve_call(call, asset, value_arg ? value_arg + 1 : 3, true, usage, tail, found);
        !error.empty()) {
        return error;
    }
    const Candidate& c = *found;
    std::string what = c.name.pretty();
    if (c.kind != MechanismKind::density) {
        return call + ": " + what + " is " + kind_with_article(c.kind) +
               "; set its parameters on the object glia_new returned (obj." + param + ")";
    }
    std::string neuron_name = c.neuron_name();
    Symbol* mech = hoc_lookup(neuron_name.c_str());
    if (!mech || mech->type != mechanism_symbol_type()) {
        return not_loaded_error(call, neuron_name);
    }
    std::string suffix = "_" + neuron_name;
    std::string range_name = param + suffix;
    Symbol* range = nullptr;
    for (unsigned i = 0; i < mech->s_varn; ++i) {
        if (range_name == mech->u.ppsym[i]->name) {
            range = mech->u.ppsym[i];
        }
    }
    if (!range) {
        auto names = parameter_names(mech, suffix);
        return call + ": " + what + " has no parameter '" + param + "'" + did_you_mean(param, names) +
               " (its parameters: " + join(names, ", ") + ")";
    }
    Section* sec = accessed_section();
    if (!sec) {
        return call + ": no section is accessed; access one first (`soma " + builtin + "(...)` in HOC, `sec=soma` in Python)";
    }
    std::vector<double> where;
    if (tail.x) {
        where.push_back(*tail.x);
    } else if (value_arg) {
        int nseg = segment_count(sec);
        for (int i = 0; i < nseg; ++i) {
            where.push_back((i + 0.5) / nseg);
        }
    } else {
        where.push_back(0.5);
    }
    for (double x : where) {
        double* p = range_pointer(sec, range, x);
        if (!p) {
            return call + ": " + what + " is not inserted in section " + secname(sec) + "; call glia_insert(\"" + asset +
                   "\") on it first";
        }
        storage.push_back(p);
    }
    return {};
}

std::string set_impl() {
    try {
        std::vector<double*> storage;
        std::string error = locate("glia_set", 3, storage);
        if (error.empty()) {
            // Writes only after every segment was found, so a failed call changes nothing.
            double value = *hoc_getarg(3);
            for (double* p : storage) {
                *p = value;
            }
        }
        return error;
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return rendered(e);
    }
}

std::string get_impl(double& value) {
    try {
        std::vector<double*> storage;
        std::string error = locate("glia_get", 0, storage);
        if (error.empty()) {
            value = *storage.front();
        }
        return error;
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return rendered(e);
    }
}

void hoc_glia_set() {
    raise_if(set_impl());
    hoc_retpushx(1.0);
}

void hoc_glia_get() {
    double value = 0.0;
    raise_if(get_impl(value));
    hoc_retpushx(value);
}

} // namespace

void add_params_builtins(BuiltinTable& table) {
    table.push_back({"glia_set", hoc_glia_set});
    table.push_back({"glia_get", hoc_glia_get});
}

} // namespace glia::plugin
