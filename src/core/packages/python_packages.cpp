#include "packages/python_packages.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/file_stamp.hpp"
#include "base/process.hpp"
#include "base/text.hpp"

#include "base/record_text.hpp"

#include <algorithm>

namespace glia {

namespace {

constexpr const char* kDebianPython = "/usr/bin/python3";

// "3.11" for a /usr/bin/python3 that links to python3.11 (Debian's layout); empty otherwise.
std::string debian_python_version() {
    boost::system::error_code ec;
    fs::path target = fs::read_symlink(kDebianPython, ec);
    std::string name = target.filename().string();
    return !ec && name.starts_with("python3.") ? name.substr(6) : std::string();
}

// The value of `key = value` in a virtual environment's pyvenv.cfg, or empty.
std::string venv_setting(const std::string& cfg, const std::string& key) {
    for (const auto& line : split_lines(cfg)) {
        size_t eq = line.find('=');
        if (eq != std::string::npos && trim(std::string_view(line).substr(0, eq)) == key) {
            return trim(std::string_view(line).substr(eq + 1));
        }
    }
    return {};
}

// "3.11" from pyvenv.cfg's "version = 3.11.2" (newer Pythons write version_info).
std::string major_minor(const std::string& version) {
    size_t first = version.find('.');
    size_t second = first == std::string::npos ? first : version.find('.', first + 1);
    return second == std::string::npos ? version : version.substr(0, second);
}

// The `[glia.package]` entries of an entry_points.txt: "name = module:attr [extras]".
std::vector<std::pair<std::string, std::string>> glia_entry_points(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> entries;
    bool in_section = false;
    for (const auto& raw : split_lines(text)) {
        std::string line = trim(raw);
        if (line.empty() || line[0] == '#' || line[0] == ';') {
            continue;
        }
        if (line.front() == '[') {
            in_section = line == "[glia.package]";
            continue;
        }
        size_t eq = line.find('=');
        if (!in_section || eq == std::string::npos) {
            continue;
        }
        std::string value = trim(std::string_view(line).substr(eq + 1));
        value = trim(std::string_view(value).substr(0, value.find('['))); // extras do not matter here
        entries.emplace_back(trim(std::string_view(line).substr(0, eq)), value);
    }
    return entries;
}

// METADATA's `Name:` and `Version:` (its header ends at the first empty line).
void read_metadata(const fs::path& file, std::string& name, std::string& version) {
    for (const auto& line : split_lines(read_file(file))) {
        if (trim(line).empty()) {
            break;
        }
        if (line.starts_with("Name:")) {
            name = trim(std::string_view(line).substr(5));
        } else if (line.starts_with("Version:")) {
            version = trim(std::string_view(line).substr(8));
        }
    }
}

// The file whose code makes a module: `<dir>/__init__.py` of a folder, else `<module>.py`.
fs::path module_file(const GliaDistribution& dist) {
    fs::path base = dist.site.dir;
    std::string module = dist.module;
    std::replace(module.begin(), module.end(), '.', '/');
    base /= module;
    boost::system::error_code ec;
    return fs::is_directory(base, ec) ? base / "__init__.py" : fs::path(base.string() + ".py");
}

// The stamps a 4.x declaration is remembered by: what pip rewrites on every install (RECORD,
// entry_points.txt) and the module's own file, which an edit in place changes.
std::string declaration_stamps(const GliaDistribution& dist) {
    return FileStamp::of(dist.dist_info / "RECORD").text() + ";" +
           FileStamp::of(dist.dist_info / "entry_points.txt").text() + ";" + FileStamp::of(module_file(dist)).text();
}

// Run by the distribution's own Python: imports the advertised module with a stand-in `glia`
// module whose Package and Mod only record their arguments (the real Glia need not be
// installed, and this glia's module would start NEURON), then prints the declaration, one
// TAB-separated record per line.
constexpr const char* kReadDeclaration = R"PY(
import importlib, sys, types
site, module, attribute = sys.argv[1:4]
sys.path.insert(0, site)
class Mod:
    def __init__(self, relpath, asset_name, *args, variant="0", dialect=None, builtin=False, **ignored):
        if args:
            variant = args[0]
        self.relpath, self.asset_name, self.variant = str(relpath), str(asset_name), str(variant)
        self.dialect, self.builtin = dialect, builtin
class Package:
    def __init__(self, name, root, *args, mods=None, builtin=False, **ignored):
        self.name, self.root, self.mods, self.builtin = str(name), str(root), list(mods or []), builtin
stand_in = types.ModuleType("glia")
stand_in.Mod, stand_in.Package, stand_in.__path__ = Mod, Package, []
sys.modules["glia"] = stand_in
declared = importlib.import_module(module)
for part in (attribute or "package").split("."):
    declared = getattr(declared, part)
if not isinstance(declared, Package):
    sys.exit(f"{module}:{attribute or 'package'} is {type(declared).__name__}, not a glia Package(...)")
print("package", declared.name, declared.root, sep="\t")
for mod in declared.mods:
    if mod.builtin or mod.dialect not in (None, "neuron"):
        continue  # NEURON's own mechanisms, and mods written for Arbor
    print("mod", mod.relpath, mod.asset_name, mod.variant, sep="\t")
)PY";

Glia4Declaration ask_python(const GliaDistribution& dist, const std::string& where) {
    ProcessResult result =
        run_process({dist.site.python.string(), "-c", kReadDeclaration, dist.site.dir.string(), dist.module,
                     dist.attribute},
                    dist.site.dir, {{"PYTHONDONTWRITEBYTECODE", "1"}});
    if (!result.ok()) {
        throw Error(where + ": " + dist.site.python.string() + " could not read its Package(...) declaration:\n" +
                    result.output);
    }
    Glia4Declaration declared;
    bool named = false;
    for (const auto& line : split_lines(result.output)) {
        auto f = record::fields(line);
        if (f.size() == 3 && f[0] == "package") {
            declared.name = std::string(f[1]);
            declared.root = std::string(f[2]);
            named = true;
        } else if (f.size() == 4 && f[0] == "mod") {
            declared.mods.push_back({fs::path(std::string(f[1])), std::string(f[2]), std::string(f[3])});
        } // anything else was printed by the module itself
    }
    if (!named) {
        throw Error(where + ": " + dist.site.python.string() + " printed no declaration:\n" + result.output);
    }
    return declared;
}

// `mod/` of the module's folder holding glia__<pkg>__<asset>__<variant>.mod files: Glia 0.x.
bool is_glia0_layout(const fs::path& dir) {
    boost::system::error_code ec;
    return fs::is_directory(dir / "mod", ec) && is_package_dir(dir / "mod");
}

constexpr const char* kMemoHeader = "glia-python-packages\t1";
constexpr char kFieldSeparator = '\x1f';
constexpr char kModSeparator = '\x1e';

std::string memo_key(const GliaDistribution& dist) {
    return stamp_key(dist.dist_info) + "\t" + dist.module + ":" + dist.attribute;
}

} // namespace

