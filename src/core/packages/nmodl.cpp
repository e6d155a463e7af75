#include "packages/nmodl.hpp"

#include "base/error.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

// The scanner knows NMODL's lexical structure only as far as it must not be fooled:
// `:` and `?` comments, COMMENT/ENDCOMMENT and VERBATIM/ENDVERBATIM blocks, the free
// text after TITLE, strings, and braces. Lines may end in LF, CRLF or CR alone.

namespace glia {

std::string_view kind_name(MechanismKind kind) {
    switch (kind) {
    case MechanismKind::density: return "density";
    case MechanismKind::point_process: return "point_process";
    case MechanismKind::artificial_cell: return "artificial_cell";
    case MechanismKind::nothing: return "nothing";
    }
    return "unknown";
}

std::string kind_with_article(MechanismKind kind) {
    std::string name(kind_name(kind));
    return (name.find_first_of("aeiou") == 0 ? "an " : "a ") + name;
}

bool same_keyword(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

namespace {

struct Token {
    enum Type { word, string, punct } type;
    std::string_view text;
    size_t offset;
    int line;
};

bool is_word_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

class Lexer {
  public:
    Lexer(std::string_view text, std::vector<std::string>& verbatim_includes)
        : text_(text), verbatim_includes_(verbatim_includes) {}

    std::optional<Token> next() {
        for (;;) {
            if (pos_ >= text_.size()) {
                return std::nullopt;
            }
            char c = text_[pos_];
            if (c == '\n' || c == '\r') {
                skip_newline();
            } else if (std::isspace(static_cast<unsigned char>(c))) {
                ++pos_;
            } else if (c == ':' || c == '?') {
                skip_to_end_of_line();
            } else if (c == '"') {
                size_t start = pos_++;
                int line = line_;
                while (pos_ < text_.size() && text_[pos_] != '"' && text_[pos_] != '\n' && text_[pos_] != '\r') {
                    ++pos_;
                }
                std::string_view body = text_.substr(start + 1, pos_ - start - 1);
                if (pos_ < text_.size() && text_[pos_] == '"') {
                    ++pos_;
                }
                return Token{Token::string, body, start + 1, line};
            } else if (is_word_start(c)) {
                size_t start = pos_;
                while (pos_ < text_.size() && is_word_char(text_[pos_])) {
                    ++pos_;
                }
                std::string_view word = text_.substr(start, pos_ - start);
                if (same_keyword(word, "COMMENT")) {
                    skip_block("ENDCOMMENT", nullptr);
                } else if (same_keyword(word, "VERBATIM")) {
                    skip_block("ENDVERBATIM", &verbatim_includes_);
                } else if (same_keyword(word, "TITLE")) {
                    skip_to_end_of_line();
                } else {
                    return Token{Token::word, word, start, line_};
                }
            } else {
                return Token{Token::punct, text_.substr(pos_++, 1), pos_ - 1, line_};
            }
        }
    }

  private:
    void skip_newline() {
        if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
            ++pos_;
        }
        ++pos_;
        ++line_;
    }

    void skip_to_end_of_line() {
        while (pos_ < text_.size() && text_[pos_] != '\n' && text_[pos_] != '\r') {
            ++pos_;
        }
    }

    // Skips to the line after `end` (a word of its own); records `#include "x"` lines if asked.
    void skip_block(std::string_view end, std::vector<std::string>* includes) {
        while (pos_ < text_.size()) {
            char c = text_[pos_];
            if (c == '\n' || c == '\r') {
                skip_newline();
            } else if (is_word_start(c) && (pos_ == 0 || !is_word_char(text_[pos_ - 1]))) {
                size_t start = pos_;
                while (pos_ < text_.size() && is_word_char(text_[pos_])) {
                    ++pos_;
                }
                if (same_keyword(text_.substr(start, pos_ - start), end)) {
                    return;
                }
            } else if (c == '#' && includes) {
                record_include(*includes);
            } else {
                ++pos_;
            }
        }
    }

    void record_include(std::vector<std::string>& includes) {
        size_t p = pos_ + 1;
        while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) {
            ++p;
        }
        if (text_.substr(p, 7) == "include") {
            p += 7;
            while (p < text_.size() && (text_[p] == ' ' || text_[p] == '\t')) {
                ++p;
            }
            if (p < text_.size() && text_[p] == '"') {
                // The file name ends on its own line: a quote left open must not swallow the
                // rest of the file (found by fuzz/fuzz_nmodl.cpp).
                size_t close = text_.find_first_of("\"\r\n", p + 1);
                if (close != std::string_view::npos && text_[close] == '"') {
                    includes.emplace_back(text_.substr(p + 1, close - p - 1));
                }
            }
        }
        ++pos_;
    }

    std::string_view text_;
    std::vector<std::string>& verbatim_includes_;
    size_t pos_ = 0;
    int line_ = 1;
};

std::string located(std::string_view filename, int line, const std::string& message) {
    return std::string(filename) + ":" + std::to_string(line) + ": " + message;
}

// Two common accidents get a message of their own rather than "no NEURON block".
void refuse_empty_or_binary(std::string_view text, std::string_view filename) {
    if (text.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos) {
        throw ParseError(located(filename, 1, "the file is empty; a mechanism needs 'NEURON { SUFFIX name }' "
                                              "(or POINT_PROCESS / ARTIFICIAL_CELL)"));
    }
    if (text.find('\0') != std::string_view::npos) {
        throw ParseError(located(filename, 1, "a binary file (it holds NUL bytes), not NMODL text"));
    }
}

// Where the scan of a file's tokens is, and what it found so far.
struct Scan {
    std::string_view filename;
    const std::vector<Token>& tokens;
    NmodlInfo info;
    bool declared = false;
    bool saw_neuron_block = false;
    int depth = 0;
    int neuron_depth = -1; // depth inside the NEURON block, -1 when outside

