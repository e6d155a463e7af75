// glia_insert(asset [, package [, variant]]): insert a density mechanism into the
// currently accessed section.

#include "call_args.hpp"
#include "hoc_api.hpp"
#include "plugin_state.hpp"
#include "scope_state.hpp"

#include "base/error.hpp"

#include <cstdint>
#include <vector>

namespace glia::plugin {

namespace {

// Resolution cache: models call glia_insert with a handful of names over and over (once per
// section), and resolving plus hoc_lookup costs far more than the insert itself. An entry
// holds the call's arguments and the mechanism type they gave; it is valid while the
// preference scopes are unchanged (their generation), and the index never changes after
// loading. Only successful density inserts are cached, so every error is still raised afresh.
struct CachedInsert {
    std::string asset, package, variant;
    int type = -1;
};

// The entries, all made under one generation of the preference scopes.
struct InsertCache {
    std::uint64_t generation = 0;
    std::vector<CachedInsert> entries;
};

InsertCache& insert_cache() {
    static InsertCache cache;
    return cache;
}

const char* optional_arg(int i) { return ifarg(i) ? hoc_gargstr(i) : ""; }

// The mechanism type for this call's arguments, or -1 if not cached. Allocates nothing.
int cached_type() {
    const auto& cache = insert_cache();
    if (cache.entries.empty() || cache.generation != scopes().generation()) {
        return -1;
    }
    const char* asset = hoc_gargstr(1);
    const char* package = optional_arg(2);
    const char* variant = optional_arg(3);
    for (const auto& entry : cache.entries) {
        if (entry.asset == asset && entry.package == package && entry.variant == variant) {
            return entry.type;
        }
    }
    return -1;
}

void remember(int type) {
    auto& cache = insert_cache();
    std::uint64_t generation = scopes().generation();
    if (cache.generation != generation) {
        cache.entries.clear(); // preferences changed: every entry is stale
        cache.generation = generation;
    }
    if (cache.entries.size() >= 64) {
        cache.entries.erase(cache.entries.begin());
    }
    cache.entries.push_back({hoc_gargstr(1), optional_arg(2), optional_arg(3), type});
}

std::string insert_impl() {
    try {
        std::string asset = hoc_gargstr(1);
        const Candidate& c = resolve_for_call(asset, call_constraint(2));
        if (c.kind != MechanismKind::density) {
            return "glia_insert(\"" + asset + "\"): " + c.name.pretty() + " is " + kind_with_article(c.kind) +
                   ", not a density mechanism; create it with glia_new";
        }
        std::string neuron_name = c.neuron_name();
        Symbol* sym = hoc_lookup(neuron_name.c_str());
        if (!sym || sym->type != mechanism_symbol_type()) {
            return not_loaded_error("glia_insert(\"" + asset + "\")", neuron_name);
        }
        Section* section = chk_access();
        mech_insert1(section, sym->subtype);
        remember(sym->subtype);
        return {};
    } catch (const Error& e) {
        return rendered(e);
    }
}

void hoc_glia_insert() {
    if (ifarg(4)) { // checked before the cache, so no call with extras is ever quietly accepted
        raise_if(describe_call("glia_insert", 3) +
                 ": too many arguments; usage: glia_insert(asset [, package [, variant]])");
    }
    int type = cached_type();
    if (type >= 0) {
        mech_insert1(chk_access(), type);
        hoc_retpushx(1.0);
        return;
    }
    raise_if(insert_impl());
    hoc_retpushx(1.0);
}

} // namespace

void add_insert_builtins(BuiltinTable& table) { table.push_back({"glia_insert", hoc_glia_insert}); }

} // namespace glia::plugin
