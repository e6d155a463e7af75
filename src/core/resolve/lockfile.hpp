#pragma once
/// \file
/// Lock files: `glia.lock` beside a model records which concrete mechanism each asset of the
/// model is and a hash of its source, so that a model runs only with the mechanisms it was
/// locked with (`glia lock`; the plugin checks at load time).
///
/// Format (YAML, written atomically by `glia lock`):
///
///     # glia.lock -- written by 'glia lock'; ...
///     version: 2
///     mechanisms:
///       - asset: Kv1                      # the name the model asks for (or the full name)
///         name: glia__example__Kv1__0     # the mechanism it resolved to
///         hash: 3f9a...(64 hex digits)    # mechanism_hash: all its files together
///         files:                          # each file's own hash, to say which one changed
///           Kv1.mod: 5e2b...(64 hex digits)   # the file's SHA-256, as sha256sum prints it
///           (includes by the name the mod INCLUDEs them with)
///
/// Hashes are SHA-256 (OpenSSL's libcrypto): a lock is a security check, so a collision must not be
/// craftable. Version 1 files (a non-cryptographic hash) are refused with the command that re-locks.
/// The hash covers only content (the mod text and each INCLUDE'd file's name and text), never
/// paths or times, so the same package installed on another machine has the same hash.

#include "base/error.hpp"
#include "base/fs.hpp"
#include "resolve/index.hpp"
#include "packages/model_dir.hpp"
#include "packages/package.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace glia {

/// The format version `glia lock` writes and the only one it reads.
inline constexpr int kLockVersion = 2;

/// A model whose mechanisms differ from its lock file; the message names each changed
/// mechanism and file and the command that accepts the change.
class LockMismatch : public Error {
  public:
    using Error::Error;
};

/// One locked mechanism.
struct LockEntry {
    std::string asset;              ///< as the model names it
    MechanismName name;             ///< what it resolved to
    std::string hash;               ///< mechanism_hash at lock time
    /// The mod (by file name) and its includes (by INCLUDE name), each with its content hash.
    std::vector<std::pair<std::string, std::string>> files;
};

/// The content of a lock file.
struct Lock {
    std::vector<LockEntry> entries;
};

/// A hash of everything that makes the mechanism: the mod file's text and each INCLUDE'd file's
/// name and text (a missing include hashes as missing).
std::string mechanism_hash(const ModFile& mod);

/// The files of `mod` with their content hashes: the mod by file name, then each include.
std::vector<std::pair<std::string, std::string>> mechanism_files(const ModFile& mod);

/// `mechanism_hash` from what `mechanism_files` gave, for callers that need both (reads nothing).
std::string mechanism_hash(const std::vector<std::pair<std::string, std::string>>& files);

/// The mod of `name` among `packages`, or nullptr.
const ModFile* find_mod(const std::vector<Package>& packages, const MechanismName& name);

/// What `make_lock` could not lock, with the reason.
struct LockSkip {
    std::string asset;
    Message reason;
};

/// How an asset name becomes a mechanism: `resolve` itself, or the preference scopes in force.
using LockResolver = std::function<const Candidate&(const Index&, std::string_view)>;

/// Locks `assets` (abstract or full names; each must resolve, else ResolveError), or when
/// `assets` is empty every asset of `packages` that resolves (the others are returned in
/// `skipped`). `resolver` defaults to `resolve` without preferences. NEURON's built-in mechanisms
/// are never locked.
Lock make_lock(const std::vector<Package>& packages, const std::vector<std::string>& assets,
               std::vector<LockSkip>* skipped = nullptr, const LockResolver& resolver = {});

/// The YAML text of `lock`, after `header` (the front end's comment lines, each starting with '#').
std::string format_lock(const Lock& lock, const std::string& header = {});

/// Reads a lock file; throws ParseError (file:line:column) if malformed or of another version.
Lock read_lock(const fs::path& path);

/// One locked mechanism that no longer matches.
struct LockProblem {
    LockEntry entry;
    Diagnostic diagnostic; ///< "missing" or "changed", explained; of the entry's package and asset

    static LockProblem of(const LockEntry& entry, Message what);
};

/// Compares `lock` with the mechanisms in `packages`; an empty result means it holds.
std::vector<LockProblem> verify_lock(const Lock& lock, const std::vector<Package>& packages);

/// If `dir` holds a glia.lock, checks it against the discovered `packages` and throws LockMismatch
/// naming every changed or missing mechanism. Does nothing (and reads nothing) without a lock.
void check_lock_in(const fs::path& dir, const std::vector<Package>& packages);
/// As above, with the packages discovered by `discover` only if there is a lock to check.
void check_lock_in(const fs::path& dir, const std::function<const std::vector<Package>&()>& discover);

} // namespace glia
