#include "glia/cache.hpp"

#include "glia/error.hpp"
#include "glia/failure_memo.hpp"
#include "glia/load_set.hpp"
#include "glia/manifest.hpp"
#include "glia/python_packages.hpp"
#include "glia/scan_memo.hpp"
#include "glia/start_record.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <vector>

#include <cerrno>
#include <cstring>
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace glia {

fs::path cache_root() {
    std::string set = env_or("GLIA_CACHE_DIR", "");
    // Absolute: the tools that see paths in it run in other directories.
    return fs::absolute(set.empty() ? xdg_dir("XDG_CACHE_HOME", ".cache") / "glia" : fs::path(set));
}

namespace {
// The names of cache.hpp's layout.
constexpr const char* kLockName = "lock";
constexpr const char* kObjectsDir = "objects";
constexpr const char* kLibsDir = "libs";
constexpr const char* kScratchDir = "tmp";
constexpr const char* kSetsDir = "sets";
constexpr const char* kSetLibraryName = "libglia-set.so";
constexpr const char* kSetMembersName = "members";
constexpr const char* kStartsDir = "starts"; // start_record.hpp
const char* kCacheAdvice = "make the cache directory writable, free space on its file system, or set "
                           "GLIA_CACHE_DIR to another directory: export GLIA_CACHE_DIR=...";
} // namespace

void make_dirs(const fs::path& dir) {
    boost::system::error_code ec;
    fs::create_directories(dir, ec);
    if (ec && !fs::is_directory(dir)) {
        throw Error("cannot create directory " + dir.string() + ": " + ec.message() + " (" + kCacheAdvice + ")");
    }
}

namespace {
// The Cache Directory Tagging Specification's signature line (https://bford.info/cachedir/).
constexpr const char* kTagName = "CACHEDIR.TAG";
constexpr const char* kTagSignature = "Signature: 8a477f597d28d172789f06886806bc55";
// glia's own mark, with the version of the layout described in cache.hpp.
constexpr const char* kMarkName = "glia-cache";
constexpr const char* kMarkPrefix = "glia-cache-layout ";
constexpr int kLayoutVersion = 1;
const char* kOtherCacheAdvice = "set GLIA_CACHE_DIR to a new or empty directory (export GLIA_CACHE_DIR=...), "
                                "or unset it to use ~/.cache/glia";

bool is_hex(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

// The names glia gives what it writes under objects/, libs/ and tmp/.
bool is_key(std::string_view name) { return name.size() >= 16 && is_hex(name); }
bool is_object_name(std::string_view name) {
    return name.ends_with(".o") && is_key(name.substr(0, name.size() - 2));
}
bool is_object_dir_name(std::string_view name) { return name.size() == 2 && is_hex(name); }
constexpr std::string_view kSetPartSuffix = ".set1.o"; // the 1: the way parts are made (load_set.hpp)
bool is_library_name(std::string_view name) {
    return name.starts_with("libglia-") && (name.ends_with(".so") || name.ends_with(kSetPartSuffix));
}
bool is_scratch_name(std::string_view name) {
    size_t dot = name.rfind('.');
    return dot != std::string_view::npos && is_key(name.substr(0, dot)) && dot + 1 < name.size() &&
           name.substr(dot + 1).find_first_not_of("0123456789") == std::string_view::npos;
}
// What write_file_atomic leaves behind when it is killed while writing `file`.
bool is_temporary_of(std::string_view name, std::string_view file) {
    return name.starts_with(".") && name.substr(1).starts_with(file) && name.substr(1 + file.size()).starts_with(".tmp.");
}

bool is_set_file_name(std::string_view name) {
    return name == kSetLibraryName || name == kSetMembersName || is_temporary_of(name, kSetMembersName);
}

bool is_plain_file(const fs::path& path) {
    boost::system::error_code ec;
    return fs::is_regular_file(fs::symlink_status(path, ec));
}
bool is_real_dir(const fs::path& path) {
    boost::system::error_code ec;
    return fs::is_directory(fs::symlink_status(path, ec));
}
bool starts_with_line(const fs::path& file, std::string_view header) {
    try {
        return is_plain_file(file) && std::string_view(read_file(file)).starts_with(header);
    } catch (const Error&) {
        return false;
    }
}

std::vector<fs::path> entries_of(const fs::path& dir) {
    std::vector<fs::path> entries;
    boost::system::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        entries.push_back(it->path());
    }
    return entries;
}

// True if nothing is at `path` any more.
bool is_gone(const fs::path& path) {
    boost::system::error_code ec;
    return !fs::exists(fs::symlink_status(path, ec));
}

// The first entry of `top` (objects/, libs/ or sets/: folders named as `folder_ok` accepts, each holding
// files named as `file_ok` accepts) that is not of glia's layout, or empty if all are.
fs::path first_foreign_in_folders(const fs::path& top, bool (*folder_ok)(std::string_view),
                                  bool (*file_ok)(std::string_view)) {
    for (const auto& dir : entries_of(top)) {
        if ((!folder_ok(dir.filename().string()) || !is_real_dir(dir)) && !is_gone(dir)) {
            return dir;
        }
        for (const auto& file : entries_of(dir)) {
            if ((!file_ok(file.filename().string()) || !is_plain_file(file)) && !is_gone(file)) {
                return file;
            }
        }
    }
    return {};
}

// The first entry under `root` that is not of glia's layout, or empty if all are. An entry gone
// since the listing (another glia renamed its temporary mark into place, or removed the cache
// meanwhile) is nothing foreign: nothing is left of it.
fs::path first_foreign_entry(const fs::path& root) {
    for (const auto& entry : entries_of(root)) {
        std::string name = entry.filename().string();
        bool ours = false;
        // The marks count too: another glia may have marked the cache since marked_layout looked.
        if (name == kLockName || name == kMarkName || name == kTagName || is_temporary_of(name, "manifest") ||
            is_temporary_of(name, "scans") || is_temporary_of(name, "python-packages") || is_temporary_of(name, "failures") ||
            is_temporary_of(name, kMarkName) || is_temporary_of(name, kTagName)) {
            ours = is_plain_file(entry);
        } else if (name == "manifest") {
            ours = starts_with_line(entry, "glia-manifest");
        } else if (name == "scans") {
            ours = starts_with_line(entry, "glia-scans");
        } else if (name == "failures") { // failure_memo.hpp
            ours = starts_with_line(entry, "glia-failures");
        } else if (name == "python-packages") { // python_packages.hpp's DeclarationMemo
            ours = starts_with_line(entry, "glia-python-packages");
        } else if (name == kObjectsDir && is_real_dir(entry)) {
            ours = true;
            if (fs::path foreign = first_foreign_in_folders(entry, is_object_dir_name, is_object_name); !foreign.empty()) {
                return foreign;
            }
        } else if (name == kLibsDir && is_real_dir(entry)) {
            ours = true;
            if (fs::path foreign = first_foreign_in_folders(entry, is_key, is_library_name); !foreign.empty()) {
                return foreign;
            }
        } else if (name == kSetsDir && is_real_dir(entry)) {
            ours = true;
            if (fs::path foreign = first_foreign_in_folders(entry, is_key, is_set_file_name); !foreign.empty()) {
                return foreign;
            }
        } else if (name == kStartsDir && is_real_dir(entry)) {
            ours = true;
            for (const auto& file : entries_of(entry)) {
                std::string record = file.filename().string();
                size_t tmp = record.find(".tmp.");
                bool temporary = record.starts_with(".") && tmp != std::string::npos && is_key(record.substr(1, tmp - 1));
                if (!((is_key(record) || temporary) && is_plain_file(file)) && !is_gone(file)) {
                    return file;
                }
            }
        } else if (name == kScratchDir && is_real_dir(entry)) {
            ours = true;
            for (const auto& dir : entries_of(entry)) {
                if (!is_scratch_name(dir.filename().string()) && !is_gone(dir)) {
                    return dir;
                }
            }
        }
        if (!ours && !is_gone(entry)) {
            return entry;
        }
    }
    return {};
}

// The layout version glia's mark in `root` names, 0 if there is no mark, -1 if it is unreadable.
int marked_layout(const fs::path& root) {
    fs::path mark = root / kMarkName;
    boost::system::error_code ec;
    if (!fs::exists(fs::symlink_status(mark, ec))) {
        return 0;
    }
    try {
        std::string text = is_plain_file(mark) ? read_file(mark) : std::string();
        if (text.starts_with(kMarkPrefix)) {
            return std::stoi(text.substr(std::string_view(kMarkPrefix).size()));
        }
    } catch (const std::exception&) {
    }
    return -1;
}

void write_marks(const fs::path& root) {
    if (marked_layout(root) != kLayoutVersion) {
        write_file_atomic(root / kMarkName, std::string(kMarkPrefix) + std::to_string(kLayoutVersion) +
                                                "\n# glia's build cache: everything here is glia's and may be removed "
                                                "with 'glia cache --clear'.\n");
    }
    boost::system::error_code ec;
    if (!fs::exists(fs::symlink_status(root / kTagName, ec))) {
        write_file_atomic(root / kTagName, std::string(kTagSignature) +
                                               "\n# This file is a cache directory tag created by glia.\n"
                                               "# For information about cache directory tags, see https://bford.info/cachedir/\n");
    }
}
} // namespace

std::string cache_problem(const fs::path& root) {
    boost::system::error_code ec;
    if (!fs::exists(fs::status(root, ec))) {
        return {};
    }
    if (!fs::is_directory(fs::status(root, ec))) {
        return root.string() + " is not a directory, so it cannot be glia's build cache: " + kOtherCacheAdvice;
    }
    int layout = marked_layout(root);
    if (layout == kLayoutVersion) {
        return {};
    }
    if (layout != 0) {
        return root.string() + " is a glia build cache of another layout (" + std::string(kMarkName) + " says " +
               (layout < 0 ? std::string("something unreadable") : std::to_string(layout)) + ", this glia uses " +
               std::to_string(kLayoutVersion) + "); glia leaves it alone: " + kOtherCacheAdvice;
    }
    fs::path foreign = first_foreign_entry(root);
    if (foreign.empty()) {
        return {}; // empty, or only glia's layout: a cache an older glia made, adopted
    }
    return root.string() + " is not glia's build cache: it holds files glia did not make (such as " +
           foreign.string() + ") and no " + kMarkName + " mark; glia builds in, clears and collects only its own "
           "cache and never removes what it did not write: " + kOtherCacheAdvice;
}

void claim_cache(const fs::path& root) {
    std::string problem = cache_problem(root);
    if (!problem.empty()) {
        throw Error(problem);
    }
    make_dirs(root);
    try {
        write_marks(root);
    } catch (const Error&) {
        // A cache glia may only read still serves what it holds (CacheLock); writing will say why it cannot.
    }
}

CacheLock::CacheLock(const fs::path& root) : lock_([&] {
    fs::path file = root / kLockName;
    std::string advice = "the cache directory " + root.string() + " must be writable: " + kCacheAdvice;
    // A lock on a lock file that was removed while this process waited for it (the cache removed
    // and made anew) excludes nobody: the builds of the new cache lock the new file. Lock again
    // until the file locked is the one the cache has.
    for (int attempt = 0;; ++attempt) {
        claim_cache(root);
        FileLock lock(file, FileLock::Target::lock_file, advice);
        if (lock.is_at(file)) {
            return lock;
        }
        if (attempt == 100) {
            throw Error("cannot lock " + file.string() + ": it is removed each time it is locked; something keeps "
                        "removing the cache directory " + root.string() + " (stop it, or " + kCacheAdvice + ")");
        }
    }
}()) {}

fs::path object_path(const fs::path& root, const std::string& key) {
    // One string, not a path joined part by part: a start names the object of every installed mod.
    std::string path;
    path.reserve(root.native().size() + std::string_view(kObjectsDir).size() + 2 * key.size() + 8);
    path.append(root.native());
    if (!path.empty() && path.back() != '/') {
        path.append("/"); // as `root / kObjectsDir` joins them
    }
    path.append(kObjectsDir).append("/").append(key, 0, 2);
    path.append("/").append(key).append(".o");
    return fs::path(std::move(path));
}

fs::path library_path(const fs::path& root, const std::string& key, const std::string& name) {
    return root / kLibsDir / key / ("libglia-" + name + ".so");
}

fs::path load_set_part_path(const fs::path& library) {
    return library.parent_path() / (library.stem().string() + std::string(kSetPartSuffix));
}

void remove_load_set_part(const fs::path& root, const fs::path& library) {
    fs::path part = load_set_part_path(library);
    boost::system::error_code ec;
    if (is_real_dir(root / kLibsDir) && is_real_dir(part.parent_path()) && is_plain_file(part)) {
        fs::remove(part, ec);
    }
}

fs::path load_set_path(const fs::path& root, const std::string& key) {
    return root / kSetsDir / key / kSetLibraryName;
}

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
        if (is_key(dir.filename().string()) && std::count(members.begin(), members.end(), library_key)) {
            remove_set_library(root, dir.filename().string());
        }
    }
}

