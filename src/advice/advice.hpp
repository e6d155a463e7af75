#pragma once
/// \file
/// The advice layer: how the front ends word the core's remedies (glia/remedy.hpp). The core states
/// facts; this is the one place that knows the glia command's words for what the user can do
/// ('glia compile hh', 'glia install --replace DIR'), shared by the CLI and the plugin, which both
/// tell the user what to run in a shell. Each front end has one rendering point that calls `words`.

#include "glia/remedy.hpp"

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace glia::advice {

/// The shell command (or, for the plugin's own acts, the hoc call or setting) that carries out `remedy`.
std::string shell_command(const Remedy& remedy);

/// How a front end words one remedy.
using Wording = std::function<std::string(const Remedy&)>;

/// `text` with every remedy it mentions worded by `word`; other text as it is.
std::string words(std::string_view text, const Wording& word = shell_command);

/// While it lives, `stream` words every remedy written to it, a token cut across writes included: for a
/// front end that prints the core's messages in many places. Its end puts the stream back as it was.
class WordedStream {
  public:
    explicit WordedStream(std::ostream& stream, Wording word = shell_command);
    ~WordedStream();
    WordedStream(const WordedStream&) = delete;
    WordedStream& operator=(const WordedStream&) = delete;

  private:
    std::ostream& stream_;
    std::streambuf* original_;
    std::unique_ptr<std::streambuf> filter_;
};

} // namespace glia::advice
