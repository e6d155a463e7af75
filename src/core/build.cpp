#include "glia/build.hpp"
#include "glia/failure_memo.hpp"

#include "glia/cache.hpp"
#include "glia/error.hpp"
#include "glia/hash.hpp"
#include "glia/manifest.hpp"
#include "glia/process.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <unistd.h>

namespace glia {

namespace {

// Bumped whenever the way objects or libraries are made changes, so old cache entries are not reused.
constexpr const char* kBuildFormat = "glia-build-1";

struct ObjectJob {
    const ModFile* mod;
    std::string path;   // the mod file, absolute
    std::string source; // the rewritten mod text (read only when the stamps do not vouch for the key)
    bool have_source = false;
    std::string key;
    fs::path object;
    bool ok = false;
    bool reused = false;
    bool scratch_lost = false; // the failure came from its scratch folder vanishing (not from the mod)
    bool tools_refused = false; // nocmodl or the compiler failed on the mod itself: worth remembering
    ModFailure failure;
};

// Reads and rewrites the mod, hashes it with its includes, and notes in `entry` the stamps of
// everything read. Stamps are taken before reading, so a write during the read makes them stale.
void hash_job(ObjectJob& job, const std::string& toolchain_id, const std::vector<fs::path>& include_dirs,
              ManifestMod& entry) {
    const ModFile& mod = *job.mod;
    entry.path = job.path;
    entry.name = mod.name.full();
    entry.toolchain = toolchain_id;
    entry.recorded_ns = now_ns();
    entry.stamp = FileStamp::of(job.path); // now, not discovery's: this read is what gets hashed
    std::string text = read_file(mod.path);
    job.source = build_source(mod, text);
    job.have_source = true;
    Hasher h;
    h.field("format", kBuildFormat).field("name", mod.name.full()).field("source", job.source);
    if (mod.own_name) {
        h.field("own_name", translation_stem(mod)); // its registration function is named after the file
    }
    fs::path dir = fs::path(job.path).parent_path();
    for (const auto& include : mod.nmodl.includes) {
        // Every place the include may be found: the mod's folder, then each -I directory (the compiler
        // may pick either first), each stamped, so one appearing or changing anywhere recompiles the mod.
        std::vector<fs::path> places = {include_file(dir, include)};
        for (const auto& include_dir : include_dirs) {
            if (!fs::path(include).is_absolute()) {
                places.push_back(include_dir / include);
            }
        }
        for (size_t p = 0; p < places.size(); ++p) {
            entry.includes.emplace_back(places[p].string(), FileStamp::of(places[p]));
            std::string content;
            try {
                content = read_file(places[p]);
            } catch (const Error&) {
                content = "<missing>"; // nocmodl or the compiler will say so
            }
            if (p == 0) {
                h.field("include", include).field("content", content);
            } else {
                h.field("include_dir", places[p].string()).field("content", content);
            }
        }
    }
    h.field("toolchain", toolchain_id);
    job.key = h.hex();
    entry.object_key = job.key;
}

constexpr const char* kCxxNote =
    "\nNEURON 9 compiles mods as C++ (nocmodl writes a .cpp): the mod's VERBATIM code must be valid C++ "
    "(declare functions before use, cast void* results, no K&R definitions); fix it, or use NEURON 8.2\n";

fs::path scratch_dir(const fs::path& cache, const std::string& key) {
    return cache / "tmp" / (key + "." + std::to_string(::getpid()));
}

// Translates and compiles one mod in a scratch directory, then publishes the object by rename.
void compile_object(ObjectJob& job, const Toolchain& tc, const fs::path& cache, const BuildOptions& options,
                  BuildStats& stats, std::mutex& log_mutex) {
    const ModFile& mod = *job.mod;
    std::string full = translation_stem(mod);
    fs::path work = scratch_dir(cache, job.key);
    boost::system::error_code ec;
    fs::remove_all(work, ec);
    make_dirs(work);
    fs::path rewritten = work / (full + ".mod");
    auto fail = [&](const std::string& stage, const std::string& message) {
        // The tools saw a copy in the scratch directory; name the user's file instead (the
        // rewrite keeps every line where it was, so line numbers hold).
        std::string text = replace_all(message, rewritten.string(), job.path);
        text = replace_all(text, work.string() + "/", "");
        std::string trouble = cache_trouble(cache, message); // the tools name only scratch files
        if (!trouble.empty()) {
            text += (text.empty() || text.back() == '\n' ? "" : "\n") + trouble + "\n";
        }
        job.failure = ModFailure{mod.name, mod.path, stage, text};
        job.scratch_lost = !fs::exists(rewritten, ec); // glia removes it only below
        job.tools_refused = trouble.empty() && !job.scratch_lost;
        fs::remove_all(work, ec);
    };
    write_file_atomic(rewritten, job.source);
    fs::path mod_dir = fs::path(job.path).parent_path();

    auto log_command = [&](const std::vector<std::string>& argv) {
        if (options.verbose && options.log) {
            std::lock_guard<std::mutex> lock(log_mutex);
            options.log(command_line(argv));
        }
    };
    ProcessResult r = translate_mod(tc, rewritten, mod_dir, work, log_command);
    if (!r.ok()) {
        return fail("translate", r.output);
    }
    fs::path source = translated_source(work, full);
    bool cxx = source.extension() == ".cpp";
    ++stats.translated;
    std::vector<std::string> compile = cxx ? tc.compile_cxx : tc.compile;
    compile.push_back("-I" + mod_dir.string());
    compile.insert(compile.end(), {"-c", source.string(), "-o", (work / (full + ".o")).string()});
    log_command(compile);
    r = run_process(compile, work);
    if (!r.ok()) {
        // Mods written for 8.2 often have VERBATIM C that C++ rejects: say so, the compiler will not.
        return fail("compile", r.output + (cxx ? kCxxNote : ""));
    }
    ++stats.compiled;
    publish(work / (full + ".o"), job.object, cache);
    fs::remove_all(work, ec);
    job.ok = true;
}

// compile_object, on a worker thread: a cache that cannot be written (full, read-only) fails
// this mod with the reason instead of escaping the thread, which would abort the process.
// A mod whose scratch folder vanished under it (the cache removed meanwhile, by hand or by a
// build that holds the lock of the cache made anew) failed for the cache, not for itself: it
// is built once more, in a fresh scratch folder.
void build_object(ObjectJob& job, const Toolchain& tc, const fs::path& cache, const BuildOptions& options,
                  BuildStats& stats, std::mutex& log_mutex) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        job.scratch_lost = job.tools_refused = false;
        try {
            compile_object(job, tc, cache, options, stats, log_mutex);
        } catch (const Error& e) {
            job.failure = ModFailure{job.mod->name, job.mod->path, "compile", e.what()};
            boost::system::error_code ec;
            fs::path work = scratch_dir(cache, job.key);
            job.scratch_lost = !fs::exists(work / (translation_stem(*job.mod) + ".mod"), ec);
            fs::remove_all(work, ec);
        }
        if (job.ok || !job.scratch_lost) {
            return;
        }
    }
}

