#include "glia/cache.hpp"

#include "glia/error.hpp"
#include "glia/manifest.hpp"

#include <set>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace glia {

fs::path cache_root() {
    std::string home = env_or("HOME", "/");
    std::string xdg = env_or("XDG_CACHE_HOME", home + "/.cache");
    return env_or("GLIA_CACHE_DIR", xdg + "/glia");
}

void make_dirs(const fs::path& dir) {
    boost::system::error_code ec;
    fs::create_directories(dir, ec);
    if (ec && !fs::is_directory(dir)) {
        throw Error("cannot create directory " + dir.string() + ": " + ec.message() +
                    " (set GLIA_CACHE_DIR to a writable directory)");
    }
}

CacheLock::CacheLock(const fs::path& root) {
    make_dirs(root);
    fs::path file = root / "lock";
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
        throw Error("cannot open the cache lock " + file.string() + ": " + std::strerror(errno) +
                    " (set GLIA_CACHE_DIR to a writable directory)");
    }
    while (::flock(fd_, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int saved = errno;
            ::close(fd_);
            throw Error("cannot lock " + file.string() + ": " + std::strerror(saved));
        }
    }
}

CacheLock::~CacheLock() {
    if (fd_ >= 0) {
        ::close(fd_); // closing releases the flock
    }
}

fs::path manifest_path(const fs::path& root) { return root / "manifest"; }

void remove_scratch(const fs::path& root) {
    boost::system::error_code ec;
    fs::path tmp = root / "tmp";
    for (fs::directory_iterator it(tmp, ec), end; !ec && it != end; it.increment(ec)) {
        boost::system::error_code ignored;
        fs::remove_all(it->path(), ignored);
    }
}

void clear_cache(const fs::path& root) {
    boost::system::error_code ec;
    if (!fs::exists(root, ec)) {
        return;
    }
    CacheLock lock(root);
    for (const char* part : {"objects", "libs", "tmp"}) {
        fs::remove_all(root / part, ec);
        if (ec) {
            throw Error("cannot remove " + (root / part).string() + ": " + ec.message());
        }
    }
    fs::remove(manifest_path(root), ec);
}

namespace {
// Size of a file or of everything under a directory.
uintmax_t disk_size(const fs::path& path) {
    boost::system::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        uintmax_t size = fs::file_size(path, ec);
        return ec ? 0 : size;
    }
    uintmax_t total = 0;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        boost::system::error_code ignored;
        if (fs::is_regular_file(it->path(), ignored)) {
            uintmax_t size = fs::file_size(it->path(), ignored);
            total += ignored ? 0 : size;
        }
    }
    return total;
}
} // namespace

GarbageCollected collect_garbage(const fs::path& root) {
    GarbageCollected removed;
    boost::system::error_code ec;
    if (!fs::exists(root, ec)) {
        return removed;
    }
    CacheLock lock(root);
    remove_scratch(root);
    BuildManifest manifest = BuildManifest::load(manifest_path(root));
    manifest.prune([](const ManifestMod& mod) { return FileStamp::of(mod.path) == mod.stamp; },
                   [](const ManifestLibrary& lib) {
                       boost::system::error_code e;
                       return fs::is_directory(lib.package_dir, e);
                   });
    std::set<std::string> objects, libraries;
    for (const auto& [id, mod] : manifest.mods()) {
        objects.insert(mod.object_key + ".o");
    }
    for (const auto& [id, lib] : manifest.libraries()) {
        libraries.insert(lib.key);
    }
    for (fs::recursive_directory_iterator it(root / "objects", ec), end; !ec && it != end; it.increment(ec)) {
        boost::system::error_code e;
        if (fs::is_regular_file(it->path(), e) && !objects.count(it->path().filename().string())) {
            removed.bytes += disk_size(it->path());
            if (fs::remove(it->path(), e)) {
                ++removed.objects;
            }
        }
    }
    ec.clear();
    for (fs::directory_iterator it(root / "libs", ec), end; !ec && it != end; it.increment(ec)) {
        if (!libraries.count(it->path().filename().string())) {
            boost::system::error_code e;
            removed.bytes += disk_size(it->path());
            fs::remove_all(it->path(), e);
            ++removed.libraries;
        }
    }
    if (manifest.changed()) {
        manifest.save(manifest_path(root));
    }
    return removed;
}

} // namespace glia
