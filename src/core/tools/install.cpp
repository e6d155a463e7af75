#include "tools/install.hpp"

#include "base/containment.hpp"
#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "base/made_marker.hpp"
#include "base/process.hpp"
#include "base/remedy.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>

namespace glia {

namespace {

// Staging happens in `<packages_dir>/../.install-tmp`: on the same filesystem as the packages
// (so the final rename is atomic) but outside the folder discovery scans, so a half-copied
// package is never found, even when a killed install leaves one behind.
fs::path staging_root(const fs::path& packages_dir) {
    fs::path parent = packages_dir.parent_path().empty() ? fs::path(".") : packages_dir.parent_path();
    return parent / ".install-tmp";
}

// What is wrong with link `entry` (shown as `shown`) of the package at `top`: empty if it is relative
// and leads, through every link on the way, to something inside the package.
std::string link_problem(const fs::path& entry, const fs::path& top, const std::string& shown) {
    boost::system::error_code ec;
    fs::path text = fs::read_symlink(entry, ec);
    std::string what = "'" + shown + "' is a symbolic link to '" + text.string() + "'";
    fs::path lexical = (entry.parent_path().lexically_relative(top) / text).lexically_normal();
    if (ec || text.is_absolute() || lexical.empty() || *lexical.begin() == "..") {
        return what + ", outside the package";
    }
    if (!resolves_within(entry, top)) {
        return what + ", which leads outside the package or to nothing";
    }
    return {};
}

// Copies the package folder `from` (`top` is the package's top) into `to`, leaving out version
// control and nrnivmodl's build output. Only files, folders and relative links that stay inside
// the package are copied: a link out of it, a hard link, a device, a FIFO or a socket is refused,
// naming the entry, before anything is installed. Copies get ordinary permissions: 0644, or 0755
// for what was executable (no setuid, setgid or sticky bits, nothing writable by others).
void copy_tree(const fs::path& top, const fs::path& from, const fs::path& to, const fs::path& origin) {
    fs::create_directories(to);
    fs::permissions(to, fs::perms(0755));
    for (fs::directory_iterator it(from), end; it != end; ++it) {
        std::string leaf = it->path().filename().string();
        if (leaf == ".git" || leaf == ".hg" || leaf == ".svn" || leaf == "x86_64" || leaf == "aarch64" ||
            leaf == kMadeMarkerName) {
            continue;
        }
        std::string shown = it->path().lexically_relative(top).generic_string();
        auto refuse = [&](const std::string& problem) {
            throw Error(origin.string() + ": " + problem + "; a package holds only files, folders and relative "
                        "links that stay inside it, so nothing was installed (replace it by the file itself)");
        };
        fs::path target = to / it->path().filename();
        struct stat st {};
        if (::lstat(it->path().c_str(), &st) != 0) {
            refuse("'" + shown + "' cannot be read: " + std::strerror(errno));
        }
        if (S_ISLNK(st.st_mode)) {
            std::string problem = link_problem(it->path(), top, shown);
            if (!problem.empty()) {
                refuse(problem);
            }
            fs::copy_symlink(it->path(), target);
        } else if (S_ISDIR(st.st_mode)) {
            copy_tree(top, it->path(), target, origin);
        } else if (S_ISREG(st.st_mode)) {
            if (st.st_nlink > 1) {
                refuse("'" + shown + "' is a hard link (one of " + std::to_string(st.st_nlink) +
                       " names of one file, which may lie outside the package)");
            }
            fs::copy_file(it->path(), target);
            fs::permissions(target, fs::perms((st.st_mode & 0111) ? 0755 : 0644));
        } else {
            refuse("'" + shown + "' is " + (S_ISFIFO(st.st_mode) ? "a FIFO" : S_ISSOCK(st.st_mode) ? "a socket" :
                                            "a device"));
        }
    }
}

// The package folder inside an unpacked archive: its top, or its only folder.
fs::path package_root_in(const fs::path& unpacked, const fs::path& archive) {
    if (is_package_dir(unpacked)) {
        return unpacked;
    }
    std::vector<fs::path> dirs;
    for (fs::directory_iterator it(unpacked), end; it != end; ++it) {
        if (fs::is_directory(fs::symlink_status(it->path()))) { // a link to a folder is no package of the archive
            dirs.push_back(it->path());
        }
    }
    if (dirs.size() == 1 && is_package_dir(dirs.front())) {
        return dirs.front();
    }
    throw Error(archive.string() + ": holds no package (no " + std::string(kManifestName) +
                " at its top or in its only folder); make the archive with 'tar czf NAME.tar.gz NAME/' "
                "from the folder that holds the package");
}

// Refuses to `act` on a folder of the package directory that 'glia install' did not put there.
void refuse_unless_installed(const fs::path& dir, const std::string& act) {
    if (!has_made_marker(dir, MadeBy::install)) {
        throw Error(dir.string() + " was not put there by '" + Remedy{Remedy::Kind::install} + "' (it has no " +
                    kMadeMarkerName +
                    " mark: copied or linked by hand, or installed by an older glia), so glia does not " + act +
                    " it; move it out of " + dir.parent_path().string() + " yourself if it should go");
    }
}

struct TempTree {
    fs::path path;
    ~TempTree() {
        boost::system::error_code ec;
        if (!path.empty()) {
            fs::remove_all(path, ec);
        }
    }
};

// What was asked: `source_in` as given, `source` made absolute, and the package's name.
struct InstallRequest {
    fs::path source_in;
    fs::path source;
    std::string name;
    bool replace = false;
};

// The package folder `source` names: itself, or the package in the archive it is, unpacked into
// `unpacked` under `stage_root`.
fs::path package_folder_of(const fs::path& source, const fs::path& stage_root, TempTree& unpacked) {
    boost::system::error_code ec;
    if (fs::is_regular_file(source, ec)) {
        if (!is_package_archive(source)) {
            throw Error(source.string() + ": not a package folder or archive (.tar.gz, .tgz, .tar.xz, .tar)");
        }
        unpacked.path = stage_root / fs::unique_path("unpack-%%%%%%%%");
        fs::create_directories(unpacked.path);
        // Neither owners nor modes come from the archive; copy_tree then checks every entry.
        ProcessResult r = run_process({"tar", "--no-same-owner", "--no-same-permissions", "-xf", source.string(),
                                       "-C", unpacked.path.string()},
                                      {});
        if (!r.ok()) {
            throw Error(source.string() + ": cannot unpack: " + r.output);
        }
        return package_root_in(unpacked.path, source);
    }
    if (!fs::is_directory(source, ec)) {
        throw Error(source.string() + ": no such package folder or archive");
    }
    if (!is_package_dir(source)) {
        throw Error(source.string() + ": not a package (no " + std::string(kManifestName) + "); make one with '" +
                    Remedy{Remedy::Kind::create_package, {"NAME"}} + "' or '" +
                    Remedy{Remedy::Kind::import_folder, {"DIR", "NAME"}} + "'");
    }
    return source;
}

// Whether `target` exists; refuses it unless `replace` and it is a copy 'glia install' made that is
// not `package_source` itself.
bool check_target(const fs::path& target, const InstallRequest& request, const fs::path& package_source) {
    boost::system::error_code ec;
    bool exists = fs::exists(target, ec);
    if (exists && !request.replace) {
        throw Error("package '" + request.name + "' is already installed in " + target.string() + "; run '" +
                    Remedy{Remedy::Kind::install, {request.source_in.string()}, Remedy::Modifier::replace} +
                    "' to replace it, or '" + Remedy{Remedy::Kind::uninstall, {request.name}} + "' first");
    }
    if (exists && paths_overlap(target, package_source)) {
        throw Error(request.source.string() + " is the installed copy of '" + request.name +
                    "' itself, or holds it or lies in it");
    }
    if (exists) {
        refuse_unless_installed(target, "replace");
    }
    return exists;
}

// Renames the checked copy `staged` to `target`, moving an existing one aside first (and back if
// that fails); returns whether it replaced one.
bool put_in_place(TempTree& staged, const fs::path& target, bool exists, const fs::path& stage_root,
                  const InstallRequest& request) {
    boost::system::error_code ec;
    TempTree old;
    try {
        if (exists) {
            // Move the old copy aside first; the rename below then cannot meet a non-empty folder.
            old.path = stage_root / fs::unique_path(request.name + "-old-%%%%%%%%");
            fs::rename(target, old.path);
        }
        fs::rename(staged.path, target);
        staged.path.clear();
        return exists;
    } catch (const fs::filesystem_error& e) {
        if (!old.path.empty() && !fs::exists(target, ec)) {
            fs::rename(old.path, target, ec);
            old.path.clear();
        }
        if ((e.code() == boost::system::errc::directory_not_empty || e.code() == boost::system::errc::file_exists) &&
            fs::exists(target, ec)) {
            // Another glia install of the same package finished between our check and our rename.
            throw Error("package '" + request.name + "' was installed in " + target.string() +
                        " by another glia at the same time; this copy was not installed (run '" +
                        Remedy{Remedy::Kind::install, {request.source_in.string()}, Remedy::Modifier::replace} +
                        "' to put this one in its place)");
        }
        throw Error("cannot install '" + request.name + "' into " + target.string() + ": " + e.code().message());
    }
}

} // namespace

bool is_package_archive(const fs::path& path) {
    std::string name = path.filename().string();
    return name.ends_with(".tar.gz") || name.ends_with(".tgz") || name.ends_with(".tar.xz") ||
           name.ends_with(".tar.bz2") || name.ends_with(".tar");
}

// The stages: make the folders, find the package (unpacking an archive), check the target, copy
// and check the copy in the staging folder, then put it in place.
InstallResult install_package(const fs::path& source_in, const fs::path& packages_dir, bool replace) {
    fs::path source = fs::absolute(source_in);
    fs::path stage_root = staging_root(packages_dir);
    try {
        fs::create_directories(stage_root);
        fs::create_directories(packages_dir);
    } catch (const fs::filesystem_error& e) {
        throw Error(packages_dir.string() + ": cannot create the package directory: " + e.code().message());
    }
    TempTree unpacked;
    fs::path package_source = package_folder_of(source, stage_root, unpacked);

    // Reading the source first gives the name and rejects a broken package before copying.
    Package original = load_package(package_source);
    InstallRequest request{source_in, source, original.name, replace};
    fs::path target = packages_dir / original.name;
    bool exists = check_target(target, request, package_source);

    TempTree staged{stage_root / fs::unique_path(original.name + "-%%%%%%%%")};
    try {
        copy_tree(package_source, package_source, staged.path, source);
        write_made_marker(staged.path, MadeBy::install);
    } catch (const fs::filesystem_error& e) {
        throw Error("cannot copy " + package_source.string() + " into " + stage_root.string() + ": " +
                    e.code().message() + " (nothing was installed)");
    }
    load_package(staged.path); // the copy must be as valid as the source before it goes live

    InstallResult result;
    result.replaced = put_in_place(staged, target, exists, stage_root, request);
    result.package = load_package(target);
    return result;
}

fs::path uninstall_package(const std::string& name, const fs::path& packages_dir) {
    check_name(name, NamePart::package); // the CLI names the command
    boost::system::error_code ec;
    // The folder may be named otherwise than the package (copied by hand): look at what each holds.
    fs::path found;
    for (fs::directory_iterator it(packages_dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (!fs::is_directory(it->path(), ec) || !is_package_dir(it->path())) {
            continue;
        }
        if (it->path().filename() == name) {
            found = it->path();
            break;
        }
        try {
            if (load_package(it->path()).name == name) {
                found = it->path();
            }
        } catch (const Error&) {
        }
    }
    if (found.empty()) {
        std::string elsewhere;
        for (const auto& package : discover_packages().packages) {
            if (package.name == name) {
                elsewhere = package.dir.string();
            }
        }
        if (!elsewhere.empty()) {
            throw Error("package '" + name + "' is not in " + packages_dir.string() + " but in " + elsewhere +
                        ", which '" + Remedy{Remedy::Kind::uninstall} + "' does not manage (remove it from " +
                        Remedy{Remedy::Kind::package_path_setting} + ", or delete it by hand)");
        }
        throw Error("package '" + name + "' is not installed (see '" + Remedy{Remedy::Kind::list_packages} + "')");
    }
    refuse_unless_installed(found, "remove");
    // Rename out of the scanned folder first: the package disappears at once and as a whole.
    fs::path stage_root = staging_root(packages_dir);
    fs::path doomed = stage_root / fs::unique_path(name + "-removed-%%%%%%%%");
    try {
        fs::create_directories(stage_root);
        fs::rename(found, doomed);
    } catch (const fs::filesystem_error& e) {
        throw Error("cannot remove " + found.string() + ": " + e.code().message());
    }
    fs::remove_all(doomed, ec);
    return found;
}

} // namespace glia
