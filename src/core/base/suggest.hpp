#pragma once
/// \file
/// "Did you mean ...?" suggestions by edit distance.

#include <string>
#include <string_view>
#include <vector>

namespace glia {

/// Levenshtein distance, ignoring case.
size_t edit_distance(std::string_view a, std::string_view b);

/// The candidates close to `word` (distance at most a third of its length, at least 1, or a
/// case-insensitive prefix match), closest first.
std::vector<std::string> close_names(std::string_view word, const std::vector<std::string>& candidates);

/// "; did you mean 'a' or 'b'?" or an empty string when nothing is close.
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

} // namespace glia
