// glia new, add, check and import: making packages. The rules live in tools/package_tools.hpp.

#include "commands.hpp"
#include "options.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "tools/package_tools.hpp"

#include <iostream>
#include <optional>

namespace glia::cli {
namespace {

// What a new package's README tells its author after the title.
constexpr const char* kNewPackageReadme =
    "A glia package of NEURON mechanisms.\n\n"
    "Add mechanisms with `glia add FILE.mod` (in this folder), validate with `glia check`,\n"
    "try them in NEURON with `glia test` and install with `glia install .`.\n\n"
    "`mods/<asset>.mod` is the default variant `0` of an asset, `mods/<asset>__<variant>.mod`\n"
    "another variant. A hoc model uses an asset as `glia_insert(\"<asset>\")` after\n"
    "`load_file(\"glia.hoc\")`; a Python model after `import glia`, as\n"
    "`glia.insert(section, \"<asset>\")`.\n";

} // namespace

int cmd_new(const Args& args) {
    po::options_description options("options");
    options.add_options()("name", po::value<std::string>(), "the package name")(
        "dir", po::value<std::string>(), "the folder to create (default: ./NAME)");
    po::positional_options_description positional;
    positional.add("name", 1);
    po::variables_map vm;
    if (!parse_options(args, "glia new NAME [--dir FOLDER]", options, vm, positional)) {
        return 0;
    }
    if (!vm.count("name")) {
        throw Error("missing the package name: glia new NAME");
    }
    std::string name = vm["name"].as<std::string>();
    fs::path dir = vm.count("dir") ? fs::path(vm["dir"].as<std::string>()) : fs::path(name);
    create_package(dir, name, kNewPackageReadme);
    std::cout << "created package '" << name << "' in " << dir.string() << "\n"
              << "next: cd " << dir.string() << " && glia add FILE.mod && glia check\n";
    return 0;
}

int cmd_add(const Args& args) {
    po::options_description options("options");
    options.add_options()("file", po::value<std::vector<std::string>>(), "the .mod file(s) to add")(
        "asset", po::value<std::string>(), "the asset name (default: from the file name)")(
        "variant", po::value<std::string>(), "the variant (default: from the file name, else 0)")(
        "package", po::value<std::string>()->default_value("."), "the package folder")(
        "replace", "overwrite a mod already in the package");
    po::positional_options_description positional;
    positional.add("file", -1);
    po::variables_map vm;
    if (!parse_options(args, "glia add FILE.mod... [--asset A] [--variant V] [--package DIR] [--replace]", options,
                       vm, positional)) {
        return 0;
    }
    if (!vm.count("file")) {
        throw Error("missing the mod file: glia add FILE.mod [--asset A] [--variant V]");
    }
    auto files = vm["file"].as<std::vector<std::string>>();
    std::string asset = vm.count("asset") ? vm["asset"].as<std::string>() : "";
    std::string variant = vm.count("variant") ? vm["variant"].as<std::string>() : "";
    if (files.size() > 1 && (!asset.empty() || !variant.empty())) {
        throw Error("--asset and --variant name one mod; add the files one by one: glia add FILE.mod --asset A");
    }
    if (!asset.empty()) {
        check_name(asset, NamePart::asset, "--asset");
    }
    if (!variant.empty()) {
        check_name(variant, NamePart::variant, "--variant");
    }
    for (const auto& file : files) {
        AddResult added = add_mod_file(vm["package"].as<std::string>(), file, asset, variant, vm.count("replace"));
        std::cout << "added " << added.mod.name.pretty() << " (" << kind_name(added.mod.nmodl.kind) << " "
                  << added.mod.nmodl.name << ") as " << added.mod.path.string() << "\n";
        for (size_t i = 1; i < added.copied.size(); ++i) {
            std::cout << "  with include " << added.copied[i].string() << "\n";
        }
        for (const auto& note : added.notes) {
            warn(note);
        }
    }
    return 0;
}

int cmd_check(const Args& args) {
    po::options_description options("options");
    options.add_options()("dir", po::value<std::string>()->default_value("."), "the package folder")(
        "no-translate", "skip translating each mod with nocmodl");
    po::positional_options_description positional;
    positional.add("dir", 1);
    po::variables_map vm;
    if (!parse_options(args, "glia check [DIR] [--no-translate]", options, vm, positional)) {
        return 0;
    }
    std::optional<Toolchain> toolchain;
    if (!vm.count("no-translate")) {
        toolchain = detect_toolchain();
    }
    fs::path dir = vm["dir"].as<std::string>();
    CheckReport report = check_package(dir, toolchain ? &*toolchain : nullptr);
    for (const auto& finding : report.findings) {
        std::cout << severity_name(finding.severity) << ": " << shown(finding) << "\n";
    }
    if (!report.ok()) {
        std::cout << "glia check: " << (report.package.empty() ? dir.string() : "package '" + report.package + "'")
                  << " has errors\n";
        return 1;
    }
    std::cout << "package '" << report.package << "' is valid";
    if (toolchain) {
        std::cout << ": " << report.checked.size() << " mechanisms translate with nocmodl";
    }
    std::cout << "\n";
    return 0;
}

int cmd_import(const Args& args) {
    po::options_description options("options");
    options.add_options()("dir", po::value<std::string>(), "the folder of .mod files")(
        "name", po::value<std::string>(), "the new package's name")(
        "out", po::value<std::string>(), "where to create the package folder (default: here)")(
        "replace", "replace a package an earlier 'glia import' made in that folder");
    po::positional_options_description positional;
    positional.add("dir", 1);
    po::variables_map vm;
    if (!parse_options(args, "glia import DIR --name PKG [--out FOLDER] [--replace]", options, vm, positional)) {
        return 0;
    }
    if (!vm.count("dir") || !vm.count("name")) {
        throw Error("usage: glia import DIR --name PKG (DIR is a folder of .mod files, e.g. a ModelDB model)");
    }
    ImportOptions import;
    import.name = vm["name"].as<std::string>();
    check_name(import.name, NamePart::package, "--name");
    if (vm.count("out")) {
        import.out = vm["out"].as<std::string>();
    }
    import.replace = vm.count("replace");
    Discovery found = discover_packages();
    ImportReport report = import_mod_folder(vm["dir"].as<std::string>(), import, found.packages);
    std::cout << "created package '" << import.name << "' in " << report.package_dir.string() << " with "
              << report.mods.size() << " mechanisms:\n";
    for (const auto& mod : report.mods) {
        std::cout << "  " << mod.name.asset << "  variant " << mod.name.variant << "  " << kind_name(mod.kind)
                  << "  from " << mod.source.string() << "\n";
    }
    for (const auto& include : report.includes) {
        std::cout << "  include " << include.string() << "\n";
    }
    for (const auto& line : report.renamed) {
        std::cout << "renamed: " << line << "\n";
    }
    for (const auto& problem : report.skipped) {
        std::cout << "skipped: " << shown(problem) << "\n";
    }
    for (const auto& line : report.clashes) {
        std::cout << "clash: " << shown(line) << "\n";
    }
    if (report.clashes.empty()) {
        std::cout << "no clashes with installed packages\n";
    }
    std::cout << "next: glia check " << report.package_dir.string() << " && glia install "
              << report.package_dir.string() << "\n";
    return 0;
}

} // namespace glia::cli
