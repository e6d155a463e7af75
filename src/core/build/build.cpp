#include "build/build.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "build/failure_memo.hpp"
#include "base/hash.hpp"
#include "build/load_set.hpp"
#include "build/manifest.hpp"
#include "packages/mod_includes.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <numeric>
#include <set>
#include <span>
#include <thread>

namespace glia {

namespace {

// Bumped whenever the way objects or libraries are made changes, so old cache entries are not reused.
// 2: the key covers nested includes and every place the tools look for each include.
constexpr const char* kBuildFormat = "glia-build-2";

constexpr const char* kCxxNote =
    "\nNEURON 9 compiles mods as C++ (nocmodl writes a .cpp): the mod's VERBATIM code must be valid C++ "
    "(declare functions before use, cast void* results, no K&R definitions); fix it, or use NEURON 8.2\n";

struct ObjectJob {
    const ModFile* mod;
    std::string path;   // the mod file, absolute
    std::string source; // the rewritten mod text (read only when the stamps do not vouch for the key)
    bool have_source = false;
    std::string key; // its object is object_path(cache, key)
    ManifestMod entry; // what hashing it learnt (the compiler's own list of what it read may add to it)
    // Set when the compiler read files the scan did not find (then `key` and `entry` cover them): the key the
    // scan alone made, under which a failure may be remembered.
    std::string scanned_key;
    bool ok = false;
    bool reused = false;
    bool scratch_lost = false; // the failure came from its scratch folder vanishing (not from the mod)
    bool tools_refused = false; // nocmodl or the compiler failed on the mod itself: worth remembering
    ModFailure failure;
};

// What every step of one build uses: the tools, the cache, the options and who runs and writes.
struct BuildContext {
    const Toolchain& tc;
    const fs::path& cache;
    const BuildOptions& options;
    CommandRunner& runner;
    Disk& disk;
    const std::string link_text; // the link command as one line: part of every library's key
    std::mutex observer_mutex; // the compiling threads tell the observer in turn

    BuildContext(const Toolchain& toolchain, const fs::path& root, const BuildOptions& build)
        : tc(toolchain), cache(root), options(build), runner(*build.runner), disk(*build.disk),
          link_text(command_line(toolchain.link)) {}

