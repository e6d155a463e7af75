#include "glia/manifest.hpp"

#include "glia/error.hpp"

#include <charconv>
#include <ctime>
#include <sys/stat.h>

// The manifest is a text file, one record per line, fields separated by TAB:
//
//   manifest := header record*
//   header   := "glia-manifest" TAB version NL            version is kFormatVersion
//   record   := mod include* | library
//   mod      := "mod" TAB path TAB name TAB toolchain TAB recorded_ns TAB stamp TAB object_key TAB count NL
//   include  := "inc" TAB path TAB stamp NL               exactly `count` of them follow their mod
//   library  := "lib" TAB package_dir TAB package TAB key NL
//   stamp    := "-" | size "," mtime_ns "," ctime_ns "," inode "," device
//
// Paths holding a TAB or a newline are never recorded (such mods are simply hashed every time).
// A file with another header, or any line that does not parse, is dropped as a whole: the manifest
// is only a shortcut, and without it everything is hashed once more and nothing is rebuilt.

namespace glia {

namespace {

constexpr const char* kHeader = "glia-manifest";
constexpr int kFormatVersion = 1;

bool recordable(std::string_view text) { return text.find_first_of("\t\n\r") == std::string_view::npos; }

std::string stamp_text(const FileStamp& s) {
    if (!s.exists) {
        return "-";
    }
    return std::to_string(s.size) + "," + std::to_string(s.mtime_ns) + "," + std::to_string(s.ctime_ns) + "," +
           std::to_string(s.inode) + "," + std::to_string(s.device);
}

template <class T> bool parse_number(std::string_view text, T& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

bool parse_stamp(std::string_view text, FileStamp& s) {
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
    return parse_number(parts[0], s.size) && parse_number(parts[1], s.mtime_ns) &&
           parse_number(parts[2], s.ctime_ns) && parse_number(parts[3], s.inode) && parse_number(parts[4], s.device);
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> fields;
    for (;;) {
        size_t tab = line.find('\t');
        fields.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) {
            return fields;
        }
        line.remove_prefix(tab + 1);
    }
}

std::string mod_id(std::string_view path, std::string_view name, std::string_view toolchain) {
    std::string id(path);
    id.append(1, '\t').append(name).append(1, '\t').append(toolchain);
    return id;
}

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

int64_t now_ns() {
    struct timespec t {};
    ::clock_gettime(CLOCK_REALTIME, &t);
    return ns(t);
}

BuildManifest BuildManifest::load(const fs::path& file) {
    BuildManifest manifest;
    std::string text;
    try {
        text = read_file(file);
    } catch (const Error&) {
        return manifest; // no manifest yet
    }
    std::string_view rest = text;
    auto next_line = [&rest](std::string_view& line) {
        if (rest.empty()) {
            return false;
        }
        size_t nl = rest.find('\n');
        if (nl == std::string_view::npos) {
            return false; // a line without its newline was cut short: distrust it
        }
        line = rest.substr(0, nl);
        rest.remove_prefix(nl + 1);
        return true;
    };
    std::string_view line;
    if (!next_line(line) || line != std::string(kHeader) + "\t" + std::to_string(kFormatVersion)) {
        return manifest;
    }
    BuildManifest parsed;
    while (next_line(line)) {
        auto f = split_tabs(line);
        if (f[0] == "mod" && f.size() == 8) {
            ManifestMod mod;
            mod.path = f[1];
            mod.name = f[2];
            mod.toolchain = f[3];
            mod.object_key = f[6];
            size_t count = 0;
            if (!parse_number(f[4], mod.recorded_ns) || !parse_stamp(f[5], mod.stamp) || !parse_number(f[7], count)) {
                return manifest;
            }
            for (size_t i = 0; i < count; ++i) {
                std::string_view inc_line;
                if (!next_line(inc_line)) {
                    return manifest;
                }
                auto g = split_tabs(inc_line);
                FileStamp stamp;
                if (g.size() != 3 || g[0] != "inc" || !parse_stamp(g[2], stamp)) {
                    return manifest;
                }
                mod.includes.emplace_back(std::string(g[1]), stamp);
            }
            std::string id = mod_id(mod.path, mod.name, mod.toolchain);
            parsed.mods_[id] = std::move(mod);
        } else if (f[0] == "lib" && f.size() == 4) {
            ManifestLibrary lib{std::string(f[1]), std::string(f[2]), std::string(f[3])};
            parsed.libraries_[lib.package_dir + "\t" + lib.package] = std::move(lib);
        } else {
            return manifest;
        }
    }
    return parsed;
}

void BuildManifest::save(const fs::path& file) const {
    std::string out = std::string(kHeader) + "\t" + std::to_string(kFormatVersion) + "\n";
    for (const auto& [id, mod] : mods_) {
        out += "mod\t" + mod.path + "\t" + mod.name + "\t" + mod.toolchain + "\t" + std::to_string(mod.recorded_ns) +
               "\t" + stamp_text(mod.stamp) + "\t" + mod.object_key + "\t" + std::to_string(mod.includes.size()) +
               "\n";
        for (const auto& [path, stamp] : mod.includes) {
            out += "inc\t" + path + "\t" + stamp_text(stamp) + "\n";
        }
    }
    for (const auto& [id, lib] : libraries_) {
        out += "lib\t" + lib.package_dir + "\t" + lib.package + "\t" + lib.key + "\n";
    }
    write_file_atomic(file, out);
}

const ManifestMod* BuildManifest::find(const std::string& path, const std::string& name,
                                       const std::string& toolchain) const {
    auto it = mods_.find(mod_id(path, name, toolchain));
    return it == mods_.end() ? nullptr : &it->second;
}

void BuildManifest::put(ManifestMod mod) {
    bool ok = recordable(mod.path) && recordable(mod.name) && recordable(mod.toolchain) && recordable(mod.object_key);
    for (const auto& [path, stamp] : mod.includes) {
        ok = ok && recordable(path);
    }
    if (!ok) {
        return;
    }
    std::string id = mod_id(mod.path, mod.name, mod.toolchain);
    mods_[id] = std::move(mod);
    changed_ = true;
}

void BuildManifest::put_library(ManifestLibrary library) {
    if (!recordable(library.package_dir) || !recordable(library.package) || !recordable(library.key)) {
        return;
    }
    std::string id = library.package_dir + "\t" + library.package;
    auto it = libraries_.find(id);
    if (it != libraries_.end() && it->second.key == library.key) {
        return;
    }
    libraries_[id] = std::move(library);
    changed_ = true;
}

void BuildManifest::prune(const std::function<bool(const ManifestMod&)>& keep_mod,
                          const std::function<bool(const ManifestLibrary&)>& keep_library) {
    for (auto it = mods_.begin(); it != mods_.end();) {
        if (keep_mod(it->second)) {
            ++it;
        } else {
            it = mods_.erase(it);
            changed_ = true;
        }
    }
    for (auto it = libraries_.begin(); it != libraries_.end();) {
        if (keep_library(it->second)) {
            ++it;
        } else {
            it = libraries_.erase(it);
            changed_ = true;
        }
    }
}

bool manifest_entry_current(const ManifestMod& entry) {
    if (!entry.stamp.exists || !entry.stamp.settled(entry.recorded_ns, kStampMarginNs) ||
        !(FileStamp::of(entry.path) == entry.stamp)) {
        return false;
    }
    for (const auto& [path, stamp] : entry.includes) {
        if (!stamp.settled(entry.recorded_ns, kStampMarginNs) || !(FileStamp::of(path) == stamp)) {
            return false;
        }
    }
    return true;
}

} // namespace glia
