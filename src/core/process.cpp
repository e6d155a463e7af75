#include "glia/process.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace glia {

namespace {
// How to get a build tool that could not be started: the compilers NEURON's makefile names,
// and NEURON's translator.
std::string install_advice(const std::string& program) {
    std::string name = fs::path(program).filename().string();
    for (const char* compiler : {"cc", "c++", "gcc", "g++", "clang", "clang++", "mpicc", "mpicxx"}) {
        if (name == compiler) {
            return "install a C/C++ compiler (Debian: apt-get install build-essential) or put one on PATH; "
                   "GLIA_CC chooses the C compiler, GLIA_CXX the C++ one (NEURON 9 compiles mods as C++)";
        }
    }
    if (name == "nocmodl") {
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
} // namespace

std::string command_line(const std::vector<std::string>& argv) {
    std::string line;
    for (const auto& arg : argv) {
        line += (line.empty() ? "" : " ") + arg;
    }
    return line;
}

ProcessResult run_process(const std::vector<std::string>& argv, const fs::path& cwd,
                          const std::vector<std::pair<std::string, std::string>>& extra_env) {
    ProcessResult result;
    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
        result.output = std::string("cannot create a pipe: ") + std::strerror(errno);
        return result;
    }

    // The child's environment: ours, with the extra variables replacing any of the same name.
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
    std::vector<char*> envp;
    for (auto& entry : env_strings) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& arg : args) {
        argp.push_back(arg.data());
    }
    argp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    if (!cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
    }
    pid_t pid = 0;
    int rc = ::posix_spawnp(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    ::close(pipe_fds[1]);
    if (rc != 0) {
        ::close(pipe_fds[0]);
        result.exit_code = 127;
        result.output = cannot_start(argv.front(), rc);
        return result;
    }
    char buffer[4096];
    for (;;) {
        ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
        if (n > 0) {
            result.output.append(buffer, static_cast<size_t>(n));
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    ::close(pipe_fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    } else if (WIFSIGNALED(status)) {
        result.exit_code = 128 + WTERMSIG(status);
    }
    if (result.exit_code == 127 && result.output.empty()) {
        result.output = "cannot run '" + argv.front() + "' (exit status 127)";
    }
    return result;
}

} // namespace glia
