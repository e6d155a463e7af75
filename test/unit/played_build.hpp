#pragma once
// A build with played tools (PlayedTools writes what nocmodl, the compiler and the linker write), so that
// a unit test can put a failure exactly where it wants it; the files are real, in a real cache.

#include "temp_dir.hpp"

#include "build/build.hpp"
#include "base/process.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cstring>
#include <elf.h>
#include <functional>
#include <mutex>
#include <optional>

namespace glia::test {

// The smallest file the cache takes for an object or a library: an ELF header and one section
// header, where the header says; `whole = false` leaves the section header out, as a tool that ran
// out of space does.
inline std::string elf_file(bool whole = true) {
    Elf64_Ehdr header{};
    std::memcpy(header.e_ident, ELFMAG, SELFMAG);
    header.e_ident[EI_CLASS] = ELFCLASS64;
    header.e_shoff = sizeof header;
    header.e_shnum = 1;
    header.e_shentsize = sizeof(Elf64_Shdr);
    std::string bytes(reinterpret_cast<const char*>(&header), sizeof header);
    return whole ? bytes + std::string(sizeof(Elf64_Shdr), '\0') : bytes;
}

// The argument after `flag` in `argv`.
inline std::string after(const std::vector<std::string>& argv, const std::string& flag) {
    for (size_t i = 0; i + 1 < argv.size(); ++i) {
        if (argv[i] == flag) {
            return argv[i + 1];
        }
    }
    BOOST_FAIL("no " + flag + " in the command");
    return {};
}

// A toolchain whose programs PlayedTools knows by name.
inline Toolchain played_toolchain() {
    Toolchain tc;
    tc.neuron_version = neuron_target_version();
    tc.nocmodl = "nocmodl";
    tc.units = "/nrnunits.lib";
    tc.compile = {"cc", "-O2"};
    tc.compile_cxx = {"c++", "-O2"};
    tc.link = {"ld", "-shared"};
    tc.libraries = {"-lnrniv"};
    return tc;
}

// One call of a tool: which tool ("nocmodl", "cc", "c++", "ld"), for which mod (the stem of the
// file it works on; empty for the linker), and its command.
struct Call {
    std::string tool;
    std::string stem;
    std::vector<std::string> argv;
    fs::path cwd;
};

// Plays the tools as the builder runs them, writing what each writes: nocmodl a `.c` (or a `.cpp`
// with `cxx`) defining the mod's registration function into its -o folder, the compilers and the
// linker a whole ELF file at -o. `on`, if
// set, sees every call first and may answer it instead.
class PlayedTools : public CommandRunner {
  public:
    std::function<std::optional<ProcessResult>(const Call&)> on;
    bool cxx = false;

    ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd, const ExtraEnv&) override {
        std::lock_guard<std::mutex> lock(mutex_);
        Call call{argv.front(), {}, argv, cwd};
        if (call.tool == "nocmodl") {
            call.stem = fs::path(argv[1]).stem().string();
        } else if (call.tool != "ld" && call.tool != "objcopy") {
            call.stem = fs::path(after(argv, "-c")).stem().string();
        }
        calls_.push_back(call);
        if (on) {
            if (auto answer = on(call)) {
                return *answer;
            }
        }
        if (call.tool == "objcopy") {
            return ProcessResult{0, ""}; // the set library's localize step: changes its object in place
        }
        if (call.tool == "nocmodl") {
            write_file_atomic(fs::path(after(argv, "-o")) / (call.stem + (cxx ? ".cpp" : ".c")),
                              "/* played */\nvoid _" + call.stem + "_reg() {}\n");
        } else {
            write_file_atomic(after(argv, "-o"), elf_file());
            if (std::find(argv.begin(), argv.end(), "-MF") != argv.end()) { // the files it read: its source
                write_file_atomic(after(argv, "-MF"), after(argv, "-o") + ": " + after(argv, "-c") + "\n");
            }
        }
        return ProcessResult{0, ""};
    }

    // How many times `tool` ran (for the mod of stem `stem`, if given).
    size_t count(const std::string& tool, const std::string& stem = {}) {
        std::lock_guard<std::mutex> lock(mutex_);
        size_t n = 0;
        for (const auto& call : calls_) {
            n += call.tool == tool && (stem.empty() || call.stem == stem) ? 1 : 0;
        }
        return n;
    }

  private:
    std::mutex mutex_;
    std::vector<Call> calls_;
};

inline constexpr const char* kKa = "glia__lab__ka__0";
inline constexpr const char* kKb = "glia__lab__kb__0";

// A package of two mods on disk, a cache, and the played tools.
struct Workshop {
    TempDir tmp;
    fs::path cache = tmp.path / "cache";
    PlayedTools tools;
    Toolchain tc = played_toolchain();
    BuildOptions options;

    Workshop() {
        tmp.write("lab/glia-package.yaml", "name: lab\n");
        tmp.write("lab/mods/ka.mod", "NEURON { SUFFIX ka }\n");
        tmp.write("lab/mods/kb.mod", "NEURON { SUFFIX kb }\n");
        options.runner = &tools;
        options.jobs = 2;
    }
    fs::path mod(const std::string& file) const { return tmp.path / "lab" / "mods" / file; }
    BuildResult build() { return build_packages({load_package(tmp.path / "lab")}, tc, cache, options); }

    // The files under `part` of the cache (objects, libs, tmp).
    std::vector<fs::path> files_in(const std::string& part) const {
        std::vector<fs::path> files;
        boost::system::error_code ec;
        for (fs::recursive_directory_iterator it(cache / part, ec), end; !ec && it != end; it.increment(ec)) {
            if (fs::is_regular_file(it->path())) {
                files.push_back(it->path());
            }
        }
        return files;
    }
    // Nothing half-finished looks finished: no scratch space is left, and every object and
    // library in the cache is a whole file.
    void check_nothing_half_finished() const {
        BOOST_TEST(files_in("tmp").empty());
        for (const char* part : {"objects", "libs"}) {
            for (const auto& file : files_in(part)) {
                BOOST_TEST(read_file(file) == elf_file(), file.string() + " is whole");
            }
        }
    }
};

} // namespace glia::test
