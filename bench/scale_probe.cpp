// Times, inside one process, what a NEURON start costs glia on an already built set of packages:
// discovery (with the scan memo), the resolver index, and the build's freshness check. Used by
// bench/scale.py; prints one JSON object of medians over --repeat runs.
//
//   glia-scale-probe [REPEAT]      (GLIA_PATH and GLIA_CACHE_DIR as for glia itself)

#include "build/build.hpp"
#include "store/cache.hpp"
#include "packages/discovery.hpp"
#include "resolve/index.hpp"
#include "build/toolchain.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

double since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv) {
    int repeat = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
    std::vector<double> discover, index, fresh;
    size_t mods = 0;
    size_t read = 0;
    for (int r = 0; r < repeat; ++r) {
        auto t = std::chrono::steady_clock::now();
        glia::Discovery found = glia::discover_packages();
        discover.push_back(since(t));
        t = std::chrono::steady_clock::now();
        glia::Index idx(found.packages);
        index.push_back(since(t));
        t = std::chrono::steady_clock::now();
        glia::BuildResult built =
            glia::build_packages(found.packages, glia::detect_toolchain(), glia::cache_root(), glia::BuildOptions{});
        fresh.push_back(since(t));
        if (built.stats.compiled || built.stats.linked) {
            std::fprintf(stderr, "glia-scale-probe: the set was not built yet (%u compiled); build it first\n",
                         built.stats.compiled);
            return 1;
        }
        mods = 0;
        for (const auto& package : found.packages) {
            mods += package.mods.size();
        }
        read = found.mods_read;
    }
    std::printf("{\"mods\": %zu, \"read\": %zu, \"discover_ms\": %.3f, \"index_ms\": %.3f, \"fresh_ms\": %.3f}\n", mods,
                read, median(discover), median(index), median(fresh));
    return 0;
}
