// libglia.so, the file users load (nrn_load_dll, glia.hoc, import glia): a front that links nothing
// of NEURON's. Its modl_reg asks the running NEURON for its version first; only when that is the
// NEURON this build targets does it open the plugin proper, libglia_nrn.so (beside it), and hand
// over. A plugin for another NEURON would fail in dlopen on an undefined symbol, or worse, call
// into structures laid out differently; this way the user gets glia's message and NEURON goes on.

#include "plugin_proper_name.h" // GLIA_PLUGIN_PROPER, the file name of libglia_nrn.so

#include "glia/plugin_builds.hpp" // GLIA_PLUGIN_VERSION_MARKER

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <link.h>
#include <string>

#if !defined(GLIA_VERSION) || !defined(GLIA_NEURON_VERSION) || !defined(GLIA_NEURON_MAJOR) || !defined(GLIA_NEURON_MINOR) ||                \
    !defined(GLIA_NEURON_PREFIX) || !defined(GLIA_NEURON_BIN_DIR) || !defined(GLIA_NEURON_PYTHON_PATH) ||         \
    !defined(GLIA_PLUGIN_PROPER)
#error "the NEURON this build targets and the plugin proper's file name must be defined by the build (meson.build)"
#endif

// The version as plain bytes in libglia.so, for 'glia doctor' to read without loading the plugin.
extern "C" [[gnu::used]] const char glia_plugin_version_marker[] = GLIA_PLUGIN_VERSION_MARKER GLIA_VERSION;

namespace {

/// The running NEURON's libnrniv: the handle to look its symbols up in (nullptr: the process's
/// global scope). nrniv links libnrniv globally; Python may load it with its extension module,
/// locally, so the loaded objects are searched by name as well.
void* running_libnrniv() {
    void* found = nullptr;
    dl_iterate_phdr(
        [](dl_phdr_info* info, size_t, void* data) {
            std::string name = info->dlpi_name ? info->dlpi_name : "";
            if (name.find("/libnrniv.") == std::string::npos && name.rfind("libnrniv.", 0) != 0) {
                return 0;
            }
            *static_cast<void**>(data) = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
            return 1;
        },
        &found);
    return found;
}

template <class T> T* neuron_symbol(const char* name) {
    if (void* symbol = dlsym(RTLD_DEFAULT, name)) {
        return reinterpret_cast<T*>(symbol);
    }
    void* nrniv = running_libnrniv();
    return nrniv ? reinterpret_cast<T*>(dlsym(nrniv, name)) : nullptr;
}

std::string folder_of(const std::string& file) {
    auto slash = file.rfind('/');
    return slash == std::string::npos ? "." : file.substr(0, slash);
}

/// The path this libglia.so was opened by. Asked with a function of internal linkage: the name
/// modl_reg would resolve to nrniv's own (its main defines one).
std::string this_library() {
    Dl_info info{};
    return dladdr(reinterpret_cast<void*>(&this_library), &info) && info.dli_fname ? info.dli_fname : "libglia.so";
}

void report_error(const std::string& text) {
    const int* rank = neuron_symbol<int>("nrnmpi_myid"); // under MPI, rank 0 speaks for all
    if (!rank || *rank < 1) {
        std::fprintf(stderr, "glia: error: %s\n", text.c_str());
    }
}

/// The prefix to build glia against for the NEURON whose libnrniv is in `lib_dir`
/// (Debian's /usr/lib/nrn, a source build's or pip wheel's <prefix>/lib).
std::string prefix_of_lib_dir(const std::string& lib_dir) {
    std::string dir = lib_dir;
    if (dir.size() > 4 && dir.ends_with("/nrn")) {
        dir = folder_of(dir);
    }
    return dir.ends_with("/lib") ? folder_of(dir) : "<its prefix>";
}

/// Empty if the running NEURON is the release (major.minor) this build targets; else why glia
/// must not load, and what to do.
std::string neuron_mismatch() {
    const std::string built = std::to_string(GLIA_NEURON_MAJOR) + "." + std::to_string(GLIA_NEURON_MINOR);
    const std::string run_built =
        std::string("or run the NEURON it was built for (") + GLIA_NEURON_BIN_DIR + "/nrniv" +
        (std::string(GLIA_NEURON_PYTHON_PATH).empty() ? ""
                                                      : ", or Python with PYTHONPATH=" GLIA_NEURON_PYTHON_PATH) +
        "); 'glia doctor' compares them";
    // char* nrn_version(int), C++ linkage in both 8.2 and 9: 0 gives the bare version, e.g. "8.2.2"
    auto* version = neuron_symbol<char*(int)>("_Z11nrn_versioni");
    const std::string plugin = this_library();
    const std::string head = plugin + " is built for NEURON " GLIA_NEURON_VERSION " (" GLIA_NEURON_PREFIX ")";
    if (!version) {
        return head + ", but this process runs no NEURON glia knows (no nrn_version in it): glia did not load; "
                      "load libglia.so into NEURON (nrn_load_dll, load_file(\"glia.hoc\") or import glia) " +
               run_built;
    }
    const std::string running = version(0);
    if (running == built || running.starts_with(built + ".")) {
        return {};
    }
    Dl_info info{};
    char real[PATH_MAX];
    const std::string lib_dir = dladdr(reinterpret_cast<void*>(version), &info) && info.dli_fname &&
                                        realpath(info.dli_fname, real) // NEURON 9's Python: .../neuron/../..
                                    ? folder_of(real)
                                    : "";
    return head + ", but this is NEURON " + running + (lib_dir.empty() ? "" : " (libnrniv in " + lib_dir + ")") +
           ": glia did not load, NEURON goes on without it. Load a libglia.so built for NEURON " + running +
           " instead, or build one: meson setup <dir> -Dneuron_prefix=" + prefix_of_lib_dir(lib_dir) +
           " && meson compile -C <dir>; " + run_built;
}

} // namespace

extern "C" void modl_reg() {
    static bool loaded = false;
    if (loaded) {
        return; // loading libglia.so twice is harmless
    }
    loaded = true;
    if (std::string mismatch = neuron_mismatch(); !mismatch.empty()) {
        report_error(mismatch);
        return;
    }
    const std::string proper = folder_of(this_library()) + "/" GLIA_PLUGIN_PROPER;
    void* handle = dlopen(proper.c_str(), RTLD_NOW | RTLD_LOCAL);
    auto* glia_register = handle ? reinterpret_cast<void (*)()>(dlsym(handle, "glia_register")) : nullptr;
    if (!glia_register) {
        report_error("cannot load glia's plugin " + proper + ": " + (handle ? "no glia_register in it" : dlerror()) +
                     "; rebuild glia (meson compile -C <build dir>) or reinstall it (meson install -C <build dir>)");
        return;
    }
    glia_register();
}
