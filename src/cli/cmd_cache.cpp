#include "commands.hpp"
#include "options.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"

#include <iostream>

namespace glia::cli {

int cmd_cache(const Args& args) {
    po::options_description options("options");
    options.add_options()("clear", "remove every object and library (loaded processes keep working)")(
        "gc", "remove the objects and libraries no environment uses any more");
    po::variables_map vm;
    if (!parse_options(args, "glia cache [--clear | --gc]", options, vm)) {
        return 0;
    }
    fs::path root = cache_root();
    if (vm.count("clear") && vm.count("gc")) {
        throw Error("--clear and --gc exclude each other: --clear removes everything, --gc only what is unused");
    }
    if (vm.count("clear")) {
        clear_cache(root);
        std::cout << "glia: cleared " << root.string() << std::endl;
    } else if (vm.count("gc")) {
        GarbageCollected removed = collect_garbage(root);
        std::cout << "glia: removed " << removed.objects << " objects, " << removed.libraries << " libraries and "
                  << removed.set_libraries << " set libraries ("
                  << (removed.bytes + 1023) / 1024 << " KiB) from " << root.string();
        if (removed.start_records) {
            std::cout << ", and " << removed.start_records << " start records that no longer hold";
        }
        std::cout << std::endl;
    } else {
        std::cout << root.string() << std::endl;
    }
    return 0;
}

} // namespace glia::cli
