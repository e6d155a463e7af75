// libglia.so, the file users load (nrn_load_dll, glia.hoc, import glia): a front that links nothing
// of NEURON's. Its modl_reg asks the running NEURON for its version first; only when that is the
// NEURON this build targets does it open the plugin proper, libglia_nrn.so, and hand over. The
// plugin proper is beside the real libglia.so (through any link to it or to its folder), else, for
// a copy, in the install's library folder. A plugin for another NEURON would fail in dlopen on an
// undefined symbol, or worse, call into structures laid out differently; this way the user gets
// glia's message and NEURON goes on.

#include "plugin_proper_name.h" // GLIA_PLUGIN_PROPER, the file name of libglia_nrn.so
#include "proper_identity.h"    // GLIA_PLUGIN_BUILD, GLIA_PLUGIN_PROPER_IDENTITY

#include "tools/plugin_builds.hpp" // GLIA_PLUGIN_VERSION_MARKER

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <string>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if !defined(GLIA_VERSION) || !defined(GLIA_NEURON_VERSION) || !defined(GLIA_NEURON_MAJOR) ||                          \
    !defined(GLIA_NEURON_MINOR) || !defined(GLIA_NEURON_PREFIX) || !defined(GLIA_NEURON_BIN_DIR) ||                    \
    !defined(GLIA_NEURON_PYTHON_PATH) || !defined(GLIA_PLUGIN_PROPER) || !defined(GLIA_PLUGIN_INSTALL_DIR)
#error "the NEURON this build targets and the plugin proper's file name and folder must be defined by the build"
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

/// The file a path leads to, through every link on the way ("" if there is none).
std::string real_path(const std::string& path) {
    char real[PATH_MAX];
    return realpath(path.c_str(), real) ? real : "";
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
    const std::string libnrniv = dladdr(reinterpret_cast<void*>(version), &info) && info.dli_fname
                                     ? real_path(info.dli_fname) // NEURON 9's Python: .../neuron/../..
                                     : "";
    const std::string lib_dir = libnrniv.empty() ? "" : folder_of(libnrniv);
    return head + ", but this is NEURON " + running + (lib_dir.empty() ? "" : " (libnrniv in " + lib_dir + ")") +
           ": glia did not load, NEURON goes on without it. Load a libglia.so built for NEURON " + running +
           " instead, or build one: meson setup <dir> -Dneuron_prefix=" + prefix_of_lib_dir(lib_dir) +
           " && meson compile -C <dir>; " + run_built;
}

/// Whether `file` is a libglia_nrn.so of this build (its GLIA_PLUGIN_PROPER_IDENTITY, NUL included).
bool is_this_builds_proper(const std::string& file) {
    int fd = open(file.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd < 0 || fstat(fd, &st) != 0 || st.st_size == 0) {
        if (fd >= 0) {
            close(fd);
        }
        return false;
    }
    void* bytes = mmap(nullptr, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (bytes == MAP_FAILED) {
        return false;
    }
    static const char identity[] = GLIA_PLUGIN_PROPER_IDENTITY;
    const bool found = memmem(bytes, st.st_size, identity, sizeof identity) != nullptr;
    munmap(bytes, st.st_size);
    return found;
}

/// The plugin proper to open: beside the real libglia.so (a link to it or to its folder leads
/// there), else in the install's library folder, for a copy that has no link to follow. Sets `why`
/// when there is none.
std::string plugin_proper(std::string& why) {
    const std::string opened = this_library();
    const std::string real = real_path(opened);
    const std::string beside = folder_of(real.empty() ? opened : real) + "/" GLIA_PLUGIN_PROPER;
    if (access(beside.c_str(), F_OK) == 0) {
        return beside;
    }
    const std::string installed = std::string(GLIA_PLUGIN_INSTALL_DIR) + "/" GLIA_PLUGIN_PROPER;
    const std::string own = real.empty() || real == opened ? opened : opened + " (" + real + ")";
    if (*GLIA_PLUGIN_INSTALL_DIR == '\0' || access(installed.c_str(), F_OK) != 0) {
        why = "cannot load glia's plugin: " GLIA_PLUGIN_PROPER " is not beside " + own +
              (*GLIA_PLUGIN_INSTALL_DIR ? " nor in " GLIA_PLUGIN_INSTALL_DIR : "") +
              "; load libglia.so from its build or install folder (or a link to it), or rebuild glia (meson "
              "compile -C <build dir>) or reinstall it (meson install -C <build dir>)";
        return {};
    }
    if (!is_this_builds_proper(installed)) {
        why =
            "cannot load glia's plugin: " GLIA_PLUGIN_PROPER " is not beside " + own + ", and " + installed +
            " is another build's (this libglia.so is " GLIA_PLUGIN_BUILD "); load libglia.so from "
            "its build or install folder (or a link to it) instead of a copy, or copy that build's " GLIA_PLUGIN_PROPER
            " beside it";
        return {};
    }
    return installed;
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
    std::string why;
    const std::string proper = plugin_proper(why);
    if (proper.empty()) {
        report_error(why);
        return;
    }
    void* handle = dlopen(proper.c_str(), RTLD_NOW | RTLD_LOCAL);
    auto* glia_register = handle ? reinterpret_cast<void (*)()>(dlsym(handle, "glia_register")) : nullptr;
    if (!glia_register) {
        report_error("cannot load glia's plugin " + proper + ": " + (handle ? "no glia_register in it" : dlerror()) +
                     "; rebuild glia (meson compile -C <build dir>) or reinstall it (meson install -C <build dir>)");
        return;
    }
    glia_register();
}
