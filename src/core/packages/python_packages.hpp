#pragma once
/// \file
/// Packages made for the original Python Glia and installed with pip: Python distributions that
/// advertise a `glia.package` entry point in their `*.dist-info/entry_points.txt`. Their mods
/// become packages like a package folder's (docs/manual/packages.md, "Packages installed with pip").
///
/// Two layouts are read:
/// - Glia 0.x: the advertised module's folder holds `mod/glia__<pkg>__<asset>__<variant>.mod`;
///   the file names say everything, so no Python runs;
/// - Glia 4.x: the module declares `Package(name, root, mods=[Mod(relpath, asset, variant=...)])`.
///   Reading it runs the environment's Python once; the answer is remembered in the cache by the
///   stamps of the distribution's RECORD and entry_points.txt and of the module's file, so an
///   unchanged set costs no Python start.

#include "store/cache.hpp"
#include "base/fs.hpp"
#include "packages/package.hpp"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace glia {

class ScanMemo;

/// A site directory and the interpreter that reads it.
struct PythonSite {
    fs::path dir;
    fs::path python;
};

/// The site directories searched, in Python's own order: an active virtual environment's
/// (`VIRTUAL_ENV`), then, outside a virtual environment, the user site directory, then (outside
/// one, or in one made with `--system-site-packages`) those of Debian's /usr/bin/python3.
std::vector<PythonSite> python_site_dirs();

/// One `glia.package` entry point of an installed distribution.
struct GliaDistribution {
    std::string name;      ///< the distribution's name (METADATA `Name:`)
    std::string version;   ///< METADATA `Version:`
    fs::path dist_info;    ///< its `*.dist-info` folder
    PythonSite site;       ///< where it is installed
    std::string module;    ///< the advertised module (`module:attr`)
    std::string attribute; ///< the advertised attribute (empty: `package`)
};

/// The distributions in `site` that advertise `glia.package` entry points, by dist-info name.
/// A distribution whose files cannot be read is reported in `problems` and left out.
std::vector<GliaDistribution> glia_distributions(const PythonSite& site, std::vector<Diagnostic>& problems);

/// The folder of the advertised module (`<site>/<a>/<b>` for `a.b`); Error for a module that is
/// a single file or missing (it cannot hold mods).
fs::path module_dir(const GliaDistribution& dist);

/// A Glia 4.x declaration as Python gave it: the package name, its root, and its mods.
struct Glia4Declaration {
    std::string name;
    fs::path root;
    std::vector<DeclaredMod> mods; ///< files relative to `root`
};

/// What Python said each 4.x distribution declares, remembered with the stamps of the files it
/// read (`<cache>/python-packages`). Like the scan memo it is written without the cache lock:
/// every entry is checked against the files' current stamps before use.
class DeclarationMemo {
  public:
    /// Reads `file`; a missing, foreign or damaged file gives an empty memo.
    static DeclarationMemo load(const fs::path& file);
    /// The declaration of `dist` that Python gave when its files were as they are now, or nullptr.
    const Glia4Declaration* find(const GliaDistribution& dist);
    /// Remembers what Python said of `dist`, whose files had `stamps` at `recorded_ns`.
    void put(const GliaDistribution& dist, const std::string& stamps, int64_t recorded_ns, Glia4Declaration declared);
    /// Writes the memo if `put` added anything; never throws (it is only a shortcut).
    void save_if_changed(const fs::path& file) const;
    /// How many declarations were asked of Python (each one Python start).
    size_t python_starts() const { return python_starts_; }
    void count_python_start() { ++python_starts_; }

  private:
    struct Entry {
        std::string stamps;
        int64_t recorded_ns = 0;
        Glia4Declaration declared;
    };
    std::map<std::string, Entry> entries_;
    bool changed_ = false;
    size_t python_starts_ = 0;
};

/// `<root>/python-packages`.
fs::path declaration_memo_path(const fs::path& root);

/// The declaration memo in the cache (cache.hpp): removed by a clear, kept by a collection.
const CacheFormat& declaration_memo_format();

/// Reads the package `dist` declares (0.x or 4.x layout, see the file comment), with its
/// provenance set. With a `memo`, mods known by their stamps are not read again; with
/// `declarations`, a 4.x declaration made by unchanged files is not asked of Python again. A
/// package whose name `wanted` refuses comes back with its name and no mods (as load_package's).
Package load_python_package(const GliaDistribution& dist, ScanMemo* memo, DeclarationMemo* declarations,
                            const std::function<bool(const std::string&)>& wanted = {});

} // namespace glia
