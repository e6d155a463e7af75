// glia_insert(asset [, package [, variant]]): insert a density mechanism into the
// currently accessed section.

#include "hoc_api.hpp"
#include "plugin_state.hpp"

#include "glia/error.hpp"

#include "section.h"

namespace glia::plugin {

namespace {

std::string insert_impl() {
    try {
        std::string asset = hoc_gargstr(1);
        const Candidate& c = resolve_for_call(asset, call_constraint(2));
        if (c.kind != MechanismKind::density) {
            return "glia_insert(\"" + asset + "\"): " + c.name.pretty() + " is a " + std::string(kind_name(c.kind)) +
                   ", not a density mechanism; create it with glia_new";
        }
        std::string neuron_name = c.neuron_name();
        Symbol* sym = hoc_lookup(neuron_name.c_str());
        if (!sym || sym->type != mechanism_symbol_type()) {
            return "glia_insert(\"" + asset + "\"): " + neuron_name +
                   " is not loaded in NEURON (did it fail to build? run 'glia compile' to see why)";
        }
        mech_insert1(chk_access(), sym->subtype);
        return {};
    } catch (const Error& e) {
        return e.what();
    }
}

void hoc_glia_insert() {
    raise_if(insert_impl());
    hoc_retpushx(1.0);
}

} // namespace

void add_insert_builtins(BuiltinTable& table) { table.push_back({"glia_insert", hoc_glia_insert}); }

} // namespace glia::plugin
