#include "packages/package.hpp"

#include "base/containment.hpp"
#include "base/error.hpp"
#include "packages/scan_memo.hpp"
#include "base/text.hpp"
#include "base/yaml_util.hpp"

#include <algorithm>
#include <dirent.h>
#include <memory>
#include <map>

namespace glia {

namespace {

fs::path mods_dir(const fs::path& dir) { return dir / kModsFolderName; }

// A package is self-contained: a mod reached through a symbolic link (the file itself, or a folder
// on its way) must still lie inside `package_dir`; glia never follows a link out of a package.
void require_inside(const fs::path& path, const fs::path& package_dir, const std::string& where) {
    if (!resolves_within(path, package_dir)) {
        boost::system::error_code ec;
        fs::path target = fs::canonical(path, ec);
        throw Error((where.empty() ? std::string() : where + ": ") + path.string() + " leads outside the package " + package_dir.string() +
                    (ec ? std::string() : " (to " + target.string() + ")") +
                    "; a package must be self-contained: put the file itself into the package");
    }
}

bool is_link(const fs::path& path) {
    boost::system::error_code ec;
    return fs::is_symlink(fs::symlink_status(path, ec));
}

// readdir(3) directly: its d_type tells a regular file without a stat per entry, which boost's
// directory_iterator would make (discovery of an unchanged set costs one stat per mod, no more).
// Only files whose stem `wanted` accepts (all without it) are listed. `dir` is in `package_dir`; a
// linked folder or file listed must lead to somewhere inside it too (no check for an empty one).
std::vector<fs::path> mod_files_in(const fs::path& dir, const fs::path& package_dir,
                                   bool (*wanted)(std::string_view stem) = nullptr) {
    std::vector<fs::path> files;
    std::unique_ptr<DIR, int (*)(DIR*)> listing(::opendir(dir.c_str()), ::closedir);
    if (!listing) {
        return files;
    }
    while (const struct dirent* entry = ::readdir(listing.get())) {
        std::string_view name = entry->d_name;
        if (name.size() <= 4 || !name.ends_with(".mod") || (wanted && !wanted(name.substr(0, name.size() - 4)))) {
            continue;
        }
        fs::path path = dir / std::string(name);
        bool keep = entry->d_type == DT_REG;
        if (entry->d_type == DT_LNK || entry->d_type == DT_UNKNOWN) {
            // A .mod whose status cannot be read (a dangling or looping symlink) is kept, so that
            // reading it reports the problem instead of the mechanism silently missing.
            boost::system::error_code ec;
            keep = fs::is_regular_file(fs::status(path, ec)) || ec;
            if (keep && !ec && entry->d_type == DT_LNK && !package_dir.empty()) {
                require_inside(path, package_dir, "");
            }
        }
        if (keep) {
            files.push_back(std::move(path));
        }
    }
    if (!files.empty() && !package_dir.empty() && dir != package_dir && is_link(dir)) {
        require_inside(dir, package_dir, "");
    }
    // By their text: boost's path comparison walks the path element by element.
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.native() < b.native(); });
    return files;
}

// The stamp is taken before the read, so a write during the read leaves it stale, not wrong.
ModFile read_mod(const fs::path& path, MechanismName name, ScanMemo* memo) {
    int64_t read_at = now_ns();
    ModFile mod{std::move(name), path, {}, FileStamp::of(path)};
    std::string key = memo ? stamp_key(path) : std::string();
    if (std::optional<NmodlInfo> known = memo ? memo->take(key, mod.stamp) : std::nullopt) {
        mod.nmodl = std::move(*known);
        return mod;
    }
    mod.nmodl = scan_nmodl(read_file(path), path.string());
    if (memo) {
        memo->put(key, mod.stamp, read_at, mod.nmodl);
    }
    return mod;
}

// `mods/<asset>.mod` is variant 0, `mods/<asset>__<variant>.mod` is that variant.
MechanismName name_by_convention(const std::string& package, const fs::path& file) {
    std::string_view stem = file_stem_view(file);
    size_t split = stem.find("__");
    MechanismName name{package, std::string(stem.substr(0, split)),
                       split == std::string_view::npos ? std::string(kDefaultVariant) : std::string(stem.substr(split + 2))};
    if (name_problem(name.asset, NamePart::asset).empty() && name_problem(name.variant, NamePart::variant).empty()) {
        return name; // the message below is only put together for a bad name
    }
    std::string context = file.string() + " (file names are <asset>.mod or <asset>__<variant>.mod)";
    check_name(name.asset, NamePart::asset, context);
    check_name(name.variant, NamePart::variant, context);
    return name;
}

