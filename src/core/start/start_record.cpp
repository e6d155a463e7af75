#include "start/start_record.hpp"

#include "store/cache.hpp"
#include "base/hash.hpp"
#include "build/manifest.hpp"
#include "packages/scan_memo.hpp"

#include "base/record_text.hpp"

#include <set>

// One record per line, fields separated by TAB (record_text.hpp):
//
//   record  := "glia-start" TAB version TAB key NL input* (package mod*)* set
//   input   := "input" TAB stamp TAB path NL
//   package := "package" TAB name TAB origin TAB version TAB description TAB dir TAB library_key TAB library
//              TAB mod_count NL
//   mod     := "mod" TAB asset TAB variant TAB scan NL       (scan: the scan memo's record, scan_memo.hpp)
//   set     := "set" TAB key TAB path NL
//
// A mod's own stamp is its scan's. The packages come in discovery's order, each library's mechanisms in
// the order of its package's mods.

namespace glia {

namespace {

constexpr const char* kHeader = "glia-start";
constexpr const char* kVersion = "1"; // changes with the scan memo's records (scan_memo.cpp), which it holds

/// The stamps a record checks, by path (a folder reached twice is stamped once).
class Inputs {
  public:
    /// Stamps `path` now; false if it had not settled by `started_ns`.
    bool add(const fs::path& path, int64_t started_ns) {
        std::string key = stamp_key(path);
        if (!seen_.insert(key).second) {
            return true;
        }
        FileStamp stamp = FileStamp::of(path);
        lines_ += "input\t" + stamp.text() + "\t" + key + "\n";
        return record::fits(key) && stamp.settled(started_ns, kStampMarginNs);
    }
    /// A folder of the search path or a package: it, its manifest and its mods folder.
    bool add_folder(const fs::path& dir, int64_t started_ns) {
        return add(dir, started_ns) && add(dir / kManifestName, started_ns) && add(dir / kModsFolderName, started_ns);
    }
    const std::string& lines() const { return lines_; }

