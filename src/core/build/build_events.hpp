#pragma once
/// \file
/// What a build tells while it runs, as typed events (ninja's `Status`): a front end renders them (glia
/// compile overprints its progress on a terminal), another may ignore what it does not show. Nothing
/// here is a line of text to be sniffed for its kind.

#include "base/diagnostic.hpp"
#include "packages/package.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace glia {

/// What a warning event carries: a problem of severity warning, naming what loads but not as the user may
/// think; the front end renders it (and its remedies) and adds the "warning: " prefix.
using BuildWarning = Diagnostic;

/// Hears a build's events. Every method does nothing unless overridden. The build calls one at a time
/// (its compiling threads take turns), so an observer needs no lock of its own.
class BuildObserver {
  public:
    virtual ~BuildObserver() = default;
    /// `mod`'s object is about to be made (translated and compiled); `total` objects are made in all.
    virtual void mod_started(const ModFile& /*mod*/, size_t /*total*/) {}
    /// `mod`'s object is made (`ok`) or failed; it is the `done`th of `total` to finish.
    virtual void mod_finished(const ModFile& /*mod*/, size_t /*done*/, size_t /*total*/, bool /*ok*/) {}
    /// A tool is about to run `argv`; told only when the build's options ask for verbose.
    virtual void command(const std::vector<std::string>& /*argv*/) {}
    /// Something loads, but not as the user may think (a set library not linked, a manifest not saved).
    virtual void warning(const BuildWarning& /*warning*/) {}
    /// More on what happened, for a verbose build (the tools' whole output behind a warning).
    virtual void note(const Message& /*text*/) {}
};

/// The observer that hears nothing: a build's default.
BuildObserver& silent_observer();

/// How progress lines and messages name `mod`: `package.asset(variant)`, or an own-name mod's file name.
std::string shown_name(const ModFile& mod);

/// How progress shows `mod` finished: `[done/total] package.asset(variant)`, then ` FAILED` if not `ok`.
std::string progress_line(const ModFile& mod, size_t done, size_t total, bool ok);

/// How a warning reads as one line of output: `warning: ` and `rendered`, the warning as the front end words it.
std::string warning_line(const std::string& rendered);

} // namespace glia
