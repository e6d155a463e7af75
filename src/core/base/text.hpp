#pragma once
/// \file
/// Small string helpers shared by the core, the CLI and the plugin: joining a list, splitting text
/// into lines or fields, trimming blanks. One definition each, so every caller splits the same way.

#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// `items` with `separator` between each two: join({"a", "b"}, ", ") is "a, b"; no items give "".
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// The lines of `text`, without their '\n' (a '\r' before it is kept). A last line without a
/// newline is a line; a newline at the very end does not start another: "a\n\nb\n" is {"a", "", "b"}.
std::vector<std::string> split_lines(std::string_view text);

/// The pieces of `text` between each `separator`: split("a\tb", '\t') is {"a", "b"}; "" is {""}.
std::vector<std::string> split(std::string_view text, char separator);

/// `text` without the blanks (space, TAB, '\r') at its start and end.
std::string trim(std::string_view text);

} // namespace glia
