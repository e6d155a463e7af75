#include "tools/package_tools.hpp"

#include "build/build.hpp"
#include "base/containment.hpp"
#include "base/error.hpp"
#include "base/made_marker.hpp"
#include "packages/mod_includes.hpp"
#include "base/process.hpp"
#include "base/remedy.hpp"
#include "base/text.hpp"
#include "base/yaml_util.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unistd.h>

namespace glia {

namespace {

using Kind = Remedy::Kind;
using Modifier = Remedy::Modifier;

bool is_empty_dir(const fs::path& dir) {
    boost::system::error_code ec;
    return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) == fs::directory_iterator();
}

// A fresh folder beside `target`, so that the final rename stays on one filesystem.
fs::path staging_dir_beside(const fs::path& target) {
    fs::path parent = fs::absolute(target).parent_path();
    boost::system::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
        throw Error(parent.string() + ": cannot create: " + ec.message());
    }
    return parent / fs::unique_path("." + target.filename().string() + ".glia-tmp-%%%%%%%%");
}

// A message about a file in `staging`, retold about `target`: the staging folder is removed
// before anyone reads the message.
Message about_target(const Error& e, const fs::path& staging, const fs::path& target) {
    return replace_all(e.message(), staging.string(), target.string());
}

std::string manifest_text(const std::string& name, const std::string& description) {
    YAML::Node fields;
    fields["name"] = name;
    fields["version"] = "0.1.0";
    fields["description"] = description;
    return "# The manifest of a glia package (see 'man glia', section PACKAGES).\n" + emit_yaml(fields) + "\n";
}

bool manifest_lists_mods(const fs::path& package_dir) {
    fs::path manifest = package_dir / kManifestName;
    boost::system::error_code ec;
    if (!fs::exists(manifest, ec)) {
        return false;
    }
    YAML::Node root = parse_yaml(read_file(manifest), manifest);
    return root.IsMap() && root["mods"];
}

// An include may be carried into a package only if it stays inside the folder it is copied to.
bool is_contained_relative(const fs::path& include) {
    if (include.is_absolute() || include.empty()) {
        return false;
    }
    for (const auto& part : include) {
        if (part == "..") {
            return false;
        }
    }
    return true;
}

std::string file_stem_of(const fs::path& path) { return path.stem().string(); }

void copy_file_replacing(const fs::path& from, const fs::path& to) {
    fs::create_directories(to.parent_path());
    write_file_atomic(to, read_file(from));
}

// The nocmodl translation of one mod under its full name, as the builder does it, in `work`.
ProcessResult translate_for_check(const ModFile& mod, const Toolchain& tc, const fs::path& work) {
    fs::path rewritten = work / (mod.name.full() + ".mod");
    write_file_atomic(rewritten, build_source(mod, read_file(mod.path)));
    return translate_mod(tc, rewritten, fs::absolute(mod.path).parent_path(), work);
}

// The last few lines of a tool's output: enough to see the error without the noise.
std::string tail_lines(const std::string& text, size_t count) {
    std::vector<std::string> lines = split_lines(text);
    std::erase(lines, std::string());
    std::string out;
    for (size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) {
        out += "\n    " + lines[i];
    }
    return out;
}

// Refuses to replace an imported package that holds files the import did not write, or changed since.
void refuse_files_not_imported(const fs::path& target, const Remedy& again, const Message& elsewhere) {
    std::vector<fs::path> kept = files_not_as_made(target);
    if (kept.empty()) {
        return;
    }
    std::string names;
    for (const auto& file : kept) {
        names += "\n  " + (target / file).string();
    }
    std::string them = kept.size() > 1 ? "them" : "it";
    throw Error(target.string() + " holds " + (kept.size() > 1 ? "files" : "a file") +
                " that the import which made it did not write, or that changed since, and replacing the package "
                "would delete " + them + ":" + names + "\nNothing was changed. Move " + them + " out of " +
                target.string() + " (or delete " + them + " yourself), then run '" + again + "' again; or " +
                elsewhere);
}