using Wanted = std::function<bool(const std::string&)>;

/// True for a manifest line YAML skips: blank, or a comment. A tab before it is not YAML's
/// indentation (yaml-cpp refuses the file), so such a line is left for the parser to report.
bool blank_or_comment(std::string_view line) {
    size_t first = line.find_first_not_of(" \r");
    return first == std::string_view::npos || line[first] == '#';
}

/// The package name of a manifest whose first entry is a plain `name: <name>` line, or "" for any
/// other layout (which the YAML parser then reads). Lets a package list skip a package without parsing.
std::string plain_first_name(const std::string& text) {
    for (const auto& whole : split_lines(text)) {
        std::string_view line = whole;
        if (blank_or_comment(line)) {
            continue;
        }
        if (!line.starts_with("name: ")) {
            return {}; // "name:x" is one scalar to YAML, not a key
        }
        std::string_view rest = line.substr(6);
        size_t begin = rest.find_first_not_of(' ');
        size_t stop = rest.find_first_of(" \t\r#", begin);
        std::string name(rest.substr(begin == std::string_view::npos ? rest.size() : begin,
                                     stop == std::string_view::npos ? std::string_view::npos : stop - begin));
        std::string_view after = stop == std::string_view::npos ? std::string_view() : rest.substr(stop);
        size_t more = after.find_first_not_of(" \t\r");
        bool clean = more == std::string_view::npos || (after[more] == '#' && more > 0);
        return clean && name_problem(name, NamePart::package).empty() ? name : std::string();
    }
    return {};
}

// A mod named by a declaration (a manifest's `mods:` entry, a Glia 4.x `Mod(...)`) at `where`, its
// file at `file_where`: a file inside the package that exists, with valid asset and variant names.
ModFile read_declared_mod(const fs::path& dir, const std::string& package, const DeclaredMod& declared,
                          const std::string& where, const std::string& file_where, ScanMemo* memo) {
    fs::path normal = declared.file.lexically_normal();
    if (declared.file.is_absolute() || normal.empty() || *normal.begin() == "..") {
        throw ParseError(file_where + ": mod file '" + declared.file.string() +
                         "' lies outside the package; a package must be self-contained: copy the file into "
                         "it (for example into mods/) and give that path, relative to " + dir.string());
    }
    fs::path file = dir / declared.file;
    MechanismName name{package, declared.asset, declared.variant};
    check_name(name.asset, NamePart::asset, where);
    check_name(name.variant, NamePart::variant, where);
    boost::system::error_code ec;
    if (!fs::is_regular_file(file, ec)) {
        throw Error(where + ": mod file " + file.string() + " does not exist");
    }
    require_inside(file, dir, where);
    return read_mod(file, name, memo);
}

// True if the manifest `text` holds only one entry, its first line (plain_first_name's): every other
// line is blank or a comment. YAML reads it as {name: <that name>}, unless the name is one of YAML's nulls.
bool only_a_name(std::string_view text, std::string_view name) {
    size_t entries = 0;
    for (const auto& line : split_lines(text)) {
        entries += !blank_or_comment(line);
    }
    return entries == 1 && name != "null" && name != "Null" && name != "NULL";
}

// The mods of a manifest without `mods:`: the files in mods/ named by convention.
void add_mods_by_convention(Package& package, ScanMemo* memo) {
    std::vector<fs::path> files = mod_files_in(mods_dir(package.dir), package.dir);
    package.mods.reserve(files.size());
    for (const auto& file : files) {
        package.mods.push_back(read_mod(file, name_by_convention(package.name, file), memo));
    }
}

