#pragma once
/// \file
/// The advice layer: how the front ends word the core's remedies (base/remedy.hpp). The core states
/// facts; this is the one place that knows the glia command's words for what the user can do
/// ('glia compile hh', 'glia install --replace DIR'), shared by the CLI and the plugin, which both
/// tell the user what to run in a shell. Each front end renders the core's problems
/// (base/diagnostic.hpp) with `render`.

#include "base/diagnostic.hpp"

#include <functional>
#include <string>
#include <string_view>

namespace glia::advice {

/// The shell command (or, for the plugin's own acts, the hoc call or setting) that carries out `remedy`.
std::string shell_command(const Remedy& remedy);

/// How a front end words one remedy.
using Wording = std::function<std::string(const Remedy&)>;

/// `message` as the user reads it: its text, each remedy worded by `word`.
std::string render(const Message& message, const Wording& word = shell_command);

/// `diagnostic` as the user reads it: its message, then each note on a line of its own.
std::string render(const Diagnostic& diagnostic, const Wording& word = shell_command);

} // namespace glia::advice
