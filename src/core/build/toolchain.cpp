#include "build/toolchain.hpp"

#include "base/error.hpp"
#include "base/remedy.hpp"
#include "base/text.hpp"

#include <sstream>
#include <sys/stat.h>

#ifndef GLIA_NEURON_PREFIX
#define GLIA_NEURON_PREFIX "/usr"
#endif
#ifndef GLIA_NEURON_VERSION
#error "GLIA_NEURON_VERSION must be defined by the build"
#endif

namespace glia {

namespace {

std::string expand(const std::string& value, const std::map<std::string, std::string>& vars, int depth = 0) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '$' && i + 1 < value.size() && (value[i + 1] == '(' || value[i + 1] == '{')) {
            char close = value[i + 1] == '(' ? ')' : '}';
            size_t end = value.find(close, i + 2);
            if (end == std::string::npos) {
                out += value.substr(i);
                break;
            }
            std::string name = value.substr(i + 2, end - i - 2);
            auto it = vars.find(name);
            if (it != vars.end() && depth < 20) {
                out += expand(it->second, vars, depth + 1);
            }
            i = end;
        } else {
            out += value[i];
        }
    }
    return out;
}

// Size and modification time: enough to notice an upgraded tool without hashing it.
std::string file_stamp(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        return path.string() + ":missing";
    }
    return path.string() + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
           std::to_string(st.st_mtim.tv_nsec);
}

fs::path first_existing(const std::vector<fs::path>& candidates) {
    boost::system::error_code ec;
    for (const auto& path : candidates) {
        if (fs::exists(path, ec)) {
            return path;
        }
    }
    return {};
}

} // namespace

std::vector<std::string> split_words(const std::string& text) {
    std::vector<std::string> words;
    std::istringstream in(text);
    std::string word;
    while (in >> word) {
        words.push_back(word);
    }
    return words;
}

std::map<std::string, std::string> read_makefile_variables(const std::string& text,
                                                           const std::map<std::string, std::string>& preset) {
    std::map<std::string, std::string> vars = preset;
    for (const auto& line : split_lines(text)) {
        if (line.empty() || line[0] == '#' || line[0] == '\t') {
            continue;
        }
        size_t eq = line.find('=');
        if (eq == std::string::npos || eq == 0) {
            continue;
        }
        bool simple = line[eq - 1] == ':';
        bool append = line[eq - 1] == '+';
        if (line[eq - 1] == '?' || line[eq - 1] == '!') {
            continue;
        }
        std::string name = trim(line.substr(0, (simple || append) ? eq - 1 : eq));
        if (name.empty() || name.find_first_of(" $()") != std::string::npos || preset.count(name)) {
            continue;
        }
        std::string value = trim(line.substr(eq + 1));
        if (simple) {
            value = expand(value, vars);
        }
        if (append) {
            vars[name] += " " + value;
        } else {
            vars[name] = value;
        }
    }
    for (auto& [name, value] : vars) {
        value = expand(value, vars);
    }
    return vars;
}

std::string Toolchain::identity() const {
    std::string id = "neuron=" + neuron_version + "\nnocmodl=" + file_stamp(nocmodl) + "\nunits=" + file_stamp(units) +
                     "\nlibnrniv=" + file_stamp(library_dir / "libnrniv.so") +
                     "\nheader=" + file_stamp(include_dir / "nrnconf.h") + "\ncompile=";
    for (const auto& word : compile) {
        id += word + " ";
    }
    id += "\ncxx_compile=";
    for (const auto& word : compile_cxx) {
        id += word + " ";
    }
    id += "\ncc=" + (compile.empty() ? std::string() : file_stamp(compile.front())) + "\nlink=";
    for (const auto& word : link) {
        id += word + " ";
    }
    return id;
}

std::string neuron_target_version() { return GLIA_NEURON_VERSION; }

fs::path neuron_target_prefix() { return GLIA_NEURON_PREFIX; }

std::string header_version(const fs::path& include_dir) {
    std::string text;
    try {
        text = read_file(include_dir / "nrnsemanticversion.h");
    } catch (const Error&) {
        return {};
    }
    std::string version;
    for (const char* part : {"MAJOR", "MINOR", "PATCH"}) {
        std::string key = std::string("#define NRN_VERSION_") + part;
        size_t at = text.find(key);
        if (at == std::string::npos) {
            return {};
        }
        version += (version.empty() ? "" : ".") + trim(text.substr(at + key.size(), text.find('\n', at) - at - key.size()));
    }
    return version;
}

