// libFuzzer target for package manifests (glia-package.yaml: src/core/packages/package.cpp, yaml_util.cpp).
//
// Each input is written as the manifest of a package directory that also holds a few real mod
// files, then loaded with load_package, exactly as discovery does. Promises checked:
// - any text either loads or throws glia::Error (a YAML exception or anything else escaping is a crash);
// - a loaded package has a valid name, and each mechanism belongs to it, has valid parts, round-trips
//   through its full name, and is unique.

#include "base/error.hpp"
#include "base/fs.hpp"
#include "packages/package.hpp"
#include "base/yaml_util.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>

namespace {

void check(bool ok, const char* promise) {
    if (!ok) {
        std::fprintf(stderr, "fuzz_manifest: broken promise: %s\n", promise);
        std::abort();
    }
}

void write(const glia::fs::path& path, const std::string& text) {
    glia::fs::create_directories(path.parent_path());
    std::ofstream(path.string(), std::ios::binary) << text;
}

// One package directory per process, removed at exit.
const glia::fs::path& package_dir() {
    static const glia::fs::path dir = [] {
        glia::fs::path d = glia::fs::temp_directory_path() / glia::fs::unique_path("glia-fuzz-%%%%-%%%%-%%%%");
        write(d / "mods" / "Kv1.mod", "NEURON { SUFFIX kv1 USEION k READ ek WRITE ik }\n");
        write(d / "mods" / "Kv1__fast.mod", "NEURON { SUFFIX kv1f }\n");
        write(d / "mods" / "Syn.mod", "NEURON { POINT_PROCESS Syn }\n");
        write(d / "src" / "k.mod", "NEURON { ARTIFICIAL_CELL Gen }\n");
        write(d / "src" / "broken.mod", "PARAMETER { x = 1 }\n");
        std::atexit([] {
            boost::system::error_code ec;
            glia::fs::remove_all(package_dir(), ec);
        });
        return d;
    }();
    return dir;
}

// A manifest may name any file; keep the fuzzer away from device and kernel files it could stall on.
// (Deep documents are skipped too; glia's parser refuses aliases, which could make the walk endless.)
bool names_system_files(const YAML::Node& node, int depth = 0) {
    if (depth > 64) {
        return true;
    }
    if (node.IsScalar()) {
        const std::string& s = node.Scalar();
        return s.find("dev") != std::string::npos || s.find("proc") != std::string::npos ||
               s.find("sys") != std::string::npos;
    }
    if (node.IsMap()) {
        for (const auto& entry : node) {
            if (names_system_files(entry.first, depth + 1) || names_system_files(entry.second, depth + 1)) {
                return true;
            }
        }
    } else if (node.IsSequence()) {
        for (const auto& child : node) {
            if (names_system_files(child, depth + 1)) {
                return true;
            }
        }
    }
    return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    try {
        if (names_system_files(glia::parse_yaml(text, "glia-package.yaml"))) {
            return 0;
        }
    } catch (const glia::Error&) {
        // Malformed or refused: load_package must say so itself.
    }
    const glia::fs::path& dir = package_dir();
    write(dir / glia::kManifestName, text);
    glia::Package package;
    try {
        package = glia::load_package(dir);
    } catch (const glia::Error&) {
        return 0;
    }
    using glia::NamePart;
    check(glia::name_problem(package.name, NamePart::package).empty(), "a loaded package has a valid name");
    for (size_t i = 0; i < package.mods.size(); ++i) {
        const auto& mod = package.mods[i];
        check(mod.name.package == package.name, "a mechanism belongs to its package");
        check(glia::name_problem(mod.name.asset, NamePart::asset).empty(), "asset names are valid");
        check(glia::name_problem(mod.name.variant, NamePart::variant).empty(), "variant names are valid");
        check(glia::parse_full_name(mod.name.full()) == mod.name, "full names round-trip");
        check(i == 0 || package.mods[i - 1].name < mod.name, "mechanisms are sorted and unique");
    }
    return 0;
}
