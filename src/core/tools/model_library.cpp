#include "tools/model_library.hpp"

#include "store/cache.hpp"
#include "base/error.hpp"
#include "base/file_stamp.hpp"
#include "base/hash.hpp"
#include "build/manifest.hpp"
#include "base/process.hpp"
#include "base/remedy.hpp"
#include "packages/scan_memo.hpp"
#include "base/text.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace glia {

namespace {

// Bumped whenever the registration unit or the way the library is linked changes.
constexpr const char* kModelFormat = "glia-nrnivmodl-1";
constexpr const char* kRecordHeader = "glia nrnivmodl record 1";
// The package name under which the cache's manifest keeps a folder's last library (for glia cache --gc).
constexpr const char* kCachePackage = "nrnmech";
// What glia writes into x86_64/, relative to it.
const std::vector<std::string> kWritten = {"libnrnmech.so", ".libs/libnrnmech.so", "special"};

// `text` as a C string literal; bytes that are not printable ASCII as octal escapes.
std::string c_literal(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c < 0x20 || c >= 0x7f || c == '?') { // '?' too: no trigraphs
            char escaped[5];
            std::snprintf(escaped, sizeof escaped, "\\%03o", c);
            out += escaped;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// How nrnivmodl's banner names each mod: as its glob spells it, the input as given (`dir/x.mod`,
// `x.mod`), or the bare file name when no input was given. `given` are the inputs as typed,
// `inputs` the same made absolute, in the order load_model_mods read them.
std::vector<std::string> banner_names(const Package& mods, const std::vector<fs::path>& given,
                                      const std::vector<fs::path>& inputs) {
    std::vector<std::string> names;
    size_t input = 0;
    for (const auto& mod : mods.mods) {
        std::string file = mod.path.filename().string();
        if (given.empty()) {
            names.push_back(file);
            continue;
        }
        boost::system::error_code ec;
        // A folder's mods are listed together; move on to the input this one came from.
        while (input + 1 < inputs.size() && !(fs::is_directory(inputs[input], ec) && mod.path.parent_path() == inputs[input]) &&
               !(mod.path == inputs[input] || mod.path == fs::path(inputs[input].string() + ".mod"))) {
            ++input;
        }
        const fs::path& typed = given[input];
        names.push_back(fs::is_directory(inputs[input], ec) ? (typed / file).string()
                                                          : typed.extension() == ".mod" ? typed.string()
                                                                                        : typed.string() + ".mod");
        if (!fs::is_directory(inputs[input], ec)) {
            ++input;
        }
    }
    return names;
}

// The record: which library the folder holds, the folder it was made for, and the stamp and content
// hash of each file glia wrote (by path in x86_64/). The hashes tell glia's own files in a copy of the
// folder (`cp -r` gives them new stamps) from files someone else wrote or changed.
struct Record {
    std::string key;
    std::string folder; // empty in a record older glia wrote
    std::map<std::string, FileStamp> files;
    std::map<std::string, std::string> hashes;
};

std::string content_hash(const fs::path& file) { return Hasher().field("file", read_file(file)).hex(); }

Record read_record(const fs::path& out) {
    Record record;
    boost::system::error_code ec;
    fs::path file = out / kModelRecordName;
    if (!fs::is_regular_file(fs::symlink_status(file, ec))) {
        return record;
    }
    std::vector<std::string> lines = split_lines(read_file(file));
    if (lines.empty() || lines[0] != kRecordHeader) {
        return record; // not glia's: vouches for nothing
    }
    for (size_t i = 1; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        size_t space = line.find(' ');
        if (space == std::string::npos) {
            continue;
        }
        std::string what = line.substr(0, space), rest = line.substr(space + 1);
        size_t split = rest.find(' ');
        if (what == "library") {
            record.key = rest;
        } else if (what == "folder") {
            record.folder = rest;
        } else if (what == "hash" && split != std::string::npos) {
            record.hashes[rest.substr(split + 1)] = rest.substr(0, split);
        } else if (what == "file") {
            FileStamp stamp;
            if (split != std::string::npos && FileStamp::parse(rest.substr(0, split), stamp)) {
                record.files[rest.substr(split + 1)] = stamp;
            }
        }
    }
    return record;
}

// Older glia reads only `library` and `file` lines and passes over the others.
void write_record(const fs::path& out, const Record& record) {
    std::string text = std::string(kRecordHeader) + "\nlibrary " + record.key + "\nfolder " + record.folder + "\n";
    for (const auto& [path, stamp] : record.files) {
        text += "file " + stamp.text() + " " + path + "\n";
    }
    for (const auto& [path, hash] : record.hashes) {
        text += "hash " + hash + " " + path + "\n";
    }
    write_file_atomic(out / kModelRecordName, text);
}

// The files of kWritten in `out` that glia wrote, as far as the record tells.
struct RecordCheck {
    std::vector<fs::path> foreign; ///< files that exist but that glia did not write (or that changed since)
    bool restamp = false;          ///< some are glia's by their content only: the record's stamps are stale
};

RecordCheck check_record(const fs::path& out, const Record& record) {
    RecordCheck check;
    for (const auto& name : kWritten) {
        fs::path file = out / name;
        boost::system::error_code ec;
        fs::file_status status = fs::symlink_status(file, ec);
        if (!fs::exists(status)) {
            continue;
        }
        auto known = record.files.find(name);
        if (!fs::is_symlink(status) && known != record.files.end() && known->second == FileStamp::of(file)) {
            continue;
        }
        auto hash = record.hashes.find(name);
        if (!fs::is_symlink(status) && hash != record.hashes.end() && hash->second == content_hash(file)) {
            check.restamp = true; // copied or touched, but what glia wrote
        } else {
            check.foreign.push_back(file);
        }
    }
    return check;
}

// nrnivmodl's -incflags and -loadflags as its make, run in x86_64/, reads them: a relative -I or -L
// path is relative to x86_64/ (glia compiles and links elsewhere).
std::vector<std::string> anchored_flags(const std::string& flags, const fs::path& out) {
    std::vector<std::string> words = split_words(flags);
    for (size_t i = 0; i < words.size(); ++i) {
        std::string& word = words[i];
        bool separate = (word == "-I" || word == "-L") && i + 1 < words.size();
        std::string& path_word = separate ? words[++i] : word;
        size_t start = separate ? 0 : 2;
        if ((separate || word.starts_with("-I") || word.starts_with("-L")) && path_word.size() > start &&
            path_word[start] != '/') {
            path_word = path_word.substr(0, start) + (out / path_word.substr(start)).lexically_normal().string();
        }
    }
    return words;
}

std::string special_script(const Toolchain& tc) {
    return "#!/bin/sh\n"
           "# Written by glia nrnivmodl: NEURON's nrniv with this folder's mechanisms, like nrnivmodl's special.\n"
           "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
           "exec '" + (tc.neuron_prefix / "bin" / "nrniv").string() + "' -dll \"$here/.libs/libnrnmech.so\" \"$@\"\n";
}

// Copies `from` to `to` by way of a temporary file renamed into place, so a process that has the
// old library open keeps it, and a reader never sees half a file.
void put_file(const fs::path& from, const fs::path& to) {
    boost::system::error_code ec;
    fs::create_directories(to.parent_path(), ec);
    if (ec && !fs::is_directory(to.parent_path())) {
        throw Error("cannot create directory " + to.parent_path().string() + ": " + ec.message());
    }
    fs::path temporary = to.parent_path() / (".glia-" + to.filename().string() + "." + std::to_string(::getpid()));
    fs::copy_file(from, temporary, fs::copy_options::overwrite_existing, ec);
    if (ec || ::chmod(temporary.c_str(), 0755) != 0 || ::rename(temporary.c_str(), to.c_str()) != 0) {
        std::string why = ec ? ec.message() : std::string(std::strerror(errno));
        fs::remove(temporary, ec);
        throw Error("cannot write " + to.string() + ": " + why);
    }
}

// Links the library in the cache, under the lock, unless the cache has it; returns its path there.
fs::path link_model_library(const std::string& key, const std::string& unit, const std::vector<fs::path>& objects,
                            const Toolchain& tc, const std::vector<std::string>& loadflags, const fs::path& out,
                            const fs::path& cache, const BuildOptions& options, BuildStats& stats) {
    fs::path target = library_path(cache, key, kCachePackage);
    boost::system::error_code ec;
    if (!options.force && fs::exists(target, ec)) {
        return target;
    }
    CacheLock lock(cache);
    fs::path work = scratch_path(cache, key);
    fs::remove_all(work, ec);
    make_dirs(work, cache_advice());
    auto run = [&](std::vector<std::string> argv, const char* what) {
        if (options.verbose) {
            options.observer->command(argv);
        }
        ProcessResult r = run_process(argv, work);
        if (!r.ok()) {
            fs::remove_all(work, ec);
            Message trouble = cache_trouble(cache, r.output);
            throw Error(std::string("cannot ") + what + " the library of " + out.parent_path().string() + ":\n" +
                        r.told() + trouble);
        }
    };
    write_file_atomic(work / "mod_func.cpp", unit);
    std::vector<std::string> compile = tc.compile_cxx;
    compile.insert(compile.end(), {"-c", (work / "mod_func.cpp").string(), "-o", (work / "mod_func.o").string()});
    run(compile, "compile the registration unit of");
    std::vector<std::string> link = tc.link;
    link.insert(link.end(), {"-o", (work / target.filename()).string(), "-Wl,-soname,libnrnmech.so",
                             (work / "mod_func.o").string()});
    for (const auto& object : objects) {
        link.push_back(object.string());
    }
    link.insert(link.end(), tc.libraries.begin(), tc.libraries.end());
    link.insert(link.end(), loadflags.begin(), loadflags.end());
    run(link, "link");
    ++stats.linked;
    publish(work / target.filename(), target, cache);
    fs::remove_all(work, ec);
    // The folder's last library, so that 'glia cache --gc' keeps it while the folder exists.
    BuildManifest manifest = BuildManifest::load(manifest_path(cache));
    manifest.put_library({stamp_key(out), kCachePackage, key, tc.neuron_version});
    try {
        manifest.save(manifest_path(cache));
    } catch (const Error& e) {
        options.observer->warning(as_warning(e));
    }
    return target;
}

// The folders and files the model's mods come from: `inputs` against `folder`, or the folder itself.
std::vector<fs::path> model_inputs(const fs::path& folder, const std::vector<fs::path>& given) {
    std::vector<fs::path> inputs;
    for (const auto& input : given) {
        inputs.push_back(input.is_absolute() ? input : folder / input);
    }
    if (inputs.empty()) {
        inputs.push_back(folder);
    }
    return inputs;
}

// nrnivmodl's -incflags go into every compile, and their -I folders are where includes are found.
void add_incflags(const std::vector<std::string>& incflags, Toolchain& tc, BuildOptions& build) {
    for (size_t i = 0; i < incflags.size(); ++i) {
        tc.compile.push_back(incflags[i]);
        tc.compile_cxx.push_back(incflags[i]);
        if (incflags[i] == "-I" && i + 1 < incflags.size()) {
            build.include_dirs.push_back(incflags[i + 1]);
        } else if (incflags[i].starts_with("-I") && incflags[i].size() > 2) {
            build.include_dirs.push_back(incflags[i].substr(2));
        }
    }
}

// Before any work: a model folder glia cannot write stops it, named as the folder's trouble (not the cache's).
void refuse_unwritable(const fs::path& folder, const fs::path& out) {
    boost::system::error_code ec;
    for (const fs::path& dir : {out / ".libs", out, folder}) {
        if (!fs::exists(dir, ec)) {
            continue;
        }
        if (::access(dir.c_str(), W_OK) != 0) {
            throw Error("the model folder " + folder.string() + " is not writable (" + dir.string() + ": " +
                        std::strerror(errno) + "), so its library cannot be written into " + out.string() +
                        ". Make the folder writable (or copy the model to a folder you can write), then run '" +
                        Remedy{Remedy::Kind::build_model_folder} + "' there");
        }
        if (dir != out / ".libs") {
            return; // the folders under it do not exist yet: they are made in this one
        }
    }
}

// Before any work: a file in the way that glia did not write stops it. Returns what the record vouched for.
RecordCheck refuse_foreign_files(const fs::path& out, const fs::path& folder, const Record& record) {
    RecordCheck check = check_record(out, record);
    if (check.foreign.empty()) {
        return check;
    }
    std::vector<std::string> names;
    for (const auto& file : check.foreign) {
        names.push_back(file.string());
    }
    std::string are = check.foreign.size() > 1 ? " were" : " was";
    std::string what = !record.folder.empty() && record.folder != folder.string()
                           ? out.string() + " is a copy of the build glia made for " + record.folder + ", and " +
                                 join(names, ", ") + are + " changed since (or written by something else)"
                           : join(names, ", ") + are + " not written by glia (NEURON's nrnivmodl writes these names)";
    throw Error(what + ", and glia does not replace files it did not create. Remove them (rm -f '" +
                join(names, "' '") + "') or the whole " + out.string() + " folder, then run '" +
                Remedy{Remedy::Kind::build_model_folder} + "' again; glia leaves everything else in it alone");
}

// The registration unit of the mods that built, banner names as NEURON's nrnivmodl prints them.
std::string registration_unit(const ModelLibraryResult& result, const PackageLibrary& objects,
                              const ModelLibraryOptions& options, const std::vector<fs::path>& inputs) {
    std::set<std::string> in_library;
    for (const auto& name : objects.mechanisms) {
        in_library.insert(name.asset);
    }
    std::vector<const ModFile*> registered;
    std::vector<std::string> banner;
    std::vector<std::string> all_names = banner_names(result.mods, options.inputs, inputs);
    for (size_t m = 0; m < result.mods.mods.size(); ++m) {
        if (in_library.count(result.mods.mods[m].name.asset)) {
            registered.push_back(&result.mods.mods[m]);
            banner.push_back(all_names[m]);
        }
    }
    return model_registration_unit(registered, result.failures, options.plugin, banner, options.advice);
}

// The library's cache key: all that goes into it.
std::string library_key(const std::string& unit, const Toolchain& tc, const std::vector<std::string>& loadflags,
                        const PackageLibrary& objects) {
    Hasher h;
    h.field("format", kModelFormat)
        .field("unit", unit)
        .field("toolchain", tc.identity())
        .field("loadflags", command_line(loadflags));
    for (const auto& object : objects.objects) {
        h.field("object", object.filename().string());
    }
    return h.hex();
}

// Writes kWritten into `out` (the library twice, the special script) and returns their record.
Record write_model_files(const fs::path& folder, const fs::path& library, const std::string& key, const Toolchain& tc) {
    fs::path out = folder / "x86_64";
    Record written;
    written.key = key;
    written.folder = folder.string();
    for (const auto& name : kWritten) {
        if (name == "special") {
            write_file_atomic(out / name, special_script(tc));
            if (::chmod((out / name).c_str(), 0755) != 0) {
                throw Error("cannot make " + (out / name).string() + " executable: " + std::strerror(errno));
            }
        } else {
            put_file(library, out / name);
        }
        written.files[name] = FileStamp::of(out / name);
        written.hashes[name] = content_hash(out / name);
    }
    return written;
}

} // namespace

std::string model_registration_unit(const std::vector<const ModFile*>& mods, const std::vector<ModFailure>& lacking,
                                    const fs::path& plugin, const std::vector<std::string>& banner,
                                    const LibraryAdvice& advice) {
    std::string text = "// Written by glia nrnivmodl: what NEURON's nrnivmodl writes as mod_func.cpp";
    text += plugin.empty() ? ".\n" : ", then glia's plugin.\n";
    text += "#include <stdio.h>\n#include <dlfcn.h>\nextern int nrnmpi_myid;\nextern int nrn_nobanner_;\n"
            "extern \"C\" {\n";
    for (const ModFile* mod : mods) {
        text += "extern void _" + translation_stem(*mod) + "_reg(void);\n";
    }
    text += "\nvoid modl_reg() {\n"
            "  if (!nrn_nobanner_) if (nrnmpi_myid < 1) {\n"
            "    fprintf(stderr, \"Additional mechanisms from files\\n\");\n";
    for (const auto& name : banner) {
        text += "    fputs(" + c_literal(" \"" + name + "\"") + ", stderr);\n";
    }
    text += "    fprintf(stderr, \"\\n\");\n  }\n";
    for (const ModFile* mod : mods) {
        text += "  _" + translation_stem(*mod) + "_reg();\n";
    }
    if (!lacking.empty()) {
        std::vector<std::string> files;
        for (const auto& failure : lacking) {
            files.push_back(failure.file.filename().string());
        }
        text += "  if (nrnmpi_myid < 1) fputs(" +
                c_literal("glia: this library lacks " + join(files, ", ") + " (they failed to build; " +
                          advice.lacking + ")\n") +
                ", stderr);\n";
    }
    if (!plugin.empty()) {
        text += "  void* glia = dlopen(" + c_literal(plugin.string()) +
                ", RTLD_NOW | RTLD_GLOBAL);\n"
                "  void (*glia_reg)(void) = glia ? (void (*)(void))dlsym(glia, \"modl_reg\") : 0;\n"
                "  if (glia_reg) {\n    glia_reg();\n  } else if (nrnmpi_myid < 1) {\n"
                "    fprintf(stderr, \"glia: cannot load glia's plugin %s: %s; this folder's mechanisms are loaded, "
                "glia's packages are not (%s)\\n\", " +
                c_literal(plugin.string()) + ", glia ? \"it has no modl_reg\" : dlerror(), " +
                c_literal(advice.no_plugin) + ");\n  }\n";
    }
    text += "}\n}\n";
    return text;
}

// The stages: load the model's mods, apply -incflags and -loadflags, lock the folder and refuse
// files glia did not write, build the objects, make the registration unit and its key, and link and
// write the library unless the record says the folder holds it already.
ModelLibraryResult build_model_library(const ModelLibraryOptions& options, const Toolchain& toolchain,
                                       const fs::path& cache) {
    ModelLibraryResult result;
    fs::path folder = fs::absolute(options.folder).lexically_normal();
    std::vector<fs::path> inputs = model_inputs(folder, options.inputs);
    ScanMemo memo = ScanMemo::load(scan_memo_path(cache));
    result.mods = load_model_mods(inputs, &memo);
    memo.save_if_changed(scan_memo_path(cache));

    // nrnivmodl's -incflags and -loadflags change what is compiled and linked, and so the cache keys.
    fs::path out = folder / "x86_64";
    Toolchain tc = toolchain;
    BuildOptions build = options.build;
    build.link = false;
    add_incflags(anchored_flags(options.incflags, out), tc, build);
    std::vector<std::string> loadflags = anchored_flags(options.loadflags, out);
    // One run at a time per folder, from reading the record to writing it: two runs at once would
    // each record stamps of files the other then replaced, and the next run would refuse them.
    DirectoryLock lock(folder);
    refuse_unwritable(folder, out);
    Record record = read_record(out);
    RecordCheck vouched = refuse_foreign_files(out, folder, record);

    BuildResult built = build_packages({result.mods}, tc, cache, build);
    result.stats = built.stats;
    const PackageLibrary& objects = built.libraries.front();
    result.failures = objects.failures;
    if (options.strict && !result.failures.empty()) {
        return result;
    }
    std::string unit = registration_unit(result, objects, options, inputs);
    std::string key = library_key(unit, tc, loadflags, objects);
    result.library = out / ".libs" / "libnrnmech.so";
    bool complete = record.files.size() == kWritten.size();
    if (!options.build.force && record.key == key && complete && !vouched.restamp && record.folder == folder.string()) {
        return result; // every file is glia's (checked above) and holds this library
    }
    fs::path library = link_model_library(key, unit, objects.objects, tc, loadflags, out, cache,
                                          options.build, result.stats);
    write_record(out, write_model_files(folder, library, key, tc));
    result.changed = true;
    return result;
}

} // namespace glia
