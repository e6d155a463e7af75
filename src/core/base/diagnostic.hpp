#pragma once
/// \file
/// A problem as data: what every glia::Error carries and every list of problems holds (discovery,
/// build failures and warnings, known problems, doctor findings, lock checks, preference errors).
///
/// The core states facts. A `Message` is its words with each remedy (base/remedy.hpp) kept in its place
/// as a typed value, so "run '" + Remedy{Kind::build} + "' again" is text, a remedy, text; the front
/// ends word the remedies when they render it (src/advice). Nothing structured travels inside text.

#include "base/remedy.hpp"

#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace glia {

enum class Severity { error, warning, note };

/// "error", "warning" or "note".
std::string_view severity_name(Severity severity);

/// Where a problem is: the file, and its line and column (1-based) when known (0 if not).
struct Location {
    std::string file = {};
    int line = 0;
    int column = 0;
    bool operator==(const Location&) const = default;
};

/// Words and remedies in their order. Built with `+` from strings and remedies; never converts back to
/// a string by itself: a front end renders it (advice::render), `plain()` is for logs and tests.
class Message {
  public:
    using Part = std::variant<std::string, Remedy>;

    Message() = default;
    Message(std::string text);
    Message(const char* text) : Message(std::string(text)) {}
    Message(Remedy remedy);

    Message& operator+=(const Message& more);
    bool operator==(const Message&) const = default;

    /// Text parts (adjacent text joined, none empty) and remedies, in order.
    const std::vector<Part>& parts() const { return parts_; }
    /// The remedies the message offers, in order.
    std::vector<Remedy> remedies() const;
    /// The text with each remedy shown by intent (`<choose: Kv1 pkg>`): for logs and for tests, never for users.
    std::string plain() const;
    bool empty() const { return parts_.empty(); }
    /// The message up to its first line end (remedies before it kept).
    Message first_line() const;
    /// True if the message ends in text that ends with `suffix`.
    bool ends_with(std::string_view suffix) const;

  private:
    std::vector<Part> parts_;
};

Message operator+(Message first, const Message& second);

/// One problem: how bad, what happened (with what to do, as remedies), where, and related notes.
struct Diagnostic {
    Severity severity = Severity::error;
    Message message = {};
    Location where = {};
    std::string package = {}; ///< the package at fault, if one is
    std::string asset = {};   ///< the asset at fault, if one is
    std::vector<Diagnostic> notes = {};

    /// The remedies of the message, then of the notes, in order.
    std::vector<Remedy> remedies() const;
    /// The message and the notes (each on a line of its own) as `Message::plain` shows them.
    std::string plain() const;
};

/// A warning saying `message`.
inline Diagnostic warning(Message message) { return {Severity::warning, std::move(message)}; }

} // namespace glia