// The package in `dir` whose manifest holds `text`.
Package load_with_manifest(const fs::path& dir, const std::string& text, ScanMemo* memo, const Wanted& wanted) {
    fs::path manifest = dir / kManifestName;
    if (std::string name = plain_first_name(text); !name.empty()) {
        Package package;
        package.dir = dir;
        package.name = name;
        if (wanted && !wanted(name)) {
            return package; // not loaded: not even parsed
        }
        if (only_a_name(text, name)) {
            add_mods_by_convention(package, memo); // the most common manifest: no YAML parser needed
            return package;
        }
    }
    YAML::Node root = parse_yaml(text, manifest);
    if (!root.IsMap()) {
        throw ParseError(manifest.string() + ":1:1: the manifest must be a mapping with at least 'name: <package>'");
    }
    check_yaml_keys(root, {"name", "version", "description", "mods"}, manifest);
    if (!root["name"]) {
        throw ParseError(manifest.string() + ":1:1: missing required key 'name' (add 'name: " +
                         dir.filename().string() + "')");
    }
    Package package;
    package.dir = dir;
    package.name = yaml_scalar(root["name"], "'name'", manifest);
    std::string problem = name_problem(package.name, NamePart::package);
    if (!problem.empty()) {
        throw InvalidName(yaml_location(manifest, root["name"]) + "invalid package name '" + package.name +
                          "': " + problem);
    }
    if (root["version"]) {
        package.version = yaml_scalar(root["version"], "'version'", manifest);
    }
    if (root["description"]) {
        package.description = yaml_scalar(root["description"], "'description'", manifest);
    }
    if (wanted && !wanted(package.name)) {
        return package; // not loaded: its mods are neither listed nor read
    }
    if (!root["mods"]) {
        add_mods_by_convention(package, memo);
        return package;
    }
    YAML::Node mods = root["mods"];
    if (!mods.IsSequence()) {
        throw ParseError(yaml_location(manifest, mods) +
                         "'mods' must be a list of entries like '- {file: mods/k.mod, asset: Kv1, variant: 0}'");
    }
    for (const auto& entry : mods) {
        if (!entry.IsMap() || !entry["file"]) {
            throw ParseError(yaml_location(manifest, entry) + "each entry of 'mods' needs 'file:' (and optionally "
                                                              "'asset:' and 'variant:')");
        }
        check_yaml_keys(entry, {"file", "asset", "variant"}, manifest);
        fs::path written = yaml_scalar(entry["file"], "'file'", manifest);
        DeclaredMod declared{written, written.stem().string(), std::string(kDefaultVariant)};
        if (entry["asset"]) {
            declared.asset = yaml_scalar(entry["asset"], "'asset'", manifest);
        }
        if (entry["variant"]) {
            declared.variant = yaml_scalar(entry["variant"], "'variant'", manifest);
        }
        std::string where = yaml_location(manifest, entry);
        where.resize(where.size() - 2);
        std::string file_where = yaml_location(manifest, entry["file"]);
        file_where.resize(file_where.size() - 2);
        package.mods.push_back(read_declared_mod(dir, package.name, declared, where, file_where, memo));
    }
    return package;
}

// Packages made for the original Python Glia: files named glia__<pkg>__<asset>__<variant>.mod.
std::vector<fs::path> legacy_files(const fs::path& dir) {
    std::vector<fs::path> files;
    for (const auto& d : {dir, mods_dir(dir)}) {
        for (auto& file : mod_files_in(d, dir, is_full_name)) {
            files.push_back(std::move(file));
        }
    }
    return files;
}

Package load_legacy(const fs::path& dir, ScanMemo* memo, const Wanted& wanted) {
    Package package;
    package.dir = dir;
    for (const auto& file : legacy_files(dir)) {
        MechanismName name = parse_full_name(file.stem().string());
        if (package.name.empty()) {
            package.name = name.package;
            if (wanted && !wanted(package.name)) {
                return package;
            }
        } else if (package.name != name.package) {
            throw Error(file.string() + ": belongs to package '" + name.package + "' but " + dir.string() +
                        " holds package '" + package.name + "'; put each package in its own directory");
        }
        package.mods.push_back(read_mod(file, name, memo));
    }
    if (package.name.empty()) {
        throw Error(dir.string() + ": not a package: no " + kManifestName +
                    " (create one with 'name: <package>') and no glia__<pkg>__<asset>__<variant>.mod files");
    }
    return package;
}

} // namespace

