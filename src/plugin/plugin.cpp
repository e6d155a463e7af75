// libglia_nrn.so: the NEURON plugin proper. nrn_load_dll("libglia.so") calls the front's modl_reg
// (loader.cpp), which checks the running NEURON and then calls glia_register(): it registers glia's
// hoc builtins, builds what is stale and loads the package libraries.
// Every rule lives in the core; the plugin only translates between hoc and the core.

#include "advice.hpp"
#include "hoc_api.hpp"
#include "plugin_state.hpp"
#include "scope_state.hpp"

#include "build/build.hpp"
#include "store/cache.hpp"
#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "start/known_problems.hpp"
#include "build/load_set.hpp"
#include "resolve/lockfile.hpp"
#include "packages/package_list.hpp"
#include "start/preflight.hpp"
#include "start/start.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <dlfcn.h>
#include <map>
#include <set>

extern "C" void glia_register();

namespace glia::plugin {

PluginState& state() {
    static PluginState s;
    return s;
}

void report(const std::string& text) {
    if (nrnmpi_myid < 1) {
        std::fprintf(stderr, "glia: %s\n", text.c_str());
    }
}

const fs::path& model_folder() {
    PluginState& s = state();
    if (s.model_folder) {
        return *s.model_folder;
    }
    s.model_folder = fs::path();
    try {
        s.model_folder = confirm_model_dir(s.model, fs::current_path());
        if (s.unchecked_lock) { // the check the load could not make, of the packages it loaded
            const std::optional<PackageList>& only = s.unchecked_lock->only;
            Discovery found;
            check_lock_in(*s.model_folder, [&]() -> const std::vector<Package>& {
                found = discover_packages(s.model.dir, only ? &*only : nullptr);
                return found.packages;
            });
        }
    } catch (const std::exception& e) {
        s.model_folder = fs::path();
        s.index.reset();
        s.load_error = rendered(e);
        report(std::string("error: ") + rendered(e));
    }
    s.unchecked_lock.reset();
    if (!s.model.confirmed) {
        load_preferences(); // deferred by glia_register until the folder was known
    }
    return *s.model_folder;
}

const Index& loaded_index() {
    model_folder();
    if (!state().index) {
        throw Error("glia could not load its packages: " + state().load_error +
                    (state().load_awaits_project_file ? "; fix the file, then call glia_reload_preferences()" : ""));
    }
    return *state().index;
}

const Candidate& resolve_for_call(const std::string& name, const Constraint& call) {
    const Index& index = loaded_index();
    try {
        // global < project < script < context < call, combined by the core (resolve/scopes.hpp).
        return scopes().resolve(index, name, call);
    } catch (const ResolveError& e) {
        // A name nothing loaded may be one a package the model's list leaves out provides: say so.
        bool unknown = index.find(name).empty() && !index.unbuilt(name);
        Message left_out =
            unknown && state().load_list
                ? left_out_by_list(*state().load_list, name, discover_packages(state().model.dir).packages)
                : Message();
        if (left_out.empty()) {
            throw;
        }
        Diagnostic told = e.diagnostic();
        told.message = left_out;
        throw ResolveError(told);
    }
}

namespace {

/// True if environment variable `name` is set to something other than "", "0", "no" or "false".
bool env_switch(const char* name) {
    const char* value = std::getenv(name);
    if (!value) {
        return false;
    }
    std::string v = value;
    return !(v.empty() || v == "0" || v == "no" || v == "false");
}

/// Prints the problems of this start; those printed at an earlier one, unchanged, in one line.
void report_problems(const std::vector<Diagnostic>& problems) {
    bool first_rank = nrnmpi_myid < 1;
    ProblemReport sorted = sort_out_problems(problems, known_problems_path(), std::time(nullptr), first_rank);
    for (const auto& problem : sorted.fresh) {
        report((problem.severity == Severity::warning ? "warning: " : "") + rendered(problem));
    }
    if (sorted.known) {
        report(rendered(known_problems_line(sorted.known)));
    }
}

/// What a start met that did not load, for the report (problems) and for the index (why_not: the
/// stage and message of each mechanism not loaded).
struct LoadNotes {
    std::vector<Diagnostic> problems; ///< warnings of the build and the load; discovery's errors
    std::map<MechanismName, std::pair<std::string, Message>> why_not;
};

/// True under GLIA_NOCOMPILE: a start builds nothing and writes nothing into the cache.
bool compiling_off() { return env_switch("GLIA_NOCOMPILE"); }

/// What a start says of its build: each mod built, as glia compile does, and the build's warnings.
/// A failure is told in full by its warning, which a later start sums up when it is known.
class StartBuildReport : public BuildObserver {
  public:
    void mod_finished(const ModFile& mod, size_t done, size_t total, bool ok) override {
        if (ok) {
            report(progress_line(mod, done, total, ok));
        }
    }
    void warning(const BuildWarning& warning) override { report(warning_line(rendered(warning))); }
};

/// How a start builds what is stale.
BuildOptions start_build_options() {
    BuildOptions options;
    options.reuse_failures = true; // a failed mod unchanged is not tried again at every start
    options.link_set = true;       // one library to open for all the packages (load_set.hpp)
    static StartBuildReport reporter;
    options.observer = &reporter;
    return options;
}

/// What the core's start (start.hpp) is asked to do for `model` in this process: every rule of it is there.
StartResult find_and_build(const ModelDir& model, const std::optional<PackageList>& only) {
    StartSettings settings;
    settings.model_dir = model.dir;
    settings.only = only;
    settings.compiling_off = compiling_off();
    settings.build = start_build_options();
    settings.cache = cache_root();
    settings.mpi_rank = nrnmpi_myid;
    return start_packages(settings);
}

/// The load set's one library (load_set.hpp), opened; nullptr if there is none or it does not load (then
/// it is remembered, so later starts do not try it again, unless compiling is off; the package
/// libraries load as before).
void* open_set_library(const BuildResult& built, std::string& refused) {
    if (built.set_library.empty()) {
        return nullptr;
    }
    FileStamp opened = FileStamp::of(built.set_library);
    void* handle = dlopen(built.set_library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        refused = dlerror();
        if (!compiling_off()) { // a frozen cache is not written: the start only falls back
            give_up_load_set(cache_root(), built.set_key, opened, refused);
        }
    }
    return handle;
}

/// Opens every library first (a library that cannot be loaded takes none of its names); returns the
/// handles, one per library (nullptr: not opened; the set library's for each package it holds), and adds
/// the mods they hold to `candidates`.
std::vector<void*> open_libraries(const BuildResult& built, const std::vector<Package>& packages,
                                  std::vector<const ModFile*>& candidates, LoadNotes& notes) {
    std::vector<void*> handles(built.libraries.size(), nullptr);
    std::string set_refused;
    void* set = open_set_library(built, set_refused);
    bool all_opened = true;
    for (size_t p = 0; p < built.libraries.size(); ++p) {
        const auto& lib = built.libraries[p];
        for (const auto& failure : lib.failures) {
            notes.problems.push_back({Severity::warning,
                                      failure.name.pretty() + " is not available: " + failure.describe(),
                                      {failure.file.string()},
                                      failure.name.package,
                                      failure.name.asset});
            notes.why_not[failure.name] = {failure.stage, failure.message};
        }
        for (const auto& warning : lib.warnings) {
            notes.problems.push_back(warning);
        }
        if (lib.library.empty()) {
            continue;
        }
        handles[p] = set ? set : dlopen(lib.library.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handles[p]) {
            all_opened = false;
            Message message = "cannot load package '" + lib.package + "' from " + lib.library.string() + ": " +
                              dlerror() + " (run '" + Remedy{Remedy::Kind::clear_cache} + "' and try again)";
            notes.problems.push_back({Severity::warning, message, {lib.library.string()}, lib.package});
            for (const auto& name : lib.mechanisms) {
                notes.why_not[name] = {"load", message};
            }
            continue;
        }
        auto in_library = mods_in(lib, packages[p]);
        candidates.insert(candidates.end(), in_library.begin(), in_library.end());
    }
    if (!set_refused.empty() && all_opened) {
        // Each package's library loads, yet their set library did not: glia's own fault, told once.
        // With compiling off nothing was remembered (open_set_library): the next start tries it again.
        Message next = compiling_off()
                           ? Remedy{Remedy::Kind::compiling_off_setting} +
                                 " leaves the cache as it is, so a start without it will try again"
                           : "glia will not try it again until '" + Remedy{Remedy::Kind::build} + "' links it anew";
        notes.problems.push_back(glia::warning("the library of all packages, " + built.set_library.string() +
                                               ", could not be loaded (" + set_refused +
                                               "); the packages' own libraries were loaded instead; " + next));
    }
    return handles;
}

/// One mechanism to register: its name and its library's registration function.
struct Registration {
    MechanismName name;
    void (*reg)();
};

/// What to register, library by library: every mechanism the preflight let through whose library
/// has its registration function (one that lacks it is noted).
std::vector<Registration> plan_registrations(const BuildResult& built, const std::vector<Package>& packages,
                                             const std::vector<void*>& handles, const PreflightResult& checked,
                                             LoadNotes& notes) {
    std::vector<Registration> plan;
    for (size_t p = 0; p < built.libraries.size(); ++p) {
        if (!handles[p]) {
            continue;
        }
        const auto& lib = built.libraries[p];
        std::set<MechanismName> in_library(lib.mechanisms.begin(), lib.mechanisms.end());
        // In nrnivmodl's order: NEURON sums currents in registration order, down to the last bit.
        for (const ModFile* mod : registration_order(packages[p])) {
            const MechanismName& name = mod->name;
            if (!in_library.count(name) || !checked.loads(name)) {
                continue;
            }
            auto reg = reinterpret_cast<void (*)()>(dlsym(handles[p], registration_symbol(name.full()).c_str()));
            if (!reg) {
                Message message = "cannot load " + name.pretty() + " from " + lib.library.string() +
                                  ": no registration function (run '" + Remedy{Remedy::Kind::clear_cache} +
                                  "' and try again)";
                notes.problems.push_back({Severity::warning, message, {lib.library.string()}, lib.package});
                notes.why_not[name] = {"load", message};
                continue;
            }
            plan.push_back({name, reg});
        }
    }
    return plan;
}

/// The index of what loaded. What did not load is not among the index's candidates, but the index keeps
/// why, so resolving it says "installed but not built" instead of "unknown".
void index_loaded(const std::vector<Package>& packages, const std::set<MechanismName>& loaded, const LoadNotes& notes) {
    auto is_loaded = [&](const ModFile& mod) { return loaded.count(mod.name) > 0; };
    Index& index = state().index.emplace(packages, neuron_builtins(), is_loaded);
    for (const auto& package : packages) {
        for (const auto& mod : package.mods) {
            if (is_loaded(mod)) {
                continue;
            }
            auto why = notes.why_not.find(mod.name);
            if (why != notes.why_not.end()) {
                index.add_unbuilt(mod, why->second.first, why->second.second);
            } else {
                index.add_unbuilt(mod, "load", "it was not loaded (see the warnings glia printed as NEURON started)");
            }
        }
    }
}

/// Builds what is stale, checks every name the libraries would register (preflight), reports what
/// will not load and indexes what will; returns the registration functions to call, in order (only
/// them: the list is alive while NEURON registers, at the start's peak). Whatever is not loaded is
/// taken out of the index, so the resolver never picks a mechanism NEURON does not have.
std::vector<void (*)()> plan_load() {
    const ModelDir& model = state().model;
    std::optional<PackageList> only;
    try {
        only = model_package_list(model.dir); // the model's `load:` or GLIA_LOAD
    } catch (const ParseError&) {
        state().load_awaits_project_file = true;
        throw;
    }
    // resolve_for_call names what it leaves out.
    state().load_list = only;
    auto [found, built] = find_and_build(model, only);
    LoadNotes notes{found.problems, {}}; // reported together at the end, known ones in one line
    std::vector<const ModFile*> candidates;
    std::vector<void*> handles = open_libraries(built, found.packages, candidates, notes);
    // NEURON stops at the first duplicate name and leaves the rest half-registered: check all first.
    std::unordered_set<std::string> taken = taken_names();
    PreflightResult checked = preflight(candidates, [&](const std::string& name) { return taken.count(name) > 0; });
    for (const auto& clash : checked.clashes) {
        Message why = clash.describe();
        notes.problems.push_back({Severity::warning, why, {clash.file.string()}, clash.left_out.package});
        notes.why_not[clash.left_out] = {"clash", why};
    }
    std::vector<Registration> plan = plan_registrations(built, found.packages, handles, checked, notes);
    report_problems(notes.problems);
    std::set<MechanismName> loading;
    std::vector<void (*)()> registrations;
    registrations.reserve(plan.size());
    for (const auto& registration : plan) {
        loading.insert(registration.name);
        registrations.push_back(registration.reg);
    }
    index_loaded(found.packages, loading, notes);
    if (model.dir.empty()) {
        state().unchecked_lock = DeferredLockCheck{std::move(only)}; // checked at the first glia call
    }
    return registrations;
}

/// Registers what plan_load let through. The discovery, the build's result and the memos are gone by
/// then: NEURON's registration reuses their memory instead of adding to the process's peak.
void load_packages() {
    for (auto reg : plan_load()) {
        reg();
    }
}

} // namespace

bool load_awaited_packages() {
    PluginState& s = state();
    if (!s.load_awaits_project_file) {
        return false;
    }
    s.load_awaits_project_file = false;
    s.load_error.clear();
    try {
        register_as_nrn_load_dll(load_packages);
    } catch (const std::exception& e) {
        pass_neuron_errors(e);
        s.index.reset();
        s.load_error = rendered(e);
        throw Error("glia could not load its packages: " + s.load_error);
    }
    return true;
}

} // namespace glia::plugin