std::vector<PythonSite> python_site_dirs() {
    std::vector<PythonSite> sites;
    std::string version = debian_python_version();
    bool system_site = true;
    std::string venv = env_or("VIRTUAL_ENV", "");
    if (!venv.empty()) {
        std::string cfg;
        try {
            cfg = read_file(fs::path(venv) / "pyvenv.cfg");
        } catch (const Error&) {
        }
        std::string venv_version = major_minor(venv_setting(cfg, "version_info"));
        if (venv_version.empty()) {
            venv_version = major_minor(venv_setting(cfg, "version"));
        }
        if (!cfg.empty() && !venv_version.empty()) {
            sites.push_back({fs::path(venv) / "lib" / ("python" + venv_version) / "site-packages",
                             fs::path(venv) / "bin" / "python3"});
            system_site = venv_setting(cfg, "include-system-site-packages") == "true";
        }
    }
    // Python leaves the user site out inside a virtual environment, and when told to.
    if (sites.empty() && env_or("PYTHONNOUSERSITE", "").empty() && !version.empty()) {
        try {
            sites.push_back({xdg_dir("PYTHONUSERBASE", ".local") / "lib" / ("python" + version) / "site-packages",
                             kDebianPython});
        } catch (const Error&) {
            // no home: no user site
        }
    }
    if (system_site) {
        if (!version.empty()) {
            sites.push_back({"/usr/local/lib/python" + version + "/dist-packages", kDebianPython});
        }
        sites.push_back({"/usr/lib/python3/dist-packages", kDebianPython});
    }
    return sites;
}

