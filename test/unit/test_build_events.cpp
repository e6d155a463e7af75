// What a build tells its observer (build_events.hpp), as typed events: each mod started and finished in
// turn, counted k of n, a failure as finished but not ok, commands only when verbose, warnings apart.

#include "played_build.hpp"

#include "build/build.hpp"
#include "build/build_events.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <chrono>
#include <map>
#include <thread>

using namespace glia;
using namespace glia::test;

namespace {

// Writes down every event, and whether two ever overlapped (the build promises they never do).
class Recorder : public BuildObserver {
  public:
    struct Finished {
        std::string name;
        size_t done;
        size_t total;
        bool ok;
    };
    std::vector<std::string> order; // "started <name>", "finished <name>", "command <tool>", "warning", "note"
    std::vector<std::pair<std::string, size_t>> started;
    std::vector<Finished> finished;
    std::vector<std::vector<std::string>> commands;
    std::vector<BuildWarning> warnings;
    bool overlapped = false;

    void mod_started(const ModFile& mod, size_t total) override {
        Turn turn(*this);
        started.emplace_back(shown_name(mod), total);
        order.push_back("started " + shown_name(mod));
    }
    void mod_finished(const ModFile& mod, size_t done, size_t total, bool ok) override {
        Turn turn(*this);
        finished.push_back({shown_name(mod), done, total, ok});
        order.push_back("finished " + shown_name(mod));
    }
    void command(const std::vector<std::string>& argv) override {
        Turn turn(*this);
        commands.push_back(argv);
        order.push_back("command " + argv.front());
    }
    void warning(const BuildWarning& warning) override {
        Turn turn(*this);
        warnings.push_back(warning);
        order.push_back("warning");
    }
    size_t commands_of(const std::string& tool) const {
        return std::count_if(commands.begin(), commands.end(), [&](const auto& argv) { return argv.front() == tool; });
    }
    size_t position(const std::string& event) const {
        return std::find(order.begin(), order.end(), event) - order.begin();
    }

  private:
    // Holds the observer for one event, a little while, so that a second thread would be seen.
    struct Turn {
        Recorder& r;
        explicit Turn(Recorder& recorder) : r(recorder) {
            r.overlapped = r.overlapped || r.busy_.exchange(true);
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        }
        ~Turn() { r.busy_ = false; }
    };
    std::atomic<bool> busy_{false};
};

constexpr const char* kShownKa = "lab.ka(0)";
constexpr const char* kShownKb = "lab.kb(0)";

} // namespace

BOOST_AUTO_TEST_SUITE(build_events)

BOOST_AUTO_TEST_CASE(each_mod_is_started_then_finished_counted_k_of_n_and_a_failure_is_finished_not_ok) {
    Workshop w;
    w.tools.on = [&](const Call& call) -> std::optional<ProcessResult> {
        if (call.tool == "cc" && call.stem == kKa) {
            return ProcessResult{1, "ka.c:1: error: played\n"};
        }
        return std::nullopt;
    };
    Recorder heard;
    w.options.observer = &heard;
    BuildResult r = w.build();
    BOOST_TEST(!r.ok());
    BOOST_TEST(!heard.overlapped, "the compiling threads told the observer in turn");
    BOOST_REQUIRE_EQUAL(heard.started.size(), 2u);
    BOOST_REQUIRE_EQUAL(heard.finished.size(), 2u);
    for (const auto& [name, total] : heard.started) {
        BOOST_TEST(total == 2u);
        BOOST_TEST(heard.position("started " + name) < heard.position("finished " + name), name);
    }
    std::map<std::string, bool> ok;
    for (size_t i = 0; i < heard.finished.size(); ++i) {
        BOOST_TEST(heard.finished[i].done == i + 1); // k counts the finished, in the order they finish
        BOOST_TEST(heard.finished[i].total == 2u);
        ok[heard.finished[i].name] = heard.finished[i].ok;
    }
    BOOST_TEST(ok.size() == 2u);
    BOOST_TEST(!ok.at(kShownKa));
    BOOST_TEST(ok.at(kShownKb));
    BOOST_TEST(heard.commands.empty(), "commands are told only when verbose");
    BOOST_TEST(heard.warnings.empty());
}

BOOST_AUTO_TEST_CASE(a_verbose_build_tells_every_command_inside_its_mod_and_a_built_one_tells_nothing) {
    Workshop w;
    w.options.verbose = true;
    w.options.jobs = 1;
    Recorder heard;
    w.options.observer = &heard;
    BOOST_REQUIRE(w.build().ok());
    for (const char* tool : {"nocmodl", "cc", "ld"}) {
        BOOST_TEST(heard.commands_of(tool) == w.tools.count(tool), tool);
    }
    BOOST_TEST(w.tools.count("cc") == 2u);
    // One job: each mod's commands come between its start and its finish.
    std::vector<std::string> expected = {"started " + std::string(kShownKa), "command nocmodl", "command cc",
                                         "finished " + std::string(kShownKa)};
    BOOST_REQUIRE(heard.order.size() >= 8u);
    std::vector<std::string> first(heard.order.begin(), heard.order.begin() + 4);
    BOOST_TEST(first == expected, boost::test_tools::per_element());
    BOOST_TEST(heard.order.back() == "command ld"); // the link, after every mod

    Recorder again;
    w.options.observer = &again;
    BOOST_REQUIRE(w.build().ok());
    BOOST_TEST(again.order.empty(), "nothing to build, nothing to tell");
}

BOOST_AUTO_TEST_CASE(progress_and_warnings_read_as_glia_compile_prints_them) {
    Workshop w;
    Package lab = load_package(w.tmp.path / "lab");
    BOOST_REQUIRE(!lab.mods.empty());
    BOOST_TEST(progress_line(lab.mods[0], 1, 2, true) == "[1/2] " + shown_name(lab.mods[0]));
    BOOST_TEST(progress_line(lab.mods[0], 2, 2, false) == "[2/2] " + shown_name(lab.mods[0]) + " FAILED");
    BOOST_TEST(warning_line("the set library was not linked") == "warning: the set library was not linked");
}

BOOST_AUTO_TEST_SUITE_END()
