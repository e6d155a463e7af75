#pragma once
/// \file
/// Which libglia.so each way of loading glia would use -- `load_file("glia.hoc")`, `import glia` and the
/// `glia` command -- so `glia doctor` can say when they are not one build (two installs with
/// different prefixes, a stale glia.hoc in NEURON's hoc library, an old Python module).

#include "base/fs.hpp"

#include <optional>
#include <string>
#include <vector>

/// The plugin carries its version after this marker, as plain bytes in the library file, so the
/// version can be read without loading the plugin into NEURON.
#define GLIA_PLUGIN_VERSION_MARKER "glia-plugin-version="

namespace glia {

/// One way of loading glia, and the plugin it leads to.
struct PluginUse {
    std::string who;                ///< "load_file(\"glia.hoc\")", "import glia" or "the glia command"
    std::string via;                ///< the file that names the plugin (glia.hoc, the module), or "" if none
    std::optional<fs::path> plugin; ///< the libglia.so it loads; nullopt if this way is not installed
    std::string version;            ///< the plugin file's version, or "" if unreadable
};

/// The glia.hoc that `load_file("glia.hoc")` would run from `cwd`: NEURON looks in the working
/// directory, then each HOC_LIBRARY_PATH entry, then `neuron_home`/lib/hoc.
std::optional<fs::path> glia_hoc_load_file_finds(const fs::path& cwd, const fs::path& neuron_home);

/// The plugin path a glia.hoc loads (its nrn_load_dll argument), or nullopt.
std::optional<fs::path> plugin_named_by_glia_hoc(const fs::path& glia_hoc);

/// The version a libglia.so file carries (GLIA_PLUGIN_VERSION_MARKER), or "" if none.
std::string plugin_file_version(const fs::path& plugin);

/// What each way of loading glia would load. `command_plugin` is the glia command's own (GLIA_PLUGIN
/// or its install); `python` the interpreter with NEURON; `neuron_home` NEURON's share/nrn folder.
std::vector<PluginUse> plugin_uses(const fs::path& command_plugin, const fs::path& python, const fs::path& neuron_home);

/// "" if every installed way loads one plugin file, else the differences, one "; "-separated item each.
std::string plugin_uses_differ(const std::vector<PluginUse>& uses);

} // namespace glia