fs::path load_set_members_path(const fs::path& root, const std::string& key) {
    return root / kSetsDir / key / kSetMembersName;
}

fs::path scratch_path(const fs::path& root, const std::string& key) {
    return root / kScratchDir / (key + "." + std::to_string(::getpid()));
}

std::string cache_trouble(const fs::path& root, const std::string& output) {
    // The tools' own words for the errno values a cache directory can give.
    for (const char* cause : {"No space left on device", "Disk quota exceeded", "Read-only file system",
                              "Permission denied"}) {
        if (output.find(cause) != std::string::npos) {
            return "the cache directory " + root.string() + " cannot be written (" + cause + "): " + kCacheAdvice;
        }
    }
    struct statvfs fs_info {};
    if (::statvfs(root.c_str(), &fs_info) == 0 && fs_info.f_bavail * fs_info.f_frsize < 64 * 1024) {
        return "the cache directory " + root.string() + " is (almost) full: " + kCacheAdvice;
    }
    return {};
}

namespace {
// Empty if `fd` holds a whole 64-bit ELF file, else what is wrong with it.
std::string elf_problem(int fd) {
    Elf64_Ehdr header {};
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        return std::strerror(errno);
    }
    if (::pread(fd, &header, sizeof header, 0) != static_cast<ssize_t>(sizeof header) ||
        std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 || header.e_ident[EI_CLASS] != ELFCLASS64) {
        return "not an ELF file (" + std::to_string(st.st_size) + " bytes)";
    }
    uint64_t end = header.e_shoff + uint64_t(header.e_shnum) * header.e_shentsize;
    if (header.e_shnum == 0 || end > uint64_t(st.st_size)) {
        return "truncated: " + std::to_string(st.st_size) + " bytes, its section headers end at byte " +
               std::to_string(end);
    }
    return {};
}
} // namespace

