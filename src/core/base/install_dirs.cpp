#include "base/install_dirs.hpp"

#include <dlfcn.h>

#ifndef GLIA_INSTALL_DATADIR
#define GLIA_INSTALL_DATADIR "/usr/local/share"
#endif
#ifndef GLIA_INSTALL_LIBDIR
#define GLIA_INSTALL_LIBDIR "/usr/local/lib"
#endif

namespace glia {

#ifdef GLIA_WHEEL_PACKAGE_FROM_BINDIR
namespace {

// The Python package folder of a pip install: the plugin lives in it; the command lives in the
// environment's bin folder, GLIA_WHEEL_PACKAGE_FROM_BINDIR away from it.
fs::path wheel_package_dir() {
    Dl_info info{};
    boost::system::error_code ec;
    if (dladdr(reinterpret_cast<void*>(&wheel_package_dir), &info) && info.dli_fname &&
        fs::path(info.dli_fname).extension() == ".so") {
        return fs::canonical(info.dli_fname, ec).parent_path();
    }
    fs::path command = fs::read_symlink("/proc/self/exe", ec);
    return (command.parent_path() / GLIA_WHEEL_PACKAGE_FROM_BINDIR).lexically_normal();
}

} // namespace

fs::path installed_data_dir() { return wheel_package_dir() / "share"; }

fs::path installed_plugin() { return wheel_package_dir() / "libglia.so"; }
#else
fs::path installed_data_dir() { return GLIA_INSTALL_DATADIR; }

fs::path installed_plugin() { return fs::path(GLIA_INSTALL_LIBDIR) / "libglia.so"; }
#endif

} // namespace glia
