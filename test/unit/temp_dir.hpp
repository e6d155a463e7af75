#pragma once
// A fresh temporary directory per test case, removed afterwards.

#include "base/fs.hpp"

#include <fstream>
#include <string>

namespace glia::test {

struct TempDir {
    fs::path path;
    TempDir() : path(fs::temp_directory_path() / fs::unique_path("glia-unit-%%%%-%%%%-%%%%")) {
        fs::create_directories(path);
    }
    ~TempDir() {
        boost::system::error_code ec;
        fs::remove_all(path, ec);
    }
    /// Writes `content` to `relative` (creating folders) and returns the full path.
    fs::path write(const std::string& relative, const std::string& content) const {
        fs::path file = path / relative;
        fs::create_directories(file.parent_path());
        std::ofstream(file.string(), std::ios::binary) << content;
        return file;
    }
};

/// How many entries folder `dir` holds (0 if it cannot be read).
inline size_t entries_in(const fs::path& dir) {
    size_t n = 0;
    boost::system::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        ++n;
    }
    return n;
}

} // namespace glia::test