void publish(const fs::path& from, const fs::path& to, const fs::path& root, Disk& disk) {
    int fd = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    std::string problem = fd < 0 ? std::string(std::strerror(errno)) : elf_problem(fd);
    if (problem.empty() && ::fsync(fd) != 0) {
        problem = std::strerror(errno);
    }
    if (fd >= 0) {
        ::close(fd);
    }
    if (problem.empty()) {
        disk.make_dirs(to.parent_path());
        int error = disk.rename(from, to);
        if (error == 0) {
            return;
        }
        problem = std::string("cannot move it into place: ") + std::strerror(error);
    }
    ::unlink(from.c_str());
    std::string trouble = cache_trouble(root, problem);
    throw Error("cannot publish " + to.string() + ": " + problem + " (" +
                (trouble.empty() ? "run '" + Remedy{Remedy::Kind::build} + "' again" : trouble) + ")");
}

fs::path manifest_path(const fs::path& root) { return root / "manifest"; }

fs::path start_record_path(const fs::path& root, const std::string& key) { return root / kStartsDir / key; }

void remove_scratch(const fs::path& root) {
    for (const auto& dir : entries_of(root / kScratchDir)) {
        if (is_scratch_name(dir.filename().string())) {
            boost::system::error_code ignored;
            fs::remove_all(dir, ignored);
        }
    }
}

