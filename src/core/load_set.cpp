#include "glia/load_set.hpp"

#include "glia/cache.hpp"
#include "glia/failure_memo.hpp"
#include "glia/hash.hpp"
#include "glia/text.hpp"

namespace glia {

namespace {

// Bumped whenever the way set libraries are made changes, so old ones are not reused.
constexpr const char* kLoadSetFormat = "glia-load-set-1";
constexpr std::string_view kMembersHeader = "glia-load-set-members 1\n";

// The key of a package library: the name of its folder in the cache (cache.hpp's libs/<key>/).
std::string library_key_of(const PackageLibrary& lib) { return lib.library.parent_path().filename().string(); }

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
        h.field("package", lib->package).field("library", library_key_of(*lib));
    }
    return h.hex();
}

std::string load_set_members(const std::vector<PackageLibrary>& libraries) {
    std::string text(kMembersHeader);
    for (const PackageLibrary* lib : members_of(libraries)) {
        text += library_key_of(*lib) + "\n";
    }
    return text;
}

std::vector<std::string> read_load_set_members(const fs::path& file) {
    std::string text;
    try {
        text = read_file(file);
    } catch (const std::exception&) {
        return {};
    }
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
        std::string keep;
        for (const auto& name : lib.mechanisms) {
            keep += registration_symbol(name.full()) + "\n";
        }
        fs::path keep_file = work / (std::to_string(p) + ".keep");
        fs::path object = work / (std::to_string(p) + ".o");
        steps.files.emplace_back(keep_file, keep);
        // -d: common symbols get their space now, so that they can be made local like the rest.
        std::vector<std::string> partial = {driver, "-r", "-nostdlib", "-Wl,-d", "-o", object.string()};
        for (const auto& obj : lib.objects) {
            partial.push_back(obj.string());
        }
        steps.per_package.push_back({partial, {"objcopy", "--keep-global-symbols=" + keep_file.string(), object.string()}});
        steps.link.push_back(object.string());
    }
    steps.link.insert(steps.link.end(), tc.libraries.begin(), tc.libraries.end());
    return steps;
}

void give_up_load_set(const fs::path& cache, const fs::path& library, const std::string& why) {
    try {
        CacheLock lock(cache);
        fs::path memo_file = failure_memo_path(cache);
        FailureMemo memo = FailureMemo::load(memo_file);
        memo.put_load_set(library.parent_path().filename().string(), why);
        memo.save_if_changed(memo_file);
        boost::system::error_code ec;
        fs::remove(library, ec);
    } catch (const std::exception&) {
        // A cache this process may not write: the next start tries the set library again, and falls back again.
    }
}

} // namespace glia
