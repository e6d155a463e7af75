#include "glia/cache.hpp"

#include "glia/error.hpp"
#include "glia/manifest.hpp"
#include "glia/scan_memo.hpp"

#include <set>

#include <cerrno>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace glia {

fs::path cache_root() {
    std::string home = env_or("HOME", "/");
    std::string xdg = env_or("XDG_CACHE_HOME", home + "/.cache");
    return env_or("GLIA_CACHE_DIR", xdg + "/glia");
}

namespace {
const char* kCacheAdvice = "make the cache directory writable, free space on its file system, or set "
                           "GLIA_CACHE_DIR to another directory: export GLIA_CACHE_DIR=...";
} // namespace

void make_dirs(const fs::path& dir) {
    boost::system::error_code ec;
    fs::create_directories(dir, ec);
    if (ec && !fs::is_directory(dir)) {
        throw Error("cannot create directory " + dir.string() + ": " + ec.message() + " (" + kCacheAdvice + ")");
    }
}

CacheLock::CacheLock(const fs::path& root) {
    make_dirs(root);
    fs::path file = root / "lock";
    fd_ = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        // A cache the user may only read (a shared install, a read-only mount) still serves what
        // it holds: flock works on a read-only descriptor, and a build that needs to write says so.
        int saved = errno;
        fd_ = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
        errno = fd_ < 0 ? saved : errno;
    }
    if (fd_ < 0) {
        throw Error("cannot open the cache lock " + file.string() + ": " + std::strerror(errno) +
                    " (the cache directory " + root.string() + " must be writable: " + kCacheAdvice + ")");
    }
    if (int error = flock_exclusive(fd_)) {
        ::close(fd_);
        throw Error("cannot lock " + file.string() + ": " + std::strerror(error) + " (" + kCacheAdvice + ")");
    }
}

CacheLock::~CacheLock() {
    if (fd_ >= 0) {
        ::close(fd_); // closing releases the flock
    }
}

std::string cache_trouble(const fs::path& root, const std::string& output) {
    // The tools' own words for the errno values a cache directory can give.
    for (const char* cause : {"No space left on device", "Disk quota exceeded", "Read-only file system",
                              "Permission denied"}) {
        if (output.find(cause) != std::string::npos) {
            return "the cache directory " + root.string() + " cannot be written (" + cause + "): " + kCacheAdvice;
        }
    }
    struct statvfs fs_info {};
    if (::statvfs(root.c_str(), &fs_info) == 0 && fs_info.f_bavail * fs_info.f_frsize < 64 * 1024) {
        return "the cache directory " + root.string() + " is (almost) full: " + kCacheAdvice;
    }
    return {};
}

namespace {
// Empty if `fd` holds a whole 64-bit ELF file, else what is wrong with it.
std::string elf_problem(int fd) {
    Elf64_Ehdr header {};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return std::strerror(errno);
    }
    if (::pread(fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
        std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64) {
        return "not an ELF file (" + std::to_string(st.st_size) + " bytes)";
    }
    uint64_t end = header.e_shoff + uint64_t(header.e_shnum) * header.e_shentsize;
    if (header.e_shnum == 0 || end > uint64_t(st.st_size)) {
        return "truncated: " + std::to_string(st.st_size) + " bytes, its section headers end at byte " +
               std::to_string(end);
    }
    return {};
}
} // namespace

void publish(const fs::path& from, const fs::path& to, const fs::path& root) {
    int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    std::string problem = fd < 0 ? std::string(std::strerror(errno)) : elf_problem(fd);
    if (problem.empty() && ::fsync(fd) != 0) {
        problem = std::strerror(errno);
    }
    if (fd >= 0) {
        ::close(fd);
    }
    if (problem.empty()) {
        make_dirs(to.parent_path());
        if (::rename(from.c_str(), to.c_str()) == 0) {
            return;
        }
        problem = std::string("cannot move it into place: ") + std::strerror(errno);
    }
    ::unlink(from.c_str());
    std::string trouble = cache_trouble(root, problem);
    throw Error("cannot publish " + to.string() + ": " + problem + " (" +
                (trouble.empty() ? std::string("run 'glia compile' again") : trouble) + ")");
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
    fs::remove(scan_memo_path(root), ec);
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