// Refuses an import into `target` that could lose anything an import did not make: the source
// itself (or a folder holding it or inside it), and any folder but a package an import made,
// which it replaces only when told to.
void check_import_target(const fs::path& source, const fs::path& target, const ImportOptions& options) {
    const Remedy import{Kind::import_folder};
    Message elsewhere = "choose another place with '" + Remedy{Kind::import_folder, {}, Modifier::other_place} +
                        "' or another name with '" + Remedy{Kind::import_folder, {}, Modifier::other_name} + "'";
    if (paths_overlap(source, target)) {
        throw Error(target.string() + " is the folder being imported, or holds it or lies inside it; glia never "
                    "writes over the files it imports: " + elsewhere);
    }
    boost::system::error_code ec;
    if (!fs::exists(fs::symlink_status(target, ec)) || is_empty_dir(target)) {
        return;
    }
    if (!fs::is_regular_file(target / kManifestName, ec) || !has_made_marker(target, MadeBy::import)) {
        throw Error(target.string() + " already exists and is not a package made by '" + import + "' (no " +
                    kMadeMarkerName + " beside its " + kManifestName + "), so glia leaves it alone: " + elsewhere);
    }
    Remedy replace{Kind::import_folder, {source.string(), options.name}, Modifier::replace};
    if (!options.out.empty()) {
        replace.args.push_back(options.out.string());
    }
    if (!options.replace) {
        throw Error(target.string() + " already holds a package made by '" + import + "'; replace it with '" +
                    replace + "', or " + elsewhere);
    }
    refuse_files_not_imported(target, replace, elsewhere);
}

