#include "glia/install.hpp"

#include "glia/discovery.hpp"
#include "glia/error.hpp"
#include "glia/process.hpp"

#include <algorithm>

namespace glia {

namespace {

// Staging happens in `<packages_dir>/../.install-tmp`: on the same filesystem as the packages
// (so the final rename is atomic) but outside the folder discovery scans, so a half-copied
// package is never found, even when a killed install leaves one behind.
fs::path staging_root(const fs::path& packages_dir) {
    fs::path parent = packages_dir.parent_path().empty() ? fs::path(".") : packages_dir.parent_path();
    return parent / ".install-tmp";
}

// Copies the package folder, leaving out version control and nrnivmodl's build output.
void copy_tree(const fs::path& from, const fs::path& to) {
    fs::create_directories(to);
    for (fs::directory_iterator it(from), end; it != end; ++it) {
        std::string leaf = it->path().filename().string();
        if (leaf == ".git" || leaf == ".hg" || leaf == ".svn" || leaf == "x86_64" || leaf == "aarch64") {
            continue;
        }
        fs::path target = to / it->path().filename();
        if (fs::is_directory(it->path())) {
            copy_tree(it->path(), target);
        } else if (fs::is_regular_file(it->path())) {
            fs::copy_file(it->path(), target);
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
        if (fs::is_directory(it->path())) {
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

struct TempTree {
    fs::path path;
    ~TempTree() {
        boost::system::error_code ec;
        if (!path.empty()) {
            fs::remove_all(path, ec);
        }
    }
};

} // namespace

bool is_package_archive(const fs::path& path) {
    std::string name = path.filename().string();
    return name.ends_with(".tar.gz") || name.ends_with(".tgz") || name.ends_with(".tar.xz") ||
           name.ends_with(".tar.bz2") || name.ends_with(".tar");
}

InstallResult install_package(const fs::path& source_in, const fs::path& packages_dir, bool replace) {
    boost::system::error_code ec;
    fs::path source = fs::absolute(source_in);
    fs::path stage_root = staging_root(packages_dir);
    try {
        fs::create_directories(stage_root);
        fs::create_directories(packages_dir);
    } catch (const fs::filesystem_error& e) {
        throw Error(packages_dir.string() + ": cannot create the package directory: " + e.code().message());
    }

    TempTree unpacked;
    fs::path package_source = source;
    if (fs::is_regular_file(source, ec)) {
        if (!is_package_archive(source)) {
            throw Error(source.string() + ": not a package folder or archive (.tar.gz, .tgz, .tar.xz, .tar)");
        }
        unpacked.path = stage_root / fs::unique_path("unpack-%%%%%%%%");
        fs::create_directories(unpacked.path);
        ProcessResult r = run_process({"tar", "-xf", source.string(), "-C", unpacked.path.string()}, {});
        if (!r.ok()) {
            throw Error(source.string() + ": cannot unpack: " + r.output);
        }
        package_source = package_root_in(unpacked.path, source);
    } else if (!fs::is_directory(source, ec)) {
        throw Error(source.string() + ": no such package folder or archive");
    } else if (!is_package_dir(source)) {
        throw Error(source.string() + ": not a package (no " + std::string(kManifestName) +
                    "); make one with 'glia new NAME' or 'glia import DIR --name NAME'");
    }

    // Reading the source first gives the name and rejects a broken package before copying.
    Package original = load_package(package_source);
    fs::path target = packages_dir / original.name;
    bool exists = fs::exists(target, ec);
    if (exists && !replace) {
        throw Error("package '" + original.name + "' is already installed in " + target.string() +
                    "; run 'glia install --replace " + source_in.string() + "' to replace it, or 'glia uninstall " +
                    original.name + "' first");
    }
    if (exists && fs::equivalent(target, package_source, ec)) {
        throw Error(source.string() + " is the installed copy of '" + original.name + "' itself");
    }

    TempTree staged{stage_root / fs::unique_path(original.name + "-%%%%%%%%")};
    try {
        copy_tree(package_source, staged.path);
    } catch (const fs::filesystem_error& e) {
        throw Error("cannot copy " + package_source.string() + " into " + stage_root.string() + ": " +
                    e.code().message() + " (nothing was installed)");
    }
    load_package(staged.path); // the copy must be as valid as the source before it goes live

    InstallResult result;
    TempTree old;
    try {
        if (exists) {
            // Move the old copy aside first; the rename below then cannot meet a non-empty folder.
            old.path = stage_root / fs::unique_path(original.name + "-old-%%%%%%%%");
            fs::rename(target, old.path);
            result.replaced = true;
        }
        fs::rename(staged.path, target);
        staged.path.clear();
    } catch (const fs::filesystem_error& e) {
        if (!old.path.empty() && !fs::exists(target, ec)) {
            fs::rename(old.path, target, ec);
            old.path.clear();
        }
        if ((e.code() == boost::system::errc::directory_not_empty || e.code() == boost::system::errc::file_exists) &&
            fs::exists(target, ec)) {
            // Another glia install of the same package finished between our check and our rename.
            throw Error("package '" + original.name + "' was installed in " + target.string() +
                        " by another glia at the same time; this copy was not installed (run 'glia install --replace " +
                        source_in.string() + "' to put this one in its place)");
        }
        throw Error("cannot install '" + original.name + "' into " + target.string() + ": " + e.code().message());
    }
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
                        ", which 'glia uninstall' does not manage (remove it from GLIA_PATH, or delete it by hand)");
        }
        throw Error("package '" + name + "' is not installed (see 'glia list')");
    }
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