namespace {
// Removes one library folder libs/<key>/: glia's libraries in it, then the folder if that emptied it.
void remove_library_dir(const fs::path& dir) {
    boost::system::error_code ec;
    for (const auto& file : entries_of(dir)) {
        if (is_library_name(file.filename().string())) {
            fs::remove(file, ec);
        }
    }
    fs::remove(dir, ec); // fails, harmlessly, if something else is in it
}

// Removes one set folder sets/<key>/ likewise: the library first, so a library never lacks its members file.
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

// Removes the start records (start_record.hpp) `remove_it` accepts: only plain files named as keys.
size_t remove_start_records(const fs::path& root, const std::function<bool(const fs::path&)>& remove_it) {
    size_t removed = 0;
    for (const auto& file : entries_of(root / kStartsDir)) {
        boost::system::error_code ec;
        if (is_key(file.filename().string()) && is_plain_file(file) && remove_it(file) && fs::remove(file, ec)) {
            ++removed;
        }
    }
    return removed;
}

// Offers each set folder under sets/ to `remove` (which removes it or not); a link is not followed.
void remove_sets(const fs::path& root, const std::function<void(const fs::path&)>& remove) {
    for (const auto& dir : entries_of(root / kSetsDir)) {
        if (is_key(dir.filename().string()) && is_real_dir(dir)) {
            remove(dir);
        }
    }
}

// Offers each object under objects/ to `remove` (which removes it or not), then removes the
// object folders that emptied.
void remove_objects(const fs::path& root, const std::function<void(const fs::path&)>& remove) {
    boost::system::error_code ec;
    for (const auto& dir : entries_of(root / kObjectsDir)) {
        if (!is_object_dir_name(dir.filename().string()) || !is_real_dir(dir)) {
            continue; // a link is not followed out of the cache
        }
        for (const auto& file : entries_of(dir)) {
            if (is_object_name(file.filename().string())) {
                remove(file);
            }
        }
        fs::remove(dir, ec); // only if empty
    }
}
} // namespace

