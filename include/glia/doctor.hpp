#pragma once
/// \file
/// `glia doctor`: checks what glia needs from the machine (NEURON's tools, a C compiler, the
/// Python with NEURON, a writable cache) and says how to fix each thing that is broken.

#include "glia/fs.hpp"

#include <string>
#include <vector>

namespace glia {

/// The outcome of one check.
struct DoctorCheck {
    enum class Status { ok, warning, failed, note };
    std::string what;   ///< what was checked, e.g. "nocmodl"
    Status status = Status::ok;
    std::string detail; ///< what was found (a path, a version, an error)
    std::string fix;    ///< for anything not ok: what to do, with the command to run
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
