#pragma once
// The line format of glia's own cache files (the build manifest, the scan memo): one record per
// line, fields separated by TAB. Paths holding a TAB or a line end are never recorded.

#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

namespace glia::record {

/// True if `text` can be a field: no TAB, no line end, no unit separator (which joins lists).
inline bool fits(std::string_view text) { return text.find_first_of("\t\n\r\x1f") == std::string_view::npos; }

/// The TAB-separated fields of `line`.
inline std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    for (;;) {
        size_t tab = line.find('\t');
        out.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) {
            return out;
        }
        line.remove_prefix(tab + 1);
    }
}

/// Splits `line` into exactly `N` TAB-separated fields without allocating; false if it has another count.
template <size_t N> bool fields_exactly(std::string_view line, std::array<std::string_view, N>& out) {
    for (size_t i = 0; i < N; ++i) {
        size_t tab = line.find('\t');
        out[i] = line.substr(0, tab);
        if (tab == std::string_view::npos) {
            return i + 1 == N;
        }
        line.remove_prefix(tab + 1);
    }
    return false; // more fields than N
}

/// Parses a whole field as a number.
template <class T> bool number(std::string_view text, T& value) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size();
}

/// Splits `text` into lines; a last line without its newline was cut short and is not returned,
/// and `complete` says so.
class Lines {
  public:
    explicit Lines(std::string_view text) : rest_(text) {}
    bool next(std::string_view& line) {
        size_t nl = rest_.find('\n');
        if (nl == std::string_view::npos) {
            complete_ = rest_.empty();
            return false;
        }
        line = rest_.substr(0, nl);
        rest_.remove_prefix(nl + 1);
        return true;
    }
    bool complete() const { return complete_; }

  private:
    std::string_view rest_;
    bool complete_ = true;
};

} // namespace glia::record
