#include "base/disk.hpp"

#include <cerrno>
#include <cstdio>

namespace glia {

bool SystemDisk::exists(const fs::path& path) {
    boost::system::error_code ec;
    return fs::exists(path, ec);
}

std::string SystemDisk::read(const fs::path& path) { return read_file(path); }

void SystemDisk::write(const fs::path& path, const std::string& content) { write_file_atomic(path, content); }

void SystemDisk::make_dirs(const fs::path& dir, const Message& advice) { glia::make_dirs(dir, advice); }

void SystemDisk::remove_all(const fs::path& path) {
    boost::system::error_code ec;
    fs::remove_all(path, ec);
}

int SystemDisk::rename(const fs::path& from, const fs::path& to) {
    return std::rename(from.c_str(), to.c_str()) == 0 ? 0 : errno;
}

Disk& system_disk() {
    static SystemDisk disk;
    return disk;
}

} // namespace glia
