#pragma once
/// \file
/// Typed errors of glia. A `glia::Error` is the user's to fix (bad input, a missing
/// package, an ambiguous name) and its message says how; an `InternalError` is a bug in glia.
///
/// The core states facts: an Error carries a `Diagnostic` (base/diagnostic.hpp) whose message names
/// what failed and where, with what the user can do as `Remedy` values in it, never command text. The
/// front ends word it: the CLI and the plugin render every problem they print through src/advice.

#include "base/diagnostic.hpp"

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace glia {

/// Where an error is and what it is about, for the Error's diagnostic (named fields, all optional).
struct ErrorFacts {
    std::string file = {};    ///< the file at fault, if one is
    int line = 0;             ///< its line, 1-based; 0 if none
    std::string package = {}; ///< the package at fault, if one is
    std::string asset = {};   ///< the asset at fault, if one is
    int column = 0;           ///< the column on that line, 1-based; 0 if none
};

/// A problem the user can fix. `diagnostic()` is the problem as data; `what()` is its plain text
/// (remedies shown by intent), for logs: glia's front ends render the diagnostic instead.
class Error : public std::runtime_error {
  public:
    explicit Error(Message message, const ErrorFacts& facts = {})
        : Error(Diagnostic{Severity::error,
                           std::move(message),
                           {facts.file, facts.line, facts.column},
                           facts.package,
                           facts.asset}) {}
    explicit Error(Diagnostic diagnostic)
        : std::runtime_error(diagnostic.plain()), diagnostic_(std::move(diagnostic)) {}
    const Diagnostic& diagnostic() const noexcept { return diagnostic_; }
    /// The message alone (without the facts), to compose into another.
    const Message& message() const noexcept { return diagnostic_.message; }
    /// What the user can do, in the order the message offers it.
    std::vector<Remedy> remedies() const { return diagnostic_.remedies(); }

  private:
    Diagnostic diagnostic_;
};

/// `diagnostic` with `before` put in front of its message and `after` after it: how a caller that
/// catches an error adds its own words and keeps the facts and remedies.
inline Diagnostic retold(Diagnostic diagnostic, const Message& before, const Message& after = {}) {
    diagnostic.message = before + diagnostic.message + after;
    return diagnostic;
}

/// `error`'s problem told as a warning: for work that goes on without the step that failed.
inline Diagnostic as_warning(const Error& error) {
    Diagnostic diagnostic = error.diagnostic();
    diagnostic.severity = Severity::warning;
    return diagnostic;
}

/// A name that breaks the naming rules of docs/architecture.md ("Names").
class InvalidName : public Error {
  public:
    using Error::Error;
};

/// The error diagnostic of `message` with `facts`, located at the `file:line:column:` the message starts
/// with when `facts` names no file: a parse error's place, as data.
Diagnostic located(Message message, ErrorFacts facts);

/// A malformed file; the message starts with `file:line:column:`, which is the diagnostic's location.
class ParseError : public Error {
  public:
    explicit ParseError(Message message, ErrorFacts facts = {})
        : Error(located(std::move(message), std::move(facts))) {}
    explicit ParseError(Diagnostic diagnostic) : Error(std::move(diagnostic)) {}
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

/// `message` with every `from` replaced by `to`, in its text and in its remedies' arguments.
inline Message replace_all(const Message& message, const std::string& from, const std::string& to) {
    Message replaced;
    for (const auto& part : message.parts()) {
        if (const auto* text = std::get_if<std::string>(&part)) {
            replaced += replace_all(*text, from, to);
            continue;
        }
        Remedy remedy = std::get<Remedy>(part);
        for (auto& arg : remedy.args) {
            arg = replace_all(arg, from, to);
        }
        replaced += remedy;
    }
    return replaced;
}

} // namespace glia
