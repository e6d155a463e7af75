#include "glia/doctor.hpp"

#include "glia/cache.hpp"
#include "glia/discovery.hpp"
#include "glia/error.hpp"
#include "glia/install_dirs.hpp"
#include "glia/plugin_builds.hpp"
#include "glia/process.hpp"
#include "glia/toolchain.hpp"

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

// How Python finds the targeted NEURON's module, for the fix of a mismatch.
std::string python_path_fix(const fs::path& prefix) {
    if (prefix == "/usr") {
        return "unset PYTHONPATH: Debian's neuron is in /usr/lib/python3/dist-packages";
    }
    if (prefix.filename() == ".data") { // a pip wheel: site-packages/neuron/.data
        return "export PYTHONPATH=" + prefix.parent_path().parent_path().string();
    }
    return "export PYTHONPATH=" + (prefix / "lib" / "python").string();
}

const char* kInstallNeuron = "install NEURON with its development files: apt-get install neuron neuron-dev "
                             "python3-neuron (or set GLIA_NEURON_PREFIX to another NEURON installation)";

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

std::vector<DoctorCheck> run_doctor(const DoctorOptions& options) {
    std::vector<DoctorCheck> checks;
    boost::system::error_code ec;
    auto add = [&](std::string what, Status status, std::string detail, std::string fix = {}) {
        checks.push_back({std::move(what), status, std::move(detail), std::move(fix)});
    };

    std::optional<Toolchain> tc;
    try {
        tc = detect_toolchain();
        add("NEURON toolchain", Status::ok, "NEURON in " + tc->neuron_prefix.string());
    } catch (const Error& e) {
        add("NEURON toolchain", Status::failed, e.what(), kInstallNeuron);
    }
    if (tc) {
        ProcessResult r = run_process({tc->nocmodl.string(), "--version"}, {});
        add("nocmodl", r.ok() ? Status::ok : Status::failed,
            tc->nocmodl.string() + (r.ok() ? " " + first_line(r.output) : ": " + first_line(r.output)),
            r.ok() ? "" : kInstallNeuron);
        add("nrnmech_makefile", Status::ok, tc->makefile.string());
        add("NEURON headers", Status::ok, tc->include_dir.string());
        add("libnrniv", Status::ok, (tc->library_dir / "libnrniv.so").string());
        add("units file", fs::exists(tc->units, ec) ? Status::ok : Status::warning,
            tc->units.empty() ? "nrnunits.lib not found" : tc->units.string(),
            fs::exists(tc->units, ec) ? "" : "nocmodl may reject units without it; reinstall NEURON (apt-get install --reinstall neuron)");

        // A real compile with NEURON's flags: the only way to know they suit this compiler.
        fs::path work = fs::temp_directory_path() / fs::unique_path("glia-doctor-%%%%%%%%");
        fs::create_directories(work, ec);
        try {
            write_file_atomic(work / "probe.c", "#include \"nrnconf.h\"\nint glia_doctor_probe(void) { return 0; }\n");
            std::vector<std::string> compile = tc->compile;
            compile.insert(compile.end(), {"-c", (work / "probe.c").string(), "-o", (work / "probe.o").string()});
            ProcessResult c = run_process(compile, work);
            add("C compiler", c.ok() ? Status::ok : Status::failed,
                compile.front() + (c.ok() ? " compiles with NEURON's flags" : ": " + first_line(c.output)),
                c.ok() ? "" : "install a C compiler (apt-get install build-essential) or point GLIA_CC at one");
        } catch (const Error& e) {
            add("C compiler", Status::failed, e.what(), "make the temporary directory writable (TMPDIR)");
        }
        fs::remove_all(work, ec);
    }

    // The plugin runs only in the NEURON release it was built for: compare nrniv and Python's neuron with it.
    const std::string target = neuron_target_version();
    const fs::path target_prefix = neuron_target_prefix();
    add("glia's NEURON", Status::ok, "this glia is built for NEURON " + target + " (" + target_prefix.string() + ")");
    const std::string rebuild = "or rebuild glia for that NEURON: meson setup <dir> -Dneuron_prefix=<its prefix> "
                                "(-Dneuron_prefix=auto for a pip-installed neuron)";

    ProcessResult nrniv = run_process({"nrniv", "--version"}, {});
    std::string nrniv_version = version_in(nrniv.output);
    if (!nrniv.ok()) {
        add("nrniv", Status::failed, "cannot run nrniv: " + first_line(nrniv.output),
            "install NEURON (apt-get install neuron) and put nrniv on PATH");
    } else if (!same_release(nrniv_version, target)) {
        add("nrniv", Status::failed,
            "nrniv on PATH is NEURON " + (nrniv_version.empty() ? "of an unknown version" : nrniv_version) +
                ", but this glia is built for NEURON " + target + ": its plugin will refuse to load there",
            "put NEURON " + target + "'s nrniv first on PATH (export PATH=" + (target_prefix / "bin").string() +
                ":$PATH), " + rebuild);
    } else {
        add("nrniv", Status::ok, "runs, NEURON " + nrniv_version);
    }

    ProcessResult py = run_process({options.python.string(), "-c", "import neuron; print(neuron.__version__)"}, {},
                                   {{"NEURON_MODULE_OPTIONS", "-nogui"}});
    std::string py_version = version_in(py.output);
    if (!py.ok()) {
        add("Python with NEURON", Status::failed, options.python.string() + ": " + first_line(py.output),
            "apt-get install python3-neuron (Debian's NEURON works with /usr/bin/python3 only), or put NEURON " +
                target + "'s module on PYTHONPATH (" + python_path_fix(target_prefix) + ")");
    } else if (!same_release(py_version, target)) {
        add("Python with NEURON", Status::failed,
            options.python.string() + " imports NEURON " + py_version + ", but this glia is built for NEURON " +
                target + ": import glia will refuse",
            "put NEURON " + target + "'s module first on PYTHONPATH (" + python_path_fix(target_prefix) + "), " +
                rebuild);
    } else {
        add("Python with NEURON", Status::ok, options.python.string() + " imports neuron " + py_version);
    }

    if (options.plugin.empty() || !fs::exists(options.plugin, ec)) {
        add("plugin", Status::failed, "libglia.so not found at " + options.plugin.string(),
            "install glia ('meson install -C build && ldconfig') or set GLIA_PLUGIN to a built libglia.so");
    } else {
        add("plugin", Status::ok, options.plugin.string());
    }

    // load_file("glia.hoc"), import glia and this command must load one build of the plugin: two
    // installs (another prefix, an old glia.hoc in NEURON's hoc library) silently mix builds.
    fs::path neuron_home = std::getenv("NEURONHOME") ? fs::path(std::getenv("NEURONHOME"))
                           : tc                      ? tc->neuron_prefix / "share" / "nrn"
                                                     : fs::path("/usr/share/nrn");
    auto uses = plugin_uses(options.plugin, options.python, neuron_home);
    if (std::string differ = plugin_uses_differ(uses); !differ.empty()) {
        // With GLIA_PLUGIN set the user chose another plugin for this command and Python on purpose.
        bool chosen = std::getenv("GLIA_PLUGIN") && *std::getenv("GLIA_PLUGIN");
        add("one glia build", chosen ? Status::warning : Status::failed, "not one build: " + differ,
            std::string(chosen ? "GLIA_PLUGIN is set; unset it to check the installed glia. " : "") +
                "Keep one install: remove the other glia.hoc or Python module, reinstall glia "
                "('meson install -C build'), or point HOC_LIBRARY_PATH and PYTHONPATH at one install");
    } else {
        for (const auto& use : uses) {
            if (use.plugin) {
                add("one glia build", Status::ok,
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
            add(use.who, Status::warning, options.python.string() + " finds no module glia",
                "install glia ('meson install -C build') or put the folder holding glia/ on PYTHONPATH");
        } else {
            fs::path hoc_dir = installed_data_dir() / "glia" / "hoc";
            add(use.who, Status::warning,
                "finds no glia.hoc (NEURON looks in the working directory, HOC_LIBRARY_PATH and " +
                    (neuron_home / "lib" / "hoc").string() + ")",
                "export HOC_LIBRARY_PATH=" + hoc_dir.string() +
                    " (where glia installs it), or reinstall with 'meson configure build -Dhoc_dir=neuron' "
                    "to put it into NEURON's own hoc library");
        }
    }

    fs::path cache = cache_root();
    try {
        claim_cache(cache);
        fs::path probe = cache / fs::unique_path(".doctor-%%%%%%%%");
        write_file_atomic(probe, "ok\n");
        fs::remove(probe, ec);
        add("build cache", Status::ok, cache.string() + " is writable");
    } catch (const Error& e) {
        add("build cache", Status::failed, e.what(),
            "make it writable, or set GLIA_CACHE_DIR to a writable folder (export GLIA_CACHE_DIR=...)");
    }

    Discovery found = discover_packages();
    std::size_t mods = 0;
    for (const auto& package : found.packages) {
        mods += package.mods.size();
    }
    add("packages", found.packages.empty() ? Status::warning : Status::ok,
        std::to_string(found.packages.size()) + " package(s), " + std::to_string(mods) + " mechanism(s)",
        found.packages.empty() ? "install one with 'glia install DIR', or create one with 'glia new NAME'" : "");
    for (const auto& problem : found.problems) {
        add("package", Status::warning, problem, "fix the package, then run 'glia check DIR'");
    }

    // Debian's nrnivmodl looks for its makefile in /usr/bin; glia drives the same steps itself.
    fs::path nrnivmodl = "/usr/bin/nrnivmodl";
    if (fs::exists(nrnivmodl, ec) && !fs::exists("/usr/bin/nrnmech_makefile", ec) &&
        fs::exists("/usr/lib/nrn/nrnmech_makefile", ec)) {
        add("nrnivmodl", Status::note,
            "Debian's nrnivmodl is broken: it looks for /usr/bin/nrnmech_makefile, which the package puts in "
            "/usr/lib/nrn. glia does not need nrnivmodl.",
            "only if you want nrnivmodl for other models: ln -s /usr/lib/nrn/nrnmech_makefile "
            "/usr/bin/nrnmech_makefile");
    }
    return checks;
}

} // namespace glia