    // Calls `tell` on the observer, one thread at a time.
    template <class Tell> void observe(Tell tell) {
        std::lock_guard<std::mutex> lock(observer_mutex);
        tell(*options.observer);
    }
    void log_command(const std::vector<std::string>& argv) {
        if (options.verbose) {
            observe([&](BuildObserver& o) { o.command(argv); });
        }
    }
    void warn(const BuildWarning& warning) {
        observe([&](BuildObserver& o) { o.warning(warning); });
    }
};

// Reads and rewrites the mod, hashes it with its includes, and notes in `entry` the stamps of
// everything read. Stamps are taken before reading, so a write during the read makes them stale.
void hash_job(ObjectJob& job, const std::string& toolchain_id, const BuildContext& ctx, ManifestMod& entry) {
    const ModFile& mod = *job.mod;
    entry.path = job.path;
    entry.name = mod.name.full();
    entry.toolchain = toolchain_id;
    entry.recorded_ns = now_ns();
    entry.stamp = FileStamp::of(job.path); // now, not discovery's: this read is what gets hashed
    std::string text = ctx.disk.read(mod.path);
    job.source = build_source(mod, text);
    job.have_source = true;
    Hasher h;
    h.field("format", kBuildFormat).field("name", mod.name.full()).field("source", job.source);
    if (mod.own_name) {
        h.field("own_name", translation_stem(mod)); // its registration function is named after the file
    }
    fs::path dir = fs::path(job.path).parent_path();
    for (const auto& include : mod_includes(dir, included_names(text), include_search(ctx.options), ctx.disk)) {
        h.field("include", include.name);
        for (const auto& place : include.places) {
            entry.includes.emplace_back(place.path.string(), place.stamp);
            // "<missing>": nocmodl or the compiler will say so, and one appearing there is a new key
            h.field("place", place_role(dir, place.path)).field("content", place.content.value_or("<missing>"));
        }
    }
    h.field("toolchain", ctx.tc.identity()); // not the manifest's id: the include folders change only the keys they reach
    job.key = h.hex();
    entry.object_key = job.key;
}

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

// nocmodl copies the path of the file it translates into C (or C++) string literals as is: the
// mechanism's file, which NEURON's MechanismType.file() tells, and its ivoc_help line. That path is the
// scratch folder's, gone after the build and different at every build, and in every mechanism of a
// library with thousands its text is resident memory. The literals keep the file name alone, escaped
// for C (a `"` or `\` in a mod's own name, as glia nrnivmodl keeps it, would break the C).
void keep_file_name_only(const fs::path& source, const std::string& text, const fs::path& translated, Disk& disk) {
    std::string kept = replace_all(text, translated.string(), c_string_escaped(translated.filename().string()));
    if (kept != text) {
        disk.write(source, kept);
    }
}

// What nocmodl wrote for `stem` in `work`: `stem.cpp` (NEURON 9, C++) or `stem.c` (8.2, C); empty if
// neither exists.
fs::path find_translated(const fs::path& work, const std::string& stem, Disk& disk) {
    for (const char* extension : {".cpp", ".c"}) {
        fs::path file = work / (stem + extension);
        if (disk.exists(file)) {
            return file;
        }
    }
    return {};
}

using CommandLog = std::function<void(const std::vector<std::string>&)>;

// translate_mod with `runner` and `disk`.
// nocmodl runs in the mod's folder, where it finds includes unaided; MODL_INCLUDE is `modl_include` only, never
// whatever the environment holds, so that nothing outside the key decides what it reads.
ProcessResult translate(const Toolchain& tc, const fs::path& rewritten, const fs::path& mod_dir, const fs::path& work,
                        const std::vector<fs::path>& modl_include, CommandRunner& runner, Disk& disk,
                        const CommandLog& log) {
    std::vector<std::string> argv = {tc.nocmodl.string(), rewritten.string(), "-o", work.string()};
    if (log) {
        log(argv);
    }
    std::vector<std::string> folders;
    for (const auto& dir : modl_include) {
        folders.push_back(dir.string());
    }
    ProcessResult r = runner.run(argv, mod_dir, {{"MODLUNIT", tc.units.string()}, {"MODL_INCLUDE", join(folders, ":")}});
    std::string stem = rewritten.stem().string();
    fs::path source = r.ok() ? find_translated(work, stem, disk) : fs::path();
    if (r.ok() && source.empty()) {
        r.exit_code = 1;
        r.output += "\nnocmodl wrote neither " + stem + ".c nor " + stem + ".cpp";
    }
    if (r.ok()) {
        std::string text = disk.read(source);
        // nocmodl does not check its writes: on a full disk it leaves its output cut short, even empty,
        // and succeeds, and compiled that is an object without the mechanism. Every translation defines
        // the registration function, once: one without it was cut short.
        std::string reg = registration_symbol(stem);
        if (text.find(reg + "(") == std::string::npos) {
            r.exit_code = 1;
            r.output += "\nnocmodl's output " + source.string() + " was cut short (it does not define " + reg +
                        "): is the disk full?";
        } else {
            keep_file_name_only(source, text, rewritten, disk);
        }
    }
    return r;
}

// The folders of `compile`'s -I flags that are NEURON's (the toolchain's identity covers what is in them): all
// but the mod's own and the build's include folders.
std::vector<fs::path> neuron_include_dirs(const std::vector<std::string>& compile, const fs::path& mod_dir,
                                          const BuildOptions& options) {
    std::vector<fs::path> dirs;
    for (size_t i = 0; i < compile.size(); ++i) {
        std::string dir = compile[i] == "-I" && i + 1 < compile.size() ? compile[++i]
                          : compile[i].starts_with("-I")                 ? compile[i].substr(2)
                                                                          : std::string();
        if (!dir.empty() && dir != mod_dir.string() &&
            std::find(options.include_dirs.begin(), options.include_dirs.end(), fs::path(dir)) ==
                options.include_dirs.end()) {
            dirs.push_back(fs::path(dir).lexically_normal());
        }
    }
    return dirs;
}

bool is_under(const fs::path& file, const fs::path& dir) {
    std::string inside = dir.string() + (dir.string().ends_with("/") ? "" : "/");
    return file.string().starts_with(inside);
}

// What the compiler read that the scan of includes did not find (key_what_the_compiler_read).
struct CompilerReads {
    std::string key;                                      ///< the object's key with them; empty if none
    std::vector<std::pair<std::string, FileStamp>> files; ///< each, stamped before it was read
};

// The compiler's own list of the files it read (`depfile`, its -MMD output) against the key: a file the scan of
// includes did not find (an `#include <x.h>` of the mod's folder, one a macro names) is keyed now. The object is
// then published under a key of the scan's key and those files' contents, and the manifest stamps them, so a
// change to one rebuilds the mod and another folder whose copy differs gets its own object.
CompilerReads key_what_the_compiler_read(const ObjectJob& job, const std::string& depfile, const fs::path& source,
                                         const std::vector<std::string>& compile, const BuildContext& ctx) {
    fs::path mod_dir = fs::path(job.path).parent_path();
    std::vector<fs::path> neuron_dirs = neuron_include_dirs(compile, mod_dir, ctx.options);
    std::set<fs::path> keyed = {source.lexically_normal()};
    for (const auto& [place, stamp] : job.entry.includes) {
        keyed.insert(fs::path(place).lexically_normal());
    }
    Hasher h;
    h.field("format", kBuildFormat).field("scanned", job.key);
    CompilerReads more;
    for (const auto& read : make_prerequisites(depfile)) {
        fs::path file = (fs::path(read).is_absolute() ? fs::path(read) : source.parent_path() / read).lexically_normal();
        if (keyed.count(file) || std::any_of(neuron_dirs.begin(), neuron_dirs.end(),
                                             [&](const fs::path& dir) { return is_under(file, dir); })) {
            continue;
        }
        keyed.insert(file);
        FileStamp stamp = FileStamp::of(file);
        std::string content;
        try {
            content = ctx.disk.read(file);
        } catch (const Error&) {
            content = "<missing>"; // gone since: the stamp says so, and the next build keys it again
        }
        more.files.emplace_back(file.string(), stamp);
        h.field("read", place_role(mod_dir, file)).field("content", content);
    }
    if (!more.files.empty()) {
        more.key = h.hex();
    }
    return more;
}

// Translates and compiles one mod in a scratch directory, then publishes the object by rename.
void compile_object(ObjectJob& job, BuildContext& ctx, BuildStats& stats) {
    const ModFile& mod = *job.mod;
    std::string full = translation_stem(mod);
    fs::path work = scratch_path(ctx.cache, job.key);
    ctx.disk.remove_all(work);
    ctx.disk.make_dirs(work, cache_advice());
    fs::path rewritten = work / (full + ".mod");
    auto fail = [&](const std::string& stage, const ProcessResult& r, const Message& note = {}) {
        const std::string& message = r.output;
        Message advice = r.advice + note;
        // The tools saw a copy in the scratch directory; name the user's file instead (the
        // rewrite keeps every line where it was, so line numbers hold).
        std::string text = replace_all(message, rewritten.string(), job.path);
        text = replace_all(text, work.string() + "/", "");
        Message trouble = cache_trouble(ctx.cache, message); // the tools name only scratch files
        Message said = text + advice;
        if (!trouble.empty()) {
            said += (text.empty() || text.back() == '\n' ? "" : "\n") + trouble + "\n";
        }
        job.failure = ModFailure{mod.name, mod.path, stage, said};
        job.scratch_lost = !ctx.disk.exists(rewritten); // glia removes it only below
        // A tool that could not start is the machine's trouble, not the mod's (and its advice holds remedies,
        // which the failure memo keeps only as text): tried again next time, not remembered.
        job.tools_refused = trouble.empty() && !job.scratch_lost && r.advice.empty();
        ctx.disk.remove_all(work);
    };
    ctx.disk.write(rewritten, job.source);
    fs::path mod_dir = fs::path(job.path).parent_path();
    auto log_command = [&](const std::vector<std::string>& argv) { ctx.log_command(argv); };
    ProcessResult r = translate(ctx.tc, rewritten, mod_dir, work, ctx.options.modl_include, ctx.runner, ctx.disk,
                                log_command);
    if (!r.ok()) {
        return fail("translate", r);
    }
    fs::path source = find_translated(work, full, ctx.disk);
    bool cxx = source.extension() == ".cpp";
    ++stats.translated;
    std::vector<std::string> compile = cxx ? ctx.tc.compile_cxx : ctx.tc.compile;
    compile.push_back("-I" + mod_dir.string());
    fs::path depfile = work / (full + ".d");
    compile.insert(compile.end(), {"-MMD", "-MF", depfile.string()}); // what it read: checked against the key
    compile.insert(compile.end(), {"-c", source.string(), "-o", (work / (full + ".o")).string()});
    ctx.log_command(compile);
    r = ctx.runner.run(compile, work, {});
    if (!r.ok()) {
        // Mods written for 8.2 often have VERBATIM C that C++ rejects: say so, the compiler will not.
        return fail("compile", r, cxx ? kCxxNote : "");
    }
    ++stats.compiled;
    // gcc and clang always write it; a compiler that ignored -MMD leaves the scan's key as it is.
    std::string reads = ctx.disk.exists(depfile) ? ctx.disk.read(depfile) : std::string();
    CompilerReads more = key_what_the_compiler_read(job, reads, source, compile, ctx);
    publish(work / (full + ".o"), object_path(ctx.cache, more.key.empty() ? job.key : more.key), ctx.cache, ctx.disk);
    ctx.disk.remove_all(work);
    if (!more.key.empty()) {
        job.scanned_key = job.key;
        job.key = job.entry.object_key = more.key;
        job.entry.includes.insert(job.entry.includes.end(), more.files.begin(), more.files.end());
    }
    job.ok = true;
}

// compile_object, on a worker thread: a cache that cannot be written (full, read-only) fails
// this mod with the reason instead of escaping the thread, which would abort the process.
// A mod whose scratch folder vanished under it (the cache removed meanwhile, by hand or by a
// build that holds the lock of the cache made anew) failed for the cache, not for itself: it
// is built once more, in a fresh scratch folder.
void build_object(ObjectJob& job, BuildContext& ctx, BuildStats& stats) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        job.scratch_lost = job.tools_refused = false;
        try {
            compile_object(job, ctx, stats);
        } catch (const Error& e) {
            job.failure = ModFailure{job.mod->name, job.mod->path, "compile", e.message()};
            fs::path work = scratch_path(ctx.cache, job.key);
            job.scratch_lost = !ctx.disk.exists(work / (translation_stem(*job.mod) + ".mod"));
            ctx.disk.remove_all(work);
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

// The key of library `name` linked with the link command `link_text` from the cached objects of
// `object_keys` (their keys, in order).
std::string library_key(const std::string& name, const std::vector<std::string_view>& object_keys,
                        std::string_view link_text) {
    Hasher h;
    h.field("format", kBuildFormat).field("package", name).field("link", link_text);
    for (std::string_view key : object_keys) {
        h.field("object", key);
    }
    return h.hex();
}

// Links `objects` into `target` in a scratch folder and publishes it; false if that failed, and `error` says why.
bool link_into(const fs::path& target, const std::string& key, const std::vector<fs::path>& objects, BuildContext& ctx,
               BuildStats& stats, Message& error) {
    fs::path work = scratch_path(ctx.cache, key);
    try {
        ctx.disk.remove_all(work);
        ctx.disk.make_dirs(work, cache_advice());
        std::vector<std::string> link = ctx.tc.link;
        link.insert(link.end(), {"-o", (work / target.filename()).string()});
        for (const auto& object : objects) {
            link.push_back(object.string());
        }
        link.insert(link.end(), ctx.tc.libraries.begin(), ctx.tc.libraries.end());
        ctx.log_command(link);
        ProcessResult r = ctx.runner.run(link, work, {});
        if (!r.ok()) {
            ctx.disk.remove_all(work);
            Message trouble = cache_trouble(ctx.cache, r.output);
            error = trouble.empty() ? r.told() : r.told() + trouble + "\n";
            return false;
        }
        ++stats.linked;
        publish(work / target.filename(), target, ctx.cache, ctx.disk);
    } catch (const Error& e) {
        ctx.disk.remove_all(work);
        error = e.message();
        return false;
    }
    ctx.disk.remove_all(work);
    return true;
}

// A library linked from objects in the cache: link_objects' outcome.
struct LinkedLibrary {
    fs::path path;     // where the cache keeps it; empty if it could not be made
    std::string key;   // its key: of its name, the link command and its objects
    Message error;     // why there is none: the linker's output, or why it could not be published
};

// Links `objects` (in the cache, named by their keys) into library `name` (`libglia-<name>.so`) in
// the cache, unless the cache has it (or `force`). Runs holding the cache's lock: it works in scratch space.
LinkedLibrary link_objects(const std::string& name, const std::vector<fs::path>& objects, BuildContext& ctx,
                           BuildStats& stats) {
    LinkedLibrary linked;
    std::vector<std::string_view> keys;
    for (const auto& object : objects) {
        keys.push_back(file_stem_view(object)); // named by its key (object_path)
    }
    linked.key = library_key(name, keys, ctx.link_text);
    fs::path target = library_path(ctx.cache, linked.key, name);
    if (!ctx.options.force && ctx.disk.exists(target)) {
        linked.path = target;
        return linked;
    }
    if (link_into(target, linked.key, objects, ctx, stats, linked.error)) {
        linked.path = target;
        if (ctx.options.force) {
            // Forced, it replaced a library of the same key, perhaps of other code (a damaged cache): what
            // was made from the old one goes, so the next start's set library is linked from this one.
            remove_load_set_part(ctx.cache, target);
            remove_set_libraries_with(ctx.cache, linked.key);
        }
    }
    return linked;
}

// Each package's jobs, in the packages' order (the jobs are laid out package by package).
std::vector<std::span<ObjectJob>> by_package(std::vector<ObjectJob>& jobs, const std::vector<Package>& packages) {
    std::vector<std::span<ObjectJob>> spans;
    size_t first = 0;
    for (const auto& package : packages) {
        spans.emplace_back(jobs.data() + first, package.mods.size());
        first += package.mods.size();
    }
    return spans;
}

// Stage 1: a job per mod, keyed from the manifest where the mod's stamps vouch for its key
// (discovery has just stamped it: no need to stat it again), else by reading and hashing it.
std::vector<ObjectJob> key_mods(const std::vector<Package>& packages, BuildManifest& manifest,
                                const std::string& toolchain_id, const BuildContext& ctx, BuildStats& stats) {
    std::vector<ObjectJob> jobs;
    jobs.reserve(std::accumulate(packages.begin(), packages.end(), size_t(0),
                                 [](size_t n, const Package& package) { return n + package.mods.size(); }));
    for (const auto& package : packages) {
        for (const auto& mod : package.mods) {
            ObjectJob job;
            job.mod = &mod;
            job.path = stamp_key(mod.path);
            std::optional<ManifestModView> known;
            if (!ctx.options.force) {
                known = manifest.find(job.path, mod.name.full(), toolchain_id);
            }
            if (known && manifest_entry_current(*known, mod.stamp.exists ? &mod.stamp : nullptr)) {
                job.key = known->object_key;
            } else {
                hash_job(job, toolchain_id, ctx, job.entry);
                ++stats.hashed;
                manifest.put(ManifestMod(job.entry));
            }
            jobs.push_back(std::move(job));
        }
    }
    return jobs;
}

// Stage 2: a package whose library the cache holds needs none of its objects, not even a stat of them.
// Returns the key of each package's library found so (empty where there is none).
std::vector<std::string> reuse_libraries(std::vector<std::span<ObjectJob>>& packages_jobs,
                                         const std::vector<Package>& packages, const BuildContext& ctx,
                                         BuildStats& stats) {
    std::vector<std::string> reused(packages.size());
    if (ctx.options.force || !ctx.options.link) {
        return reused;
    }
    for (size_t p = 0; p < packages.size(); ++p) {
        std::span<ObjectJob> jobs = packages_jobs[p];
        if (jobs.empty()) {
            continue;
        }
        std::vector<std::string_view> keys;
        for (const auto& job : jobs) {
            keys.push_back(job.key);
        }
        std::string key = library_key(packages[p].name, keys, ctx.link_text);
        if (ctx.disk.exists(library_path(ctx.cache, key, packages[p].name))) {
            for (auto& job : jobs) {
                job.ok = job.reused = true;
                ++stats.reused;
            }
            reused[p] = std::move(key);
        }
    }
    return reused;
}

// Stage 3: which jobs must compile (their object is not in the cache); each is read and hashed
// now if stage 1 took its key from the manifest. With `reuse_failures`, a job whose key failed
// before gets the failure remembered in `failures` (read only when something is to build) instead.
std::vector<size_t> objects_to_build(std::vector<ObjectJob>& jobs, BuildManifest& manifest,
                                     std::optional<FailureMemo>& failures, const std::string& toolchain_id,
                                     const BuildContext& ctx, BuildStats& stats) {
    std::vector<size_t> todo;
    for (size_t i = 0; i < jobs.size(); ++i) {
        if (jobs[i].reused) {
            continue;
        }
        if (!ctx.options.force && ctx.disk.exists(object_path(ctx.cache, jobs[i].key))) {
            jobs[i].ok = jobs[i].reused = true;
            ++stats.reused;
            continue;
        }
        // The key is known here (stage 1 computed it or took it from stamps that vouch for it), so a
        // remembered failure is found before the mod is read and hashed, and the manifest stays as it is.
        if (ctx.options.reuse_failures && !failures) {
            failures = FailureMemo::load(failure_memo_path(ctx.cache));
        }
        if (auto failed = failures ? failures->find(jobs[i].key, *jobs[i].mod) : std::nullopt) {
            jobs[i].failure = std::move(*failed);
            continue;
        }
        if (!jobs[i].have_source) {
            hash_job(jobs[i], toolchain_id, ctx, jobs[i].entry);
            ++stats.hashed;
            manifest.put(ManifestMod(jobs[i].entry));
        }
        todo.push_back(i);
    }
    return todo;
}

// How many tools run at once: `jobs`, or one per core.
unsigned parallel_jobs(const BuildOptions& options) {
    return options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
}

// Stage 4: compiles the objects of `todo`, in parallel, telling the observer when each starts and finishes.
void compile_objects(std::vector<ObjectJob>& jobs, const std::vector<size_t>& todo, BuildContext& ctx,
                     BuildStats& stats) {
    std::atomic<size_t> done{0};
    std::vector<BuildStats> per_job(todo.size());
    run_parallel(todo.size(), parallel_jobs(ctx.options), [&](size_t t) {
        ObjectJob& job = jobs[todo[t]];
        ctx.observe([&](BuildObserver& o) { o.mod_started(*job.mod, todo.size()); });
        build_object(job, ctx, per_job[t]);
        ctx.observe([&](BuildObserver& o) { o.mod_finished(*job.mod, ++done, todo.size(), job.ok); });
    });
    for (const auto& s : per_job) {
        stats.translated += s.translated;
        stats.compiled += s.compiled;
    }
}

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
            memo->forget(jobs[i].scanned_key); // one remembered before the compiler's list keyed it further
        } else if (jobs[i].tools_refused) {
            memo->put(jobs[i].key, jobs[i].failure);
        }
    }
    memo->save_if_changed(failure_memo_path(cache));
}

