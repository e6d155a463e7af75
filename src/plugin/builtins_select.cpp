// Preferences from HOC and Python (`h.`): the script and context scopes of docs/architecture.md,
// "Preferences and resolution".
// A package or variant argument of "" leaves that field to the weaker scopes.
//
//   glia_select(asset, package [, variant])          script scope: choose for one asset
//   glia_select_package(package [, variant])         script scope: prefer a package for every
//                                                    asset it has (in that variant, if given)
//   glia_unselect(asset)                             1 if a script choice was removed, else 0
//   glia_unselect_package(package)                   likewise for a package-wide default
//   glia_clear_selections()                          removes every script-scope choice
//   glia_context_push([package [, variant]])         opens a context (package-wide if a package
//                                                    is given); returns how many are open
//   glia_context_select(asset, package [, variant])  chooses in the innermost context
//   glia_context_pop()                               closes the innermost; returns how many stay
//   glia_resolve(asset [, package [, variant]])      the NEURON name the asset means here (string)
//   glia_reload_preferences()                        reads the global and project files again (and
//                                                    loads the packages, if a start could not for a
//                                                    broken glia.yaml)
//
// A choice that names something not installed is refused with an error; nothing is recorded.

#include "hoc_api.hpp"
#include "plugin_state.hpp"
#include "scope_state.hpp"

#include "base/error.hpp"

#include <set>

