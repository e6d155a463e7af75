#pragma once
/// \file
/// Running the build tools as child processes, and the seam the builder runs them through.

#include "base/diagnostic.hpp"
#include "base/fs.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace glia {

/// What a finished child process left behind.
struct ProcessResult {
    int exit_code = -1; ///< the exit status, or 128+signal when killed, or 127 when it could not start
    std::string output; ///< standard output and standard error, interleaved
    bool timed_out = false; ///< it was still running at the time limit, and was killed
    /// When it could not start: what else the user can do, as remedies among words (empty otherwise).
    Message advice = {};
    bool ok() const { return exit_code == 0; }
    /// How a failure is told: what it printed (or why it did not start), then the advice.
    Message told() const { return output + advice; }
};

/// Environment variables a child gets besides (or instead of) ours.
using ExtraEnv = std::vector<std::pair<std::string, std::string>>;

/// Runs `argv` in `cwd` with extra environment variables and waits for it. With a `timeout` (zero:
/// none), a child still running when it has passed is killed (SIGKILL) and reaped, so none is left
/// behind; its result has `timed_out` set and keeps what it printed until then.
ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd, const ExtraEnv& extra_env = {},
                          std::chrono::milliseconds timeout = {});

/// `argv` joined into one line for messages.
std::string command_line(const std::vector<std::string>& argv);

/// How the builder runs its tools (ninja's CommandRunner): `system_runner()` runs them for real;
/// a unit test puts in one that plays them, to drive their failures. Called from several
/// threads at once.
class CommandRunner {
  public:
    virtual ~CommandRunner() = default;
    virtual ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd, const ExtraEnv& extra_env) = 0;
};

/// The runner that starts real processes (run_process).
CommandRunner& system_runner();

} // namespace glia
