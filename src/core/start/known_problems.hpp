#pragma once
/// \file
/// Problems found as NEURON starts (a mod that does not build, a name clash, a package skipped) are
/// printed in full the first time; a start that meets them again prints one line that counts them and
/// names the command that lists them, so a machine with many packages is not told the same thing at
/// every start of every model. What was reported is remembered by a hash of each message in
/// `${XDG_STATE_HOME:-~/.local/state}/glia/known-problems`; a message changed in any way is new.

#include "base/diagnostic.hpp"
#include "base/fs.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace glia {

/// `${XDG_STATE_HOME:-~/.local/state}/glia/known-problems`.
fs::path known_problems_path();

/// The problems of one start, sorted out against those reported before.
struct ProblemReport {
    std::vector<Diagnostic> fresh;  ///< not reported before: to print in full
    size_t known = 0;               ///< reported at an earlier start and unchanged
};

/// Splits `problems` into fresh and known by `file`, and records them all as reported at `now`
/// (seconds since the epoch) when `record` is set. Entries not met for 30 days are forgotten. A file
/// that cannot be read or written makes every problem fresh: never fewer messages than before.
ProblemReport sort_out_problems(const std::vector<Diagnostic>& problems, const fs::path& file, int64_t now,
                                bool record = true);

/// The one line for `known` problems: how many, and that a build lists them.
Message known_problems_line(size_t known);

} // namespace glia
