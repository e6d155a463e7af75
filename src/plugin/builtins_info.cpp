// Introspection:
//   glia_exists(asset [, package [, variant]])  1 if some package provides the asset (with that
//                                                package and variant, when given), else 0
//   glia_kind(asset [, package [, variant]])    "density", "point_process" or "artificial_cell"
//                                                of what the asset resolves to
//   glia_assets([package])                      the asset names, sorted, separated by spaces
//   glia_packages()                             the package names (NEURON included), likewise
//   glia_version()                              glia's version and the NEURON it was built
//                                                for, e.g. "0.1.0 (NEURON 9.0.2)"
//   glia_generation()                           a number that changes whenever the preferences in
//                                                force change (select, context, reload, ...): a
//                                                cache of resolutions is valid while it stays
//   glia_generation_address()                   where that number lives in this process (an
//                                                unsigned 64-bit integer), for the Python module,
//                                                which reads it with ctypes instead of a call
// The full name an asset resolves to is glia_resolve's (the preferences builtins).

#include "call_args.hpp"
#include "hoc_api.hpp"
#include "plugin_state.hpp"
#include "scope_state.hpp"

#include "base/error.hpp"
#include "base/text.hpp"

#include <cstdint>

#ifndef GLIA_VERSION
#error "GLIA_VERSION must be defined by the build"
#endif

namespace glia::plugin {

namespace {

std::string exists_impl(bool& exists) {
    try {
        std::string call = describe_call("glia_exists", 1);
        std::string asset;
        CallTail tail;
        for (auto error : {read_string(call, 1, "asset name", asset), read_tail(call, 2, false, tail)}) {
            if (!error.empty()) {
                return error + "; usage: glia_exists(asset [, package [, variant]])";
            }
        }
        const Index& index = loaded_index();
        const Constraint& want = tail.constraint;
        if (is_full_name(asset)) {
            auto name = try_parse_full_name(asset);
            exists = name && index.find_full(*name) && want.admits(*name);
        } else {
            for (const auto& c : index.find(asset)) {
                exists = exists || want.admits(c.name);
            }
        }
        return {};
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return rendered(e);
    }
}

std::string kind_impl(std::string& kind) {
    try {
        std::string call = describe_call("glia_kind", 1);
        std::string asset;
        CallTail tail;
        for (auto error : {read_string(call, 1, "asset name", asset), read_tail(call, 2, false, tail)}) {
            if (!error.empty()) {
                return error + "; usage: glia_kind(asset [, package [, variant]])";
            }
        }
        try {
            kind = kind_name(resolve_for_call(asset, tail.constraint).kind);
        } catch (const Error& e) {
            return call + ": " + rendered(e);
        }
        return {};
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return rendered(e);
    }
}

std::string assets_impl(std::string& list) {
    try {
        std::string package;
        if (ifarg(1)) {
            if (auto error = read_string("glia_assets", 1, "package name", package); !error.empty()) {
                return error + "; usage: glia_assets([package])";
            }
        }
        const Index& index = loaded_index();
        if (package.empty()) {
            list = join(index.asset_names(), " ");
            return {};
        }
        if (!index.has_package(package)) {
            return "glia_assets(\"" + package + "\"): no package named '" + package +
                   "' (packages: " + join(index.package_names(), " ") + ")";
        }
        std::vector<std::string> names;
        for (const auto& asset : index.asset_names()) {
            for (const auto& c : index.find(asset)) {
                if (c.name.package == package) {
                    names.push_back(asset);
                    break;
                }
            }
        }
        list = join(names, " ");
        return {};
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return rendered(e);
    }
}

std::string packages_impl(std::string& list) {
    try {
        list = join(loaded_index().package_names(), " ");
        return {};
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return rendered(e);
    }
}

void hoc_glia_exists() {
    bool exists = false;
    raise_if(exists_impl(exists));
    hoc_retpushx(exists ? 1.0 : 0.0);
}

// String results go through a plain buffer: the std::string must be gone before raise_if.
void return_or_raise(std::string (*impl)(std::string&)) {
    static std::string result;
    result.clear();
    raise_if(impl(result));
    return_string(result);
}

void hoc_glia_kind() { return_or_raise(kind_impl); }
void hoc_glia_assets() { return_or_raise(assets_impl); }
void hoc_glia_packages() { return_or_raise(packages_impl); }
void hoc_glia_version() { return_string(GLIA_VERSION " (NEURON " GLIA_NEURON_VERSION ")"); }

void hoc_glia_generation() { hoc_retpushx(static_cast<double>(scopes().generation())); }
// A user-space address fits a double's 53-bit mantissa exactly on every 64-bit Linux ABI.
void hoc_glia_generation_address() {
    hoc_retpushx(static_cast<double>(reinterpret_cast<std::uintptr_t>(generation_address())));
}

constexpr const char* kStringBuiltins[] = {"glia_kind", "glia_assets", "glia_packages", "glia_version"};

} // namespace

void add_info_builtins(BuiltinTable& table) {
    table.push_back({"glia_generation", hoc_glia_generation}); // the argument-less one: first (hoc_api.hpp)
    table.push_back({"glia_exists", hoc_glia_exists});
    table.push_back({"glia_kind", hoc_glia_kind});
    table.push_back({"glia_assets", hoc_glia_assets});
    table.push_back({"glia_packages", hoc_glia_packages});
    table.push_back({"glia_version", hoc_glia_version});
    table.push_back({"glia_generation_address", hoc_glia_generation_address});
}

void finish_info_builtins() {
    for (const char* name : kStringBuiltins) {
        make_string_builtin(name);
    }
}

} // namespace glia::plugin
