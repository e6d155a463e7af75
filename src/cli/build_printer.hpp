#pragma once
/// \file
/// How glia compile and glia nrnivmodl show a build's events (build_events.hpp) on standard output.

#include "build/build_events.hpp"

namespace glia::cli {

/// Progress lines overprint each other on a terminal that can (like ninja's LinePrinter) and are plain
/// lines anywhere else, so logs keep every step. Commands, warnings and notes are lines of their own.
class BuildPrinter : public BuildObserver {
  public:
    BuildPrinter();
    ~BuildPrinter() override { finish(); } // a build that throws leaves no line half-printed
    void mod_finished(const ModFile& mod, size_t done, size_t total, bool ok) override;
    void command(const std::vector<std::string>& argv) override;
    void warning(const BuildWarning& warning) override;
    void note(const Message& text) override;
    /// Ends an overprinted progress line, so that what follows starts a line of its own.
    void finish();

  private:
    void message(const std::string& line);
    bool smart_ = false;
    bool pending_ = false;
};

} // namespace glia::cli