std::vector<GliaDistribution> glia_distributions(const PythonSite& site, std::vector<Diagnostic>& problems) {
    std::vector<fs::path> dist_infos;
    boost::system::error_code ec;
    for (fs::directory_iterator it(site.dir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->path().extension() == ".dist-info") {
            dist_infos.push_back(it->path());
        }
    }
    std::sort(dist_infos.begin(), dist_infos.end());
    std::vector<GliaDistribution> found;
    for (const auto& dist_info : dist_infos) {
        std::optional<std::string> text;
        try {
            text = read_file_if_present(dist_info / "entry_points.txt");
        } catch (const Error&) {
            continue; // unreadable: as good as none
        }
        if (!text) {
            continue; // no entry points (most distributions): not a Glia package
        }
        auto entries = glia_entry_points(*text);
        if (entries.empty()) {
            continue;
        }
        GliaDistribution dist;
        dist.dist_info = dist_info;
        dist.site = site;
        try {
            read_metadata(dist_info / "METADATA", dist.name, dist.version);
        } catch (const Error& e) {
            problems.push_back(retold(e.diagnostic(), "Python distribution in " + dist_info.string() + " skipped: "));
            continue;
        }
        if (dist.name.empty()) {
            problems.push_back({Severity::error,
                                "Python distribution in " + dist_info.string() + " skipped: " +
                                    (dist_info / "METADATA").string() + " has no 'Name:' line; reinstall it with pip",
                                {(dist_info / "METADATA").string()}});
            continue;
        }
        for (const auto& entry : entries) {
            const std::string& value = entry.second; // entry.first, the entry point's name, does not matter
            size_t colon = value.find(':');
            dist.module = trim(std::string_view(value).substr(0, colon));
            dist.attribute = colon == std::string::npos ? std::string() : trim(std::string_view(value).substr(colon + 1));
            found.push_back(dist);
        }
    }
    return found;
}

fs::path module_dir(const GliaDistribution& dist) {
    fs::path file = module_file(dist);
    boost::system::error_code ec;
    if (file.filename() != "__init__.py" || !fs::is_regular_file(file, ec)) {
        throw Error((dist.dist_info / "entry_points.txt").string() + ": the glia.package entry point names module '" +
                    dist.module + "', which is not a folder with __init__.py in " + dist.site.dir.string() +
                    " (a module that is a single file cannot hold mods); reinstall distribution '" + dist.name + "'");
    }
    return file.parent_path();
}

Package load_python_package(const GliaDistribution& dist, ScanMemo* memo, DeclarationMemo* declarations,
                            const std::function<bool(const std::string&)>& wanted) {
    fs::path dir = module_dir(dist);
    std::string where = (dist.dist_info / "entry_points.txt").string() + " (" + dist.module + ":" +
                        (dist.attribute.empty() ? "package" : dist.attribute) + ")";
    Package package;
    if (is_glia0_layout(dir)) {
        package = load_package(dir / "mod", memo, wanted);
    } else {
        int64_t asked_at = now_ns();
        std::string stamps = declaration_stamps(dist);
        const Glia4Declaration* known = declarations ? declarations->find(dist) : nullptr;
        Glia4Declaration declared;
        if (known) {
            declared = *known;
        } else {
            declared = ask_python(dist, where);
            if (declarations) {
                declarations->count_python_start();
                declarations->put(dist, stamps, asked_at, declared);
            }
        }
        // The root is the module's folder in every Glia 4.x package; one elsewhere would let a
        // declaration reach outside the distribution, so it is refused.
        boost::system::error_code ec;
        if (!fs::equivalent(declared.root, dir, ec)) {
            throw Error(where + ": Package(...) gives the root " + declared.root.string() + ", not the module's folder " +
                        dir.string() + "; a package's mods must lie in its own module (use Path(__file__).parent)");
        }
        if (wanted && !wanted(declared.name)) {
            package.name = declared.name; // not loaded: its mods are neither listed nor read
            package.dir = dir;
        } else {
            package = load_declared_package(dir, declared.name, declared.mods, where, memo);
        }
    }
    package.version = package.version.empty() ? dist.version : package.version;
    package.distribution = dist.name;
    package.distribution_version = dist.version;
    package.distribution_path = dist.dist_info;
    return package;
}

fs::path declaration_memo_path(const fs::path& root) { return root / "python-packages"; }

const CacheFormat& declaration_memo_format() {
    static const CacheFile format("python-packages", "glia-python-packages");
    return format;
}

