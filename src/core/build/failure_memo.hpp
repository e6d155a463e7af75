#pragma once
/// \file
/// What nocmodl or the compiler said about mods that failed, kept in the cache (`<cache>/failures`) by
/// each mod's object key (its text, includes and toolchain): a NEURON start does not run the tools again
/// for a mod that failed unchanged, it reports the failure it remembers. `glia compile` always tries
/// again, since what the key does not cover can change (a system header installed, CPATH). A set library
/// (load_set.hpp) that could not be linked or loaded is remembered the same way, by the set's key.

#include "store/cache.hpp"
#include "packages/package.hpp"
#include "build/package_library.hpp"

#include <map>
#include <optional>
#include <string>

namespace glia {

class FailureMemo {
  public:
    /// Reads `file`; a missing, foreign or damaged file gives an empty memo.
    static FailureMemo load(const fs::path& file);

    /// The failure remembered for object key `key`, named as `mod` is now.
    std::optional<ModFailure> find(const std::string& key, const ModFile& mod) const;
    /// Remembers a translate or compile failure of the mod with object key `key`.
    void put(const std::string& key, const ModFailure& failure);
    /// Remembers that the set library of key `key` (load_set.hpp) could not be linked or loaded, and why.
    void put_load_set(const std::string& key, const std::string& message);
    /// True if the set library of key `key` failed before: a start loads the package libraries instead.
    bool load_set_failed(const std::string& key) const;
    /// Forgets the failure of `key` (the mod built).
    void forget(const std::string& key);
    /// Writes the memo if `put` changed it. Never throws: a memo that cannot be written only costs the
    /// next start a run of the tools.
    void save_if_changed(const fs::path& file) const;

  private:
    std::map<std::string, std::pair<std::string, std::string>> failures_; // key -> stage, message
    bool changed_ = false;
};

/// `<root>/failures`.
fs::path failure_memo_path(const fs::path& root);

/// The failure memo in the cache (cache.hpp): removed by a clear, kept by a collection.
const CacheFormat& failure_memo_format();

} // namespace glia
