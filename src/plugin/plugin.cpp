// libglia.so: the NEURON plugin. nrn_load_dll("libglia.so") calls modl_reg(), which
// registers glia's hoc builtins, builds what is stale and loads the package libraries.
// Every rule lives in the core; this file only translates between hoc and the core.
//
// hoc errors unwind with longjmp, which must not cross C++ frames that own resources:
// each builtin does its C++ work in a function that returns an error text, and raises
// the hoc error only after that function's objects are gone.

#include "glia/build.hpp"
#include "glia/cache.hpp"
#include "glia/discovery.hpp"
#include "glia/error.hpp"
#include "glia/index.hpp"
#include "glia/resolver.hpp"
#include "glia/toolchain.hpp"

#include "hocdec.h"
#include "section.h"

#include <cstdio>
#include <dlfcn.h>
#include <memory>
#include <optional>
#include <string>

extern int nrnmpi_myid;
extern "C" void modl_reg();

namespace {

/// What the plugin knows after loading: the index, and why loading failed if it did.
struct PluginState {
    std::optional<glia::Index> index;
    std::string load_error;
};

PluginState& state() {
    static PluginState s;
    return s;
}

bool is_rank0() { return nrnmpi_myid < 1; }

void report(const std::string& text) {
    if (is_rank0()) {
        std::fprintf(stderr, "glia: %s\n", text.c_str());
    }
}

// The hoc type of NEURON's density mechanisms, read from one that always exists.
short mechanism_symbol_type() {
    static short type = hoc_lookup("hh")->type;
    return type;
}

/// Builds what is stale and registers every package library's mechanisms with NEURON.
void load_packages() {
    glia::Discovery found = glia::discover_packages();
    for (const auto& problem : found.problems) {
        report(problem);
    }
    glia::Toolchain toolchain = glia::detect_toolchain();
    glia::BuildOptions options;
    options.log = [](const std::string& line) { report(line); };
    glia::BuildResult built = glia::build_packages(found.packages, toolchain, glia::cache_root(), options);
    for (const auto& lib : built.libraries) {
        for (const auto& failure : lib.failures) {
            report("warning: " + failure.name.pretty() + " is not available: " + failure.describe());
        }
        if (lib.library.empty()) {
            continue;
        }
        void* handle = dlopen(lib.library.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle) {
            report("cannot load " + lib.library.string() + ": " + dlerror());
            continue;
        }
        for (const auto& name : lib.mechanisms) {
            std::string full = name.full();
            if (hoc_lookup(full.c_str())) {
                continue; // already registered, e.g. by an earlier load of the same library
            }
            auto reg = reinterpret_cast<void (*)()>(dlsym(handle, glia::registration_symbol(full).c_str()));
            if (!reg) {
                report("cannot load " + full + " from " + lib.library.string() + ": no registration function");
                continue;
            }
            reg();
        }
    }
    state().index.emplace(found.packages);
}

/// Resolves `asset` under the single-use constraint; returns the NEURON name or throws.
const glia::Candidate& resolve_for_call(const std::string& asset, const glia::Constraint& call) {
    if (!state().index) {
        throw glia::Error("glia could not load its packages: " + state().load_error);
    }
    return glia::resolve(*state().index, asset, call);
}

glia::Constraint call_constraint(int first_arg) {
    glia::Constraint c;
    if (ifarg(first_arg)) {
        c.package = hoc_gargstr(first_arg);
    }
    if (ifarg(first_arg + 1)) {
        c.variant = hoc_gargstr(first_arg + 1);
    }
    return c;
}

// glia_insert(asset [, package [, variant]]): insert into the currently accessed section.
std::string insert_impl() {
    try {
        std::string asset = hoc_gargstr(1);
        const glia::Candidate& c = resolve_for_call(asset, call_constraint(2));
        if (c.kind != glia::MechanismKind::density) {
            return "glia_insert(\"" + asset + "\"): " + c.name.pretty() + " is a " +
                   std::string(glia::kind_name(c.kind)) + ", not a density mechanism; create it with glia_new";
        }
        std::string neuron_name = c.neuron_name();
        Symbol* sym = hoc_lookup(neuron_name.c_str());
        if (!sym || sym->type != mechanism_symbol_type()) {
            return "glia_insert(\"" + asset + "\"): " + neuron_name +
                   " is not loaded in NEURON (did it fail to build? run 'glia compile' to see why)";
        }
        mech_insert1(chk_access(), sym->subtype);
        return {};
    } catch (const glia::Error& e) {
        return e.what();
    }
}

void raise_if(const std::string& error) {
    static std::string message;
    if (!error.empty()) {
        message = error;
        hoc_execerror(message.c_str(), nullptr);
    }
}

void hoc_glia_insert() {
    raise_if(insert_impl());
    hoc_retpushx(1.0);
}

VoidFunc builtins[] = {{"glia_insert", hoc_glia_insert}, {nullptr, nullptr}};

} // namespace

extern "C" void modl_reg() {
    static bool loaded = false;
    if (loaded) {
        return; // loading libglia.so twice is harmless
    }
    loaded = true;
    hoc_register_var(nullptr, nullptr, builtins);
    try {
        load_packages();
    } catch (const std::exception& e) {
        state().load_error = e.what();
        report(std::string("error: ") + e.what());
    }
}
