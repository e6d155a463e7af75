#include "tools/doctor.hpp"

#include "store/cache.hpp"
#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "tools/plugin_builds.hpp"
#include "base/process.hpp"
#include "build/toolchain.hpp"

#include <cctype>
#include <cstdlib>
#include <optional>

namespace glia {

namespace {

using Status = DoctorCheck::Status;

std::string first_line(const std::string& text) {
    size_t start = text.find_first_not_of(" \n\t");
    if (start == std::string::npos) {
        return {};
    }
    return text.substr(start, text.find('\n', start) - start);
}

// "9.0.2" from "NEURON -- VERSION 9.0.2.dev0 ..." or "9.0.2.dev0": the first a.b.c in `text`.
std::string version_in(const std::string& text) {
    for (size_t i = 0; i < text.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i])) || (i && std::isdigit(static_cast<unsigned char>(text[i - 1])))) {
            continue;
        }
        size_t end = i;
        int dots = 0;
        while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) ||
                                     (text[end] == '.' && dots < 2 && end + 1 < text.size() &&
                                      std::isdigit(static_cast<unsigned char>(text[end + 1])) && ++dots))) {
            ++end;
        }
        if (dots == 2) {
            return text.substr(i, end - i);
        }
    }
    return {};
}

// Same major and minor version: what a plugin needs of the NEURON it runs in.
bool same_release(const std::string& a, const std::string& b) {
    auto release = [](const std::string& v) { return v.substr(0, v.rfind('.')); };
    return !a.empty() && !b.empty() && release(a) == release(b);
}

using Problem = DoctorCheck::Problem;

// The checks so far, added to in the order a user should fix them.
struct Checks {
    std::vector<DoctorCheck> list;
    void add(std::string what, Status status, Message detail, Problem problem = Problem::none) {
        list.push_back({std::move(what), status, std::move(detail), problem});
    }
};

// A real compile with NEURON's flags: the only way to know they suit this compiler.
void check_compiler(const Toolchain& tc, Checks& checks) {
    boost::system::error_code ec;
    fs::path work = fs::temp_directory_path() / fs::unique_path("glia-doctor-%%%%%%%%");
    fs::create_directories(work, ec);
    try {
        write_file_atomic(work / "probe.c", "#include \"nrnconf.h\"\nint glia_doctor_probe(void) { return 0; }\n");
        std::vector<std::string> compile = tc.compile;
        compile.insert(compile.end(), {"-c", (work / "probe.c").string(), "-o", (work / "probe.o").string()});
        ProcessResult c = run_process(compile, work);
        checks.add("C compiler", c.ok() ? Status::ok : Status::failed,
                   compile.front() + (c.ok() ? " compiles with NEURON's flags" : ": " + first_line(c.output)),
                   c.ok() ? Problem::none : Problem::no_c_compiler);
    } catch (const Error& e) {
        checks.add("C compiler", Status::failed, e.message(), Problem::temp_not_writable);
    }
    fs::remove_all(work, ec);
}

// NEURON's tools, headers and library, and a compile with its flags; the toolchain if it is found.
std::optional<Toolchain> check_toolchain(Checks& checks) {
    std::optional<Toolchain> tc;
    try {
        tc = detect_toolchain();
        checks.add("NEURON toolchain", Status::ok, "NEURON in " + tc->neuron_prefix.string());
    } catch (const Error& e) {
        checks.add("NEURON toolchain", Status::failed, e.message(), Problem::no_neuron_toolchain);
        return tc;
    }
    ProcessResult r = run_process({tc->nocmodl.string(), "--version"}, {});
    checks.add("nocmodl", r.ok() ? Status::ok : Status::failed,
               tc->nocmodl.string() + (r.ok() ? " " : ": ") + first_line(r.output),
               r.ok() ? Problem::none : Problem::no_neuron_toolchain);
    checks.add("nrnmech_makefile", Status::ok, tc->makefile.string());
    checks.add("NEURON headers", Status::ok, tc->include_dir.string());
    checks.add("libnrniv", Status::ok, (tc->library_dir / "libnrniv.so").string());
    boost::system::error_code ec;
    bool units = fs::exists(tc->units, ec);
    checks.add("units file", units ? Status::ok : Status::warning,
               tc->units.empty() ? "nrnunits.lib not found" : tc->units.string(),
               units ? Problem::none : Problem::no_units_file);
    check_compiler(*tc, checks);
    return tc;
}

// The plugin runs only in the NEURON release it was built for: nrniv and Python's neuron must be it.
void check_neuron_releases(const DoctorOptions& options, Checks& checks) {
    const std::string target = neuron_target_version();
    checks.add("glia's NEURON", Status::ok,
               "this glia is built for NEURON " + target + " (" + neuron_target_prefix().string() + ")");
    ProcessResult nrniv = run_process({"nrniv", "--version"}, {});
    std::string nrniv_version = version_in(nrniv.output);
    if (!nrniv.ok()) {
        checks.add("nrniv", Status::failed, "cannot run nrniv: " + first_line(nrniv.output), Problem::no_nrniv);
    } else if (!same_release(nrniv_version, target)) {
        checks.add("nrniv", Status::failed,
                   "nrniv on PATH is NEURON " + (nrniv_version.empty() ? "of an unknown version" : nrniv_version) +
                       ", but this glia is built for NEURON " + target + ": its plugin will refuse to load there",
                   Problem::nrniv_other_release);
    } else {
        checks.add("nrniv", Status::ok, "runs, NEURON " + nrniv_version);
    }
    ProcessResult py = run_process({options.python.string(), "-c", "import neuron; print(neuron.__version__)"}, {},
                                   {{"NEURON_MODULE_OPTIONS", "-nogui"}});
    std::string py_version = version_in(py.output);
    if (!py.ok()) {
        checks.add("Python with NEURON", Status::failed, options.python.string() + ": " + first_line(py.output),
                   Problem::python_without_neuron);
    } else if (!same_release(py_version, target)) {
        checks.add("Python with NEURON", Status::failed,
                   options.python.string() + " imports NEURON " + py_version + ", but this glia is built for NEURON " +
                       target + ": import glia will refuse",
                   Problem::python_other_release);
    } else {
        checks.add("Python with NEURON", Status::ok, options.python.string() + " imports neuron " + py_version);
    }
}

