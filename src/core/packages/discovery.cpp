#include "packages/discovery.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/install_dirs.hpp"
#include "packages/package_list.hpp"
#include "packages/python_packages.hpp"
#include "base/remedy.hpp"
#include "packages/scan_memo.hpp"

#include <algorithm>
#include <dirent.h>
#include <functional>
#include <map>
#include <memory>
#include <set>

namespace glia {

namespace {

// A package (or distribution) left out because of `e`, with the error's facts and remedies.
Diagnostic skipped(const Error& e, const std::string& what) { return retold(e.diagnostic(), what + " skipped: "); }

std::vector<fs::path> split_path_list(const std::string& list) {
    std::vector<fs::path> entries;
    size_t start = 0;
    while (start <= list.size()) {
        size_t end = list.find(':', start);
        if (end == std::string::npos) {
            end = list.size();
        }
        if (end > start) {
            entries.emplace_back(list.substr(start, end - start));
        }
        start = end + 1;
    }
    return entries;
}

// Sorts the packages found by name; the ones a package list names but that were not found are problems.
void sort_and_check(Discovery& found, const PackageList* only) {
    if (only) {
        for (auto& missing : listed_but_missing(*only, found.packages)) {
            found.problems.push_back(std::move(missing));
        }
    }
    std::sort(found.packages.begin(), found.packages.end(),
              [](const Package& a, const Package& b) { return a.name < b.name; });
}

// readdir(3) directly: its d_type tells a folder without the stat per entry boost's
// directory_iterator makes; only a link (or a file system that does not tell) is stat'ed.
std::vector<fs::path> folders_in(const fs::path& dir) {
    std::vector<fs::path> dirs;
    std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir);
    while (const struct dirent* entry = listing ? ::readdir(listing.get()) : nullptr) {
        std::string_view name = entry->d_name;
        if (name == "." || name == ".." || (entry->d_type != DT_DIR && entry->d_type != DT_LNK && entry->d_type != DT_UNKNOWN)) {
            continue;
        }
        fs::path path = dir / std::string(name);
        boost::system::error_code ec;
        if (entry->d_type == DT_DIR || fs::is_directory(path, ec)) {
            dirs.push_back(std::move(path));
        }
    }
    // By their text: the names differ, the folder is the same.
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
    return dirs;
}

} // namespace

std::vector<fs::path> folders_to_search(const SearchRoot& root) {
    if (root.origin == "python") {
        return {}; // its distributions name their packages (python_packages.hpp)
    }
    if (root.origin == "GLIA_PATH" && is_package_dir(root.dir)) {
        return {root.dir};
    }
    return folders_in(root.dir);
}

fs::path user_package_dir() {
    return xdg_dir("XDG_DATA_HOME", ".local/share") / "glia" / "packages";
}

fs::path installed_package_dir() { return installed_data_dir() / "glia" / "packages"; }

std::vector<SearchRoot> package_search_path(const fs::path& relative_to) {
    std::vector<SearchRoot> roots;
    for (const auto& entry : split_path_list(env_or("GLIA_PATH", ""))) {
        roots.push_back({entry.is_relative() && !relative_to.empty() ? relative_to / entry : entry, "GLIA_PATH"});
    }
    roots.push_back({user_package_dir(), "user"});
    for (const auto& site : python_site_dirs()) {
        roots.push_back({site.dir, "python", site.python});
    }
    roots.push_back({installed_package_dir(), "install"});
    return roots;
}

std::vector<fs::path> relative_search_entries() {
    std::vector<fs::path> relative;
    for (const auto& entry : split_path_list(env_or("GLIA_PATH", ""))) {
        if (entry.is_relative()) {
            relative.push_back(entry);
        }
    }
    return relative;
}

Message package_source(const Package& package) {
    if (!package.distribution.empty()) {
        return "Python distribution " + package.distribution +
               (package.distribution_version.empty() ? "" : " " + package.distribution_version) + " (" +
               package.distribution_path.string() + ")";
    }
    if (package.origin == "GLIA_PATH") {
        return Remedy{Remedy::Kind::package_path_setting};
    }
    if (package.origin == "user") {
        return "the user's packages (" + Remedy{Remedy::Kind::install} + ")";
    }
    if (package.origin == "install") {
        return "the packages shipped with glia";
    }
    return package.origin;
}