    const Token* after(size_t i) const { return i + 1 < tokens.size() ? &tokens[i + 1] : nullptr; }
};

void track_braces(const Token& t, Scan& scan) {
    if (t.text == "{") {
        ++scan.depth;
    } else if (t.text == "}") {
        --scan.depth;
        if (scan.neuron_depth >= 0 && scan.depth < scan.neuron_depth) {
            scan.neuron_depth = -1;
        }
    }
}

// A word outside every block: the NEURON block opens, a FUNCTION, INCLUDE or NET_RECEIVE.
void scan_top_level(size_t i, Scan& scan) {
    const Token& t = scan.tokens[i];
    const Token* next = scan.after(i);
    if (same_keyword(t.text, "NEURON") && next && next->text == "{") {
        scan.saw_neuron_block = true;
        scan.neuron_depth = scan.depth + 1;
    } else if ((t.text == "FUNCTION" || t.text == "PROCEDURE" || t.text == "FUNCTION_TABLE") && next &&
               next->type == Token::word) {
        scan.info.functions.emplace_back(next->text);
    } else if (t.text == "INCLUDE" && next && next->type == Token::string) {
        scan.info.includes.emplace_back(next->text);
    } else if (same_keyword(t.text, "NET_RECEIVE")) {
        scan.info.net_receive = true;
    }
}

// A list after token `i`: `WRITE ik, ek` (of the USEION before it) or `NONSPECIFIC_CURRENT i, j`.
void read_name_list(size_t i, const Scan& scan, std::vector<std::string>& list) {
    const auto& tokens = scan.tokens;
    for (size_t j = i + 1; j < tokens.size() && tokens[j].type == Token::word; j += 2) {
        list.emplace_back(tokens[j].text);
        if (j + 1 >= tokens.size() || tokens[j + 1].text != ",") {
            break;
        }
    }
}

// The mechanism's declaration `t next` (SUFFIX hh): one per file.
void declare(const Token& t, const Token* next, MechanismKind kind, Scan& scan) {
    if (!next || next->type != Token::word) {
        throw ParseError(
            located(scan.filename, t.line, std::string(t.text) + " must be followed by the mechanism's name"));
    }
    NmodlInfo& info = scan.info;
    if (scan.declared) {
        throw ParseError(located(scan.filename, t.line,
                                 "a second mechanism declaration '" + std::string(t.text) + " " +
                                     std::string(next->text) + "' (the first is '" + info.name + "' on line " +
                                     std::to_string(info.line) + "); a mod file declares one mechanism"));
    }
    scan.declared = true;
    info.kind = (kind == MechanismKind::density && next->text == "nothing") ? MechanismKind::nothing : kind;
    info.name = std::string(next->text);
    info.name_offset = next->offset;
    info.line = next->line;
}

// A word inside the NEURON block: the declaration, USEION, WRITE or NONSPECIFIC_CURRENT.
void scan_neuron_block(size_t i, Scan& scan) {
    const Token& t = scan.tokens[i];
    const Token* next = scan.after(i);
    if (same_keyword(t.text, "SUFFIX")) {
        declare(t, next, MechanismKind::density, scan);
    } else if (same_keyword(t.text, "POINT_PROCESS")) {
        declare(t, next, MechanismKind::point_process, scan);
    } else if (same_keyword(t.text, "ARTIFICIAL_CELL")) {
        declare(t, next, MechanismKind::artificial_cell, scan);
    } else if (same_keyword(t.text, "USEION") && next && next->type == Token::word) {
        scan.info.ions.emplace_back(next->text);
    } else if (same_keyword(t.text, "WRITE")) {
        read_name_list(i, scan, scan.info.writes);
    } else if (same_keyword(t.text, "NONSPECIFIC_CURRENT")) {
        read_name_list(i, scan, scan.info.nonspecific_currents);
    }
}

} // namespace

