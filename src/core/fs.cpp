#include "glia/fs.hpp"

#include "glia/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace glia {

// One allocation of the file's size and read(2) into it: NEURON's start reads the cache's memos (hundreds of
// KB with many mods), and a stream copied through a growing buffer cost a page fault per fresh page, twice.
std::string read_file(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(path.string() + ": cannot read: " + std::strerror(errno));
    }
    struct stat status {};
    std::string content;
    content.resize(::fstat(fd, &status) == 0 && status.st_size > 0 ? static_cast<size_t>(status.st_size) + 1 : 4096);
    size_t used = 0;
    while (true) {
        if (used == content.size()) {
            content.resize(content.size() * 2); // the file grew since fstat
        }
        ssize_t got = ::read(fd, content.data() + used, content.size() - used);
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (got <= 0) {
            break; // the end, or an error (a directory): what was read, as the stream gave
        }
        used += static_cast<size_t>(got);
    }
    ::close(fd);
    content.resize(used);
    return content;
}

namespace {
// What to do when a file cannot be written into `dir`; the old file is still there.
std::string write_advice(const fs::path& dir) {
    return " (" + dir.string() + " must be writable and have free space; the previous content is unchanged)";
}
} // namespace

void write_file_atomic(const fs::path& path, const std::string& content) {
    fs::path dir = path.parent_path().empty() ? fs::path(".") : path.parent_path();
    std::string temp = (dir / ("." + path.filename().string() + ".tmp.XXXXXX")).string();
    int fd = ::mkstemp(temp.data());
    if (fd < 0) {
        throw Error(path.string() + ": cannot create a temporary file in " + dir.string() + ": " +
                    std::strerror(errno) + write_advice(dir));
    }
    // Every failure below removes the temporary: a full disk must not fill up with them.
    auto fail = [&](const char* what, int error) {
        ::unlink(temp.c_str());
        throw Error(path.string() + ": cannot " + what + ": " + std::strerror(error) + write_advice(dir));
    };
    const char* data = content.data();
    size_t left = content.size();
    while (left > 0) {
        ssize_t n = ::write(fd, data, left);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            int saved = errno;
            ::close(fd);
            fail("write", saved);
        }
        data += n;
        left -= static_cast<size_t>(n);
    }
    ::fchmod(fd, 0644);
    // A full disk may only show at fsync or close (delayed allocation), so both are checked.
    int synced = ::fsync(fd) == 0 ? 0 : errno;
    int closed = ::close(fd) == 0 ? 0 : errno;
    if (synced || closed) {
        fail("write", synced ? synced : closed);
    }
    if (::rename(temp.c_str(), path.c_str()) != 0) {
        fail("replace", errno);
    }
}

std::string env_or(const char* name, const std::string& fallback) {
    const char* value = std::getenv(name);
    return (value && *value) ? std::string(value) : fallback;
}

fs::path xdg_dir(const char* variable, const char* under_home) {
    std::string set = env_or(variable, "");
    if (!set.empty()) {
        return set;
    }
    std::string home = env_or("HOME", "");
    if (home.empty()) {
        // A service or a batch job may run without HOME: the password database still knows the user's.
        std::vector<char> buffer(16384);
        struct passwd entry {};
        struct passwd* found = nullptr;
        if (::getpwuid_r(::getuid(), &entry, buffer.data(), buffer.size(), &found) == 0 && found &&
            found->pw_dir && *found->pw_dir) {
            home = found->pw_dir;
        }
    }
    if (home.empty()) {
        throw Error(std::string("HOME is not set and the user has no home directory in the password database; "
                                "set HOME, or ") + variable + " (export " + variable + "=...)");
    }
    return fs::path(home) / under_home;
}

int flock_exclusive(int fd) {
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            return errno;
        }
    }
    return 0;
}

DirectoryLock::DirectoryLock(const fs::path& dir) {
    fd_ = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd_ < 0) {
        throw Error(dir.string() + ": cannot open to lock it: " + std::strerror(errno));
    }
    if (int error = flock_exclusive(fd_)) {
        ::close(fd_);
        throw Error(dir.string() + ": cannot lock: " + std::strerror(error));
    }
}

DirectoryLock::~DirectoryLock() {
    ::close(fd_);
}

} // namespace glia
