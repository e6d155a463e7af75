#include "start/start.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/file_stamp.hpp"
#include "resolve/lockfile.hpp"
#include "start/start_record.hpp"

namespace glia {

StartResult start_packages(const StartSettings& settings) {
    auto check_lock = [&](const std::vector<Package>& packages) {
        if (!settings.model_dir.empty()) {
            check_lock_in(settings.model_dir, packages); // a model with a glia.lock runs only as locked
        }
    };
    auto find = [&] {
        Discovery found = discover_packages(settings.model_dir, settings.only ? &*settings.only : nullptr);
        check_lock(found.packages);
        return found;
    };
    const fs::path& cache = settings.cache;
    if (settings.compiling_off) {
        // Compute nodes without a compiler, or a frozen cache: no toolchain needed, nothing recorded.
        Discovery found = find();
        BuildResult built = last_built(found.packages, cache);
        return {std::move(found), std::move(built)};
    }
    int64_t started = now_ns();
    std::optional<Toolchain> toolchain = settings.toolchain;
    if (!toolchain) {
        try {
            toolchain = detect_toolchain();
        } catch (const Error&) {
            // Said where it always was, after discovery and the lock (build_packages needs it): no record.
        }
    }
    std::optional<fs::path> record;
    StartQuestion question;
    if (toolchain && cache_problem(cache).empty()) { // never a record in a folder that is not glia's cache
        question = {package_search_path(settings.model_dir), settings.only, toolchain->identity(),
                    settings.build.include_dirs};
        record = start_record_path(cache, start_key(question));
        if (std::optional<RecordedStart> recorded = recorded_start(*record)) {
            check_lock(recorded->found.packages);
            return {std::move(recorded->found), std::move(recorded->built)};
        }
    }
    Discovery found = find();
    BuildResult built =
        build_packages(found.packages, toolchain ? *toolchain : detect_toolchain(), cache, settings.build);
    if (record && settings.mpi_rank < 1) { // under MPI one rank writes it for all
        record_start(*record, started, question, found, built);
    }
    return {std::move(found), std::move(built)};
}

} // namespace glia