namespace glia::plugin {

namespace {

// The generation where the Python module reads it with ctypes: the plugin's own copy, which lives
// as long as the process, kept current by the scopes.
std::uint64_t generation_for_python = 0;

} // namespace

ScopeStack& scopes() {
    static ScopeStack s([](std::uint64_t generation) { generation_for_python = generation; });
    return s;
}

const std::uint64_t* generation_address() {
    generation_for_python = scopes().generation();
    return &generation_for_python;
}

void report_preferences_error(const std::string& error) {
    static std::set<std::string> reported;
    if (!reported.insert(error).second) {
        return;
    }
    report("error: " + error + "\nglia left the file unchanged and " +
           (state().load_awaits_project_file
                ? "loaded no package, as the file says which to load (load:): fix it, then call "
                  "glia_reload_preferences(), which loads them"
                : "cannot resolve names until it is fixed; then call glia_reload_preferences()"));
}

namespace {

/// Warns of each preference that names something not among the loaded packages.
void warn_of_choices_not_installed() {
    if (state().index) {
        for (const auto& warning : scopes().check_installed(*state().index)) {
            report("warning: " + rendered(warning));
        }
    }
}

} // namespace

std::vector<std::string> load_preferences() {
    std::vector<std::string> errors;
    try {
        const fs::path& folder = model_folder();
        std::vector<Diagnostic> read =
            scopes().load_files(global_preferences_path(), folder.empty() ? std::nullopt : find_project_file(folder));
        for (const auto& error : read) {
            errors.push_back(rendered(error));
            report_preferences_error(errors.back());
        }
        warn_of_choices_not_installed();
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        errors.push_back(std::string("cannot read the preferences: ") + rendered(e));
        report("error: " + errors.back());
    }
    return errors;
}

namespace {

/// Reads string arguments 1..`total` into `out`, the first `required` of them mandatory.
/// Never raises: returns the error text (with the usage) instead.
std::string read_strings(const char* usage, int required, int total, std::string* out) {
    for (int i = 1; i <= total; ++i) {
        if (!ifarg(i)) {
            if (i <= required) {
                return std::string("too few arguments; usage: ") + usage;
            }
            return {};
        }
        if (!hoc_is_str_arg(i)) {
            return "argument " + std::to_string(i) + " must be a string; usage: " + usage;
        }
        out[i - 1] = hoc_gargstr(i);
    }
    if (ifarg(total + 1)) {
        return std::string("too many arguments; usage: ") + usage;
    }
    return {};
}

/// Runs `body` with the string arguments; any error comes back as text prefixed with `name`.
template <class Body>
std::string with_strings(const char* name, const char* usage, int required, int total, Body body) {
    try {
        std::string args[3];
        std::string error = read_strings(usage, required, total, args);
        if (error.empty()) {
            body(args);
            return {};
        }
        return std::string(name) + ": " + error;
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        return std::string(name) + ": " + rendered(e);
    }
}

// Each builtin keeps its error and result in statics, so nothing owned is alive on the frame
// that raise_if may longjmp out of.

void hoc_glia_select() {
    static std::string error;
    error = with_strings("glia_select", "glia_select(asset, package [, variant])", 2, 3, [](std::string* a) {
        scopes().select(loaded_index(), a[0], Constraint{a[1], a[2]});
    });
    raise_if(error);
    hoc_retpushx(1.0);
}

void hoc_glia_select_package() {
    static std::string error;
    error = with_strings("glia_select_package", "glia_select_package(package [, variant])", 1, 2,
                         [](std::string* a) { scopes().select_package(loaded_index(), Constraint{a[0], a[1]}); });
    raise_if(error);
    hoc_retpushx(1.0);
}

void hoc_glia_unselect() {
    static std::string error;
    static bool removed;
    error = with_strings("glia_unselect", "glia_unselect(asset)", 1, 1,
                         [](std::string* a) { removed = scopes().unselect(a[0]); });
    raise_if(error);
    hoc_retpushx(removed ? 1.0 : 0.0);
}

void hoc_glia_unselect_package() {
    static std::string error;
    static bool removed;
    error = with_strings("glia_unselect_package", "glia_unselect_package(package)", 1, 1,
                         [](std::string* a) { removed = scopes().unselect_package(a[0]); });
    raise_if(error);
    hoc_retpushx(removed ? 1.0 : 0.0);
}

void hoc_glia_clear_selections() {
    static std::string error;
    error = with_strings("glia_clear_selections", "glia_clear_selections()", 0, 0,
                         [](std::string*) { scopes().clear_script(); });
    raise_if(error);
    hoc_retpushx(1.0);
}

void hoc_glia_context_push() {
    static std::string error;
    static size_t depth;
    error = with_strings("glia_context_push", "glia_context_push([package [, variant]])", 0, 2, [](std::string* a) {
        depth = scopes().push_context(loaded_index(), Constraint{a[0], a[1]});
    });
    raise_if(error);
    hoc_retpushx(static_cast<double>(depth));
}

void hoc_glia_context_select() {
    static std::string error;
    error = with_strings("glia_context_select", "glia_context_select(asset, package [, variant])", 2, 3,
                         [](std::string* a) { scopes().context_select(loaded_index(), a[0], Constraint{a[1], a[2]}); });
    raise_if(error);
    hoc_retpushx(1.0);
}

void hoc_glia_context_pop() {
    static std::string error;
    static size_t depth;
    error = with_strings("glia_context_pop", "glia_context_pop()", 0, 0,
                         [](std::string*) { depth = scopes().pop_context(); });
    raise_if(error);
    hoc_retpushx(static_cast<double>(depth));
}

void hoc_glia_resolve() {
    static std::string error;
    static std::string name;
    error = with_strings("glia_resolve", "glia_resolve(asset [, package [, variant]])", 1, 3, [](std::string* a) {
        name = scopes().resolve(loaded_index(), a[0], Constraint{a[1], a[2]}).neuron_name();
    });
    raise_if(error);
    return_string(name);
}

void hoc_glia_reload_preferences() {
    static std::string error;
    error = with_strings("glia_reload_preferences", "glia_reload_preferences()", 0, 0, [](std::string*) {
        std::vector<std::string> errors = load_preferences();
        if (!errors.empty()) {
            throw Error(errors.front());
        }
        if (load_awaited_packages()) { // the start left them for the file's `load:` list
            warn_of_choices_not_installed();
        }
    });
    raise_if(error);
    hoc_retpushx(1.0);
}

} // namespace

void add_select_builtins(BuiltinTable& table) {
    table.push_back({"glia_select", hoc_glia_select});
    table.push_back({"glia_select_package", hoc_glia_select_package});
    table.push_back({"glia_unselect", hoc_glia_unselect});
    table.push_back({"glia_unselect_package", hoc_glia_unselect_package});
    table.push_back({"glia_clear_selections", hoc_glia_clear_selections});
    table.push_back({"glia_context_push", hoc_glia_context_push});
    table.push_back({"glia_context_select", hoc_glia_context_select});
    table.push_back({"glia_context_pop", hoc_glia_context_pop});
    table.push_back({"glia_resolve", hoc_glia_resolve});
    table.push_back({"glia_reload_preferences", hoc_glia_reload_preferences});
}

void finish_select_builtins() { make_string_builtin("glia_resolve"); }

} // namespace glia::plugin