// One record per line, fields separated by TAB (record_text.hpp):
//   memo  := "glia-python-packages" TAB version NL entry*
//   entry := "decl" TAB dist_info TAB module:attribute TAB recorded_ns TAB stamps TAB name TAB root
//            TAB mods NL
// where mods joins "file US asset US variant" with RS.
DeclarationMemo DeclarationMemo::load(const fs::path& file) {
    DeclarationMemo memo;
    std::string text = read_memo_text(file);
    record::Lines lines(text);
    std::string_view line;
    if (!lines.next(line) || line != kMemoHeader) {
        return memo;
    }
    DeclarationMemo parsed;
    while (lines.next(line)) {
        auto f = record::fields(line);
        Entry entry;
        if (f.size() != 8 || f[0] != "decl" || !record::number(f[3], entry.recorded_ns)) {
            return memo;
        }
        entry.stamps = std::string(f[4]);
        entry.declared.name = std::string(f[5]);
        entry.declared.root = std::string(f[6]);
        std::string_view mods = f[7];
        while (!mods.empty()) {
            std::string_view mod = mods.substr(0, mods.find(kModSeparator));
            mods.remove_prefix(std::min(mods.size(), mod.size() + 1));
            size_t a = mod.find(kFieldSeparator);
            size_t b = a == std::string_view::npos ? a : mod.find(kFieldSeparator, a + 1);
            if (b == std::string_view::npos) {
                return memo;
            }
            entry.declared.mods.push_back({fs::path(std::string(mod.substr(0, a))),
                                           std::string(mod.substr(a + 1, b - a - 1)), std::string(mod.substr(b + 1))});
        }
        parsed.entries_[std::string(f[1]) + "\t" + std::string(f[2])] = std::move(entry);
    }
    if (!lines.complete()) {
        return memo;
    }
    return parsed; // moved, not copied as a conditional expression would
}

const Glia4Declaration* DeclarationMemo::find(const GliaDistribution& dist) {
    auto it = entries_.find(memo_key(dist));
    if (it == entries_.end() || it->second.stamps != declaration_stamps(dist)) {
        return nullptr;
    }
    // A file changed within the clock's granularity of the moment Python read it could hide behind
    // equal stamps (FileStamp::settled); such an answer is asked again.
    for (const auto& file : {dist.dist_info / "RECORD", dist.dist_info / "entry_points.txt", module_file(dist)}) {
        FileStamp now = FileStamp::of(file);
        if (now.exists && !now.settled(it->second.recorded_ns, kStampMarginNs)) {
            return nullptr;
        }
    }
    return &it->second.declared;
}

void DeclarationMemo::put(const GliaDistribution& dist, const std::string& stamps, int64_t recorded_ns,
                          Glia4Declaration declared) {
    auto fits = [](const std::string& text) {
        return record::fits(text) && text.find(kModSeparator) == std::string::npos;
    };
    if (!fits(stamp_key(dist.dist_info)) || !fits(dist.module + dist.attribute) || !fits(declared.name) ||
        !fits(declared.root.string())) {
        return;
    }
    for (const auto& mod : declared.mods) {
        if (!fits(mod.file.string()) || !fits(mod.asset) || !fits(mod.variant)) {
            return;
        }
    }
    entries_[memo_key(dist)] = Entry{stamps, recorded_ns, std::move(declared)};
    changed_ = true;
}

void DeclarationMemo::save_if_changed(const fs::path& file) const {
    if (!changed_) {
        return;
    }
    std::string out = std::string(kMemoHeader) + "\n";
    for (const auto& [key, e] : entries_) {
        boost::system::error_code ec;
        if (!fs::exists(fs::path(key.substr(0, key.find('\t'))), ec)) {
            continue; // uninstalled since
        }
        std::string mods;
        for (const auto& mod : e.declared.mods) {
            mods += (mods.empty() ? "" : std::string(1, kModSeparator)) + mod.file.string() + kFieldSeparator +
                    mod.asset + kFieldSeparator + mod.variant;
        }
        out += "decl\t" + key + "\t" + std::to_string(e.recorded_ns) + "\t" + e.stamps + "\t" + e.declared.name +
               "\t" + e.declared.root.string() + "\t" + mods + "\n";
    }
    try {
        make_dirs(file.parent_path(), cache_advice());
        write_file_atomic(file, out);
    } catch (const std::exception&) {
        // Only a shortcut: the next run asks Python again.
    }
}

} // namespace glia
