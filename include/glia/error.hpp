#pragma once
/// \file
/// Typed errors of glia. A `glia::Error` is the user's to fix (bad input, a missing
/// package, an ambiguous name) and its message says how; an `InternalError` is a bug in glia.

#include <stdexcept>
#include <string>

namespace glia {

/// A problem the user can fix; `what()` is a complete message meant to be printed as is.
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A name that breaks the naming rules of DESIGN.md ("Names").
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

/// A build step (translate, compile, link) that failed; the message carries the tool's output.
class BuildError : public Error {
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
