#pragma once
/// \file
/// Running the build tools as child processes.

#include "glia/fs.hpp"

#include <string>
#include <utility>
#include <vector>

namespace glia {

/// What a finished child process left behind.
struct ProcessResult {
    int exit_code = -1; ///< the exit status, or 128+signal when killed, or 127 when it could not start
    std::string output; ///< standard output and standard error, interleaved
    bool ok() const { return exit_code == 0; }
};

/// Runs `argv` in `cwd` with extra environment variables and waits for it.
ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd,
                          const std::vector<std::pair<std::string, std::string>>& extra_env = {});

/// `argv` joined into one line for messages.
std::string command_line(const std::vector<std::string>& argv);

} // namespace glia