void run_parallel(size_t count, unsigned jobs, const std::function<void(size_t)>& work) {
    std::atomic<size_t> next{0};
    auto worker = [&] {
        for (size_t i = next++; i < count; i = next++) {
            work(i);
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < jobs && t < count; ++t) {
        threads.emplace_back(worker);
    }
    worker();
    for (auto& thread : threads) {
        thread.join();
    }
}

// The library of `package` linked from `objects` with `tc`: its key, and where the cache keeps it.
std::pair<std::string, fs::path> library_for(const std::string& package, const std::vector<ObjectJob*>& objects,
                                             const Toolchain& tc, const fs::path& cache) {
    Hasher h;
    h.field("format", kBuildFormat).field("package", package).field("link", command_line(tc.link));
    for (const auto* job : objects) {
        h.field("object", job->key);
    }
    std::string key = h.hex();
    return {key, cache / "libs" / key / ("libglia-" + package + ".so")};
}

// Links the package's objects into its library, unless the cache has it.
std::string link_library(PackageLibrary& lib, const std::vector<ObjectJob*>& objects, const Toolchain& tc,
                         const fs::path& cache, const BuildOptions& options, BuildStats& stats) {
    auto [key, target] = library_for(lib.package, objects, tc, cache);
    boost::system::error_code ec;
    if (!options.force && fs::exists(target, ec)) {
        lib.library = target;
        return key;
    }
    fs::path work = scratch_dir(cache, key);
    auto fail = [&](const std::string& message) {
        for (const auto& name : lib.mechanisms) {
            lib.failures.push_back(ModFailure{name, {}, "link", message});
        }
        lib.mechanisms.clear();
        lib.objects.clear();
        fs::remove_all(work, ec);
        return std::string();
    };
    try {
        fs::remove_all(work, ec);
        make_dirs(work);
    } catch (const Error& e) {
        return fail(e.what());
    }
    std::vector<std::string> link = tc.link;
    link.insert(link.end(), {"-o", (work / target.filename()).string()});
    for (const auto* job : objects) {
        link.push_back(job->object.string());
    }
    link.insert(link.end(), tc.libraries.begin(), tc.libraries.end());
    if (options.verbose && options.log) {
        options.log(command_line(link));
    }
    ProcessResult r = run_process(link, work);
    if (!r.ok()) {
        std::string trouble = cache_trouble(cache, r.output);
        return fail(trouble.empty() ? r.output : r.output + trouble + "\n");
    }
    ++stats.linked;
    try {
        publish(work / target.filename(), target, cache);
    } catch (const Error& e) {
        return fail(e.what());
    }
    fs::remove_all(work, ec);
    lib.library = target;
    return key;
}

} // namespace

