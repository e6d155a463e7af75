#pragma once
/// \file
/// What a NEURON start finds and builds, and every rule of it (docs/architecture.md, "The start"): the
/// model's lock, compiling turned off, a start record reused or written, and which MPI rank writes it. The
/// plugin calls `start_packages` and keeps only what faces NEURON (loading, registering, reporting).

#include "build/build.hpp"
#include "packages/discovery.hpp"
#include "packages/package_list.hpp"
#include "build/toolchain.hpp"

#include <optional>

namespace glia {

/// What a start is asked to do.
struct StartSettings {
    fs::path model_dir;              ///< the model's folder (its lock is checked); empty if none
    std::optional<PackageList> only; ///< the packages to load, if a list names them
    bool compiling_off = false;      ///< build nothing, write nothing: the libraries last built
    BuildOptions build;              ///< how to build what is stale
    fs::path cache;                  ///< the cache's root
    int mpi_rank = 0;                ///< under MPI only rank 0 writes the start record (for all)
    /// The toolchain to build with; detected (detect_toolchain) when not set.
    std::optional<Toolchain> toolchain;
};

/// What a start loads: the packages found and their libraries.
struct StartResult {
    Discovery found;
    BuildResult built;
};

/// Finds the packages (the ones `settings.only` lists, if set), checks them against the model's lock, and
/// builds what is stale (nothing when compiling is off: the libraries last built, and no record). When the
/// cache holds a start record for the same question whose files are all unchanged (start_record.hpp), the
/// packages and libraries are taken from it; else a clean start is recorded for the next one, by rank 0.
/// Throws glia::Error for a lock that does not hold or a toolchain that cannot be found when one is needed.
StartResult start_packages(const StartSettings& settings);

} // namespace glia
