// glia doctor: what glia needs from this machine, and how to fix what is missing. The core's doctor
// names each problem; the fixes, as this command words them, are here.

#include "commands.hpp"
#include "options.hpp"

#include "tools/doctor.hpp"
#include "base/install_dirs.hpp"
#include "base/remedy.hpp"
#include "build/toolchain.hpp"

#include <iostream>

namespace glia::cli {
namespace {

using Problem = DoctorCheck::Problem;

constexpr const char* kInstallNeuron = "install NEURON with its development files: apt-get install neuron neuron-dev "
                                       "python3-neuron (or set GLIA_NEURON_PREFIX to another NEURON installation)";
constexpr const char* kOneInstall = "Keep one install: remove the other glia.hoc or Python module, reinstall glia "
                                    "('meson install -C build'), or point HOC_LIBRARY_PATH and PYTHONPATH at one install";

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

// How to make nrniv or Python use the NEURON this glia is built for.
std::string release_fix(Problem problem) {
    const std::string target = neuron_target_version();
    const fs::path prefix = neuron_target_prefix();
    const std::string rebuild = "or rebuild glia for that NEURON: meson setup <dir> -Dneuron_prefix=<its prefix> "
                                "(-Dneuron_prefix=auto for a pip-installed neuron)";
    switch (problem) {
    case Problem::nrniv_other_release:
        return "put NEURON " + target + "'s nrniv first on PATH (export PATH=" + (prefix / "bin").string() +
               ":$PATH), " + rebuild;
    case Problem::python_without_neuron:
        return "apt-get install python3-neuron (Debian's NEURON works with /usr/bin/python3 only), or put NEURON " +
               target + "'s module on PYTHONPATH (" + python_path_fix(prefix) + ")";
    default:
        return "put NEURON " + target + "'s module first on PYTHONPATH (" + python_path_fix(prefix) + "), " + rebuild;
    }
}

// What to do about `problem`, with the command to run.
Message fix_for(Problem problem) {
    switch (problem) {
    case Problem::none: return "";
    case Problem::no_neuron_toolchain: return kInstallNeuron;
    case Problem::no_units_file:
        return "nocmodl may reject units without it; reinstall NEURON (apt-get install --reinstall neuron)";
    case Problem::no_c_compiler:
        return "install a C compiler (apt-get install build-essential) or point GLIA_CC at one";
    case Problem::temp_not_writable: return "make the temporary directory writable (TMPDIR)";
    case Problem::no_nrniv: return "install NEURON (apt-get install neuron) and put nrniv on PATH";
    case Problem::nrniv_other_release:
    case Problem::python_without_neuron:
    case Problem::python_other_release: return release_fix(problem);
    case Problem::no_plugin:
        return "install glia ('meson install -C build && ldconfig') or set GLIA_PLUGIN to a built libglia.so";
    case Problem::plugin_builds_differ: return kOneInstall;
    case Problem::plugin_chosen_elsewhere:
        return std::string("GLIA_PLUGIN is set; unset it to check the installed glia. ") + kOneInstall;
    case Problem::no_python_module:
        return "install glia ('meson install -C build') or put the folder holding glia/ on PYTHONPATH";
    case Problem::no_glia_hoc:
        return "export HOC_LIBRARY_PATH=" + (installed_data_dir() / "glia" / "hoc").string() +
               " (where glia installs it), or reinstall with 'meson configure build -Dhoc_dir=neuron' "
               "to put it into NEURON's own hoc library";
    case Problem::cache_not_writable:
        return "make it writable, or set GLIA_CACHE_DIR to a writable folder (export GLIA_CACHE_DIR=...)";
    case Problem::no_packages:
        return "install one with '" + Remedy{Remedy::Kind::install, {"DIR"}} + "', or create one with '" +
               Remedy{Remedy::Kind::create_package, {"NAME"}} + "'";
    case Problem::package_problem:
        return "fix the package, then run '" + Remedy{Remedy::Kind::check_package, {"DIR"}} + "'";
    case Problem::debian_nrnivmodl_broken:
        return "only if you want nrnivmodl for other models: ln -s /usr/lib/nrn/nrnmech_makefile "
               "/usr/bin/nrnmech_makefile";
    }
    return "";
}

} // namespace

int cmd_doctor(const Args& args) {
    po::options_description options("options");
    po::variables_map vm;
    if (!parse_options(args, "glia doctor", options, vm)) {
        return 0;
    }
    DoctorOptions doctor;
    doctor.plugin = plugin_path();
    int failed = 0;
    for (const auto& check : run_doctor(doctor)) {
        std::string status = status_name(check.status);
        std::cout << "[" << status << "]" << std::string(status.size() < 7 ? 8 - status.size() : 1, ' ') << check.what
                  << ": " << shown(check.detail) << "\n";
        if (Message fix = fix_for(check.problem); !fix.empty()) {
            std::cout << "          fix: " << shown(fix) << "\n";
        }
        failed += check.status == DoctorCheck::Status::failed;
    }
    if (failed) {
        std::cout << failed << (failed == 1 ? " problem" : " problems") << " to fix (see 'fix:' above)\n";
    } else {
        std::cout << "everything glia needs is in place\n";
    }
    return failed ? 1 : 0;
}

} // namespace glia::cli