std::string ModFailure::describe() const {
    std::string text = name.pretty() + " (package '" + name.package + "', asset '" + name.asset + "'";
    if (!file.empty()) {
        text += ", file " + file.string();
    }
    text += ") failed to " + stage + ":\n" + message;
    if (!text.empty() && text.back() != '\n') {
        text += '\n';
    }
    return text;
}

bool BuildResult::ok() const {
    for (const auto& lib : libraries) {
        if (!lib.failures.empty()) {
            return false;
        }
    }
    return true;
}

std::string translation_stem(const ModFile& mod) {
    return mod.own_name ? mod.path.stem().string() : mod.name.full();
}

std::string shown_name(const ModFile& mod) {
    return mod.own_name ? mod.path.filename().string() : mod.name.pretty();
}

std::string build_source(const ModFile& mod, std::string_view text) {
    return mod.own_name || mod.nmodl.kind == MechanismKind::nothing ? std::string(text) : rewrite_nmodl(text, mod.nmodl, mod.name.full());
}

namespace {
// `text` as the inside of a C string literal.
std::string c_string_escaped(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        } else if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

// nocmodl copies the path of the file it translates into C (or C++) string literals (ivoc_help,
// nmodl_filename) as is: a `"` or `\` in the scratch directory's path (a cache under a folder
// named so) would break the C. Such paths are escaped in the generated file.
void escape_work_path(const fs::path& source, const fs::path& work) {
    std::string raw = work.string();
    std::string escaped = c_string_escaped(raw);
    if (escaped == raw) {
        return;
    }
    write_file_atomic(source, replace_all(read_file(source), raw, escaped));
}
} // namespace

ProcessResult translate_mod(const Toolchain& tc, const fs::path& rewritten, const fs::path& mod_dir,
                            const fs::path& work, const std::function<void(const std::vector<std::string>&)>& log) {
    std::vector<std::string> argv = {tc.nocmodl.string(), rewritten.string(), "-o", work.string()};
    if (log) {
        log(argv);
    }
    ProcessResult r = run_process(argv, mod_dir, {{"MODLUNIT", tc.units.string()}, {"MODL_INCLUDE", mod_dir.string()}});
    if (r.ok() && translated_source(work, rewritten.stem().string()).empty()) {
        r.exit_code = 1;
        r.output += "\nnocmodl wrote neither " + rewritten.stem().string() + ".c nor " + rewritten.stem().string() + ".cpp";
    }
    if (r.ok()) {
        escape_work_path(translated_source(work, rewritten.stem().string()), work);
    }
    return r;
}

fs::path translated_source(const fs::path& work, const std::string& stem) {
    boost::system::error_code ec;
    for (const char* extension : {".cpp", ".c"}) {
        fs::path file = work / (stem + extension);
        if (fs::exists(file, ec)) {
            return file;
        }
    }
    return {};
}

std::vector<const ModFile*> mods_in(const PackageLibrary& lib, const Package& package) {
    std::set<MechanismName> in_library(lib.mechanisms.begin(), lib.mechanisms.end());
    std::vector<const ModFile*> mods;
    for (const auto& mod : package.mods) {
        if (in_library.count(mod.name)) {
            mods.push_back(&mod);
        }
    }
    return mods;
}

