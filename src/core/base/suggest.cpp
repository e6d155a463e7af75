#include "base/suggest.hpp"

#include <algorithm>
#include <cctype>

namespace glia {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
} // namespace

size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t above = row[j];
            size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::vector<std::string> close_names(std::string_view word, const std::vector<std::string>& candidates) {
    size_t limit = std::max<size_t>(1, word.size() / 3);
    std::vector<std::pair<size_t, std::string>> scored;
    for (const auto& candidate : candidates) {
        size_t d = edit_distance(word, candidate);
        bool prefix = word.size() >= 2 && candidate.size() > word.size() &&
                      edit_distance(word, std::string_view(candidate).substr(0, word.size())) == 0;
        if (d <= limit || prefix) {
            scored.emplace_back(prefix ? std::min(d, limit) : d, candidate);
        }
    }
    std::sort(scored.begin(), scored.end());
    scored.erase(std::unique(scored.begin(), scored.end()), scored.end());
    std::vector<std::string> names;
    for (auto& [d, name] : scored) {
        names.push_back(name);
    }
    return names;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates) {
    auto names = close_names(word, candidates);
    if (names.empty()) {
        return {};
    }
    if (names.size() > 3) {
        names.resize(3);
    }
    std::string text = "; did you mean ";
    for (size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            text += i + 1 == names.size() ? " or " : ", ";
        }
        text += "'" + names[i] + "'";
    }
    return text + "?";
}

} // namespace glia