  private:
    std::set<std::string> seen_;
    std::string lines_;
};

/// True if nothing about `found` and `built` keeps them from being recorded at a start that began at
/// `started_ns`: every mod's stamp, as discovery took it, had settled by then (checked again with a stat
/// when the record is written).
bool clean(const Discovery& found, const BuildResult& built, int64_t started_ns) {
    if (!found.problems.empty() || !found.shadowed.empty() || !built.ok() || built.set_library.empty() ||
        built.libraries.size() != found.packages.size()) {
        return false;
    }
    for (size_t p = 0; p < found.packages.size(); ++p) {
        const Package& package = found.packages[p];
        const PackageLibrary& lib = built.libraries[p];
        if (package.origin == "python" || !package.distribution.empty() || lib.package != package.name ||
            !lib.failures.empty() || !lib.warnings.empty() || lib.mechanisms.size() != package.mods.size() ||
            lib.library.empty() != package.mods.empty()) {
            return false;
        }
        for (size_t m = 0; m < package.mods.size(); ++m) {
            if (lib.mechanisms[m] != package.mods[m].name || package.mods[m].own_name ||
                !package.mods[m].stamp.settled(started_ns, kStampMarginNs)) {
                return false;
            }
        }
    }
    return true;
}

/// The stamps of everything that decided `found` and `built`, as input lines; nullopt if one had not
/// settled by `started_ns` (or cannot be written).
std::optional<std::string> stamp_inputs(int64_t started_ns, const StartQuestion& question, const Discovery& found,
                                        const BuildResult& built, const fs::path& cache) {
    Inputs inputs;
    // The libraries first: right after a build they have not settled, and nothing more need be stamped.
    if (!inputs.add(built.set_library, started_ns)) {
        return std::nullopt;
    }
    for (const auto& lib : built.libraries) {
        if (!lib.library.empty() && !inputs.add(lib.library, started_ns)) {
            return std::nullopt;
        }
    }
    BuildManifest manifest = BuildManifest::load(manifest_path(cache));
    const std::string toolchain = manifest_toolchain(question.toolchain, {question.include_dirs, {}});
    for (const auto& root : question.roots) {
        if (root.origin == "python") {
            // A distribution installed or removed changes its site folder: no Python package is recorded.
            if (!inputs.add(root.dir, started_ns)) {
                return std::nullopt;
            }
            continue;
        }
        if (!inputs.add_folder(root.dir, started_ns)) {
            return std::nullopt;
        }
        for (const auto& dir : folders_to_search(root)) {
            if (!inputs.add_folder(dir, started_ns)) {
                return std::nullopt;
            }
        }
    }
    for (const auto& package : found.packages) {
        if (!inputs.add_folder(package.dir, started_ns)) {
            return std::nullopt;
        }
        for (const auto& mod : package.mods) {
            // What the build keyed the mod's object by: every place of its includes, nested ones too, and
            // whatever else the compiler read, as the build manifest stamps them.
            auto entry = manifest.find(stamp_key(mod.path), mod.name.full(), toolchain);
            if (!entry) {
                return std::nullopt;
            }
            for (const auto& [place, stamp] : entry->includes) {
                if (!inputs.add(fs::path(std::string(place)), started_ns)) {
                    return std::nullopt;
                }
            }
        }
    }
    return inputs.lines();
}

/// The package and mod lines of `found` and `built`; nullopt if one cannot be written as a record or a mod
/// changed since discovery stamped it (`clean` saw that stamp settled by `started_ns`).
std::optional<std::string> package_lines(int64_t started_ns, const Discovery& found, const BuildResult& built) {
    std::string out;
    for (size_t p = 0; p < found.packages.size(); ++p) {
        const Package& package = found.packages[p];
        const PackageLibrary& lib = built.libraries[p];
        for (std::string_view field : {std::string_view(package.name), std::string_view(package.origin),
                                       std::string_view(package.version), std::string_view(package.description),
                                       std::string_view(package.dir.native()), std::string_view(lib.key),
                                       std::string_view(lib.library.native())}) {
            if (!record::fits(field)) {
                return std::nullopt;
            }
        }
        out += "package\t" + package.name + "\t" + package.origin + "\t" + package.version + "\t" +
               package.description + "\t" + package.dir.string() + "\t" + lib.key + "\t" + lib.library.string() +
               "\t" + std::to_string(package.mods.size()) + "\n";
        for (const auto& mod : package.mods) {
            // Discovery's stamp, still the file's now: its scan holds.
            if (FileStamp::of(mod.path) != mod.stamp || !record::fits(mod.name.asset) ||
                !record::fits(mod.name.variant)) {
                return std::nullopt;
            }
            std::string scan = scan_record(mod.path.native(), started_ns, mod.stamp, mod.nmodl);
            if (scan.empty()) {
                return std::nullopt;
            }
            out += "mod\t" + mod.name.asset + "\t" + mod.name.variant + "\t" + scan + "\n";
        }
    }
    return out;
}

/// Reads one `package` line into a package, its library and how many mods follow; false if it is none.
bool read_package(std::string_view line, Package& package, PackageLibrary& lib, size_t& mods) {
    std::array<std::string_view, 9> f;
    if (!record::fields_exactly(line, f) || f[0] != "package" || !record::number(f[8], mods)) {
        return false;
    }
    package.mods.reserve(mods);
    lib.mechanisms.reserve(mods);
    package.name = f[1];
    package.origin = f[2];
    package.version = f[3];
    package.description = f[4];
    package.dir = std::string(f[5]);
    lib.package = package.name;
    lib.key = f[6];
    lib.library = std::string(f[7]);
    return true;
}

/// Reads one `mod` line of `package` into a mod whose file is as recorded; false if it is none, or the
/// file changed.
bool read_mod(std::string_view line, const std::string& package, ModFile& mod) {
    std::array<std::string_view, 3> head;
    size_t at = 0;
    for (auto& field : head) {
        size_t tab = line.find('\t', at);
        if (tab == std::string_view::npos) {
            return false;
        }
        field = line.substr(at, tab - at);
        at = tab + 1;
    }
    std::string_view path;
    int64_t recorded_ns = 0;
    if (head[0] != "mod" || !read_scan_record(line.substr(at), path, recorded_ns, mod.stamp, mod.nmodl)) {
        return false;
    }
    mod.name = MechanismName{package, std::string(head[1]), std::string(head[2])};
    mod.path = fs::path(path.begin(), path.end());
    return FileStamp::of(mod.path) == mod.stamp;
}

} // namespace

std::string start_key(const StartQuestion& question) {
    Hasher h;
    h.field("format", kVersion).field("glia", GLIA_VERSION).field("toolchain", question.toolchain);
    for (const auto& root : question.roots) {
        // Absolute: a relative GLIA_PATH entry read from another folder is another folder.
        h.field("root", stamp_key(root.dir)).field("origin", root.origin).field("python", root.python.native());
    }
    if (question.only) {
        h.field("only", question.only->source);
        for (const auto& listed : question.only->packages) {
            h.field("listed", listed.name);
        }
    }
    for (const auto& dir : question.include_dirs) {
        h.field("include_dir", dir.native());
    }
    return h.hex();
}

std::optional<RecordedStart> recorded_start(const fs::path& file) {
    try {
        std::string text = read_memo_text(file);
        record::Lines lines(text);
        std::string_view line;
        std::array<std::string_view, 3> head;
        if (!lines.next(line) || !record::fields_exactly(line, head) || head[0] != kHeader || head[1] != kVersion ||
            head[2] != file.filename().native()) {
            return std::nullopt;
        }
        RecordedStart start;
        std::vector<size_t> mod_counts; // each package's, as its line says
        bool ended = false;
        while (!ended && lines.next(line)) {
            std::array<std::string_view, 3> f;
            if (line.starts_with("input\t")) {
                FileStamp recorded;
                if (!record::fields_exactly(line, f) || !FileStamp::parse(f[1], recorded) ||
                    FileStamp::of(fs::path(f[2].begin(), f[2].end())) != recorded) {
                    return std::nullopt;
                }
            } else if (line.starts_with("package\t")) {
                Package& package = start.found.packages.emplace_back();
                if (!read_package(line, package, start.built.libraries.emplace_back(), mod_counts.emplace_back())) {
                    return std::nullopt;
                }
            } else if (line.starts_with("mod\t") && !start.found.packages.empty()) {
                Package& package = start.found.packages.back();
                ModFile& mod = package.mods.emplace_back();
                if (!read_mod(line, package.name, mod)) {
                    return std::nullopt;
                }
                start.built.libraries.back().mechanisms.push_back(mod.name);
            } else if (record::fields_exactly(line, f) && f[0] == "set") {
                start.built.set_key = f[1];
                start.built.set_library = std::string(f[2]); // stamped among the inputs
                ended = true;
            } else {
                return std::nullopt;
            }
        }
        if (!ended || lines.next(line) || !lines.complete()) {
            return std::nullopt;
        }
        for (size_t p = 0; p < mod_counts.size(); ++p) {
            if (start.found.packages[p].mods.size() != mod_counts[p]) {
                return std::nullopt;
            }
        }
        return start;
    } catch (const std::exception&) {
        return std::nullopt; // a path boost refuses, memory: the full way
    }
}

bool record_start(const fs::path& file, int64_t started_ns, const StartQuestion& question, const Discovery& found,
                  const BuildResult& built) {
    try {
        if (!clean(found, built, started_ns)) {
            return false;
        }
        std::optional<std::string> inputs = stamp_inputs(started_ns, question, found, built,
                                                         file.parent_path().parent_path()); // <cache>/starts/<key>
        std::optional<std::string> packages = inputs ? package_lines(started_ns, found, built) : std::nullopt;
        if (!packages || !record::fits(built.set_key)) {
            return false;
        }
        std::string text = std::string(kHeader) + "\t" + kVersion + "\t" + file.filename().string() + "\n" + *inputs +
                           *packages + "set\t" + built.set_key + "\t" + built.set_library.string() + "\n";
        make_dirs(file.parent_path(), cache_advice());
        write_file_atomic(file, text);
        return true;
    } catch (const std::exception&) {
        return false; // a read-only or full cache: the next start goes the full way again
    }
}

namespace {
constexpr const char* kStartsDir = "starts";

// Removes the start records `remove_it` accepts: only plain files named as keys.
size_t remove_start_records(const fs::path& root, const std::function<bool(const fs::path&)>& remove_it) {
    size_t removed = 0;
    for (const auto& file : entries_of(root / kStartsDir)) {
        boost::system::error_code ec;
        if (is_cache_key(file.filename().string()) && is_plain_file(file) && remove_it(file) && fs::remove(file, ec)) {
            ++removed;
        }
    }
    return removed;
}

class StartRecordFormat : public CacheFormat {
  public:
    std::optional<fs::path> foreign_in(const fs::path& entry) const override {
        if (entry.filename() != kStartsDir || !is_real_dir(entry)) {
            return std::nullopt;
        }
        for (const auto& file : entries_of(entry)) {
            std::string record = file.filename().string();
            size_t tmp = record.find(".tmp.");
            bool temporary =
                record.starts_with(".") && tmp != std::string::npos && is_cache_key(record.substr(1, tmp - 1));
            if (!((is_cache_key(record) || temporary) && is_plain_file(file)) && !is_gone(file)) {
                return file;
            }
        }
        return fs::path();
    }
    void clear(const fs::path& root) const override {
        remove_start_records(root, [](const fs::path&) { return true; });
        boost::system::error_code ec;
        fs::remove(root / kStartsDir, ec); // only if empty: what glia did not write stays
    }
    void collect(const fs::path& root, GarbageCollected& removed) const override {
        removed.start_records +=
            remove_start_records(root, [](const fs::path& file) { return !recorded_start(file).has_value(); });
    }
};
} // namespace

fs::path start_record_path(const fs::path& root, const std::string& key) { return root / kStartsDir / key; }

const CacheFormat& start_record_format() {
    static const StartRecordFormat format;
    return format;
}

} // namespace glia