// No compiler runs: the manifest names the library each package directory was last linked
// into. It is published atomically, so it can be read without the lock a build may hold.
BuildResult last_built(const std::vector<Package>& packages, const fs::path& cache) {
    BuildResult result;
    BuildManifest manifest = BuildManifest::load(manifest_path(cache));
    for (const auto& package : packages) {
        PackageLibrary lib;
        lib.package = package.name;
        std::string dir = stamp_key(package.dir);
        fs::path target;
        for (const auto& [id, last] : manifest.libraries()) {
            if (last.package_dir == dir && last.package == package.name && last.neuron == neuron_target_version()) {
                target = cache / "libs" / last.key / ("libglia-" + package.name + ".so");
            }
        }
        boost::system::error_code ec;
        bool found = !target.empty() && fs::exists(target, ec);
        for (const auto& mod : package.mods) {
            if (found) {
                lib.mechanisms.push_back(mod.name); // a mod added since is reported when it cannot be registered
            } else {
                lib.failures.push_back(ModFailure{mod.name, mod.path, "load",
                                                  "the cache has no library of package '" + package.name +
                                                      "' and GLIA_NOCOMPILE is set; run 'glia compile' first"});
            }
        }
        if (found) {
            lib.library = target;
            // The old build loads all the same, but say so: results may differ from the mods on disk.
            int64_t built_ns = FileStamp::of(target).mtime_ns;
            std::string newer;
            size_t count = 0;
            for (const auto& mod : package.mods) {
                if (mod.stamp.exists && mod.stamp.mtime_ns > built_ns) {
                    newer += (count++ ? ", " : "") + mod.path.filename().string();
                }
            }
            if (count) {
                lib.warnings.push_back(std::to_string(count) + " mod file(s) of package '" + package.name +
                                       "' changed after its library was built (" + newer +
                                       "); GLIA_NOCOMPILE loads that older build: run 'glia compile' to update it");
            }
        }
        result.libraries.push_back(std::move(lib));
    }
    return result;
}


BuildResult build_packages_once(const std::vector<Package>& packages, const Toolchain& toolchain,
                                const fs::path& cache, const BuildOptions& options, bool& cache_removed);

BuildResult build_packages(const std::vector<Package>& packages, const Toolchain& toolchain,
                           const fs::path& cache, const BuildOptions& options) {
    // A cache removed while it builds (by hand, or 'glia cache --clear' in another shell) takes the
    // build's scratch files and objects with it: what failed for that is built once more, in the
    // cache made anew. The lock file's link count tells when the removal came while the lock was held.
    bool cache_removed = false;
    BuildResult result = build_packages_once(packages, toolchain, cache, options, cache_removed);
    // A failed link is the cache's doing, not a mod's (its objects were built): link once more too.
    // So is a library that is gone right after its build (removed with the cache): link it anew.
    bool link_failed = false, failed = false, library_gone = false;
    boost::system::error_code ec;
    for (const auto& lib : result.libraries) {
        failed = failed || !lib.failures.empty();
        for (const auto& failure : lib.failures) {
            link_failed = link_failed || failure.stage == "link";
        }
        library_gone = library_gone || (!lib.library.empty() && !fs::exists(lib.library, ec));
    }
    if ((failed && (cache_removed || link_failed)) || library_gone) {
        result = build_packages_once(packages, toolchain, cache, options, cache_removed);
    }
    return result;
}

namespace {
// Every build remembers what the tools refused, so that a NEURON start does not run them again for it,
// and forgets a failure once the mod built (its object may be pruned later and then built again).
void remember_failures(const std::vector<ObjectJob>& jobs, const std::vector<size_t>& built,
                       std::optional<FailureMemo> memo, const fs::path& cache) {
    if (built.empty()) {
        return;
    }
    if (!memo) {
        memo = FailureMemo::load(failure_memo_path(cache));
    }
    for (size_t i : built) {
        if (jobs[i].ok) {
            memo->forget(jobs[i].key);
        } else if (jobs[i].tools_refused) {
            memo->put(jobs[i].key, jobs[i].failure);
        }
    }
    memo->save_if_changed(failure_memo_path(cache));
}
} // namespace

