#include "packages/mod_includes.hpp"

#include "base/error.hpp"
#include "packages/nmodl.hpp"

#include <cctype>
#include <set>

namespace glia {

namespace {

// The places of `name`, included by a file in `from` (for the mod itself: its own folder), in the order
// the tools try them, each once.
std::vector<fs::path> places_of(const IncludedName& include, const fs::path& from, const fs::path& mod_dir,
                                const IncludeSearch& search) {
    fs::path written(include.name);
    if (written.is_absolute()) {
        return {written};
    }
    std::vector<fs::path> places;
    auto add = [&](const fs::path& dir) {
        fs::path place = dir / written;
        for (const auto& known : places) {
            if (known == place) {
                return;
            }
        }
        places.push_back(place);
    };
    if (include.angled) { // the compiler alone, in its -I folders: the mod's, then the build's
        add(mod_dir);
    } else {
        add(from);            // both tools: the including file's folder
        add(mod_dir);         // nocmodl's working folder; the compiler's -I of the mod's folder
        add(mod_dir / "..");  // nocmodl: one folder up
        for (const auto& dir : search.modl_include) {
            add(dir);
        }
    }
    for (const auto& dir : search.include_dirs) {
        add(dir);
    }
    return places;
}

// Stamps, then reads, what is at `path` (nothing if it is no readable file).
IncludePlace look_at(const fs::path& path, Disk& disk) {
    IncludePlace place{path, FileStamp::of(path), std::nullopt};
    boost::system::error_code ec;
    if (place.stamp.exists && fs::is_regular_file(path, ec)) { // never a pipe or a device: it could block or not end
        try {
            place.content = disk.read(path);
        } catch (const Error&) {
            // a folder, or unreadable: the tools cannot include it either
        }
    }
    return place;
}

// Who a file is, however it is reached: its folder links and `..` resolved (an include cycle written
// with ever longer paths still ends); the path itself where that fails.
std::string identity(const fs::path& path) {
    boost::system::error_code ec;
    fs::path real = fs::canonical(path, ec);
    return ec ? path.string() : real.string();
}

} // namespace

const IncludePlace* ModInclude::found() const {
    for (const auto& place : places) {
        if (place.content) {
            return &place;
        }
    }
    return nullptr;
}

std::vector<ModInclude> mod_includes(const fs::path& mod_dir, const std::vector<IncludedName>& includes,
                                     const IncludeSearch& search, Disk& disk) {
    struct Pending {
        IncludedName include;
        fs::path from;
    };
    std::vector<Pending> pending;
    for (const auto& include : includes) {
        pending.push_back({include, mod_dir});
    }
    std::vector<ModInclude> met;
    // The kind and first place of each include met: the same include from the same folder is looked up once.
    std::set<std::pair<bool, std::string>> looked_up;
    std::set<std::string> followed;  // the files read for their own includes
    for (size_t next = 0; next < pending.size(); ++next) {
        const IncludedName include = pending[next].include; // a copy: pending grows below
        std::vector<fs::path> paths = places_of(include, pending[next].from, mod_dir, search);
        if (!looked_up.insert({include.angled, paths.front().string()}).second) {
            continue;
        }
        ModInclude entry{include.name, include.angled, {}};
        for (const auto& path : paths) {
            entry.places.push_back(look_at(path, disk));
        }
        const IncludePlace* found = entry.found();
        if (found && followed.insert(identity(found->path)).second) {
            for (auto& name : included_names(*found->content)) {
                pending.push_back({std::move(name), found->path.parent_path()});
            }
        }
        met.push_back(std::move(entry));
    }
    return met;
}

std::vector<ModInclude> mod_file_includes(const fs::path& file, const IncludeSearch& search) {
    return mod_includes(file.parent_path(), included_names(read_file(file)), search);
}

std::vector<std::string> make_prerequisites(std::string_view depfile) {
    std::vector<std::string> files;
    std::string word;
    bool target = true; // the first words, up to the colon, are the rule's target
    auto end_word = [&] {
        if (!word.empty() && !target) {
            files.push_back(word);
        }
        word.clear();
    };
    for (size_t i = 0; i < depfile.size(); ++i) {
        char c = depfile[i];
        if (c == '\\' && i + 1 < depfile.size() && (depfile[i + 1] == ' ' || depfile[i + 1] == '#')) {
            word += depfile[++i];
        } else if (c == '\\' && i + 1 < depfile.size() && (depfile[i + 1] == '\n' || depfile[i + 1] == '\r')) {
            end_word(); // a continued line
        } else if (c == '$' && i + 1 < depfile.size() && depfile[i + 1] == '$') {
            word += depfile[++i];
        } else if (c == ':' && target && (i + 1 == depfile.size() || std::isspace(static_cast<unsigned char>(depfile[i + 1])))) {
            word.clear();
            target = false;
        } else if (std::isspace(static_cast<unsigned char>(c))) {
            end_word();
        } else {
            word += c;
        }
    }
    end_word();
    return files;
}

std::string place_role(const fs::path& mod_dir, const fs::path& place) {
    std::string dir = mod_dir.string() + "/";
    std::string path = place.string();
    return path.starts_with(dir) ? path.substr(dir.size()) : path;
}

} // namespace glia
