#include "commands.hpp"
#include "json.hpp"
#include "options.hpp"

#include "packages/discovery.hpp"

#include <iostream>

namespace glia::cli {

int cmd_list(const Args& args) {
    po::options_description options("options");
    options.add_options()("json", "print JSON instead of text");
    po::variables_map vm;
    if (!parse_options(args, "glia list [--json]", options, vm)) {
        return 0;
    }
    Discovery found = discover_and_warn();
    if (vm.count("json")) {
        Json packages = Json::array();
        for (const auto& package : found.packages) {
            Json mods = Json::array();
            for (const auto& mod : package.mods) {
                mods.push(Json::object()
                              .set("asset", mod.name.asset)
                              .set("variant", mod.name.variant)
                              .set("kind", std::string(kind_name(mod.nmodl.kind)))
                              .set("name", mod.name.full())
                              .set("file", mod.path.string()));
            }
            packages.push(Json::object()
                              .set("name", package.name)
                              .set("version", package.version)
                              .set("path", package.dir.string())
                              .set("origin", package.origin)
                              .set("distribution", distribution_json(package))
                              .set("mods", mods));
        }
        std::cout << packages.dump() << "\n";
        return 0;
    }
    if (found.packages.empty()) {
        std::cout << "no packages found; the search path is GLIA_PATH, " << user_package_dir().string()
                  << ", Python distributions advertising glia.package, " << installed_package_dir().string() << "\n";
    }
    for (const auto& package : found.packages) {
        std::cout << package.name << (package.version.empty() ? "" : " " + package.version) << "  ("
                  << package.dir.string() << ")\n";
        if (!package.distribution.empty()) {
            std::cout << "  from " << shown(package_source(package)) << "\n";
        }
        for (const auto& mod : package.mods) {
            std::cout << "  " << mod.name.asset << "  variant " << mod.name.variant << "  "
                      << kind_name(mod.nmodl.kind) << "  " << mod.name.full() << "\n";
        }
    }
    for (const auto& s : found.shadowed) {
        std::cout << "note: package '" << s.name << "' in " << s.dir.string() << " is hidden by "
                  << s.winner.string() << " (earlier on the search path)\n";
    }
    return 0;
}

} // namespace glia::cli
