#include "build/manifest.hpp"

#include "base/error.hpp"
#include "base/hash.hpp"

#include <set>

#include "base/record_text.hpp"

#include <algorithm>
#include <array>
#include <tuple>

// The manifest is a text file, one record per line, fields separated by TAB:
//
//   manifest := header record*
//   header   := "glia-manifest" TAB version NL            version is kFormatVersion
//   record   := mod include* | library
//   mod      := "mod" TAB path TAB name TAB toolchain TAB recorded_ns TAB stamp TAB object_key TAB count NL
//   include  := "inc" TAB path TAB stamp NL               exactly `count` of them follow their mod
//   library  := "lib" TAB package_dir TAB package TAB key TAB neuron NL
//   stamp    := "-" | size "," mtime_ns "," ctime_ns "," inode "," device
//
// Paths holding a TAB or a newline are never recorded (such mods are simply hashed every time).
// A file with another header, or any line that does not parse, is dropped as a whole: the manifest
// is only a shortcut, and without it everything is hashed once more and nothing is rebuilt.

namespace glia {

namespace {

constexpr const char* kHeader = "glia-manifest";
constexpr int kFormatVersion = 2; // 2: libraries record their NEURON version

std::string library_id(const ManifestLibrary& lib) { return lib.package_dir + "\t" + lib.package + "\t" + lib.neuron; }

std::string mod_id(std::string_view path, std::string_view name, std::string_view toolchain) {
    std::string id(path);
    id.append(1, '\t').append(name).append(1, '\t').append(toolchain);
    return id;
}

// Reads an `inc` line: its path and stamp. False if it is none.
bool include_line(std::string_view line, std::string_view& path, FileStamp& stamp) {
    std::array<std::string_view, 3> g;
    if (!record::fields_exactly(line, g) || g[0] != "inc" || !FileStamp::parse(g[2], stamp)) {
        return false;
    }
    path = g[1];
    return true;
}

// The order of mod entries: by (path, name, toolchain), the order of their ids, since none holds a TAB.
template <class A, class B> bool id_less(const A& a, const B& b) {
    return std::tie(a.path, a.name, a.toolchain) < std::tie(b.path, b.name, b.toolchain);
}

// What `find` looks for: an entry's id as its three parts, compared without joining them.
struct Id {
    std::string_view path, name, toolchain;
};

} // namespace

ManifestModView ManifestMod::view() const {
    ManifestModView v{path, object_key, recorded_ns, stamp, {}};
    for (const auto& [file, file_stamp] : includes) {
        v.includes.emplace_back(file, file_stamp);
    }
    return v;
}

ManifestModView BuildManifest::Read::view() const {
    ManifestModView v{path, object_key, recorded_ns, stamp, {}};
    record::Lines lines(include_lines); // checked when the file was read
    std::string_view line, file;
    FileStamp file_stamp;
    while (lines.next(line) && include_line(line, file, file_stamp)) {
        v.includes.emplace_back(file, file_stamp);
    }
    return v;
}

ManifestMod BuildManifest::Read::owned() const {
    ManifestModView v = view();
    ManifestMod mod{std::string(path), std::string(name), std::string(toolchain), v.recorded_ns, v.stamp,
                    std::string(v.object_key), {}};
    for (const auto& [file, file_stamp] : v.includes) {
        mod.includes.emplace_back(std::string(file), file_stamp);
    }
    return mod;
}

BuildManifest BuildManifest::load(const fs::path& file) {
    BuildManifest manifest;
    auto text = std::make_unique<const std::string>(read_memo_text(file));
    record::Lines lines(*text);
    std::string_view line;
    if (!lines.next(line) || line != std::string(kHeader) + "\t" + std::to_string(kFormatVersion)) {
        return manifest;
    }
    BuildManifest parsed;
    parsed.read_.reserve(text->size() / 128); // a mod line is longer: no growing for most files
    while (lines.next(line)) {
        std::array<std::string_view, 8> f;
        std::array<std::string_view, 5> l;
        if (record::fields_exactly(line, f) && f[0] == "mod") {
            Read mod{f[1], f[2], f[3], f[6], {}, 0, {}};
            size_t include_count = 0;
            if (!record::number(f[4], mod.recorded_ns) || !FileStamp::parse(f[5], mod.stamp) ||
                !record::number(f[7], include_count)) {
                return manifest;
            }
            const char* first = nullptr;
            for (size_t i = 0; i < include_count; ++i) {
                std::string_view inc_line, inc_path;
                FileStamp inc_stamp;
                if (!lines.next(inc_line) || !include_line(inc_line, inc_path, inc_stamp)) {
                    return manifest;
                }
                first = first ? first : inc_line.data();
                mod.include_lines = {first, size_t(inc_line.data() + inc_line.size() + 1 - first)};
            }
            parsed.read_.push_back(mod);
        } else if (record::fields_exactly(line, l) && l[0] == "lib") {
            ManifestLibrary lib{std::string(l[1]), std::string(l[2]), std::string(l[3]), std::string(l[4])};
            parsed.libraries_[library_id(lib)] = std::move(lib);
        } else {
            return manifest;
        }
    }
    if (!lines.complete()) {
        return manifest; // a last line without its newline was cut short
    }
    // The file is written in this order; one edited by hand is put back in it.
    auto less = [](const Read& a, const Read& b) { return id_less(a, b); };
    if (!std::is_sorted(parsed.read_.begin(), parsed.read_.end(), less)) {
        std::stable_sort(parsed.read_.begin(), parsed.read_.end(), less);
    }
    parsed.text_ = std::move(text); // the entries point into it: its characters stay where they are
    return parsed;
}

template <class Visit> void BuildManifest::for_each_read(Visit visit) const {
    for (size_t i = 0; i < read_.size(); ++i) {
        const Read& mod = read_[i];
        bool superseded = i + 1 < read_.size() && !id_less(mod, read_[i + 1]); // a later line of the same id
        if (!superseded && !mods_.count(mod_id(mod.path, mod.name, mod.toolchain))) {
            visit(mod);
        }
    }
}

std::vector<ManifestMod> BuildManifest::mods() const {
    std::map<std::string, ManifestMod> all = mods_;
    for_each_read([&](const Read& mod) { all.emplace(mod_id(mod.path, mod.name, mod.toolchain), mod.owned()); });
    std::vector<ManifestMod> out;
    for (auto& [id, mod] : all) {
        out.push_back(std::move(mod));
    }
    return out;
}

void BuildManifest::save(const fs::path& file) const {
    std::string out = std::string(kHeader) + "\t" + std::to_string(kFormatVersion) + "\n";
    for (const auto& mod : mods()) {
        out += "mod\t" + mod.path + "\t" + mod.name + "\t" + mod.toolchain + "\t" + std::to_string(mod.recorded_ns) +
               "\t" + mod.stamp.text() + "\t" + mod.object_key + "\t" + std::to_string(mod.includes.size()) +
               "\n";
        for (const auto& [path, stamp] : mod.includes) {
            out += "inc\t" + path + "\t" + stamp.text() + "\n";
        }
    }
    for (const auto& [id, lib] : libraries_) {
        out += "lib\t" + lib.package_dir + "\t" + lib.package + "\t" + lib.key + "\t" + lib.neuron + "\n";
    }
    write_file_atomic(file, out);
}

std::optional<ManifestModView> BuildManifest::find(std::string_view path, std::string_view name,
                                                   std::string_view toolchain) const {
    if (!mods_.empty()) {
        auto put = mods_.find(mod_id(path, name, toolchain));
        if (put != mods_.end()) {
            return put->second.view();
        }
    }
    Id id{path, name, toolchain};
    // The last line of this id, as loading a map from the file kept it.
    auto it = std::upper_bound(read_.begin(), read_.end(), id,
                               [](const Id& a, const Read& b) { return id_less(a, b); });
    if (it == read_.begin() || id_less(*std::prev(it), id)) {
        return std::nullopt;
    }
    return std::prev(it)->view();
}

void BuildManifest::put(ManifestMod mod) {
    bool ok = record::fits(mod.path) && record::fits(mod.name) && record::fits(mod.toolchain) && record::fits(mod.object_key);
    for (const auto& [path, stamp] : mod.includes) {
        ok = ok && record::fits(path);
    }
    if (!ok) {
        return;
    }
    std::string id = mod_id(mod.path, mod.name, mod.toolchain);
    mods_[id] = std::move(mod);
    changed_ = true;
}

void BuildManifest::put_library(ManifestLibrary library) {
    if (!record::fits(library.package_dir) || !record::fits(library.package) || !record::fits(library.key) ||
        !record::fits(library.neuron)) {
        return;
    }
    std::string id = library_id(library);
    auto it = libraries_.find(id);
    if (it != libraries_.end() && it->second.key == library.key) {
        return;
    }
    libraries_[id] = std::move(library);
    changed_ = true;
}

void BuildManifest::prune(const std::function<bool(const ManifestMod&)>& keep_mod,
                          const std::function<bool(const ManifestLibrary&)>& keep_library) {
    // Taken apart into strings first: pruning is the cache's collection, not a start.
    for_each_read([&](const Read& mod) { mods_.emplace(mod_id(mod.path, mod.name, mod.toolchain), mod.owned()); });
    read_.clear();
    text_.reset();
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

bool manifest_entry_current(const ManifestModView& entry, const FileStamp* mod_now) {
    if (!entry.stamp.exists ||
        !entry.stamp.vouches(entry.recorded_ns, mod_now ? *mod_now : FileStamp::of(std::string(entry.path)))) {
        return false;
    }
    for (const auto& [path, stamp] : entry.includes) {
        if (!stamp.vouches(entry.recorded_ns, FileStamp::of(std::string(path)))) {
            return false;
        }
    }
    return true;
}

std::string manifest_toolchain(const std::string& identity, const IncludeSearch& search) {
    Hasher h;
    h.field("toolchain", identity);
    for (const auto& dir : search.include_dirs) {
        h.field("include_dir", dir.string());
    }
    for (const auto& dir : search.modl_include) {
        h.field("modl_include", dir.string());
    }
    return h.hex();
}

fs::path manifest_path(const fs::path& root) { return root / "manifest"; }

namespace {
class ManifestFormat : public CacheFile {
  public:
    ManifestFormat() : CacheFile("manifest", kHeader) {}
    void collect(const fs::path& root, GarbageCollected& removed) const override {
        BuildManifest manifest = BuildManifest::load(manifest_path(root));
        manifest.prune([](const ManifestMod& mod) { return FileStamp::of(mod.path) == mod.stamp; },
                       [](const ManifestLibrary& lib) {
                           boost::system::error_code e;
                           return fs::is_directory(lib.package_dir, e);
                       });
        std::set<std::string> objects, libraries;
        for (const auto& mod : manifest.mods()) {
            objects.insert(mod.object_key);
        }
        for (const auto& [id, lib] : manifest.libraries()) {
            libraries.insert(lib.key);
        }
        collect_objects(
            root, [&](const std::string& key) { return objects.count(key) > 0; }, removed);
        collect_libraries(
            root, [&](const std::string& key) { return libraries.count(key) > 0; }, removed);
        if (manifest.changed()) {
            manifest.save(manifest_path(root));
        }
    }
};
} // namespace

const CacheFormat& manifest_format() {
    static const ManifestFormat format;
    return format;
}

} // namespace glia
