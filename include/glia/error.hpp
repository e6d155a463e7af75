#pragma once
/// \file
/// Typed errors of glia. A `glia::Error` is the user's to fix (bad input, a missing
/// package, an ambiguous name) and its message says how; an `InternalError` is a bug in glia.
///
/// The core states facts: a message names what failed and where, and what the user can do is a
/// `Remedy` (glia/remedy.hpp) inside it, never command text. The front ends word it: the CLI and the
/// plugin pass every message they print through their one rendering point (src/advice).

#include "glia/remedy.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace glia {

/// What an error is about, for a front end that shows or acts on it apart from the message.
struct ErrorFacts {
    std::string file = {};    ///< the file at fault, if one is
    int line = 0;             ///< its line, 1-based; 0 if none
    std::string package = {}; ///< the package at fault, if one is
    std::string asset = {};   ///< the asset at fault, if one is
};

/// A problem the user can fix. `what()` is the complete message, its remedies still marked: print it
/// through a front end's rendering point, which words them.
class Error : public std::runtime_error {
  public:
    explicit Error(const std::string& message, ErrorFacts facts = {})
        : std::runtime_error(message), facts_(std::move(facts)) {}
    const ErrorFacts& facts() const noexcept { return facts_; }
    /// What the user can do, in the order the message offers it.
    std::vector<Remedy> remedies() const { return remedies_in(what()); }

  private:
    ErrorFacts facts_;
};

/// A name that breaks the naming rules of docs/architecture.md ("Names").
class InvalidName : public Error {
  public:
    using Error::Error;
};

/// A malformed file; the message starts with `file:line:column:`.
class ParseError : public Error {
  public:
    using Error::Error;
};

/// An abstract name that resolves to nothing or to more than one mechanism.
class ResolveError : public Error {
  public:
    using Error::Error;
};

/// A broken promise inside glia itself.
class InternalError : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

/// `text` with every `from` replaced by `to`: how a message about a temporary copy (a tool's, a
/// reader's) is retold about the file the copy stands for.
inline std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    if (from.empty()) {
        return text;
    }
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

} // namespace glia
