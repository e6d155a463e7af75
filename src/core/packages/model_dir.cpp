#include "packages/model_dir.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "preferences/preferences.hpp"
#include "base/remedy.hpp"

#include <cstdlib>

namespace glia {

namespace {

/// `value` as an absolute folder, or nullopt if it is not one.
std::optional<fs::path> absolute_folder(const char* value) {
    if (!value || !*value) {
        return std::nullopt;
    }
    fs::path dir = value;
    boost::system::error_code ec;
    if (!dir.is_absolute() || !fs::is_directory(dir, ec)) {
        return std::nullopt;
    }
    return dir;
}

std::string shown(const std::optional<fs::path>& file) { return file ? file->string() : std::string("none"); }

bool same_file(const std::optional<fs::path>& a, const std::optional<fs::path>& b) {
    if (!a || !b) {
        return !a && !b;
    }
    boost::system::error_code ec;
    return fs::equivalent(*a, *b, ec);
}

} // namespace

ModelDir model_dir_at_load(bool via_glia_hoc) {
    if (const char* named = std::getenv(kModelDirVariable); named && *named) {
        auto dir = absolute_folder(named);
        if (!dir) {
            throw Error(Remedy{Remedy::Kind::model_dir_setting} + "='" + named +
                        "' is not an absolute path to a folder; set it to your model's folder, or unset it");
        }
        return {*dir, true, kModelDirVariable};
    }
    if (!via_glia_hoc) {
        return {fs::current_path(), true, "the working directory"};
    }
    // NEURON's load_file has changed into glia.hoc's folder: the shell's $PWD may name the user's.
    if (auto pwd = absolute_folder(std::getenv("PWD"))) {
        return {*pwd, false, "$PWD"};
    }
    auto relative = relative_search_entries();
    if (!relative.empty()) {
        throw Error(Remedy{Remedy::Kind::package_path_setting} + " entry '" + relative.front().string() +
                    "' is relative, and glia, loaded by load_file(\"glia.hoc\") (which runs in glia.hoc's folder), "
                    "cannot tell your model's folder: set " +
                    Remedy{Remedy::Kind::model_dir_setting} + " to it, make the entry absolute, or load glia with " +
                    Remedy{Remedy::Kind::load_plugin_by_path});
    }
    return {{}, false, "$PWD"};
}

ModelFiles model_files(const fs::path& dir) {
    ModelFiles files;
    files.project = find_project_file(dir);
    boost::system::error_code ec;
    if (fs::exists(dir / kLockName, ec)) {
        files.lock = dir / kLockName;
    }
    for (const auto& entry : relative_search_entries()) {
        files.search_entries.push_back(dir / entry);
    }
    return files;
}

Message ModelFiles::differences(const ModelFiles& other) const {
    Message out;
    auto add = [&](const Message& what) { out += (out.empty() ? "" : "; ") + what; };
    if (!same_file(project, other.project)) {
        add("project preferences " + shown(project) + " or " + shown(other.project));
    }
    if (!same_file(lock, other.lock)) {
        add("lock file " + shown(lock) + " or " + shown(other.lock));
    }
    for (size_t i = 0; i < search_entries.size() && i < other.search_entries.size(); ++i) {
        boost::system::error_code ec;
        if (!fs::equivalent(search_entries[i], other.search_entries[i], ec)) {
            add(Remedy{Remedy::Kind::package_path_setting} + " entry " + search_entries[i].string() + " or " +
                other.search_entries[i].string());
        }
    }
    return out;
}

fs::path confirm_model_dir(const ModelDir& at_load, const fs::path& cwd) {
    if (at_load.confirmed || at_load.dir.empty()) {
        return at_load.dir.empty() ? cwd : at_load.dir;
    }
    Message differ = model_files(at_load.dir).differences(model_files(cwd));
    if (differ.empty()) {
        return at_load.dir;
    }
    throw Error("glia cannot tell your model's folder: load_file(\"glia.hoc\") ran glia.hoc, which loaded glia, in "
                "glia.hoc's own "
                "folder, $PWD says " +
                at_load.dir.string() + ", and NEURON now works in " + cwd.string() +
                ", and the two pick different files (" + differ + "). Set " + Remedy{Remedy::Kind::model_dir_setting} +
                " to the model's folder (e.g. " + Remedy{Remedy::Kind::model_dir_setting, {cwd.string()}} +
                "), start NEURON from that folder in a shell, or load glia with " +
                Remedy{Remedy::Kind::load_plugin_by_path} + " or import glia from it.");
}

} // namespace glia
