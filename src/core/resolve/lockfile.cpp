#include "resolve/lockfile.hpp"

#include "packages/discovery.hpp"
#include "base/error.hpp"
#include "packages/mod_includes.hpp"
#include "base/remedy.hpp"
#include "resolve/resolver.hpp"
#include "base/sha256.hpp"
#include "base/yaml_util.hpp"

#include <set>

namespace glia {

namespace {

// A file's hash is the plain SHA-256 of its content, so `sha256sum Kv1.mod` shows the same digits.
std::string content_hash(const std::string& text) { return sha256_hex(text); }

// Locking the assets of `lock` again, which accepts their current versions.
Remedy relock(const Lock& lock) {
    Remedy remedy{Remedy::Kind::lock};
    for (const auto& entry : lock.entries) {
        remedy.args.push_back(entry.asset);
    }
    return remedy;
}

/// Locking the assets of the old file again, in its folder: what re-locks an old lock file.
Message relock_command(const YAML::Node& root, const fs::path& path) {
    Remedy lock{Remedy::Kind::lock};
    try {
        for (const auto& node : root["mechanisms"]) {
            YAML::Node asset = node["asset"] ? node["asset"] : node["name"];
            lock.args.push_back(asset.as<std::string>());
        }
    } catch (const YAML::Exception&) {
        lock.args = {"ASSET..."};
    }
    fs::path dir = path.parent_path();
    return "'" + lock + "' in " + (dir.empty() ? std::string(".") : dir.string());
}

bool is_sha256_hex(const std::string& text) {
    return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

} // namespace

std::vector<std::pair<std::string, std::string>> mechanism_files(const ModFile& mod) {
    std::vector<std::pair<std::string, std::string>> files;
    std::string text = read_file(mod.path);
    files.emplace_back(mod.path.filename().string(), content_hash(text));
    // Each include, nested ones too, named where it was found (relative to the mod's folder) with the
    // content the tools read, or as written and "missing"; an `#include <x>` found nowhere is the system's.
    fs::path dir = fs::absolute(mod.path).parent_path();
    for (const auto& include : mod_includes(dir, included_names(text), {})) {
        const IncludePlace* found = include.found();
        if (found || !include.angled) {
            files.emplace_back(found ? place_role(dir, found->path) : include.name,
                               found ? content_hash(*found->content) : "missing");
        }
    }
    return files;
}

std::string mechanism_hash(const ModFile& mod) { return mechanism_hash(mechanism_files(mod)); }

std::string mechanism_hash(const std::vector<std::pair<std::string, std::string>>& files) {
    Sha256 h;
    h.field("format", "glia-lock-2");
    // The mod's own file name is left out: renaming a file does not change the mechanism.
    bool first = true;
    for (const auto& [name, hash] : files) {
        h.field(first ? "mod" : "include", first ? std::string() : name).field("content", hash);
        first = false;
    }
    return h.hex();
}

const ModFile* find_mod(const std::vector<Package>& packages, const MechanismName& name) {
    for (const auto& package : packages) {
        if (package.name != name.package) {
            continue;
        }
        for (const auto& mod : package.mods) {
            if (mod.name == name) {
                return &mod;
            }
        }
    }
    return nullptr;
}

Lock make_lock(const std::vector<Package>& packages, const std::vector<std::string>& assets,
               std::vector<LockSkip>* skipped, const LockResolver& resolver) {
    Index index(packages);
    auto resolve_one = [&](std::string_view name) -> const Candidate& {
        return resolver ? resolver(index, name) : resolve(index, name);
    };
    Lock lock;
    std::set<std::string> seen;
    auto add = [&](const std::string& asset, const Candidate& c) {
        if (c.name.package == kNeuronPackage) {
            if (skipped) {
                skipped->push_back({asset, "a built-in mechanism of NEURON, which glia does not lock"});
            }
            return;
        }
        const ModFile* mod = find_mod(packages, c.name);
        if (!mod) {
            throw InternalError("indexed mechanism " + c.name.full() + " has no mod file");
        }
        if (!seen.insert(asset).second) {
            return;
        }
        auto files = mechanism_files(*mod);
        lock.entries.push_back({asset, c.name, mechanism_hash(files), files});
    };
    if (!assets.empty()) {
        for (const auto& asset : assets) {
            add(asset, resolve_one(asset));
        }
        return lock;
    }
    for (const auto& asset : index.asset_names()) {
        try {
            const Candidate& c = resolve_one(asset);
            if (c.name.package != kNeuronPackage) {
                add(asset, c);
            }
        } catch (const Error&) {
            if (skipped) {
                skipped->push_back({asset, "ambiguous: choose one with '" + Remedy{Remedy::Kind::choose, {asset, "..."}} +
                                               "', or name it in full (glia__<package>__" + asset + "__<variant>) on the '" +
                                               Remedy{Remedy::Kind::lock} + "' command line"});
            }
        }
    }
    return lock;
}

std::string format_lock(const Lock& lock, const std::string& header) {
    // yaml-cpp's emitter quotes every name as YAML needs, so any file name reads back unchanged.
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << kLockVersion;
    out << YAML::Key << "mechanisms" << YAML::Value << YAML::BeginSeq;
    for (const auto& entry : lock.entries) {
        out << YAML::BeginMap << YAML::Key << "asset" << YAML::Value;
        emit_scalar(out, entry.asset);
        out << YAML::Key << "name" << YAML::Value << entry.name.full();
        out << YAML::Key << "hash" << YAML::Value << entry.hash;
        out << YAML::Key << "files" << YAML::Value << YAML::BeginMap;
        for (const auto& [name, hash] : entry.files) {
            out << YAML::Key;
            emit_scalar(out, name);
            out << YAML::Value << hash;
        }
        out << YAML::EndMap << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    if (!out.good()) {
        throw InternalError("cannot write the lock file: " + out.GetLastError());
    }
    return header + out.c_str() + "\n";
}

Lock read_lock(const fs::path& path) {
    YAML::Node root = parse_yaml(read_file(path), path);
    if (!root.IsMap()) {
        throw ParseError(path.string() + ":1:1: a lock file is a mapping with 'version' and 'mechanisms' "
                                         "(write a new one with '" + Remedy{Remedy::Kind::lock} + "')");
    }
    check_yaml_keys(root, {"version", "mechanisms"}, path);
    std::string version = root["version"] ? yaml_scalar(root["version"], "'version'", path) : "";
    if (version != std::to_string(kLockVersion)) {
        std::string where = root["version"] ? yaml_location(path, root["version"]) : path.string() + ":1:1: ";
        if (version == "1") {
            throw ParseError(where + "a version 1 lock file: its hashes are not cryptographic (collisions can be "
                                     "made), so glia no longer trusts it. Check that the model's mechanisms are the "
                                     "ones you mean, then re-lock with SHA-256 (version 2) by running " +
                             relock_command(root, path));
        }
        throw ParseError(where + "unsupported lock file version (this glia reads version " +
                         std::to_string(kLockVersion) + "); write a new one with '" + Remedy{Remedy::Kind::lock} + "'");
    }
    Lock lock;
    YAML::Node mechanisms = root["mechanisms"];
    if (!mechanisms) {
        return lock;
    }
    if (!mechanisms.IsSequence()) {
        throw ParseError(yaml_location(path, mechanisms) + "'mechanisms' must be a list");
    }
    for (const auto& node : mechanisms) {
        if (!node.IsMap() || !node["name"] || !node["hash"]) {
            throw ParseError(yaml_location(path, node) + "each locked mechanism needs 'name' and 'hash'");
        }
        check_yaml_keys(node, {"asset", "name", "hash", "files"}, path);
        LockEntry entry;
        std::string full = yaml_scalar(node["name"], "'name'", path);
        auto name = try_parse_full_name(full);
        if (!name) {
            throw ParseError(yaml_location(path, node["name"]) + "'" + full +
                             "' is not a full mechanism name (glia__<package>__<asset>__<variant>)");
        }
        entry.name = *name;
        entry.asset = node["asset"] ? yaml_scalar(node["asset"], "'asset'", path) : full;
        entry.hash = yaml_scalar(node["hash"], "'hash'", path);
        if (!is_sha256_hex(entry.hash)) {
            throw ParseError(yaml_location(path, node["hash"]) +
                             "'hash' must be a SHA-256 digest (64 lowercase hex digits); re-lock with " +
                             relock_command(root, path));
        }
        if (YAML::Node files = node["files"]) {
            if (!files.IsMap()) {
                throw ParseError(yaml_location(path, files) + "'files' must map file names to hashes");
            }
            for (const auto& file : files) {
                entry.files.emplace_back(yaml_scalar(file.first, "a file name", path),
                                         yaml_scalar(file.second, "a file hash", path));
            }
        }
        lock.entries.push_back(std::move(entry));
    }
    return lock;
}

LockProblem LockProblem::of(const LockEntry& entry, Message what) {
    return {entry, {Severity::error, std::move(what), {}, entry.name.package, entry.asset}};
}

std::vector<LockProblem> verify_lock(const Lock& lock, const std::vector<Package>& packages) {
    std::vector<LockProblem> problems;
    for (const auto& entry : lock.entries) {
        const ModFile* mod = find_mod(packages, entry.name);
        if (!mod) {
            bool has_package = false;
            for (const auto& package : packages) {
                has_package = has_package || package.name == entry.name.package;
            }
            problems.push_back(LockProblem::of(
                entry, has_package ? "package '" + entry.name.package + "' no longer has " + entry.name.pretty()
                                   : "package '" + entry.name.package + "' is not installed"));
            continue;
        }
        auto now = mechanism_files(*mod);
        if (mechanism_hash(now) == entry.hash) {
            continue;
        }
        // Say which files differ: the locked list against the current one, by name.
        std::string changed;
        fs::path dir = mod->path.parent_path();
        // The mod itself is the first file on both lists (its name may differ: a renamed file);
        // includes are matched by the name the mod INCLUDEs them with.
        auto locked_hash_of = [&](size_t i) -> const std::string* {
            if (i == 0) {
                return entry.files.empty() ? nullptr : &entry.files.front().second;
            }
            for (size_t j = 1; j < entry.files.size(); ++j) {
                if (entry.files[j].first == now[i].first) {
                    return &entry.files[j].second;
                }
            }
            return nullptr;
        };
        for (size_t i = 0; i < now.size(); ++i) {
            std::string shown = (i == 0 ? mod->path : dir / now[i].first).string();
            const std::string* locked = locked_hash_of(i);
            if (!locked) {
                changed += (changed.empty() ? "" : ", ") + shown + " is new";
            } else if (*locked != now[i].second) {
                changed += (changed.empty() ? "" : ", ") + shown + " changed";
            }
        }
        for (size_t j = 1; j < entry.files.size(); ++j) {
            bool still = false;
            for (size_t i = 1; i < now.size(); ++i) {
                still = still || now[i].first == entry.files[j].first;
            }
            if (!still) {
                changed += (changed.empty() ? "" : ", ") + entry.files[j].first + " is no longer included";
            }
        }
        if (changed.empty()) {
            changed = mod->path.string() + " changed";
        }
        problems.push_back(LockProblem::of(entry, changed));
    }
    return problems;
}

void check_lock_in(const fs::path& dir, const std::vector<Package>& packages) {
    check_lock_in(dir, [&]() -> const std::vector<Package>& { return packages; });
}

void check_lock_in(const fs::path& dir, const std::function<const std::vector<Package>&()>& discover) {
    fs::path path = dir / kLockName;
    boost::system::error_code ec;
    if (!fs::exists(path, ec)) {
        return;
    }
    Lock lock = read_lock(path);
    auto problems = verify_lock(lock, discover());
    if (problems.empty()) {
        return;
    }
    Message message = path.string() + ": " + std::to_string(problems.size()) + " of the model's " +
                      std::to_string(lock.entries.size()) +
                      " locked mechanisms changed since it was locked, so glia refuses to load them:";
    for (const auto& problem : problems) {
        message +=
            "\n  " + problem.entry.name.full() + " (asset " + problem.entry.asset + "): " + problem.diagnostic.message;
    }
    message += "\nRestore the locked versions, or accept the current ones with '" + relock(lock) + "' in " +
               (dir.empty() ? std::string(".") : dir.string()) + ".";
    throw LockMismatch(message, {.file = path.string()});
}

} // namespace glia
