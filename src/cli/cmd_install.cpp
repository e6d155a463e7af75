// glia install and glia uninstall: the user's package directory. Rules in tools/install.hpp.

#include "commands.hpp"
#include "options.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "tools/install.hpp"

#include <iostream>

namespace glia::cli {

int cmd_install(const Args& args) {
    po::options_description options("options");
    options.add_options()("source", po::value<std::vector<std::string>>(), "package folders or .tar.gz archives")(
        "replace", "replace a package of the same name that is installed already");
    po::positional_options_description positional;
    positional.add("source", -1);
    po::variables_map vm;
    if (!parse_options(args, "glia install DIR|ARCHIVE.tar.gz... [--replace]", options, vm, positional)) {
        return 0;
    }
    if (!vm.count("source")) {
        throw Error("missing what to install: glia install DIR|ARCHIVE.tar.gz");
    }
    fs::path target = user_package_dir();
    for (const auto& source : vm["source"].as<std::vector<std::string>>()) {
        InstallResult installed = install_package(source, target, vm.count("replace"));
        std::cout << (installed.replaced ? "replaced" : "installed") << " package '" << installed.package.name << "'"
                  << (installed.package.version.empty() ? "" : " " + installed.package.version) << " ("
                  << installed.package.mods.size() << " mechanisms) in " << installed.package.dir.string() << "\n";
    }
    std::cout << "it is compiled when NEURON next loads libglia.so (or now: glia compile)\n";
    return 0;
}

int cmd_uninstall(const Args& args) {
    po::options_description options("options");
    options.add_options()("name", po::value<std::vector<std::string>>(), "package names");
    po::positional_options_description positional;
    positional.add("name", -1);
    po::variables_map vm;
    if (!parse_options(args, "glia uninstall NAME...", options, vm, positional)) {
        return 0;
    }
    if (!vm.count("name")) {
        throw Error("missing the package name: glia uninstall NAME (see 'glia list')");
    }
    for (const auto& name : vm["name"].as<std::vector<std::string>>()) {
        fs::path removed = uninstall_package(name, user_package_dir());
        std::cout << "uninstalled package '" << name << "' from " << removed.string() << "\n";
    }
    return 0;
}

} // namespace glia::cli