void clear_cache(const fs::path& root) {
    boost::system::error_code ec;
    if (!fs::exists(root, ec)) {
        return;
    }
    CacheLock lock(root);
    remove_scratch(root);
    remove_objects(root, [](const fs::path& file) {
        boost::system::error_code e;
        if (!fs::remove(file, e) && e) {
            throw Error("cannot remove " + file.string() + ": " + e.message());
        }
    });
    for (const auto& dir : entries_of(root / kLibsDir)) {
        if (is_key(dir.filename().string()) && is_real_dir(dir)) {
            remove_library_dir(dir);
        }
    }
    remove_sets(root, remove_set_dir);
    remove_start_records(root, [](const fs::path&) { return true; });
    fs::remove(manifest_path(root), ec);
    fs::remove(scan_memo_path(root), ec);
    fs::remove(declaration_memo_path(root), ec);
    fs::remove(failure_memo_path(root), ec);
    for (const char* part : {kObjectsDir, kLibsDir, kSetsDir, kStartsDir, kScratchDir}) {
        fs::remove(root / part, ec); // only if empty: what glia did not write stays
    }
}

namespace {
// Size of a file or of everything under a directory.
uintmax_t disk_size(const fs::path& path) {
    boost::system::error_code ec;
    if (fs::is_regular_file(path, ec)) {
        uintmax_t size = fs::file_size(path, ec);
        return ec ? 0 : size;
    }
    uintmax_t total = 0;
    for (fs::recursive_directory_iterator it(path, ec), end; !ec && it != end; it.increment(ec)) {
        boost::system::error_code ignored;
        if (is_plain_file(it->path())) {
            uintmax_t size = fs::file_size(it->path(), ignored);
            total += ignored ? 0 : size;
        }
    }
    return total;
}
} // namespace

GarbageCollected collect_garbage(const fs::path& root) {
    GarbageCollected removed;
    boost::system::error_code ec;
    if (!fs::exists(root, ec)) {
        return removed;
    }
    CacheLock lock(root);
    remove_scratch(root);
    BuildManifest manifest = BuildManifest::load(manifest_path(root));
    manifest.prune([](const ManifestMod& mod) { return FileStamp::of(mod.path) == mod.stamp; },
                   [](const ManifestLibrary& lib) {
                       boost::system::error_code e;
                       return fs::is_directory(lib.package_dir, e);
                   });
    std::set<std::string> objects, libraries;
    for (const auto& mod : manifest.mods()) {
        objects.insert(mod.object_key + ".o");
    }
    for (const auto& [id, lib] : manifest.libraries()) {
        libraries.insert(lib.key);
    }
    remove_objects(root, [&](const fs::path& file) {
        boost::system::error_code e;
        if (objects.count(file.filename().string()) || !fs::is_regular_file(fs::symlink_status(file, e))) {
            return;
        }
        uintmax_t size = disk_size(file);
        if (fs::remove(file, e)) {
            removed.bytes += size;
            ++removed.objects;
        }
    });
    for (const auto& dir : entries_of(root / kLibsDir)) {
        if (is_key(dir.filename().string()) && is_real_dir(dir) && !libraries.count(dir.filename().string())) {
            removed.bytes += disk_size(dir);
            remove_library_dir(dir);
            ++removed.libraries;
        }
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
    // A record whose files changed serves no start again (what it names may be gone now, too).
    removed.start_records =
        remove_start_records(root, [](const fs::path& file) { return !recorded_start(file).has_value(); });
    if (manifest.changed()) {
        manifest.save(manifest_path(root));
    }
    return removed;
}

} // namespace glia
