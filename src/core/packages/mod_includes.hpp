#pragma once
/// \file
/// Every file a mod's build may read besides the mod itself: its includes, and theirs, found the way the
/// tools find them. nocmodl looks for an `INCLUDE "x"` in the folder of the file that includes it, then in
/// the folder it runs in (the mod's), then one folder up, then in each `MODL_INCLUDE` folder; the compiler
/// looks for a `#include "x"` in the folder of the file that includes it, then in each `-I` folder (the
/// mod's among them). A mod's key, its lock hash, its start record and its remembered failure cover every
/// place of every include met, whether a file is there or not: one appearing or changing anywhere the tools
/// would look is a different build. The places are the union of both tools' orders, so a place only one of
/// them tries is covered too (a key may cover more than the tools read, never less).

#include "base/disk.hpp"
#include "base/file_stamp.hpp"
#include "base/fs.hpp"
#include "packages/nmodl.hpp"

#include <optional>
#include <string>
#include <vector>

namespace glia {

/// Where the tools look for includes besides the folders the including file fixes.
struct IncludeSearch {
    std::vector<fs::path> include_dirs; ///< the compiler's `-I` folders besides the mod's (nrnivmodl's -incflags)
    std::vector<fs::path> modl_include; ///< nocmodl's `MODL_INCLUDE` folders, in order
};

/// One place the tools look for an include.
struct IncludePlace {
    fs::path path;
    FileStamp stamp;                    ///< taken before the file was read
    std::optional<std::string> content; ///< what is there; nullopt if no file can be read there
};

/// One include met in the mod or in a file it includes.
struct ModInclude {
    std::string name;                 ///< as written (`h2.inc`, `sub/e.h`)
    bool angled = false;              ///< `#include <x>`: not finding it is no fault (a system header)
    std::vector<IncludePlace> places; ///< every place the tools look for it, the including file's folder first
    /// The place the tools read: the first that holds a file; nullptr if none does.
    const IncludePlace* found() const;
};

/// Every include of a mod in `mod_dir` (absolute) whose own text includes `includes` (included_names), nested ones
/// too, in the order met; each file found is read and followed once (an include cycle ends). Reads through `disk`,
/// and only regular files. An `#include <x>` is looked for only in the mod's folder and the `-I` folders.
std::vector<ModInclude> mod_includes(const fs::path& mod_dir, const std::vector<IncludedName>& includes,
                                     const IncludeSearch& search, Disk& disk = system_disk());

/// The includes of the mod file `file` (absolute) with `search`: mod_includes of its own text.
std::vector<ModInclude> mod_file_includes(const fs::path& file, const IncludeSearch& search);

/// The prerequisites of the make rule a compiler's `-MD`/`-MMD` output holds (`x.o: a.c b.h \\ c.h`), as written:
/// the files it read. Escaped spaces and `$$` are unescaped.
std::vector<std::string> make_prerequisites(std::string_view depfile);

/// How a key and a lock name `place` of a mod in `mod_dir`: relative to that folder when it is under it
/// (`h.inc`, `sub/h.inc`, `../h.inc`), so two copies of a package share their objects; else absolute.
std::string place_role(const fs::path& mod_dir, const fs::path& place);

} // namespace glia
