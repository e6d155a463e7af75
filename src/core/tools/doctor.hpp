#pragma once
/// \file
/// `glia doctor`: checks what glia needs from the machine (NEURON's tools, a C compiler, the
/// Python with NEURON, a writable cache) and names each thing that is broken. The findings are
/// facts; the front end says how to fix each kind of problem.

#include "base/diagnostic.hpp"
#include "base/fs.hpp"

#include <string>
#include <vector>

namespace glia {

/// The outcome of one check: a finding with the kind of problem, so the front end can say how to fix it.
struct DoctorCheck {
    enum class Status { ok, warning, failed, note };
    /// What is wrong, for a check that is not ok.
    enum class Problem {
        none,
        no_neuron_toolchain,     ///< NEURON's development files are missing (or nocmodl does not run)
        no_units_file,           ///< nrnunits.lib is missing
        no_c_compiler,           ///< a compile with NEURON's flags fails
        temp_not_writable,       ///< the temporary directory cannot be written
        no_nrniv,                ///< nrniv does not run
        nrniv_other_release,     ///< nrniv on PATH is another NEURON release than glia's
        python_without_neuron,   ///< the Python cannot import neuron
        python_other_release,    ///< the Python imports another NEURON release than glia's
        no_plugin,               ///< the plugin file is missing
        plugin_builds_differ,    ///< glia.hoc, import glia and the command load different builds
        plugin_chosen_elsewhere, ///< the same, but the user chose another plugin for this command
        no_python_module,        ///< the Python finds no module glia
        no_glia_hoc,             ///< NEURON finds no glia.hoc
        cache_not_writable,      ///< the build cache cannot be written
        no_packages,             ///< no package is installed
        package_problem,         ///< a package was skipped
        debian_nrnivmodl_broken, ///< Debian's nrnivmodl cannot find its makefile
    };
    std::string what;   ///< what was checked, e.g. "nocmodl"
    Status status = Status::ok;
    Message detail; ///< what was found (a path, a version, an error)
    Problem problem = Problem::none;

    /// The check as a problem (a note for one that is ok): severity by status, "what: detail".
    Diagnostic finding() const;
};

/// Where `glia doctor` looks, so tests can point it elsewhere.
struct DoctorOptions {
    fs::path plugin;                        ///< the libglia.so models will load
    fs::path python = "/usr/bin/python3";   ///< the Python that should import neuron
};

/// Runs every check, in the order a user should fix them.
std::vector<DoctorCheck> run_doctor(const DoctorOptions& options);

/// "ok", "warning", "FAILED" or "note".
std::string status_name(DoctorCheck::Status status);

} // namespace glia