// Stage 5: one library per package from the objects that built; what did not is the library's failures.
// `reused_key`: the key of the package's library stage 2 found in the cache, if it did.
PackageLibrary link_package(const Package& package, std::span<ObjectJob> jobs, const std::string& reused_key,
                            BuildManifest& manifest, BuildContext& ctx, BuildStats& stats) {
    PackageLibrary lib;
    lib.package = package.name;
    for (const auto& job : jobs) {
        if (job.ok) {
            lib.mechanisms.push_back(job.mod->name);
            lib.objects.push_back(object_path(ctx.cache, job.key));
        } else {
            lib.failures.push_back(job.failure);
        }
    }
    if (lib.objects.empty() || !ctx.options.link) {
        return lib;
    }
    LinkedLibrary linked;
    if (reused_key.empty()) {
        linked = link_objects(package.name, lib.objects, ctx, stats);
    } else { // the same key link_objects would make, and stage 2 saw the library
        linked.key = reused_key;
        linked.path = library_path(ctx.cache, reused_key, package.name);
    }
    if (!linked.path.empty()) {
        lib.library = linked.path;
        lib.key = linked.key;
        manifest.put_library({stamp_key(package.dir), package.name, linked.key, ctx.tc.neuron_version});
        return lib;
    }
    for (const auto& name : lib.mechanisms) {
        lib.failures.push_back(ModFailure{name, {}, "link", linked.error});
    }
    lib.mechanisms.clear();
    lib.objects.clear();
    return lib;
}

