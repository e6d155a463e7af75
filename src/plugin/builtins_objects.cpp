// glia_new(asset [, x] [, package [, variant]]): a new point process placed at x (default 0.5)
// of the currently accessed section, or a new artificial cell (no x), like `new AMPA(0.5)`.

#include "call_args.hpp"
#include "hoc_api.hpp"
#include "plugin_state.hpp"

namespace glia::plugin {

namespace {

constexpr const char* kUsage = "; usage: glia_new(asset [, x] [, package [, variant]])";

short template_symbol_type() {
    static short type = hoc_lookup("IClamp")->type;
    return type;
}

/// What glia_new will create, found without raising hoc errors.
struct NewTarget {
    Symbol* templ = nullptr;
    bool artificial = false;
    double x = 0.5;
};

std::string new_impl(NewTarget& target) {
    try {
        std::string call = describe_call("glia_new", 1);
        std::string asset;
        if (auto error = read_string(call, 1, "asset name", asset); !error.empty()) {
            return error + kUsage;
        }
        CallTail tail;
        const Candidate* found = nullptr;
        if (auto error = resolve_call(call, asset, 2, true, kUsage, tail, found); !error.empty()) {
            return error;
        }
        const Candidate& c = *found;
        std::string what = c.name.pretty();
        if (c.kind == MechanismKind::density) {
            return call + ": " + what + " is a density mechanism, not an object; insert it with glia_insert(\"" +
                   asset + "\")";
        }
        std::string neuron_name = c.neuron_name();
        Symbol* sym = hoc_lookup(neuron_name.c_str());
        if (!sym || sym->type != template_symbol_type() || !sym->u.ctemplate->is_point_) {
            return not_loaded_error(call, neuron_name);
        }
        target.templ = sym;
        target.artificial = nrn_is_artificial_[pointsym[sym->u.ctemplate->is_point_]->subtype] != 0;
        if (target.artificial) {
            if (tail.x) {
                return call + ": " + what + " is an artificial cell, which has no location; call glia_new(\"" +
                       asset + "\") without x";
            }
            return {};
        }
        if (!accessed_section()) {
            return call + ": " + what + " is a point process and needs a section; access one first (`soma syn = glia_new(\"" +
                   asset + "\", 0.5)` in HOC, `sec=soma` in Python)";
        }
        target.x = tail.x.value_or(0.5);
        return {};
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return rendered(e);
    }
}

void hoc_glia_new() {
    NewTarget target;
    raise_if(new_impl(target));
    int narg = 0;
    if (!target.artificial) {
        hoc_pushx(target.x); // hoc_newobj1 pops it and places the point process on the accessed section
        narg = 1;
    }
    return_object(hoc_newobj1(target.templ, narg));
}

} // namespace

void add_objects_builtins(BuiltinTable& table) { table.push_back({"glia_new", hoc_glia_new}); }

void finish_objects_builtins() { make_object_builtin("glia_new"); }

} // namespace glia::plugin
