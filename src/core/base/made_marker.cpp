#include "base/made_marker.hpp"

#include "base/error.hpp"
#include "base/hash.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <map>

namespace glia {

namespace {
// The maker's name as the mark's format has always spelled it (older glia wrote and read these words):
// a fact of the file format, read back by has_made_marker, not advice to run anything.
const char* maker_name(MadeBy maker) { return maker == MadeBy::import ? "glia import" : "glia install"; }

std::string marker_line(MadeBy maker) { return std::string("made-by: ") + maker_name(maker); }

// A listed file's line: `file <hash> <path relative to the folder>` (the path last: it may hold spaces).
constexpr std::string_view kFileTag = "file ";

// Every file under `dir` but the mark, relative to it, sorted; folders are walked, links not followed.
// Throws glia::Error if a folder cannot be read.
std::vector<fs::path> files_under(const fs::path& dir) {
    std::vector<fs::path> files;
    boost::system::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        fs::file_status status = it->symlink_status(ec);
        fs::path relative = it->path().lexically_relative(dir);
        if (!fs::is_directory(status) && relative != kMadeMarkerName) {
            files.push_back(relative);
        }
    }
    if (ec) { // a file not seen could not be vouched for
        throw Error(dir.string() + ": cannot list the files in it: " + ec.message());
    }
    std::sort(files.begin(), files.end());
    return files;
}

// The content hash a mark lists for a file; a link or anything not a regular file has none.
std::string content_hash(const fs::path& file) {
    boost::system::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(file, ec))) {
        return {};
    }
    return Hasher().field("file", read_file(file)).hex();
}

// The files a mark lists, with their hashes.
std::map<fs::path, std::string> listed_files(const std::string& mark) {
    std::map<fs::path, std::string> listed;
    for (const auto& line : split_lines(mark)) {
        size_t space = line.find(' ', kFileTag.size());
        if (line.starts_with(kFileTag) && space != std::string::npos) {
            listed[line.substr(space + 1)] = line.substr(kFileTag.size(), space - kFileTag.size());
        }
    }
    return listed;
}

} // namespace

void write_made_marker(const fs::path& dir, MadeBy maker, bool list_files) {
    std::string text = std::string("# This folder was made by '") + maker_name(maker) +
                       "'; glia replaces or removes only folders it made.\n" + marker_line(maker) + "\n";
    if (list_files) {
        text += "# The files it wrote, with a hash of their content: glia never removes another, or one changed.\n";
        for (const auto& file : files_under(dir)) {
            std::string hash = content_hash(dir / file);
            if (!hash.empty() && file.string().find('\n') == std::string::npos) {
                text += std::string(kFileTag) + hash + " " + file.string() + "\n";
            }
        }
    }
    write_file_atomic(dir / kMadeMarkerName, text);
}

bool has_made_marker(const fs::path& dir, MadeBy maker) {
    boost::system::error_code ec;
    if (!fs::is_directory(fs::symlink_status(dir, ec)) ||
        !fs::is_regular_file(fs::symlink_status(dir / kMadeMarkerName, ec))) {
        return false;
    }
    std::string text;
    try {
        text = read_file(dir / kMadeMarkerName);
    } catch (const std::exception&) {
        return false;
    }
    std::string line = marker_line(maker);
    size_t at = text.find(line);
    return at != std::string::npos && (at == 0 || text[at - 1] == '\n') &&
           (at + line.size() == text.size() || text[at + line.size()] == '\n');
}

std::vector<fs::path> files_not_as_made(const fs::path& dir) {
    std::map<fs::path, std::string> listed;
    boost::system::error_code ec;
    if (fs::is_regular_file(fs::symlink_status(dir / kMadeMarkerName, ec))) {
        listed = listed_files(read_file(dir / kMadeMarkerName));
    }
    std::vector<fs::path> changed;
    for (const auto& file : files_under(dir)) {
        auto known = listed.find(file);
        if (known == listed.end() || known->second != content_hash(dir / file)) {
            changed.push_back(file);
        }
    }
    return changed;
}

} // namespace glia