std::vector<fs::path> mod_files_under(const fs::path& dir) {
    std::vector<fs::path> files;
    boost::system::error_code ec;
    fs::recursive_directory_iterator it(dir, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        std::string leaf = it->path().filename().string();
        if (fs::is_directory(it->path(), ec)) {
            // Build output of nrnivmodl and hidden folders hold copies, not sources.
            if (leaf.empty() || leaf[0] == '.' || leaf == "x86_64" || leaf == "aarch64" || leaf == "arm64" ||
                leaf == "i686" || leaf == "umac") {
                it.disable_recursion_pending();
            }
            continue;
        }
        if (it->path().extension() == ".mod" && fs::is_regular_file(it->path(), ec)) {
            files.push_back(it->path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

} // namespace

std::string sanitize_asset_name(const std::string& text) {
    std::string out;
    for (char c : text) {
        bool valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        char next = valid ? c : '_';
        if (next == '_' && (out.empty() || out.back() == '_')) {
            continue;
        }
        out += next;
    }
    while (!out.empty() && out.back() == '_') {
        out.pop_back();
    }
    if (!out.empty() && !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z'))) {
        out = "m" + out;
    }
    return out;
}

void create_package(const fs::path& dir, const std::string& name, const std::string& readme) {
    check_name(name, NamePart::package); // the CLI names the command
    boost::system::error_code ec;
    if (fs::exists(dir, ec) && !is_empty_dir(dir)) {
        throw Error(dir.string() + " already exists and is not empty; choose another folder ('" +
                    Remedy{Kind::create_package, {name}, Modifier::other_place} + "') or remove it");
    }
    fs::path staging = staging_dir_beside(dir);
    try {
        fs::create_directories(staging / "mods");
        write_file_atomic(staging / kManifestName, manifest_text(name, "NEURON mechanisms of " + name));
        write_file_atomic(staging / "README.md", "# " + name + "\n\n" + readme);
        if (fs::exists(dir, ec)) {
            fs::remove(dir); // empty, checked above
        }
        fs::rename(staging, dir);
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(staging, ec);
        throw Error(dir.string() + ": cannot create the package: " + e.code().message());
    } catch (const Error& e) {
        fs::remove_all(staging, ec);
        throw Error(about_target(e, staging, dir));
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
}

MechanismName guess_mod_name(const fs::path& file, const NmodlInfo& info) {
    std::string stem = file_stem_of(file);
    if (auto full = try_parse_full_name(stem)) {
        return {"", full->asset, full->variant};
    }
    MechanismName name{"", stem, std::string(kDefaultVariant)};
    size_t split = stem.find("__");
    if (split != std::string::npos) {
        name.asset = stem.substr(0, split);
        name.variant = stem.substr(split + 2);
    }
    if (name_problem(name.asset, NamePart::asset).empty() && name_problem(name.variant, NamePart::variant).empty()) {
        return name;
    }
    if (info.kind != MechanismKind::nothing && name_problem(info.name, NamePart::asset).empty()) {
        return {"", info.name, std::string(kDefaultVariant)};
    }
    throw InvalidName(file.string() + ": cannot name an asset after the file name '" + stem +
                      "' or the NEURON block; give one: '" +
                      Remedy{Kind::add_mod, {file.string()}, Modifier::name_asset} + "'");
}

namespace {

// The package at `package_dir`, if a mod can be added to it by convention.
Package package_to_add_to(const fs::path& package_dir, const fs::path& file) {
    if (!is_package_dir(package_dir)) {
        throw Error(package_dir.string() + " is not a package (no " + kManifestName + "); run '" +
                    Remedy{Kind::add_mod} + "' inside a package, or make one with '" +
                    Remedy{Kind::create_package, {"NAME"}} + "'");
    }
    Package package = load_package(package_dir);
    if (manifest_lists_mods(package_dir)) {
        throw Error((package_dir / kManifestName).string() + ": the manifest lists its mods explicitly, so '" +
                    Remedy{Kind::add_mod} + "' cannot add one by convention; copy " + file.string() +
                    " into the package and add an entry '- {file: mods/" + file.filename().string() +
                    ", asset: <Name>}' to 'mods:'");
    }
    return package;
}

// Refuses to put `name` at `target` over a mod already there (unless `replace`) or beside another
// mod of the package with the same name.
void check_add_target(const Package& package, const fs::path& file, const MechanismName& name,
                      const fs::path& target, bool replace) {
    const Remedy rename{Kind::add_mod, {file.string()}, Modifier::name_variant};
    boost::system::error_code ec;
    if (fs::exists(target, ec) && !replace) {
        throw Error(target.string() + " already exists (" + name.pretty() + "); overwrite it with '" +
                    Remedy{Kind::add_mod, {file.string()}, Modifier::replace} +
                    "', or choose another name with '" + rename + "'");
    }
    for (const auto& mod : package.mods) {
        if (mod.name == name && fs::absolute(mod.path) != fs::absolute(target)) {
            throw Error(name.pretty() + " is already provided by " + mod.path.string() +
                        "; choose another name with '" + rename + "'");
        }
    }
}

// Copies the files `file` includes (nested ones too, inside its folder) into the same relative place under `mods`.
void copy_includes(const fs::path& file, const fs::path& mods, bool replace,
                   AddResult& result) {
    boost::system::error_code ec;
    fs::path source_dir = fs::absolute(file).parent_path();
    // Nested includes too, found as the build finds them (mod_includes.hpp), each at its place under `mods`.
    for (const auto& include : mod_file_includes(fs::absolute(file), {})) {
        const IncludePlace* found = include.found();
        if (!found && include.angled) {
            continue; // a system header
        }
        if (!found) {
            result.notes.push_back("INCLUDE \"" + include.name + "\" not found beside " + file.string() +
                                   "; copy it into " + mods.string() + " by hand");
            continue;
        }
        std::string relative = place_role(source_dir, found->path);
        if (!is_contained_relative(relative)) {
            result.notes.push_back("INCLUDE \"" + include.name + "\" points outside the mod's folder and was not "
                                   "copied; put it inside the package and change the INCLUDE");
            continue;
        }
        fs::path from = found->path, to = mods / relative;
        if (fs::exists(to, ec) && read_file(to) == *found->content) {
            continue;
        }
        if (fs::exists(to, ec) && !replace) {
            throw Error(to.string() + " already exists with other content (INCLUDE'd by " + file.string() +
                        "); overwrite it with '" + Remedy{Kind::add_mod, {file.string()}, Modifier::replace} + "'");
        }
        copy_file_replacing(from, to);
        result.copied.push_back(to);
    }
}

} // namespace

AddResult add_mod_file(const fs::path& package_dir, const fs::path& file, std::string asset, std::string variant,
                       bool replace) {
    Package package = package_to_add_to(package_dir, file);
    std::string text = read_file(file);
    NmodlInfo info = scan_nmodl(text, file.string());
    MechanismName guessed = guess_mod_name(file, info);
    MechanismName name{package.name, asset.empty() ? guessed.asset : asset,
                       variant.empty() ? guessed.variant : variant};
    check_name(name.asset, NamePart::asset); // a front end checks its options first, under their names
    check_name(name.variant, NamePart::variant);

    fs::path mods = package_dir / "mods";
    std::string leaf = name.asset + (name.variant == kDefaultVariant ? "" : "__" + name.variant) + ".mod";
    fs::path target = mods / leaf;
    check_add_target(package, file, name, target, replace);

    AddResult result;
    copy_includes(file, mods, replace, result); // first: once the mod is in place the package is complete
    fs::create_directories(mods);
    write_file_atomic(target, text);
    result.copied.insert(result.copied.begin(), target);
    if (info.kind == MechanismKind::nothing) {
        result.notes.push_back(file.string() + " declares SUFFIX nothing: it adds functions (" +
                               std::to_string(info.functions.size()) +
                               ") but no mechanism, so it cannot be inserted into a section");
    }
    result.mod = ModFile{name, target, info};
    return result;
}

bool CheckReport::ok() const {
    return std::none_of(findings.begin(), findings.end(),
                        [](const Diagnostic& f) { return f.severity == Severity::error; });
}

namespace {

// The stages of check_package, each adding its findings to the report.
struct PackageCheck {
    CheckReport& report;
    void error(Message message) { report.findings.push_back({Severity::error, std::move(message)}); }
    void error(const Diagnostic& problem) { report.findings.push_back(problem); }
    void warning(Message message) { report.findings.push_back({Severity::warning, std::move(message)}); }

    // The package in `dir`, if it reads; else the findings say why.
    std::optional<Package> read(const fs::path& dir) {
        boost::system::error_code ec;
        if (!fs::is_directory(dir, ec)) {
            error(dir.string() + ": no such folder");
            return std::nullopt;
        }
        if (!is_package_dir(dir)) {
            error(dir.string() + ": not a package: no " + std::string(kManifestName) + " (create a package with '" +
                  Remedy{Kind::create_package, {"NAME"}} + "', or turn a folder of mods into one with '" +
                  Remedy{Kind::import_folder, {"DIR", "NAME"}} + "')");
            return std::nullopt;
        }
        std::optional<Package> package;
        try {
            package = load_package(dir);
        } catch (const Error& e) {
            error(e.diagnostic());
            return std::nullopt;
        }
        report.package = package->name;
        if (!fs::exists(dir / kManifestName, ec)) {
            warning(dir.string() + ": no " + std::string(kManifestName) +
                    " (a legacy Glia package); add one with 'name: " + package->name + "'");
        }
        if (package->mods.empty()) {
            warning(dir.string() + ": the package has no mechanisms; add one with '" +
                    Remedy{Kind::add_mod, {"FILE.mod"}} + "'");
        }
        return package;
    }

    // Every include, nested ones too (mod_includes.hpp: found as the build finds it), is inside the package.
    void includes(const fs::path& dir, const ModFile& mod) {
        boost::system::error_code ec;
        for (const auto& include : mod_file_includes(fs::absolute(mod.path), {})) {
            const IncludePlace* found = include.found();
            if (!found && include.angled) {
                continue; // a system header
            }
            if (!found) {
                error(mod.path.string() + ": INCLUDE \"" + include.name + "\" not found in " +
                      include.places.front().path.parent_path().string() + "; copy it into the package (or '" +
                      Remedy{Kind::add_mod} + "' the mod again from its original folder)");
            } else if (!resolves_within(found->path, dir)) {
                error(mod.path.string() + ": INCLUDE \"" + include.name + "\" leads outside the package (to " +
                      fs::canonical(found->path, ec).string() + "); a package must be self-contained: copy the file "
                      "into the package and INCLUDE it by a path relative to the mod");
            }
        }
    }

    // SUFFIX nothing mods add functions, which must not clash with each other's (`functions`: name -> mod).
    void functions(const ModFile& mod, std::map<std::string, const ModFile*>& functions) {
        if (mod.nmodl.kind != MechanismKind::nothing) {
            return;
        }
        warning(mod.path.string() + ": SUFFIX nothing: " + mod.name.pretty() +
                " adds functions but no mechanism; it cannot be inserted into a section");
        for (const auto& function : mod.nmodl.functions) {
            auto [it, inserted] = functions.emplace(function, &mod);
            if (!inserted) {
                error(mod.path.string() + ": function " + function + " is also defined by " +
                      it->second->path.string() + "; NEURON cannot load both (rename one)");
            }
        }
    }

    // Every mod, rewritten to its full name, translates with nocmodl.
    void translation(const Package& package, const Toolchain& toolchain) {
        fs::path work = fs::temp_directory_path() / fs::unique_path("glia-check-%%%%%%%%");
        fs::create_directories(work);
        for (const auto& mod : package.mods) {
            ProcessResult r = translate_for_check(mod, toolchain, work);
            if (r.ok()) {
                report.checked.push_back(mod.name);
            } else {
                error(mod.path.string() + ": nocmodl cannot translate " + mod.name.pretty() + ":" +
                      tail_lines(r.output, 8));
            }
        }
        boost::system::error_code ec;
        fs::remove_all(work, ec);
    }
};

} // namespace

CheckReport check_package(const fs::path& dir, const Toolchain* toolchain) {
    CheckReport report;
    PackageCheck check{report};
    std::optional<Package> package = check.read(dir);
    if (!package) {
        return report;
    }
    std::map<std::string, const ModFile*> functions;
    for (const auto& mod : package->mods) {
        check.includes(dir, mod);
        check.functions(mod, functions);
    }
    if (toolchain) {
        check.translation(*package, *toolchain);
    }
    return report;
}

namespace {

// A mod of the folder being imported, read.
struct PendingMod {
    fs::path file;
    NmodlInfo info;
    std::string text;
};

const PendingMod& pending_of(const std::vector<PendingMod>& pending, const fs::path& file) {
    return *std::find_if(pending.begin(), pending.end(), [&](const PendingMod& p) { return p.file == file; });
}

// What an import leaves out of `file`, and why: a warning about that file, worded "file: why".
Diagnostic left_out(const fs::path& file, const std::string& why) {
    Diagnostic problem = warning(file.string() + ": " + why);
    problem.where.file = file.string();
    return problem;
}

// Every readable mod under `source`; the unreadable ones go to `report.skipped`.
std::vector<PendingMod> read_mod_folder(const fs::path& source, ImportReport& report) {
    std::vector<PendingMod> pending;
    for (const auto& file : mod_files_under(source)) {
        try {
            std::string text = read_file(file);
            NmodlInfo info = scan_nmodl(text, file.string());
            pending.push_back({file, std::move(info), std::move(text)});
        } catch (const Error& e) {
            report.skipped.push_back(as_warning(e));
        }
    }
    if (pending.empty()) {
        throw Error(source.string() + ": no readable .mod files to import" +
                    (report.skipped.empty() ? Message() : ": " + report.skipped.front().message));
    }
    return pending;
}

// The names of the imported mods, into `report.mods`. Asset names come from NEURON blocks (SUFFIX
// nothing mods from their file names); a name met again becomes a variant named after its file, so
// nothing is silently dropped.
void name_imported_mods(const std::vector<PendingMod>& pending, const std::string& package, ImportReport& report) {
    std::set<MechanismName> taken;
    for (const auto& p : pending) {
        // A legacy glia__<pkg>__<asset>__<variant>.mod keeps its asset and variant, as discovery reads it.
        if (auto legacy = try_parse_full_name(file_stem_of(p.file))) {
            MechanismName name{package, legacy->asset, legacy->variant};
            if (taken.insert(name).second) {
                report.mods.push_back({p.file, name, p.info.kind});
                continue;
            }
        }
        std::string wanted = p.info.kind == MechanismKind::nothing ? file_stem_of(p.file) : p.info.name;
        std::string asset = sanitize_asset_name(wanted);
        if (asset.empty()) {
            report.skipped.push_back(left_out(p.file, "cannot make an asset name of '" + wanted + "'"));
            continue;
        }
        if (asset != wanted) {
            report.renamed.push_back(p.file.string() + ": '" + wanted + "' is no valid asset name; imported as '" +
                                     asset + "'");
        }
        MechanismName name{package, asset, std::string(kDefaultVariant)};
        if (taken.count(name)) {
            std::string variant = sanitize_asset_name(file_stem_of(p.file));
            if (variant.empty() || variant == kDefaultVariant) {
                variant = "v";
            }
            std::string base = variant;
            for (int n = 2; taken.count({package, asset, variant}); ++n) {
                variant = base + std::to_string(n);
            }
            name.variant = variant;
            report.renamed.push_back(p.file.string() + ": '" + asset + "' is declared by another file too; imported as " +
                                     name.pretty());
        }
        taken.insert(name);
        report.mods.push_back({p.file, name, p.info.kind});
    }
}

// Copies the INCLUDEs of `mod` that lie inside `source` into `staging/mods`, at their place relative
// to `source`; `carried` holds what is copied already.
void carry_includes(const ImportedMod& mod, const fs::path& source, const fs::path& staging,
                    std::set<fs::path>& carried, ImportReport& report) {
    boost::system::error_code ec;
    // Nested includes too, found as the build finds them (mod_includes.hpp).
    for (const auto& include : mod_file_includes(fs::absolute(mod.source), {})) {
        const IncludePlace* found = include.found();
        if (!found && include.angled) {
            continue; // a system header
        }
        if (!found) {
            report.skipped.push_back(left_out(mod.source, "INCLUDE \"" + include.name +
                                                          "\" not found; the mod will not translate until it is added"));
            continue;
        }
        fs::path rel = fs::relative(found->path, source, ec);
        if (ec || !is_contained_relative(rel)) {
            report.skipped.push_back(left_out(mod.source, "INCLUDE \"" + include.name + "\" is outside " +
                                                                       source.string() + " and was not carried along"));
            continue;
        }
        if (carried.insert(rel).second) {
            copy_file_replacing(found->path, staging / "mods" / rel);
            report.includes.push_back(found->path);
        }
    }
}

// Writes the imported package into `staging`: the mods, their includes, a manifest, a README and
// the mark of an import.
void write_imported_package(const fs::path& staging, const fs::path& source, const std::string& package,
                            const std::vector<PendingMod>& pending, ImportReport& report) {
    fs::create_directories(staging / "mods");
    std::set<fs::path> carried;
    YAML::Node mods_list(YAML::NodeType::Sequence);
    for (const auto& mod : report.mods) {
        const PendingMod& p = pending_of(pending, mod.source);
        // Keep each file's path relative to the imported folder, so INCLUDEs between them still resolve.
        fs::path relative = fs::relative(mod.source, source);
        fs::create_directories((staging / "mods" / relative).parent_path());
        write_file_atomic(staging / "mods" / relative, p.text);
        mods_list.push_back(flow_map({{"file", "mods/" + relative.generic_string()},
                                      {"asset", mod.name.asset},
                                      {"variant", mod.name.variant}}));
        carry_includes(mod, source, staging, carried, report);
    }
    YAML::Node mods;
    mods["mods"] = mods_list;
    write_file_atomic(staging / kManifestName,
                      manifest_text(package, "imported from " + fs::absolute(source).string()) +
                          "# Assets are named after their NEURON blocks; the files keep their original names.\n" +
                          emit_yaml(mods) + "\n");
    write_file_atomic(staging / "README.md", "# " + package + "\n\nImported from `" + fs::absolute(source).string() +
                                                 "`.\nEach asset is named after its NEURON block; see " +
                                                 kManifestName + " for the files.\n");
    write_made_marker(staging, MadeBy::import, true); // last: it lists every file written
}

// Writes the package in a staging folder beside `report.package_dir` and renames it into place, so a
// failed import leaves nothing behind.
void publish_import(const fs::path& source, const ImportOptions& options, const std::vector<PendingMod>& pending,
                    ImportReport& report) {
    boost::system::error_code ec;
    fs::path staging = staging_dir_beside(report.package_dir);
    try {
        write_imported_package(staging, source, options.name, pending, report);
        try {
            load_package(staging); // the result must be a valid package before it is put in place
        } catch (const Error& e) {
            throw Error(retold(e.diagnostic(), "glia wrote a package it cannot read back, so nothing was imported "
                                               "(a bug in glia; please report it): "));
        }
        check_import_target(source, report.package_dir, options); // again: the folder may have changed
        if (fs::exists(fs::symlink_status(report.package_dir, ec))) {
            // The old package goes aside first and is removed only once the new one is in place.
            fs::path old = staging_dir_beside(report.package_dir);
            fs::rename(report.package_dir, old);
            fs::rename(staging, report.package_dir);
            fs::remove_all(old, ec);
        } else {
            fs::rename(staging, report.package_dir);
        }
    } catch (const fs::filesystem_error& e) {
        fs::remove_all(staging, ec);
        throw Error(report.package_dir.string() + ": cannot write the package: " + e.code().message());
    } catch (const Error& e) {
        fs::remove_all(staging, ec);
        throw Error(about_target(e, staging, report.package_dir));
    } catch (...) {
        fs::remove_all(staging, ec);
        throw;
    }
}

// The SUFFIX-nothing functions the packages on the search path define, each with its mechanism.
std::map<std::string, std::string> functions_of(const std::vector<Package>& installed) {
    std::map<std::string, std::string> functions;
    for (const auto& package : installed) {
        for (const auto& mod : package.mods) {
            if (mod.nmodl.kind == MechanismKind::nothing) {
                for (const auto& function : mod.nmodl.functions) {
                    functions.emplace(function, mod.name.pretty());
                }
            }
        }
    }
    return functions;
}

// The packages besides `package` that provide the asset of `mod`, as "a, b"; empty if none.
std::string other_providers(const ImportedMod& mod, const Index& index, const std::string& package) {
    std::set<std::string> others;
    for (const auto& c : index.find(mod.name.asset)) {
        if (c.name.package != package) {
            others.insert(c.name.package);
        }
    }
    return join({others.begin(), others.end()}, ", ");
}

// What of the import overlaps with the packages already on the search path: SUFFIX-nothing functions
// defined twice, and assets also provided elsewhere (one line per asset, however many variants it has).
void report_clashes(const std::vector<PendingMod>& pending, const std::vector<Package>& installed,
                    const std::string& package, ImportReport& report) {
    Index index(installed);
    std::map<std::string, std::string> installed_functions = functions_of(installed);
    std::set<std::string> reported;
    for (const auto& mod : report.mods) {
        if (mod.kind == MechanismKind::nothing) {
            for (const auto& function : pending_of(pending, mod.source).info.functions) {
                auto it = installed_functions.find(function);
                if (it != installed_functions.end()) {
                    report.clashes.push_back("function " + function + " of " + mod.name.pretty() +
                                             " (SUFFIX nothing) is also defined by " + it->second +
                                             "; only one of them can be loaded, the other is left out");
                }
            }
            continue;
        }
        std::string others = other_providers(mod, index, package);
        if (!others.empty() && reported.insert(mod.name.asset).second) {
            report.clashes.push_back("asset " + mod.name.asset + " is also provided by " + others +
                                     "; models asking for '" + mod.name.asset + "' will need a preference: '" +
                                     Remedy{Kind::choose, {mod.name.asset, package}} + "'");
        }
    }
}

} // namespace

ImportReport import_mod_folder(const fs::path& source, const ImportOptions& options,
                               const std::vector<Package>& installed) {
    check_name(options.name, NamePart::package); // a front end checks its options first, under their names
    boost::system::error_code ec;
    if (!fs::is_directory(source, ec)) {
        throw Error(source.string() + ": no such folder (" + Remedy{Kind::import_folder, {"DIR", "PKG"}} +
                    " takes a folder of .mod files)");
    }
    ImportReport report;
    fs::path out = options.out.empty() ? fs::current_path() : options.out;
    report.package_dir = out / options.name;
    check_import_target(source, report.package_dir, options);
    std::vector<PendingMod> pending = read_mod_folder(source, report);
    name_imported_mods(pending, options.name, report);
    if (report.mods.empty()) {
        throw Error(source.string() + ": no .mod file could be imported");
    }
    publish_import(source, options, pending, report);
    report_clashes(pending, installed, options.name, report);
    return report;
}

} // namespace glia