// What went wrong making a set library, and whether that is worth remembering: only when a tool
// (the c++ driver, objcopy) refused the objects, not when the cache failed it (full, read-only, its
// scratch folder removed) or glia itself did (a failed publish): the rule mods follow (tools_refused).
struct SetLinkFailure {
    Message error;
    Message first; // the first thing that went wrong, in one line
    bool tools_refused = true;

    void tool_failed(const std::vector<std::string>& command, const std::string& output) {
        error += command_line(command) + ":\n" + output;
        std::string said = output.substr(0, output.find('\n'));
        note(command.front() + (said.empty() ? " failed" : " failed: " + said));
    }
    void objects_refused(const Error& e) {
        error += e.message() + "\n";
        note(e.message());
    }
    void caught(const Error& e) {
        error += e.message() + "\n";
        note(e.message());
        tools_refused = false;
    }
    void add(const SetLinkFailure& other) {
        error += other.error;
        note(other.first);
        tools_refused = tools_refused && other.tools_refused;
    }
    void note(const Message& what) {
        if (first.empty()) {
            first = what.first_line();
        }
    }
};

// Makes the parts of `steps` the cache lacks (in parallel), in scratch folder `work`.
SetLinkFailure make_load_set_parts(const LoadSetSteps& steps, const fs::path& work, BuildContext& ctx) {
    std::vector<SetLinkFailure> failures(steps.parts.size());
    run_parallel(steps.parts.size(), parallel_jobs(ctx.options), [&](size_t p) {
        const LoadSetPart& part = steps.parts[p];
        if (!ctx.options.force && ctx.disk.exists(part.cached)) {
            return;
        }
        auto run = [&](const std::vector<std::string>& command) {
            ctx.log_command(command);
            ProcessResult r = ctx.runner.run(command, work, {});
            if (!r.ok()) {
                failures[p].tool_failed(command, r.output);
            }
            return r.ok();
        };
        if (!run(part.partial_link)) {
            return;
        }
        try {
            ctx.disk.write(part.keep_file, kept_global(part));
            if (run(part.localize)) {
                publish(part.object, part.cached, ctx.cache, ctx.disk);
            }
        } catch (const Error& e) {
            failures[p].caught(e);
        }
    });
    SetLinkFailure all;
    for (const auto& failure : failures) {
        all.add(failure);
    }
    return all;
}