Toolchain detect_toolchain() {
    Toolchain tc;
    tc.neuron_prefix = env_or("GLIA_NEURON_PREFIX", GLIA_NEURON_PREFIX);
    const fs::path& p = tc.neuron_prefix;
    const Message fix = " Install NEURON's development files (Debian: apt-get install neuron neuron-dev), or point " +
                        Remedy{Remedy::Kind::neuron_prefix_setting} + " at a NEURON installation; '" +
                        Remedy{Remedy::Kind::check_setup} + "' checks the setup.";
    tc.nocmodl = first_existing({p / "bin" / "nocmodl"});
    if (tc.nocmodl.empty()) {
        throw Error("NEURON's translator nocmodl not found in " + (p / "bin").string() + "." + fix);
    }
    tc.makefile = first_existing({p / "lib" / "nrn" / "nrnmech_makefile", p / "bin" / "nrnmech_makefile"});
    if (tc.makefile.empty()) {
        throw Error("NEURON's nrnmech_makefile not found under " + p.string() + "." + fix);
    }
    tc.units = first_existing({p / "share" / "nrn" / "lib" / "nrnunits.lib"});
    tc.include_dir = p / "include";
    tc.library_dir = first_existing({p / "lib" / "nrn" / "libnrniv.so", p / "lib" / "libnrniv.so"}).parent_path();
    if (tc.library_dir.empty()) {
        throw Error("NEURON's library libnrniv.so not found under " + p.string() + "." + fix);
    }
    boost::system::error_code ec;
    if (!fs::exists(tc.include_dir / "mech_api.h", ec) && !fs::exists(tc.include_dir / "nrnconf.h", ec)) {
        throw Error("NEURON's headers not found in " + tc.include_dir.string() + "." + fix);
    }

    // Two passes over one read: the second expands with the CC/CXX defaults filled in.
    const std::string makefile = read_file(tc.makefile);
    auto vars = read_makefile_variables(makefile, {{"ROOT", p.string()}});
    // The makefile assigns CC only when make's default is in use; that is the case we mirror.
    if (!vars.count("CC") || vars["CC"].empty()) {
        vars["CC"] = "cc";
    }
    if (!vars.count("CXX") || vars["CXX"].empty()) {
        vars["CXX"] = "c++";
    }
    vars = read_makefile_variables(makefile, vars);
    tc.neuron_version = header_version(tc.include_dir);
    // 8.2 names the C command COMPILE, 9 CCOMPILE; both name the C++ one CXXCOMPILE.
    auto command = [&](std::initializer_list<const char*> names, const std::string& fallback, const char* tool_env,
                       const std::string& tool) {
        std::string text = fallback;
        for (const char* name : names) {
            if (vars.count(name) && !vars[name].empty()) {
                text = vars[name];
                break;
            }
        }
        std::vector<std::string> words = split_words(text);
        if (!words.empty()) {
            words.front() = env_or(tool_env, tool);
        }
        words.push_back("-I" + tc.include_dir.string());
        words.push_back("-fPIC");
        return words;
    };
    tc.compile = command({"COMPILE", "CCOMPILE"}, vars["CC"] + " " + vars["CFLAGS"], "GLIA_CC", vars["CC"]);
    tc.compile_cxx = command({"CXXCOMPILE"}, vars["CXX"] + " " + vars["CXXFLAGS"], "GLIA_CXX", vars["CXX"]);
    std::string link = vars.count("CXX_LINK_SHARED") ? vars["CXX_LINK_SHARED"] : vars["CXX"] + " -shared -fPIC";
    tc.link = split_words(link);
    if (!tc.link.empty()) {
        tc.link.front() = env_or("GLIA_CXX", tc.link.front()); // the C++ driver that links, like GLIA_CC
    }
    tc.libraries = {"-L" + tc.library_dir.string(), "-lnrniv", "-Wl,-rpath," + tc.library_dir.string()};
    return tc;
}

} // namespace glia
