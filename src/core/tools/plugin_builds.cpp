#include "tools/plugin_builds.hpp"

#include "base/error.hpp"
#include "base/process.hpp"
#include "base/text.hpp"

#include <cstdlib>
#include <regex>

namespace glia {

namespace {

std::string env_text(const char* name) {
    const char* value = std::getenv(name);
    return value ? value : "";
}

/// The first capture of `pattern` in `text`, or nullopt.
std::optional<std::string> quoted_after(const std::string& text, const std::regex& pattern) {
    std::smatch match;
    if (std::regex_search(text, match, pattern)) {
        return match[1].str();
    }
    return std::nullopt;
}

std::string shown(const PluginUse& use) {
    std::string out = use.who + (use.via.empty() ? "" : " (" + use.via + ")") + " loads ";
    if (!use.plugin) {
        return out + "nothing";
    }
    return out + use.plugin->string() + (use.version.empty() ? " (no version found)" : " (glia " + use.version + ")");
}

} // namespace

std::optional<fs::path> glia_hoc_load_file_finds(const fs::path& cwd, const fs::path& neuron_home) {
    boost::system::error_code ec;
    std::vector<fs::path> dirs{cwd};
    // NEURON splits HOC_LIBRARY_PATH at ':' (or, lacking one, at ' ').
    std::string list = env_text("HOC_LIBRARY_PATH");
    char separator = list.find(':') != std::string::npos ? ':' : ' ';
    for (size_t start = 0; start < list.size();) {
        size_t end = list.find(separator, start);
        end = end == std::string::npos ? list.size() : end;
        if (end == start) {
            break; // NEURON stops at an empty entry
        }
        dirs.emplace_back(list.substr(start, end - start));
        start = end + 1;
    }
    dirs.push_back(neuron_home / "lib" / "hoc");
    for (const auto& dir : dirs) {
        fs::path file = dir.is_absolute() ? dir / "glia.hoc" : cwd / dir / "glia.hoc";
        if (fs::is_regular_file(file, ec)) {
            return file;
        }
    }
    return std::nullopt;
}

std::optional<fs::path> plugin_named_by_glia_hoc(const fs::path& glia_hoc) {
    static const std::regex load(R"re(nrn_load_dll\("([^"]+)"\))re");
    try {
        if (auto path = quoted_after(read_file(glia_hoc), load)) {
            return fs::path(*path);
        }
    } catch (const Error&) {
    }
    return std::nullopt;
}

std::string plugin_file_version(const fs::path& plugin) {
    std::string bytes;
    try {
        bytes = read_file(plugin);
    } catch (const Error&) {
        return {};
    }
    // The first marker that a version follows (a program that looks for markers holds the bare one).
    for (size_t at = bytes.find(GLIA_PLUGIN_VERSION_MARKER); at != std::string::npos;
         at = bytes.find(GLIA_PLUGIN_VERSION_MARKER, at + 1)) {
        size_t start = at + sizeof(GLIA_PLUGIN_VERSION_MARKER) - 1;
        std::string version = bytes.substr(start, bytes.find('\0', start) - start);
        if (!version.empty()) {
            return version;
        }
    }
    return {};
}

std::vector<PluginUse> plugin_uses(const fs::path& command_plugin, const fs::path& python,
                                   const fs::path& neuron_home) {
    std::vector<PluginUse> uses;
    auto add = [&](std::string who, std::string via, std::optional<fs::path> plugin) {
        std::string version = plugin ? plugin_file_version(*plugin) : "";
        uses.push_back({std::move(who), std::move(via), std::move(plugin), std::move(version)});
    };

    if (auto hoc = glia_hoc_load_file_finds(fs::current_path(), neuron_home)) {
        add("load_file(\"glia.hoc\")", hoc->string(), plugin_named_by_glia_hoc(*hoc));
    } else {
        add("load_file(\"glia.hoc\")", "", std::nullopt);
    }

    // Where `import glia` would come from, without importing it (that would load the plugin).
    ProcessResult found = run_process({python.string(), "-c",
                                       "import importlib.util\n"
                                       "s = importlib.util.find_spec('glia')\n"
                                       "print(list(s.submodule_search_locations)[0] if s and "
                                       "s.submodule_search_locations else '')\n"},
                                      {});
    std::string module = found.ok() ? found.output.substr(0, found.output.find('\n')) : "";
    if (module.empty()) {
        add("import glia", "", std::nullopt);
    } else if (std::string named = env_text("GLIA_PLUGIN"); !named.empty()) {
        add("import glia", module + ", GLIA_PLUGIN", fs::path(named)); // the module's own rule
    } else {
        static const std::regex plugin(R"re(PLUGIN\s*=\s*"([^"]+)")re");
        std::optional<std::string> path;
        try {
            path = quoted_after(read_file(fs::path(module) / "_install.py"), plugin);
        } catch (const Error&) {
        }
        add("import glia", module, path ? std::optional<fs::path>(*path) : std::nullopt);
    }

    add("the glia command", "glia " GLIA_VERSION, command_plugin);
    return uses;
}

std::string plugin_uses_differ(const std::vector<PluginUse>& uses) {
    std::optional<fs::path> first;
    bool differ = false;
    for (const auto& use : uses) {
        if (!use.plugin) {
            continue;
        }
        boost::system::error_code ec;
        fs::path canonical = fs::weakly_canonical(*use.plugin, ec);
        if (!first) {
            first = canonical;
        } else if (canonical != *first) {
            differ = true;
        }
    }
    if (!differ) {
        return {};
    }
    std::vector<std::string> shown_uses;
    for (const auto& use : uses) {
        shown_uses.push_back(shown(use));
    }
    return join(shown_uses, "; ");
}

} // namespace glia
