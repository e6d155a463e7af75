#pragma once
// The glia subcommands. Each takes the arguments after its name and returns the exit status;
// user errors are thrown as glia::Error and printed by main.

#include "packages/discovery.hpp"
#include "base/fs.hpp"

#include <string>
#include <vector>

namespace glia::cli {

using Args = std::vector<std::string>;

int cmd_cache(const Args& args);
int cmd_compile(const Args& args);
int cmd_list(const Args& args);
int cmd_select(const Args& args);
int cmd_unselect(const Args& args);
int cmd_show(const Args& args);
int cmd_show_pkg(const Args& args);
int cmd_new(const Args& args);
int cmd_add(const Args& args);
int cmd_check(const Args& args);
int cmd_import(const Args& args);
int cmd_install(const Args& args);
int cmd_uninstall(const Args& args);
int cmd_lock(const Args& args);
int cmd_test(const Args& args);
int cmd_doctor(const Args& args);
int cmd_diff(const Args& args);
int cmd_nrnivmodl(const Args& args);

/// The libglia.so that `glia test` and `glia doctor` use: $GLIA_PLUGIN, else the installed one.
fs::path plugin_path();

/// plugin_path(), or glia::Error saying how to get one if that file does not exist.
fs::path existing_plugin();

/// Puts the package folder `dir` (given with --package) first on the search path of this command
/// and of every process it starts; returns the package's name. Throws if it is not a package.
std::string put_package_first(const fs::path& dir);

/// Prints `text` to stderr prefixed with "glia: ".
void warn(const std::string& text);
/// The same for a problem of the core, rendered as this command's advice ('glia compile hh').
void warn(const Diagnostic& problem);
/// `problem` as this command shows it: the one rendering point of the CLI (src/advice).
std::string shown(const Diagnostic& problem);
std::string shown(const Message& message);

/// The packages on the search path, after warning about each one that could not be read.
Discovery discover_and_warn();

/// Builds what a NEURON start here builds (`found`'s packages and their set library), quietly, before glia diff
/// and glia test time their runs: their time limit is for the mechanisms, not for a build. A mod that fails is
/// left for the runs to report.
void build_before_timed_runs(const Discovery& found);

} // namespace glia::cli
