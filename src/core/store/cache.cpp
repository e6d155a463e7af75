#include "store/cache.hpp"

#include "base/error.hpp"

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
const Message kCacheAdvice = "make the cache directory writable, free space on its file system, or set " +
                             Remedy{Remedy::Kind::cache_dir_setting} +
                             " to another directory: " + Remedy{Remedy::Kind::set_cache_dir, {"..."}};
} // namespace

Message cache_advice() { return kCacheAdvice; }

namespace {
// The Cache Directory Tagging Specification's signature line (https://bford.info/cachedir/).
constexpr const char* kTagName = "CACHEDIR.TAG";
constexpr const char* kTagSignature = "Signature: 8a477f597d28d172789f06886806bc55";
// glia's own mark, with the version of the layout described in cache.hpp.
constexpr const char* kMarkName = "glia-cache";
constexpr const char* kMarkPrefix = "glia-cache-layout ";
constexpr int kLayoutVersion = 1;
const Message kOtherCacheAdvice = "set " + Remedy{Remedy::Kind::cache_dir_setting} + " to a new or empty directory (" +
                                  Remedy{Remedy::Kind::set_cache_dir, {"..."}} + "), or unset it to use ~/.cache/glia";

bool is_hex(std::string_view text) {
    return !text.empty() && text.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

} // namespace

bool is_cache_key(std::string_view name) { return name.size() >= 16 && is_hex(name); }

namespace {
// The names glia gives what it writes under objects/, libs/ and tmp/.
bool is_key(std::string_view name) { return is_cache_key(name); }
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
} // namespace

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

namespace {
// The first entry under `root` that is not of glia's layout, or empty if all are. An entry gone
// since the listing (another glia renamed its temporary mark into place, or removed the cache
// meanwhile) is nothing foreign: nothing is left of it.
fs::path first_foreign_entry(const fs::path& root) {
    for (const auto& entry : entries_of(root)) {
        std::string name = entry.filename().string();
        bool ours = false;
        // The marks count too: another glia may have marked the cache since marked_layout looked.
        if (name == kLockName || name == kMarkName || name == kTagName || is_temporary_of(name, kMarkName) ||
            is_temporary_of(name, kTagName)) {
            ours = is_plain_file(entry);
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
        } else if (name == kScratchDir && is_real_dir(entry)) {
            ours = true;
            for (const auto& dir : entries_of(entry)) {
                if (!is_scratch_name(dir.filename().string()) && !is_gone(dir)) {
                    return dir;
                }
            }
        } else {
            for (const CacheFormat* format : cache_formats()) {
                if (std::optional<fs::path> foreign = format->foreign_in(entry)) {
                    // What vanished while it was looked at was a format's file being replaced or removed.
                    if (!foreign->empty() && !is_gone(*foreign)) {
                        return *foreign;
                    }
                    ours = true;
                    break;
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

Message cache_problem(const fs::path& root) {
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
    Message problem = cache_problem(root);
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
    Message advice = "the cache directory " + root.string() + " must be writable: " + kCacheAdvice;
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

fs::path scratch_path(const fs::path& root, const std::string& key) {
    return root / kScratchDir / (key + "." + std::to_string(::getpid()));
}

Message cache_trouble(const fs::path& root, const std::string& output) {
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
        disk.make_dirs(to.parent_path(), kCacheAdvice);
        int error = disk.rename(from, to);
        if (error == 0) {
            return;
        }
        problem = std::string("cannot move it into place: ") + std::strerror(error);
    }
    ::unlink(from.c_str());
    Message trouble = cache_trouble(root, problem);
    throw Error("cannot publish " + to.string() + ": " + problem + " (" +
                (trouble.empty() ? "run '" + Remedy{Remedy::Kind::build} + "' again" : trouble) + ")");
}

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
    for (const CacheFormat* format : cache_formats()) {
        format->clear(root);
    }
    for (const char* part : {kObjectsDir, kLibsDir, kScratchDir}) {
        fs::remove(root / part, ec); // only if empty: what glia did not write stays
    }
}

void collect_objects(const fs::path& root, const std::function<bool(const std::string&)>& in_use,
                     GarbageCollected& removed) {
    remove_objects(root, [&](const fs::path& file) {
        boost::system::error_code e;
        if (in_use(file.stem().string()) || !fs::is_regular_file(fs::symlink_status(file, e))) {
            return;
        }
        uintmax_t size = disk_size(file);
        if (fs::remove(file, e)) {
            removed.bytes += size;
            ++removed.objects;
        }
    });
}

void collect_libraries(const fs::path& root, const std::function<bool(const std::string&)>& in_use,
                       GarbageCollected& removed) {
    for (const auto& dir : entries_of(root / kLibsDir)) {
        if (is_key(dir.filename().string()) && is_real_dir(dir) && !in_use(dir.filename().string())) {
            removed.bytes += disk_size(dir);
            remove_library_dir(dir);
            ++removed.libraries;
        }
    }
}

GarbageCollected collect_garbage(const fs::path& root) {
    GarbageCollected removed;
    boost::system::error_code ec;
    if (!fs::exists(root, ec)) {
        return removed;
    }
    CacheLock lock(root);
    remove_scratch(root);
    for (const CacheFormat* format : cache_formats()) {
        format->collect(root, removed);
    }
    return removed;
}

std::optional<fs::path> CacheFile::foreign_in(const fs::path& entry) const {
    std::string name = entry.filename().string();
    if (is_temporary_of(name, name_)) {
        return is_plain_file(entry) ? fs::path() : entry;
    }
    if (name != name_) {
        return std::nullopt;
    }
    return starts_with_line(entry, header_) ? fs::path() : entry;
}

void CacheFile::clear(const fs::path& root) const {
    boost::system::error_code ec;
    fs::remove(root / name_, ec);
}

} // namespace glia
