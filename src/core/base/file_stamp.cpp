#include "base/file_stamp.hpp"

#include "base/record_text.hpp"

#include <ctime>
#include <sys/stat.h>

namespace glia {

namespace {

int64_t ns(const struct timespec& t) { return int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec; }

} // namespace

FileStamp FileStamp::of(const fs::path& path) {
    FileStamp s;
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) {
        s.exists = true;
        s.size = st.st_size;
        s.mtime_ns = ns(st.st_mtim);
        s.ctime_ns = ns(st.st_ctim);
        s.inode = st.st_ino;
        s.device = st.st_dev;
    }
    return s;
}

bool FileStamp::settled(int64_t when_ns, int64_t margin_ns) const {
    return !exists || (mtime_ns + margin_ns <= when_ns && ctime_ns + margin_ns <= when_ns);
}

bool FileStamp::vouches(int64_t when_ns, const FileStamp& current) const {
    return settled(when_ns, kStampMarginNs) && current == *this;
}

std::string FileStamp::text() const {
    if (!exists) {
        return "-";
    }
    return std::to_string(size) + "," + std::to_string(mtime_ns) + "," + std::to_string(ctime_ns) + "," +
           std::to_string(inode) + "," + std::to_string(device);
}

bool FileStamp::parse(std::string_view text, FileStamp& s) {
    s = FileStamp{};
    if (text == "-") {
        return true;
    }
    std::string_view parts[5];
    for (int i = 0; i < 5; ++i) {
        size_t comma = i < 4 ? text.find(',') : text.size();
        if (comma == std::string_view::npos) {
            return false;
        }
        parts[i] = text.substr(0, comma);
        text.remove_prefix(i < 4 ? comma + 1 : comma);
    }
    s.exists = true;
    return record::number(parts[0], s.size) && record::number(parts[1], s.mtime_ns) &&
           record::number(parts[2], s.ctime_ns) && record::number(parts[3], s.inode) &&
           record::number(parts[4], s.device);
}

std::string stamp_key(const fs::path& path) {
    // Called per mod: skip fs::absolute (it asks for the working directory even for an absolute
    // path) and the normalization when the text shows nothing to normalize.
    const std::string& text = path.native();
    if (path.is_absolute() && text.find("/.") == std::string::npos && text.find("//") == std::string::npos &&
        text.back() != '/') {
        return text;
    }
    return (path.is_absolute() ? path : fs::absolute(path)).lexically_normal().string();
}

int64_t now_ns() {
    struct timespec t {};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return ns(t);
}

} // namespace glia
