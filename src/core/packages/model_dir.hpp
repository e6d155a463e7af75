#pragma once
/// \file
/// The model folder of a NEURON process: the folder whose `glia.yaml` (project preferences),
/// `glia.lock` and relative GLIA_PATH entries apply. It is NEURON's working directory when glia is
/// loaded by `nrn_load_dll(path)` or `import glia`. `load_file("glia.hoc")` is different: NEURON runs
/// glia.hoc, and so loads the plugin, inside glia.hoc's own folder and keeps the user's folder
/// nowhere. Then the model folder is GLIA_MODEL_DIR if set, else a guess from the shell's $PWD that
/// the first glia call checks against the folder NEURON has returned to: where the two would pick
/// different files, glia refuses and says how to choose; it never uses glia.hoc's folder.

#include "base/fs.hpp"

#include <optional>
#include <string>

namespace glia {

/// The lock file's name, looked for in the model's folder (lockfile.hpp reads and writes it).
inline constexpr const char* kLockName = "glia.lock";

/// The variable that names the model folder explicitly (an absolute path).
inline constexpr const char* kModelDirVariable = "GLIA_MODEL_DIR";

/// The model folder as known when the plugin loads.
struct ModelDir {
    fs::path dir;          ///< absolute; empty if unknown until the first glia call
    bool confirmed = true; ///< false: taken from $PWD (or unknown); the first glia call checks it
    std::string source;    ///< "GLIA_MODEL_DIR", "the working directory" or "$PWD", for messages
};

/// The model folder at load time. `via_glia_hoc`: glia.hoc is loading the plugin, so the working
/// directory is glia.hoc's folder, not the model's. Throws Error for a GLIA_MODEL_DIR that is not
/// an absolute path to a folder, and, when the folder is unknown, for relative GLIA_PATH entries.
ModelDir model_dir_at_load(bool via_glia_hoc);

/// The model files a folder selects: what two candidate model folders are compared on.
struct ModelFiles {
    std::optional<fs::path> project;      ///< glia.yaml, found from the folder upwards
    std::optional<fs::path> lock;         ///< the folder's glia.lock
    std::vector<fs::path> search_entries; ///< the relative GLIA_PATH entries, made absolute

    /// "" if `other` selects the same files, else what differs, one "; "-separated item each.
    Message differences(const ModelFiles& other) const;
};

ModelFiles model_files(const fs::path& dir);

/// At the first glia call, with NEURON back in the user's folder `cwd`: the model folder from now
/// on. An unconfirmed `at_load` folder stands if it selects the same files as `cwd`; where they
/// differ glia cannot tell which one the user meant and throws Error saying how to choose.
fs::path confirm_model_dir(const ModelDir& at_load, const fs::path& cwd);

} // namespace glia
