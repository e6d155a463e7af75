#include "base/fs.hpp"

#include "base/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace glia {

// One allocation of the file's size and read(2) into it: NEURON's start reads the cache's memos (hundreds of
// KB with many mods), and a stream copied through a growing buffer cost a page fault per fresh page, twice.
namespace {

/// The content of the open file `fd`, which it closes.
std::string read_and_close(int fd) {
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

} // namespace

std::string read_file(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        throw Error(path.string() + ": cannot read: " + std::strerror(errno));
    }
    return read_and_close(fd);
}

std::optional<std::string> read_file_if_present(const fs::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 && (errno == ENOENT || errno == ENOTDIR)) {
        return std::nullopt;
    }
    if (fd < 0) {
        throw Error(path.string() + ": cannot read: " + std::strerror(errno));
    }
    return read_and_close(fd);
}

std::string read_memo_text(const fs::path& path) {
    try {
        return read_file_if_present(path).value_or(std::string());
    } catch (const Error&) {
        return {};
    }
}

namespace {
// What to do when a file cannot be written into `dir`; the old file is still there.
std::string write_advice(const fs::path& dir) {
    return " (" + dir.string() + " must be writable and have free space; the previous content is unchanged)";
}
} // namespace

void make_dirs(const fs::path& dir, const Message& advice) {
    boost::system::error_code ec;
    fs::create_directories(dir, ec);
    if (ec && !fs::is_directory(dir)) {
        throw Error("cannot create directory " + dir.string() + ": " + ec.message() +
                    (advice.empty() ? Message() : " (" + advice + ")"));
    }
}

bool is_temporary_of(std::string_view name, std::string_view file) {
    // As write_file_atomic names them: `.<file>.tmp.XXXXXX`.
    return name.starts_with(".") && name.substr(1).starts_with(file) &&
           name.substr(1 + file.size()).starts_with(".tmp.");
}

bool is_plain_file(const fs::path& path) {
    boost::system::error_code ec;
    return fs::is_regular_file(fs::symlink_status(path, ec));
}

bool is_real_dir(const fs::path& path) {
    boost::system::error_code ec;
    return fs::is_directory(fs::symlink_status(path, ec));
}

bool is_gone(const fs::path& path) {
    boost::system::error_code ec;
    return !fs::exists(fs::symlink_status(path, ec));
}

bool starts_with_line(const fs::path& file, std::string_view header) {
    try {
        return is_plain_file(file) && std::string_view(read_file(file)).starts_with(header);
    } catch (const Error&) {
        return false;
    }
}

std::vector<fs::path> entries_of(const fs::path& dir) {
    std::vector<fs::path> entries;
    boost::system::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        entries.push_back(it->path());
    }
    return entries;
}

uintmax_t disk_size(const fs::path& path) {
    boost::system::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        uintmax_t size = fs::file_size(path, ec);
        return ec ? 0 : size;
    }
    uintmax_t total = 0;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        boost::system::error_code ignored;
        if (is_plain_file(it->path())) {
            uintmax_t size = fs::file_size(it->path(), ignored);
            total += ignored ? 0 : size;
        }
    }
    return total;
}

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

namespace {
// Waits for an exclusive flock on `fd`, retrying when a signal interrupts; 0 or the errno that stopped it.
int flock_exclusive(int fd) {
    while (::flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            return errno;
        }
    }
    return 0;
}

int open_to_lock(const fs::path& path, FileLock::Target target) {
    if (target == FileLock::Target::directory) {
        return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
        int saved = errno;
        fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        errno = fd < 0 ? saved : errno;
    }
    return fd;
}
} // namespace

FileLock::FileLock(const fs::path& path, Target target, const Message& advice) {
    Message tail = advice.empty() ? Message() : " (" + advice + ")";
    fd_ = open_to_lock(path, target);
    if (fd_ < 0) {
        throw Error(path.string() + ": cannot open to lock it: " + std::strerror(errno) + tail);
    }
    if (int error = flock_exclusive(fd_)) {
        ::close(fd_);
        fd_ = -1;
        throw Error(path.string() + ": cannot lock: " + std::strerror(error) + tail);
    }
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

bool FileLock::is_at(const fs::path& path) const {
    struct stat held {}, named {};
    return fd_ >= 0 && ::fstat(fd_, &held) == 0 && ::stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
           held.st_ino == named.st_ino;
}

bool FileLock::removed() const {
    struct stat st {};
    return fd_ >= 0 && ::fstat(fd_, &st) == 0 && st.st_nlink == 0;
}

} // namespace glia