extern "C" void glia_register() {
    using namespace glia::plugin;
    static bool loaded = false;
    if (loaded) {
        return; // two fronts (libglia.so by two paths) may hand over to one plugin proper
    }
    loaded = true;
    static BuiltinTable table;
    // In this order in front of NEURON's names (put_first_in_lookup): those a model calls per section or
    // cell first, the scopes' (called once per script) last.
    add_insert_builtins(table);
    add_objects_builtins(table);
    add_params_builtins(table);
    add_info_builtins(table);
    add_select_builtins(table);
    table.push_back({nullptr, nullptr});
    hoc_register_var(nullptr, nullptr, table.data());
    put_first_in_lookup(table);
    finish_select_builtins();
    finish_objects_builtins();
    finish_info_builtins();
    try {
        // glia.hoc names itself before loading the plugin: NEURON is then in glia.hoc's folder.
        state().model = glia::model_dir_at_load(name_taken("glia_hoc_is_loading_"));
        if (env_switch("GLIA_NOLOAD")) {
            // Builtins only: for a process that loads its mechanisms some other way, or none.
            state().load_error = "GLIA_NOLOAD is set, so glia loaded no packages; unset it to use them";
            report("GLIA_NOLOAD is set: builtins registered, no package built or loaded");
        } else {
            load_packages();
        }
    } catch (const std::exception& e) {
        // Never raise a hoc error here: this runs inside nrn_load_dll, with NEURON's symbol lists swapped.
        state().load_error = rendered(e);
        if (state().load_awaits_project_file) {
            report_preferences_error(rendered(e)); // the preferences' reading below meets it again: told once
        } else {
            report(std::string("error: ") + rendered(e));
        }
    }
    if (state().model.confirmed) {
        model_folder();     // known now: the first glia call has nothing left to check
        load_preferences(); // reports a broken file and carries on: resolving then says why it fails
    }
}
