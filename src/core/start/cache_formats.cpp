/// \file
/// The formats the cache keeps (cache.hpp's cache_formats), listed in the one place above them all: the store
/// includes none of them, and each owns its names, header line and rule for what is still in use.

#include "store/cache.hpp"
#include "build/failure_memo.hpp"
#include "build/load_set.hpp"
#include "build/manifest.hpp"
#include "packages/python_packages.hpp"
#include "packages/scan_memo.hpp"
#include "start/start_record.hpp"

namespace glia {

const std::vector<const CacheFormat*>& cache_formats() {
    // The set libraries after the manifest: their rule reads the libraries its collection kept.
    static const std::vector<const CacheFormat*> formats = {
        &manifest_format(),  &load_set_format(),         &start_record_format(),
        &scan_memo_format(), &declaration_memo_format(), &failure_memo_format(),
    };
    return formats;
}

} // namespace glia
