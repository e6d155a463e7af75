#include "glia/cache.hpp"

#include "glia/error.hpp"

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

} // namespace glia