std::vector<const ModFile*> registration_order(const Package& package) {
    std::vector<const ModFile*> order;
    for (const auto& mod : package.mods) {
        order.push_back(&mod);
    }
    // std::string_view compares bytes as unsigned, as strcmp does: the order of `*.mod` in the C locale.
    std::sort(order.begin(), order.end(), [](const ModFile* a, const ModFile* b) {
        std::string_view name_a = file_name_view(a->path), name_b = file_name_view(b->path);
        return name_a != name_b ? name_a < name_b : a->path.native() < b->path.native();
    });
    return order;
}

Package load_model_mods(const std::vector<fs::path>& inputs, ScanMemo* memo) {
    Package package;
    package.name = "model";
    std::vector<fs::path> files;
    for (const auto& input : inputs) {
        boost::system::error_code ec;
        fs::path as_mod = input.extension() == ".mod" ? input : fs::path(input.string() + ".mod");
        if (fs::is_directory(input, ec)) {
            auto found = mod_files_in(input, {});
            files.insert(files.end(), found.begin(), found.end());
        } else if (fs::is_regular_file(as_mod, ec)) {
            files.push_back(as_mod);
        } else {
            throw Error(input.string() + " is neither a folder nor a mod file; give folders of .mod files or "
                        ".mod files (as nrnivmodl takes them)");
        }
    }
    std::map<std::string, fs::path> seen;
    for (const auto& file : files) {
        std::string stem = file.stem().string();
        auto [at, fresh] = seen.emplace(stem, file);
        if (!fresh) {
            throw Error(file.string() + " and " + at->second.string() + " have the same file name, and nocmodl "
                        "names a mod's registration function after it; give only one of them");
        }
        ModFile mod = read_mod(file, MechanismName{package.name, stem, std::string(kDefaultVariant)}, memo);
        mod.own_name = true;
        package.mods.push_back(std::move(mod));
    }
    return package;
}

bool is_package_dir(const fs::path& dir) {
    boost::system::error_code ec;
    if (fs::is_regular_file(dir / kManifestName, ec)) {
        return true;
    }
    try {
        return !legacy_files(dir).empty();
    } catch (const Error&) {
        return true; // legacy files linked out of the folder: a package, which load_package refuses
    }
}

namespace {

// Each asset and variant must come from one file.
void sort_and_check_unique(Package& package) {
    // Stable, so that of two files giving the same name the first one read is named first. Mods are
    // mostly read in order already: then the sort, which moves every mod, is not needed.
    auto by_name = [](const ModFile& a, const ModFile& b) { return a.name < b.name; };
    if (!std::is_sorted(package.mods.begin(), package.mods.end(), by_name)) {
        std::stable_sort(package.mods.begin(), package.mods.end(), by_name);
    }
    for (size_t i = 1; i < package.mods.size(); ++i) {
        const ModFile& first = package.mods[i - 1];
        const ModFile& again = package.mods[i];
        if (again.name == first.name) {
            throw Error(again.path.string() + ": " + again.name.pretty() + " is also provided by " +
                        first.path.string() + "; each asset and variant must come from one file");
        }
    }
}

} // namespace

Package load_package(const fs::path& dir, ScanMemo* memo, const Wanted& wanted) {
    // Read without a stat first: a start reads every installed package.
    std::optional<std::string> manifest = read_file_if_present(dir / kManifestName);
    Package package = manifest ? load_with_manifest(dir, *manifest, memo, wanted) : load_legacy(dir, memo, wanted);
    sort_and_check_unique(package);
    return package;
}

Package load_declared_package(const fs::path& dir, const std::string& name, const std::vector<DeclaredMod>& mods,
                              const std::string& where, ScanMemo* memo) {
    std::string problem = name_problem(name, NamePart::package);
    if (!problem.empty()) {
        throw InvalidName(where + ": invalid package name '" + name + "': " + problem);
    }
    Package package;
    package.name = name;
    package.dir = dir;
    for (const auto& declared : mods) {
        std::string mod_where = where + " (" + declared.file.string() + ")";
        package.mods.push_back(read_declared_mod(dir, name, declared, mod_where, mod_where, memo));
    }
    sort_and_check_unique(package);
    return package;
}

} // namespace glia