// Links the set library of `libraries` in scratch folder `work` and publishes it at `target`, with its
// `members` file; what went wrong, if anything.
SetLinkFailure link_set_in(const fs::path& work, const std::vector<PackageLibrary>& libraries, const fs::path& target,
                           const fs::path& members, BuildContext& ctx) {
    SetLinkFailure failure;
    try {
        ctx.disk.remove_all(work);
        ctx.disk.make_dirs(work, cache_advice());
        LoadSetSteps steps = load_set_steps(libraries, ctx.tc, work, work / target.filename());
        failure = make_load_set_parts(steps, work, ctx);
        if (failure.error.empty()) {
            try {
                check_shared_definitions(steps.parts);
            } catch (const Error& e) {
                failure.objects_refused(e); // the same objects clash again at every start
            }
        }
        if (failure.error.empty()) {
            ctx.log_command(steps.link);
            ProcessResult r = ctx.runner.run(steps.link, work, {});
            if (!r.ok()) {
                failure.tool_failed(steps.link, r.output);
            }
        }
        if (failure.error.empty()) {
            ctx.disk.make_dirs(target.parent_path(), cache_advice());
            ctx.disk.write(members, load_set_members(libraries)); // before the library
            publish(work / target.filename(), target, ctx.cache, ctx.disk);
        }
    } catch (const Error& e) {
        failure.caught(e);
    }
    return failure;
}