Message advice_to_remove(const std::string& package, const fs::path& file) {
    fs::path where = fs::absolute(file).lexically_normal();
    for (const auto& root : package_search_path()) {
        fs::path dir = fs::absolute(root.dir).lexically_normal();
        if (dir.filename_is_dot()) {
            dir = dir.parent_path(); // "a/b/" normalizes to "a/b/."
        }
        auto [end_of_root, end_of_file] = std::mismatch(dir.begin(), dir.end(), where.begin(), where.end());
        if (end_of_root != dir.end() || dir.empty()) {
            continue; // not under this entry
        }
        if (root.origin == "GLIA_PATH") {
            return "take package '" + package + "' off " + Remedy{Remedy::Kind::package_path_setting} +
                   " (it is found through the entry " + root.dir.string() + ")";
        }
        if (root.origin == "user") {
            return "uninstall package '" + package + "' ('" + Remedy{Remedy::Kind::uninstall, {package}} + "')";
        }
        if (root.origin == "python") {
            return "uninstall the Python distribution that installs package '" + package + "' into " +
                   root.dir.string() + " ('" + root.python.string() + " -m pip uninstall <distribution>'; '" +
                   Remedy{Remedy::Kind::show_package, {package}} + "' names it)";
        }
        return "remove package '" + package + "' from the packages installed with glia in " + root.dir.string();
    }
    return "move package '" + package + "' (" + file.parent_path().string() + ") out of the way";
}

Discovery discover_packages(const fs::path& relative_to, const PackageList* only) {
    Discovery found;
    // The memo lives in the cache; a directory that is not glia's cache is neither read nor written.
    fs::path root = cache_root();
    bool own_cache = cache_problem(root).empty();
    fs::path memo_file = scan_memo_path(root);
    ScanMemo memo = own_cache ? ScanMemo::load(memo_file) : ScanMemo();
    std::map<std::string, fs::path> seen;
    std::map<std::pair<uint64_t, uint64_t>, fs::path> visited; // device and inode of each folder read
    DeclarationMemo declarations = own_cache ? DeclarationMemo::load(declaration_memo_path(root)) : DeclarationMemo();
    // `load` reads a package that is not a plain folder (one installed with pip).
    using Wanted = std::function<bool(const std::string&)>;
    auto consider = [&](const fs::path& dir, const std::string& origin,
                        const std::function<Package(const Wanted&)>& load = {}) {
        // One folder reached by two paths (a symlink to a package already read) has one device and inode:
        // one stat instead of making the path canonical (a stat of each of its folders). Only when two
        // share them are the paths made canonical: a bind mount, or a file system whose inode numbers
        // are not unique, gives two folders one identity, and each is still read (and shadowed) as before.
        FileStamp folder = FileStamp::of(dir);
        if (!folder.exists) {
            return; // unreadable
        }
        auto [first, inserted] = visited.emplace(std::make_pair(folder.device, folder.inode), dir);
        boost::system::error_code ec1, ec2;
        if (!inserted && fs::canonical(first->second, ec1) == fs::canonical(dir, ec2) && !ec1 && !ec2) {
            return; // reached twice
        }
        try {
            std::function<bool(const std::string&)> wanted;
            if (only) {
                wanted = [&](const std::string& name) { return only->contains(name) && !seen.count(name); };
            }
            Package package = load ? load(wanted) : load_package(dir, &memo, wanted);
            package.origin = origin;
            auto [it, inserted] = seen.emplace(package.name, dir);
            if (!inserted) {
                found.shadowed.push_back({package.name, dir, it->second});
                return;
            }
            if (only && !only->contains(package.name)) {
                return;
            }
            found.packages.push_back(std::move(package));
        } catch (const Error& e) {
            found.problems.push_back(skipped(e, "package in " + dir.string()));
        }
    };
    for (const auto& root : package_search_path(relative_to)) {
        if (root.origin == "python") {
            for (const auto& dist : glia_distributions({root.dir, root.python}, found.problems)) {
                fs::path dir;
                try {
                    dir = module_dir(dist);
                } catch (const Error& e) {
                    found.problems.push_back(skipped(e, "Python distribution " + dist.name));
                    continue;
                }
                consider(dir, root.origin, [&](const Wanted& wanted) {
                    return load_python_package(dist, &memo, &declarations, wanted);
                });
            }
            continue;
        }
        for (const auto& dir : folders_to_search(root)) {
            if (is_package_dir(dir)) {
                consider(dir, root.origin);
            }
        }
    }
    sort_and_check(found, only);
    if (own_cache) {
        memo.save_if_changed(memo_file);
        declarations.save_if_changed(declaration_memo_path(root));
    }
    found.python_starts = declarations.python_starts();
    found.mods_read = memo.misses();
    return found;
}

} // namespace glia