// The plugin exists, and load_file("glia.hoc"), import glia and this command load one build of it:
// two installs (another prefix, an old glia.hoc in NEURON's hoc library) silently mix builds.
void check_plugin_builds(const DoctorOptions& options, const std::optional<Toolchain>& tc, Checks& checks) {
    boost::system::error_code ec;
    if (options.plugin.empty() || !fs::exists(options.plugin, ec)) {
        checks.add("plugin", Status::failed, "libglia.so not found at " + options.plugin.string(), Problem::no_plugin);
    } else {
        checks.add("plugin", Status::ok, options.plugin.string());
    }
    fs::path neuron_home = std::getenv("NEURONHOME") ? fs::path(std::getenv("NEURONHOME"))
                           : tc                      ? tc->neuron_prefix / "share" / "nrn"
                                                     : fs::path("/usr/share/nrn");
    auto uses = plugin_uses(options.plugin, options.python, neuron_home);
    if (std::string differ = plugin_uses_differ(uses); !differ.empty()) {
        // With GLIA_PLUGIN set the user chose another plugin for this command and Python on purpose.
        bool chosen = std::getenv("GLIA_PLUGIN") && *std::getenv("GLIA_PLUGIN");
        checks.add("one glia build", chosen ? Status::warning : Status::failed, "not one build: " + differ,
                   chosen ? Problem::plugin_chosen_elsewhere : Problem::plugin_builds_differ);
    } else {
        for (const auto& use : uses) {
            if (use.plugin) {
                checks.add("one glia build", Status::ok,
                           "load_file(\"glia.hoc\"), import glia and glia load " + use.plugin->string() +
                               (use.version.empty() ? "" : " (glia " + use.version + ")"));
                break;
            }
        }
    }
    for (const auto& use : uses) {
        if (use.plugin) {
            continue;
        }
        if (use.who == "import glia") {
            checks.add(use.who, Status::warning, options.python.string() + " finds no module glia",
                       Problem::no_python_module);
        } else {
            checks.add(use.who, Status::warning,
                       "finds no glia.hoc (NEURON looks in the working directory, HOC_LIBRARY_PATH and " +
                           (neuron_home / "lib" / "hoc").string() + ")",
                       Problem::no_glia_hoc);
        }
    }
}

void check_cache(Checks& checks) {
    fs::path cache = cache_root();
    try {
        claim_cache(cache);
        fs::path probe = cache / fs::unique_path(".doctor-%%%%%%%%");
        write_file_atomic(probe, "ok\n");
        boost::system::error_code ec;
        fs::remove(probe, ec);
        checks.add("build cache", Status::ok, cache.string() + " is writable");
    } catch (const Error& e) {
        checks.add("build cache", Status::failed, e.message(), Problem::cache_not_writable);
    }
}

void check_packages(Checks& checks) {
    Discovery found = discover_packages();
    std::size_t mods = 0;
    for (const auto& package : found.packages) {
        mods += package.mods.size();
    }
    checks.add("packages", found.packages.empty() ? Status::warning : Status::ok,
               std::to_string(found.packages.size()) + " package(s), " + std::to_string(mods) + " mechanism(s)",
               found.packages.empty() ? Problem::no_packages : Problem::none);
    for (const auto& problem : found.problems) {
        checks.add("package", Status::warning, problem.message, Problem::package_problem);
    }
}

// Debian's nrnivmodl looks for its makefile in /usr/bin; glia drives the same steps itself.
void check_debian_nrnivmodl(Checks& checks) {
    boost::system::error_code ec;
    if (fs::exists("/usr/bin/nrnivmodl", ec) && !fs::exists("/usr/bin/nrnmech_makefile", ec) &&
        fs::exists("/usr/lib/nrn/nrnmech_makefile", ec)) {
        checks.add("nrnivmodl", Status::note,
                   "Debian's nrnivmodl is broken: it looks for /usr/bin/nrnmech_makefile, which the package puts in "
                   "/usr/lib/nrn. glia does not need nrnivmodl.",
                   Problem::debian_nrnivmodl_broken);
    }
}

} // namespace

std::string status_name(DoctorCheck::Status status) {
    switch (status) {
    case Status::ok: return "ok";
    case Status::warning: return "warning";
    case Status::failed: return "FAILED";
    case Status::note: return "note";
    }
    return "?";
}

Diagnostic DoctorCheck::finding() const {
    Severity severity = status == Status::failed    ? Severity::error
                        : status == Status::warning ? Severity::warning
                                                    : Severity::note;
    return {severity, what + ": " + detail};
}

std::vector<DoctorCheck> run_doctor(const DoctorOptions& options) {
    Checks checks;
    std::optional<Toolchain> tc = check_toolchain(checks);
    check_neuron_releases(options, checks);
    check_plugin_builds(options, tc, checks);
    check_cache(checks);
    check_packages(checks);
    check_debian_nrnivmodl(checks);
    return checks.list;
}

} // namespace glia