// Stage 5b (load_set.hpp): the one library of the whole load set, from the objects of the package libraries
// just made, unless the cache has it or, with `reuse_failures`, it failed before. Empty if there is none:
// the packages' own libraries load then. A failure the tools made is remembered (once); the CLI, which does
// not reuse failures, says in one line why there is no set library.
fs::path link_load_set(const std::string& key, const std::vector<PackageLibrary>& libraries, BuildContext& ctx,
                       BuildStats& stats) {
    if (key.empty()) {
        return {};
    }
    fs::path target = load_set_path(ctx.cache, key);
    if (!ctx.options.force && ctx.disk.exists(target)) {
        return target;
    }
    fs::path memo_file = failure_memo_path(ctx.cache);
    FailureMemo memo = FailureMemo::load(memo_file);
    if (ctx.options.reuse_failures && memo.load_set_failed(key)) {
        return {};
    }
    fs::path work = scratch_path(ctx.cache, key);
    fs::path members = load_set_members_path(ctx.cache, key);
    SetLinkFailure failure = link_set_in(work, libraries, target, members, ctx);
    if (failure.error.empty()) {
        ++stats.sets_linked;
        ctx.disk.remove_all(work);
        memo.forget(key);
        memo.save_if_changed(memo_file);
        return target;
    }
    // The tools name only scratch files: the cache's own trouble, or a scratch folder removed under them
    // (`glia cache --clear`), is not the objects' fault.
    Message trouble = cache_trouble(ctx.cache, failure.error.plain());
    bool remember = failure.tools_refused && trouble.empty() && ctx.disk.exists(work);
    ctx.disk.remove_all(work);
    if (!ctx.disk.exists(target)) {
        ctx.disk.remove_all(members); // written before the library: no members file without it
    }
    if (!ctx.options.reuse_failures) {
        Message why = trouble.empty() ? failure.first : trouble;
        ctx.warn(warning("the set library of the packages was not linked (each package's own library loads "
                         "instead): " + why +
                         (ctx.options.verbose ? Message()
                                              : " (" + Message(Remedy{Remedy::Kind::build, {}, Remedy::Modifier::verbose}) +
                                                    " shows the tools' output)")));
    }
    if (ctx.options.verbose) {
        Message note = "the load set's one library could not be linked; the packages' own libraries load "
                       "instead:\n" + failure.error;
        ctx.observe([&](BuildObserver& o) { o.note(note); });
    }
    if (remember) {
        memo.put_load_set(key, failure.error.plain()); // the tools' output and the objects' clash: no remedies
        memo.save_if_changed(memo_file);
    }
    return {};
}