BuildResult build_packages_once(const std::vector<Package>& packages, const Toolchain& toolchain,
                                const fs::path& cache, const BuildOptions& options, bool& cache_removed) {
    CacheLock lock(cache);
    // Holding the lock, no other build is running: whatever is in tmp/ was left by one that died.
    remove_scratch(cache);
    BuildResult result;
    const std::string toolchain_id = Hasher().field("toolchain", toolchain.identity()).hex();
    BuildManifest manifest = BuildManifest::load(manifest_path(cache));

    std::vector<ObjectJob> jobs;
    for (const auto& package : packages) {
        for (const auto& mod : package.mods) {
            ObjectJob job;
            job.mod = &mod;
            job.path = stamp_key(mod.path);
            const ManifestMod* known = options.force ? nullptr : manifest.find(job.path, mod.name.full(), toolchain_id);
            // Discovery has just stamped the mod: no need to stat it again.
            if (known && manifest_entry_current(*known, mod.stamp.exists ? &mod.stamp : nullptr)) {
                job.key = known->object_key;
            } else {
                ManifestMod entry;
                hash_job(job, toolchain_id, options.include_dirs, entry);
                ++result.stats.hashed;
                manifest.put(std::move(entry));
            }
            job.object = cache / "objects" / job.key.substr(0, 2) / (job.key + ".o");
            jobs.push_back(std::move(job));
        }
    }

    boost::system::error_code ec;
    // A package whose library the cache holds needs none of its objects, not even a stat of them.
    if (!options.force) {
        size_t first = 0;
        for (const auto& package : packages) {
            std::vector<ObjectJob*> objects;
            for (size_t m = 0; m < package.mods.size(); ++m) {
                objects.push_back(&jobs[first + m]);
            }
            if (!objects.empty() && options.link && fs::exists(library_for(package.name, objects, toolchain, cache).second, ec)) {
                for (auto* job : objects) {
                    job->ok = job->reused = true;
                    ++result.stats.reused;
                }
            }
            first += package.mods.size();
        }
    }
    std::vector<size_t> todo;
    std::optional<FailureMemo> failures;
    for (size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].reused) {
            continue;
        }
        if (!options.force && fs::exists(jobs[i].object, ec)) {
            jobs[i].ok = jobs[i].reused = true;
            ++result.stats.reused;
        } else {
            if (!jobs[i].have_source) {
                ManifestMod entry;
                hash_job(jobs[i], toolchain_id, options.include_dirs, entry);
                ++result.stats.hashed;
                jobs[i].object = cache / "objects" / jobs[i].key.substr(0, 2) / (jobs[i].key + ".o");
                manifest.put(std::move(entry));
            }
            if (options.reuse_failures && !failures) {
                failures = FailureMemo::load(failure_memo_path(cache)); // read only when something is to build
            }
            if (auto failed = failures ? failures->find(jobs[i].key, *jobs[i].mod) : std::nullopt) {
                jobs[i].failure = std::move(*failed);
                continue;
            }
            todo.push_back(i);
        }
    }
    unsigned parallel = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
    std::mutex log_mutex;
    std::atomic<size_t> done{0};
    std::vector<BuildStats> per_job(todo.size());
    run_parallel(todo.size(), parallel, [&](size_t t) {
        ObjectJob& job = jobs[todo[t]];
        build_object(job, toolchain, cache, options, per_job[t], log_mutex);
        if (options.log) {
            std::lock_guard<std::mutex> lock(log_mutex);
            options.log("[" + std::to_string(++done) + "/" + std::to_string(todo.size()) + "] " +
                        shown_name(*job.mod) + (job.ok ? "" : " FAILED"));
        }
    });
    remember_failures(jobs, todo, std::move(failures), cache);
    for (const auto& s : per_job) {
        result.stats.translated += s.translated;
        result.stats.compiled += s.compiled;
    }

    size_t next = 0;
    for (const auto& package : packages) {
        PackageLibrary lib;
        lib.package = package.name;
        std::vector<ObjectJob*> objects;
        for (size_t m = 0; m < package.mods.size(); ++m, ++next) {
            ObjectJob& job = jobs[next];
            if (job.ok) {
                objects.push_back(&job);
                lib.mechanisms.push_back(job.mod->name);
                lib.objects.push_back(job.object);
            } else {
                lib.failures.push_back(job.failure);
            }
        }
        if (!objects.empty() && options.link) {
            std::string key = link_library(lib, objects, toolchain, cache, options, result.stats);
            if (!key.empty()) {
                manifest.put_library({stamp_key(package.dir), package.name, key, toolchain.neuron_version});
            }
        }
        result.libraries.push_back(std::move(lib));
    }
    if (manifest.changed()) {
        try {
            manifest.save(manifest_path(cache));
        } catch (const Error& e) {
            // Only a shortcut: what was built is published; the next run hashes again.
            if (options.log) {
                options.log(std::string("warning: ") + e.what());
            }
        }
    }
    cache_removed = lock.removed();
    return result;
}

} // namespace glia

namespace glia {
std::string registration_symbol(const std::string& full_name) { return "_" + full_name + "_reg"; }
} // namespace glia
