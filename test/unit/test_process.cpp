// run_process: real child processes (/bin/sh), their output, status, folder and environment,
// and what it says when a program cannot be started.

#include "temp_dir.hpp"

#include "base/process.hpp"

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <csignal>
#include <cstdlib>

using namespace glia;
using glia::test::TempDir;

namespace {
ProcessResult sh(const std::string& script, const fs::path& cwd = {}, const ExtraEnv& env = {}) {
    return run_process({"/bin/sh", "-c", script}, cwd, env);
}
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
} // namespace

BOOST_AUTO_TEST_SUITE(process)

BOOST_AUTO_TEST_CASE(collects_standard_output_and_error_and_the_exit_status) {
    ProcessResult r = sh("echo out; echo err >&2; echo more; exit 3");
    BOOST_TEST(r.exit_code == 3);
    BOOST_TEST(!r.ok());
    BOOST_TEST(r.output == "out\nerr\nmore\n"); // one pipe: interleaved as written
    BOOST_TEST(sh("true").ok());
}

BOOST_AUTO_TEST_CASE(runs_in_the_folder_given) {
    TempDir tmp;
    ProcessResult r = sh("pwd -P", tmp.path);
    BOOST_TEST(r.ok());
    BOOST_TEST(r.output == fs::canonical(tmp.path).string() + "\n");
}

BOOST_AUTO_TEST_CASE(extra_variables_replace_ours_of_the_same_name) {
    ::setenv("GLIA_UNIT_PROCESS", "ours", 1);
    ProcessResult r = sh("env | grep '^GLIA_UNIT_PROCESS'; echo \"$GLIA_UNIT_OTHER\"", {},
                         {{"GLIA_UNIT_PROCESS", "theirs"}, {"GLIA_UNIT_OTHER", "added"}});
    BOOST_TEST(r.output == "GLIA_UNIT_PROCESS=theirs\nadded\n");
    BOOST_TEST(sh("echo \"$GLIA_UNIT_PROCESS\"").output == "ours\n"); // without extras: ours
    ::unsetenv("GLIA_UNIT_PROCESS");
}

// A tool that reads its standard input must not wait for the user.
BOOST_AUTO_TEST_CASE(standard_input_is_empty) {
    ProcessResult r = run_process({"cat"}, {});
    BOOST_TEST(r.ok());
    BOOST_TEST(r.output.empty());
}

BOOST_AUTO_TEST_CASE(a_killed_child_reports_128_plus_the_signal) {
    BOOST_TEST(sh("kill -9 $$").exit_code == 128 + 9);
}

// A child still running at the time limit is killed and reaped: what it printed is kept, and no
// process is left behind.
BOOST_AUTO_TEST_CASE(a_child_past_its_time_limit_is_killed) {
    TempDir tmp;
    auto start = std::chrono::steady_clock::now();
    ProcessResult r = run_process({"/bin/sh", "-c", "echo $$ > pid; echo started; exec sleep 30"}, tmp.path, {},
                                  std::chrono::milliseconds(300));
    BOOST_TEST(r.timed_out);
    BOOST_TEST(r.exit_code == 128 + 9);
    BOOST_TEST(r.output == "started\n");
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(10)));
    pid_t pid = std::stoi(read_file(tmp.path / "pid"));
    BOOST_TEST(::kill(pid, 0) == -1); // reaped: not even a zombie
    // One that finishes in time is not marked.
    r = run_process({"/bin/sh", "-c", "echo quick"}, {}, {}, std::chrono::seconds(30));
    BOOST_TEST(!r.timed_out);
    BOOST_TEST(r.ok());
}

BOOST_AUTO_TEST_CASE(exit_127_without_a_word_is_said_to_be_a_program_that_did_not_run) {
    ProcessResult r = sh("exit 127");
    BOOST_TEST(r.exit_code == 127);
    BOOST_TEST(r.output == "cannot run '/bin/sh' (exit status 127)");
}

BOOST_AUTO_TEST_CASE(a_program_that_is_not_there_says_how_to_get_it) {
    ProcessResult r = run_process({"glia-unit-no-such-tool", "x"}, {});
    BOOST_TEST(r.exit_code == 127);
    BOOST_TEST(contains(r.output, "cannot run 'glia-unit-no-such-tool': No such file or directory (not found on PATH="),
               r.output);
    BOOST_TEST(contains(r.output, "install it or put it on PATH"), r.output);
    // A path is not looked up on PATH; the build tools get their own advice.
    r = run_process({"/nonexistent/nocmodl"}, {});
    BOOST_TEST(!contains(r.output, "PATH="), r.output);
    BOOST_TEST(contains(r.output, "apt-get install neuron-dev"), r.output);
    r = run_process({"/nonexistent/g++"}, {});
    BOOST_TEST(contains(r.output, "build-essential"), r.output);
    // The settings that choose another compiler are remedies beside the output, for the front end to word.
    BOOST_TEST((r.advice.remedies() == std::vector<Remedy>{Remedy{Remedy::Kind::compiler_setting, {"C"}},
                                                           Remedy{Remedy::Kind::compiler_setting, {"C++"}}}));
    BOOST_TEST(!contains(r.told().plain(), "GLIA_"), r.told().plain());
}

BOOST_AUTO_TEST_CASE(the_system_runner_runs_processes) {
    ProcessResult r = system_runner().run({"/bin/sh", "-c", "echo \"$X\""}, {}, {{"X", "through the seam"}});
    BOOST_TEST(r.output == "through the seam\n");
}

BOOST_AUTO_TEST_SUITE_END()