// Stage 6: the manifest is only a shortcut: what was built is published; the next run hashes again.
void save_manifest(BuildManifest& manifest, BuildContext& ctx) {
    if (!manifest.changed()) {
        return;
    }
    try {
        manifest.save(manifest_path(ctx.cache));
    } catch (const Error& e) {
        ctx.warn(as_warning(e));
    }
}

BuildResult build_packages_once(const std::vector<Package>& packages, BuildContext& ctx, bool& cache_removed) {
    CacheLock lock(ctx.cache);
    // Holding the lock, no other build is running: whatever is in tmp/ was left by one that died.
    remove_scratch(ctx.cache);
    BuildResult result;
    const std::string toolchain_id = manifest_toolchain(ctx.tc.identity(), include_search(ctx.options));
    BuildManifest manifest = BuildManifest::load(manifest_path(ctx.cache));
    std::vector<ObjectJob> jobs = key_mods(packages, manifest, toolchain_id, ctx, result.stats);
    std::vector<std::span<ObjectJob>> packages_jobs = by_package(jobs, packages);
    std::vector<std::string> reused = reuse_libraries(packages_jobs, packages, ctx, result.stats);
    std::optional<FailureMemo> failures;
    std::vector<size_t> todo = objects_to_build(jobs, manifest, failures, toolchain_id, ctx, result.stats);
    compile_objects(jobs, todo, ctx, result.stats);
    for (size_t i : todo) {
        if (jobs[i].ok && !jobs[i].scanned_key.empty()) {
            manifest.put(ManifestMod(jobs[i].entry)); // with the compiler's files and the key they made
        }
    }
    remember_failures(jobs, todo, std::move(failures), ctx.cache);
    for (size_t p = 0; p < packages.size(); ++p) {
        result.libraries.push_back(link_package(packages[p], packages_jobs[p], reused[p], manifest, ctx, result.stats));
    }
    if (ctx.options.link && ctx.options.link_set) {
        std::string key = load_set_key(result.libraries);
        result.set_library = link_load_set(key, result.libraries, ctx, result.stats);
        result.set_key = result.set_library.empty() ? std::string() : key;
    }
    save_manifest(manifest, ctx);
    cache_removed = lock.removed();
    return result;
}

