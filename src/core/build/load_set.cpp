#include "build/load_set.hpp"

#include "store/cache.hpp"
#include "build/elf_groups.hpp"
#include "base/error.hpp"
#include "build/failure_memo.hpp"
#include "base/file_stamp.hpp"
#include "base/hash.hpp"
#include "build/manifest.hpp"

#include <algorithm>
#include <cstdlib>
#include <cxxabi.h>
#include <map>
#include <memory>
#include <set>

namespace glia {

namespace {

// Bumped whenever the way set libraries are made changes, so old ones are not reused.
constexpr const char* kLoadSetFormat = "glia-load-set-2";
constexpr std::string_view kMembersHeader = "glia-load-set-members 1\n";

// The libraries that go into the set: those that were built.
std::vector<const PackageLibrary*> members_of(const std::vector<PackageLibrary>& libraries) {
    std::vector<const PackageLibrary*> members;
    for (const auto& lib : libraries) {
        if (!lib.library.empty()) {
            members.push_back(&lib);
        }
    }
    return members;
}

} // namespace

std::string load_set_key(const std::vector<PackageLibrary>& libraries) {
    std::vector<const PackageLibrary*> members = members_of(libraries);
    if (members.size() < 2) {
        return {};
    }
    Hasher h;
    h.field("format", kLoadSetFormat);
    for (const PackageLibrary* lib : members) {
        h.field("package", lib->package).field("library", lib->key);
    }
    return h.hex();
}

std::string load_set_members(const std::vector<PackageLibrary>& libraries) {
    std::string text(kMembersHeader);
    for (const PackageLibrary* lib : members_of(libraries)) {
        text += lib->key + "\n";
    }
    return text;
}

std::vector<std::string> read_load_set_members(const fs::path& file) {
    std::string text = read_memo_text(file);
    if (!text.starts_with(kMembersHeader)) {
        return {};
    }
    std::vector<std::string> keys;
    for (size_t at = kMembersHeader.size(); at < text.size();) {
        size_t end = text.find('\n', at);
        if (end == std::string::npos) {
            return {}; // cut short
        }
        keys.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    return keys;
}

LoadSetSteps load_set_steps(const std::vector<PackageLibrary>& libraries, const Toolchain& tc, const fs::path& work,
                            const fs::path& output) {
    LoadSetSteps steps;
    steps.link = tc.link;
    steps.link.insert(steps.link.end(), {"-o", output.string()});
    std::string driver = tc.link.empty() ? std::string("c++") : tc.link.front();
    std::vector<const PackageLibrary*> members = members_of(libraries);
    for (size_t p = 0; p < members.size(); ++p) {
        const PackageLibrary& lib = *members[p];
        LoadSetPart part;
        part.package = lib.package;
        part.cached = load_set_part_path(lib.library);
        part.object = work / (std::to_string(p) + ".o");
        part.keep_file = work / (std::to_string(p) + ".keep");
        // -d: common symbols get their space now, so that they can be made local like the rest.
        part.partial_link = {driver, "-r", "-nostdlib", "-Wl,-d", "-o", part.object.string()};
        for (const auto& object : lib.objects) {
            part.partial_link.push_back(object.string());
        }
        for (const auto& name : lib.mechanisms) {
            part.registration.push_back(registration_symbol(name.full()));
        }
        part.localize = {"objcopy", "--keep-global-symbols=" + part.keep_file.string(), part.object.string()};
        steps.link.push_back(part.cached.string());
        steps.parts.push_back(std::move(part));
    }
    steps.link.insert(steps.link.end(), tc.libraries.begin(), tc.libraries.end());
    return steps;
}

std::string kept_global(const LoadSetPart& part) {
    std::string keep;
    for (const auto& name : part.registration) {
        keep += name + "\n";
    }
    for (const auto& name : group_symbols(read_file(part.object), part.object)) {
        keep += name + "\n";
    }
    return keep;
}

namespace {

// `symbol` as the source spells it, if it is a C++ name the runtime can demangle.
std::string readable(const std::string& symbol) {
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> name(abi::__cxa_demangle(symbol.c_str(), nullptr, nullptr, &status), &std::free);
    return status == 0 && name ? std::string(name.get()) : symbol;
}

} // namespace

void check_shared_definitions(const std::vector<LoadSetPart>& parts) {
    std::map<std::string, std::pair<std::string, const LoadSetPart*>> first; // symbol: fingerprint, part
    for (const LoadSetPart& part : parts) {
        for (const auto& [name, fingerprint] : group_definitions(read_file(part.cached), part.cached)) {
            auto [at, fresh] = first.try_emplace(name, fingerprint, &part);
            if (!fresh && at->second.first != fingerprint) {
                throw Error("packages '" + at->second.second->package + "' and '" + part.package + "' define " +
                            readable(name) + " (" + name + ") differently; one library would run only the first's, " +
                            "so each package loads its own library");
            }
        }
    }
}

void give_up_load_set(const fs::path& cache, const std::string& key, const FileStamp& opened, const std::string& why) {
    fs::path library = load_set_path(cache, key);
    // Gone (the cache cleared: nothing to remember, and the lock would make the cache anew) or linked
    // again since (by `glia compile`): not the library dlopen refused.
    if (!opened.exists || FileStamp::of(library) != opened) {
        return;
    }
    try {
        CacheLock lock(cache);
        if (FileStamp::of(library) != opened) {
            return; // relinked while this start waited for the lock
        }
        fs::path memo_file = failure_memo_path(cache);
        FailureMemo memo = FailureMemo::load(memo_file);
        memo.put_load_set(key, why);
        memo.save_if_changed(memo_file);
        remove_set_library(cache, key);
    } catch (const std::exception&) {
        // A cache this process may not write: the next start tries the set library again, and falls back again.
    }
}

namespace {
// The names of sets/ (cache.hpp's layout).
constexpr const char* kSetsDir = "sets";
constexpr const char* kSetLibraryName = "libglia-set.so";
constexpr const char* kSetMembersName = "members";

bool is_set_file_name(std::string_view name) {
    return name == kSetLibraryName || name == kSetMembersName || is_temporary_of(name, kSetMembersName);
}
} // namespace

fs::path load_set_path(const fs::path& root, const std::string& key) { return root / kSetsDir / key / kSetLibraryName; }

void remove_set_library(const fs::path& root, const std::string& key) {
    fs::path library = load_set_path(root, key);
    boost::system::error_code ec;
    if (is_real_dir(root / kSetsDir) && is_real_dir(library.parent_path()) && is_plain_file(library)) {
        fs::remove(library, ec);
    }
}

void remove_set_libraries_with(const fs::path& root, const std::string& library_key) {
    for (const auto& dir : entries_of(root / kSetsDir)) {
        std::vector<std::string> members = read_load_set_members(dir / kSetMembersName);
        if (is_cache_key(dir.filename().string()) && std::count(members.begin(), members.end(), library_key)) {
            remove_set_library(root, dir.filename().string());
        }
    }
}

fs::path load_set_members_path(const fs::path& root, const std::string& key) {
    return root / kSetsDir / key / kSetMembersName;
}

namespace {
// Removes one set folder sets/<key>/: the library first, so a library never lacks its members file.
// Only plain files: a link in its place is not glia's.
void remove_set_dir(const fs::path& dir) {
    boost::system::error_code ec;
    if (is_plain_file(dir / kSetLibraryName)) {
        fs::remove(dir / kSetLibraryName, ec);
    }
    for (const auto& file : entries_of(dir)) {
        if (is_set_file_name(file.filename().string()) && is_plain_file(file)) {
            fs::remove(file, ec);
        }
    }
    fs::remove(dir, ec);
}

// Offers each set folder under sets/ to `remove` (which removes it or not); a link is not followed.
void remove_sets(const fs::path& root, const std::function<void(const fs::path&)>& remove) {
    for (const auto& dir : entries_of(root / kSetsDir)) {
        if (is_cache_key(dir.filename().string()) && is_real_dir(dir)) {
            remove(dir);
        }
    }
}

class LoadSetFormat : public CacheFormat {
  public:
    std::optional<fs::path> foreign_in(const fs::path& entry) const override {
        if (entry.filename() != kSetsDir || !is_real_dir(entry)) {
            return std::nullopt;
        }
        return first_foreign_in_folders(entry, is_cache_key, is_set_file_name);
    }
    void clear(const fs::path& root) const override {
        remove_sets(root, remove_set_dir);
        boost::system::error_code ec;
        fs::remove(root / kSetsDir, ec); // only if empty: what glia did not write stays
    }
    void collect(const fs::path& root, GarbageCollected& removed) const override {
        std::set<std::string> libraries; // in use, as the manifest's collection left them
        BuildManifest manifest = BuildManifest::load(manifest_path(root));
        for (const auto& [id, lib] : manifest.libraries()) {
            libraries.insert(lib.key);
        }
        remove_sets(root, [&](const fs::path& dir) {
            std::vector<std::string> members = read_load_set_members(dir / kSetMembersName);
            // A folder without its library (a link that failed after the members file was written) is not in use.
            bool in_use = is_plain_file(dir / kSetLibraryName) && !members.empty() &&
                          std::all_of(members.begin(), members.end(),
                                      [&](const std::string& key) { return libraries.count(key) > 0; });
            if (!in_use) {
                removed.bytes += disk_size(dir);
                remove_set_dir(dir);
                ++removed.set_libraries;
            }
        });
    }
};
} // namespace

const CacheFormat& load_set_format() {
    static const LoadSetFormat format;
    return format;
}

} // namespace glia
