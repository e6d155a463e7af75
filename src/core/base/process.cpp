#include "base/process.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace glia {

namespace {
// The compilers NEURON's makefile may name.
bool is_compiler(const std::string& program) {
    std::string name = fs::path(program).filename().string();
    for (const char* compiler : {"cc", "c++", "gcc", "g++", "clang", "clang++", "mpicc", "mpicxx"}) {
        if (name == compiler) {
            return true;
        }
    }
    return false;
}

// How to get a build tool that could not be started: a compiler, or NEURON's translator.
std::string install_advice(const std::string& program) {
    if (is_compiler(program)) {
        return "install a C/C++ compiler (Debian: apt-get install build-essential) or put one on PATH";
    }
    if (fs::path(program).filename() == "nocmodl") {
        return "install NEURON's development files (Debian: apt-get install neuron-dev)";
    }
    return "install it or put it on PATH";
}

std::string cannot_start(const std::string& program, int error) {
    std::string text = "cannot run '" + program + "': " + std::strerror(error);
    if (error == ENOENT) {
        if (program.find('/') == std::string::npos) {
            text += " (not found on PATH=" + env_or("PATH", "") + ")";
        }
        text += "; " + install_advice(program);
    }
    return text;
}

// What else can be done about a compiler that could not start: the settings that choose another.
Message compiler_advice(const std::string& program, int error) {
    if (error != ENOENT || !is_compiler(program)) {
        return {};
    }
    return "; " + Message(Remedy{Remedy::Kind::compiler_setting, {"C"}}) + " chooses the C compiler, " +
           Remedy{Remedy::Kind::compiler_setting, {"C++"}} + " the C++ one (NEURON 9 compiles mods as C++)";
}
} // namespace

std::string command_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const auto& arg : argv) {
        line += (line.empty() ? "" : " ") + arg;
    }
    return line;
}

namespace {
// The child's environment: ours, with the extra variables replacing any of the same name.
std::vector<std::string> child_environment(const ExtraEnv& extra_env) {
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        std::string entry = *e;
        bool replaced = false;
        for (const auto& [name, value] : extra_env) {
            replaced = replaced || entry.compare(0, name.size() + 1, name + "=") == 0;
        }
        if (!replaced) {
            env_strings.push_back(entry);
        }
    }
    for (const auto& [name, value] : extra_env) {
        env_strings.push_back(name + "=" + value);
    }
    return env_strings;
}

// `strings` as the null-terminated array exec takes; it points into `strings`.
std::vector<char*> c_array(std::vector<std::string>& strings) {
    std::vector<char*> array;
    for (auto& entry : strings) {
        array.push_back(entry.data());
    }
    array.push_back(nullptr);
    return array;
}

// The child's standard output and error go to `out`, its input comes from /dev/null, and it
// starts in `cwd`. Returns 0, or the errno of the first action that could not be recorded.
int prepare_actions(posix_spawn_file_actions_t& actions, int out, const fs::path& cwd) {
    int rc = posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
    rc = rc ? rc : posix_spawn_file_actions_adddup2(&actions, out, STDERR_FILENO);
    rc = rc ? rc : posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!rc && !cwd.empty()) {
        rc = posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    }
    return rc;
}

// Starts `argv` with its output into `out`; returns 0 or the errno that stopped it (then
// `failure` says what failed).
int spawn(const std::vector<std::string>& argv, const fs::path& cwd, const ExtraEnv& extra_env, int out, pid_t& pid,
          std::string& failure) {
    std::vector<std::string> env_strings = child_environment(extra_env);
    std::vector<std::string> args = argv;
    std::vector<char*> envp = c_array(env_strings), argp = c_array(args);
    posix_spawn_file_actions_t actions;
    if (int rc = posix_spawn_file_actions_init(&actions)) {
        failure = "cannot prepare to run '" + argv.front() + "': " + std::strerror(rc);
        return rc;
    }
    int rc = prepare_actions(actions, out, cwd);
    if (rc) {
        failure = "cannot prepare to run '" + argv.front() + "' in " + cwd.string() + ": " + std::strerror(rc);
    } else if ((rc = ::posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data()))) {
        failure = cannot_start(argv.front(), rc);
    }
    posix_spawn_file_actions_destroy(&actions);
    return rc;
}

using Clock = std::chrono::steady_clock;

// Everything written to `fd` until its writers close it, or until `deadline` (when given) has
// passed: returns false then.
bool read_all(int fd, std::optional<Clock::time_point> deadline, std::string& output) {
    char buffer[4096];
    for (;;) {
        if (deadline) {
            auto left = std::chrono::ceil<std::chrono::milliseconds>(*deadline - Clock::now());
            if (left.count() <= 0) {
                return false;
            }
            pollfd p{fd, POLLIN, 0};
            int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1 << 30)));
            if (ready == 0 || (ready < 0 && errno == EINTR)) {
                continue;
            }
        }
        ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n > 0) {
            output.append(buffer, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            return true;
        }
    }
}

// Waits for `pid`: its exit status, or 128+signal when a signal killed it.
int wait_for(pid_t pid) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}
} // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd, const ExtraEnv& extra_env,
                          std::chrono::milliseconds timeout) {
    ProcessResult result;
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        result.output = std::string("cannot create a pipe: ") + std::strerror(errno);
        return result;
    }
    pid_t pid = 0;
    int rc = spawn(argv, cwd, extra_env, pipe_fds[1], pid, result.output);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        result.exit_code = 127;
        result.advice = compiler_advice(argv.front(), rc);
        return result;
    }
    std::optional<Clock::time_point> deadline;
    if (timeout.count() > 0) {
        deadline = Clock::now() + timeout;
    }
    if (!read_all(pipe_fds[0], deadline, result.output)) {
        // Killed before its pipe is closed: a child blocked writing into a full pipe dies too.
        ::kill(pid, SIGKILL);
        result.timed_out = true;
    }
    ::close(pipe_fds[0]);
    result.exit_code = wait_for(pid);
    if (result.exit_code == 127 && result.output.empty()) {
        result.output = "cannot run '" + argv.front() + "' (exit status 127)";
    }
    return result;
}

namespace {
class SystemRunner : public CommandRunner {
  public:
    ProcessResult run(const std::vector<std::string>& argv, const fs::path& cwd, const ExtraEnv& extra_env) override {
        return run_process(argv, cwd, extra_env);
    }
};
} // namespace

CommandRunner& system_runner() {
    static SystemRunner runner;
    return runner;
}

} // namespace glia