// True if `result` should be built once more: it failed for the cache, not for a mod.
bool failed_for_the_cache(const BuildResult& result, bool cache_removed, Disk& disk) {
    // A failed link is the cache's doing, not a mod's (its objects were built): link once more too.
    // So is a library that is gone right after its build (removed with the cache): link it anew.
    bool link_failed = false, failed = false, library_gone = false;
    for (const auto& lib : result.libraries) {
        failed = failed || !lib.failures.empty();
        for (const auto& failure : lib.failures) {
            link_failed = link_failed || failure.stage == "link";
        }
        library_gone = library_gone || (!lib.library.empty() && !disk.exists(lib.library));
    }
    return (failed && (cache_removed || link_failed)) || library_gone;
}

} // namespace

IncludeSearch include_search(const BuildOptions& options) { return {options.include_dirs, options.modl_include}; }

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

std::string build_source(const ModFile& mod, std::string_view text) {
    return mod.own_name || mod.nmodl.kind == MechanismKind::nothing ? std::string(text) : rewrite_nmodl(text, mod.nmodl, mod.name.full());
}

ProcessResult translate_mod(const Toolchain& tc, const fs::path& rewritten, const fs::path& mod_dir,
                            const fs::path& work, const CommandLog& log) {
    return translate(tc, rewritten, mod_dir, work, {}, system_runner(), system_disk(), log);
}

std::vector<const ModFile*> mods_in(const PackageLibrary& lib, const Package& package) {
    // A build lists a library's mechanisms in the package's order: then one walk along both finds them.
    std::vector<const ModFile*> mods;
    auto next = lib.mechanisms.begin();
    for (const auto& mod : package.mods) {
        if (next != lib.mechanisms.end() && *next == mod.name) {
            mods.push_back(&mod);
            ++next;
        }
    }
    if (next == lib.mechanisms.end()) {
        return mods;
    }
    mods.clear(); // in another order: look each one up
    std::set<MechanismName> in_library(lib.mechanisms.begin(), lib.mechanisms.end());
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
        std::string key;
        for (const auto& [id, last] : manifest.libraries()) {
            if (last.package_dir == dir && last.package == package.name && last.neuron == neuron_target_version()) {
                key = last.key;
            }
        }
        fs::path target = key.empty() ? fs::path() : library_path(cache, key, package.name);
        boost::system::error_code ec;
        bool found = !target.empty() && fs::exists(target, ec);
        for (const auto& mod : package.mods) {
            if (found) {
                lib.mechanisms.push_back(mod.name); // a mod added since is reported when it cannot be registered
            } else {
                lib.failures.push_back(ModFailure{mod.name, mod.path, "load",
                                                  "the cache has no library of package '" + package.name + "' and " +
                                                      Remedy{Remedy::Kind::compiling_off_setting} + " is set; run '" +
                                                      Remedy{Remedy::Kind::build} + "' first"});
            }
        }
        if (found) {
            lib.library = target;
            lib.key = key;
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
                Message stale = std::to_string(count) + " mod file(s) of package '" + package.name +
                                "' changed after its library was built (" + newer + "); " +
                                Remedy{Remedy::Kind::compiling_off_setting} + " loads that older build: run '" +
                                Remedy{Remedy::Kind::build} + "' to update it";
                lib.warnings.push_back({Severity::warning, stale, {}, package.name});
            }
        }
        result.libraries.push_back(std::move(lib));
    }
    std::string set_key = load_set_key(result.libraries);
    boost::system::error_code ec;
    if (!set_key.empty() && fs::exists(load_set_path(cache, set_key), ec)) {
        result.set_library = load_set_path(cache, set_key);
        result.set_key = set_key;
    }
    return result;
}


BuildResult build_packages(const std::vector<Package>& packages, const Toolchain& toolchain,
                           const fs::path& cache, const BuildOptions& options) {
    BuildContext ctx(toolchain, cache, options);
    // A cache removed while it builds (by hand, or 'glia cache --clear' in another shell) takes the
    // build's scratch files and objects with it: what failed for that is built once more, in the
    // cache made anew. The lock file's link count tells when the removal came while the lock was held.
    bool cache_removed = false;
    BuildResult result = build_packages_once(packages, ctx, cache_removed);
    if (failed_for_the_cache(result, cache_removed, ctx.disk)) {
        result = build_packages_once(packages, ctx, cache_removed);
    }
    return result;
}

} // namespace glia
