#include "glia/manifest.hpp"

#include "glia/error.hpp"

#include "record_text.hpp"

#include <array>

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

} // namespace

BuildManifest BuildManifest::load(const fs::path& file) {
    BuildManifest manifest;
    std::string text = read_memo_text(file);
    record::Lines lines(text);
    std::string_view line;
    if (!lines.next(line) || line != std::string(kHeader) + "\t" + std::to_string(kFormatVersion)) {
        return manifest;
    }
    BuildManifest parsed;
    while (lines.next(line)) {
        std::array<std::string_view, 8> f;
        std::array<std::string_view, 5> l;
        if (record::fields_exactly(line, f) && f[0] == "mod") {
            ManifestMod mod{std::string(f[1]), std::string(f[2]), std::string(f[3]), 0, {}, std::string(f[6]), {}};
            size_t count = 0;
            if (!record::number(f[4], mod.recorded_ns) || !FileStamp::parse(f[5], mod.stamp) || !record::number(f[7], count)) {
                return manifest;
            }
            for (size_t i = 0; i < count; ++i) {
                std::string_view inc_line;
                std::array<std::string_view, 3> g;
                FileStamp stamp;
                if (!lines.next(inc_line) || !record::fields_exactly(inc_line, g) || g[0] != "inc" ||
                    !FileStamp::parse(g[2], stamp)) {
                    return manifest;
                }
                mod.includes.emplace_back(std::string(g[1]), stamp);
            }
            // The file is written in the order of the ids: each goes in at the end, without a search.
            parsed.mods_.insert_or_assign(parsed.mods_.end(), mod_id(mod.path, mod.name, mod.toolchain), std::move(mod));
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
    return parsed; // moved: `complete() ? parsed : manifest` copied every entry
}

void BuildManifest::save(const fs::path& file) const {
    std::string out = std::string(kHeader) + "\t" + std::to_string(kFormatVersion) + "\n";
    for (const auto& [id, mod] : mods_) {
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

const ManifestMod* BuildManifest::find(const std::string& path, const std::string& name,
                                       const std::string& toolchain) const {
    auto it = mods_.find(mod_id(path, name, toolchain));
    return it == mods_.end() ? nullptr : &it->second;
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

bool manifest_entry_current(const ManifestMod& entry, const FileStamp* mod_now) {
    if (!entry.stamp.exists || !entry.stamp.vouches(entry.recorded_ns, mod_now ? *mod_now : FileStamp::of(entry.path))) {
        return false;
    }
    for (const auto& [path, stamp] : entry.includes) {
        if (!stamp.vouches(entry.recorded_ns, FileStamp::of(path))) {
            return false;
        }
    }
    return true;
}

} // namespace glia