// The stages: refuse the two accidents, cut the text into tokens, read the top level and the
// NEURON block, then check that a mechanism was declared.
NmodlInfo scan_nmodl(std::string_view text, std::string_view filename) {
    refuse_empty_or_binary(text, filename);
    std::vector<std::string> verbatim_includes;
    Lexer lexer(text, verbatim_includes);
    std::vector<Token> tokens;
    while (auto token = lexer.next()) {
        tokens.push_back(*token);
    }
    Scan scan{filename, tokens, {}};
    for (size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].type == Token::punct) {
            track_braces(tokens[i], scan);
        } else if (tokens[i].type == Token::string) {
            continue;
        } else if (scan.depth == 0) {
            scan_top_level(i, scan);
        } else if (scan.neuron_depth >= 0) {
            scan_neuron_block(i, scan);
        }
    }
    if (!scan.saw_neuron_block) {
        throw ParseError(located(filename, 1,
                                 "no NEURON block found; is this an NMODL file? A mechanism needs "
                                 "'NEURON { SUFFIX name }' (or POINT_PROCESS / ARTIFICIAL_CELL)"));
    }
    if (!scan.declared) {
        throw ParseError(located(filename, 1,
                                 "the NEURON block declares no SUFFIX, POINT_PROCESS or ARTIFICIAL_CELL"));
    }
    NmodlInfo info = std::move(scan.info);
    info.includes.insert(info.includes.end(), verbatim_includes.begin(), verbatim_includes.end());
    return info;
}

namespace {

// The `#include` line starting at `line` (after blanks, `#`, blanks, `include`, blanks: "x" or <x>), if it is one.
std::optional<IncludedName> c_include(std::string_view line) {
    auto skip_blanks = [&](size_t p) { return line.find_first_not_of(" \t", p); };
    size_t p = skip_blanks(0);
    if (p == std::string_view::npos || line[p] != '#') {
        return std::nullopt;
    }
    p = skip_blanks(p + 1);
    if (p == std::string_view::npos || line.substr(p, 7) != "include") {
        return std::nullopt;
    }
    p = skip_blanks(p + 7);
    if (p == std::string_view::npos || (line[p] != '"' && line[p] != '<')) {
        return std::nullopt;
    }
    size_t close = line.find(line[p] == '"' ? '"' : '>', p + 1);
    if (close == std::string_view::npos || close == p + 1) {
        return std::nullopt;
    }
    return IncludedName{std::string(line.substr(p + 1, close - p - 1)), line[p] == '<'};
}

} // namespace

std::vector<IncludedName> included_names(std::string_view text) {
    std::vector<IncludedName> names;
    auto add = [&](IncludedName name) {
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(std::move(name));
        }
    };
    std::vector<std::string> verbatim; // the lexer's own list; the lines below find them all
    Lexer lexer(text, verbatim);
    std::optional<Token> last;
    while (auto token = lexer.next()) {
        if (token->type == Token::string && last && last->type == Token::word && last->text == "INCLUDE") {
            add({std::string(token->text), false});
        }
        last = token;
    }
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find_first_of("\r\n", start);
        end = end == std::string_view::npos ? text.size() : end;
        if (auto name = c_include(text.substr(start, end - start))) {
            add(std::move(*name));
        }
        start = end + 1;
    }
    return names;
}

std::string rewrite_nmodl(std::string_view text, const NmodlInfo& info, std::string_view new_name) {
    if (info.name_offset + info.name.size() > text.size() ||
        text.substr(info.name_offset, info.name.size()) != info.name) {
        throw InternalError("rewrite_nmodl: the scan does not match the text");
    }
    std::string out;
    out.reserve(text.size() + new_name.size());
    out.append(text.substr(0, info.name_offset));
    out.append(new_name);
    out.append(text.substr(info.name_offset + info.name.size()));
    return out;
}

} // namespace glia
