#include "glia/made_marker.hpp"

namespace glia {

namespace {
// The maker's name as the mark's format has always spelled it (older glia wrote and read these words):
// a fact of the file format, read back by has_made_marker, not advice to run anything.
const char* maker_name(MadeBy maker) { return maker == MadeBy::import ? "glia import" : "glia install"; }

std::string marker_line(MadeBy maker) { return std::string("made-by: ") + maker_name(maker); }

} // namespace

void write_made_marker(const fs::path& dir, MadeBy maker) {
    write_file_atomic(dir / kMadeMarkerName, std::string("# This folder was made by '") + maker_name(maker) +
                                                 "'; glia replaces or removes only folders it made.\n" +
                                                 marker_line(maker) + "\n");
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

} // namespace glia
