#include "base/diagnostic.hpp"

#include "base/error.hpp"

#include <charconv>
#include <utility>

namespace glia {

std::string_view severity_name(Severity severity) {
    switch (severity) {
    case Severity::error: return "error";
    case Severity::warning: return "warning";
    case Severity::note: return "note";
    }
    return "error";
}

Message::Message(std::string text) {
    if (!text.empty()) {
        parts_.emplace_back(std::move(text));
    }
}

Message::Message(Remedy remedy) { parts_.emplace_back(std::move(remedy)); }

Message& Message::operator+=(const Message& more) {
    for (const auto& part : more.parts_) {
        auto* text = std::get_if<std::string>(&part);
        auto* last = parts_.empty() ? nullptr : std::get_if<std::string>(&parts_.back());
        if (text && last) {
            *last += *text; // adjacent text is one part, so equal messages compare equal
        } else {
            parts_.push_back(part);
        }
    }
    return *this;
}

Message operator+(Message first, const Message& second) { return first += second; }

bool Message::ends_with(std::string_view suffix) const {
    const auto* text = parts_.empty() ? nullptr : std::get_if<std::string>(&parts_.back());
    return text && text->ends_with(suffix);
}

Message Message::first_line() const {
    Message line;
    for (const auto& part : parts_) {
        const auto* text = std::get_if<std::string>(&part);
        if (!text) {
            line += std::get<Remedy>(part);
            continue;
        }
        size_t end = text->find('\n');
        line += text->substr(0, end);
        if (end != std::string::npos) {
            break;
        }
    }
    return line;
}

std::vector<Remedy> Message::remedies() const {
    std::vector<Remedy> found;
    for (const auto& part : parts_) {
        if (const auto* remedy = std::get_if<Remedy>(&part)) {
            found.push_back(*remedy);
        }
    }
    return found;
}

std::string Message::plain() const {
    std::string shown;
    for (const auto& part : parts_) {
        if (const auto* text = std::get_if<std::string>(&part)) {
            shown += *text;
            continue;
        }
        const auto& remedy = std::get<Remedy>(part);
        shown += "<" + std::string(kind_name(remedy.kind));
        if (remedy.modifier != Remedy::Modifier::none) {
            shown += std::string(" (") + static_cast<char>(remedy.modifier) + ")";
        }
        shown += remedy.args.empty() ? "" : ":";
        for (const auto& arg : remedy.args) {
            shown += " " + arg;
        }
        shown += ">";
    }
    return shown;
}

std::vector<Remedy> Diagnostic::remedies() const {
    std::vector<Remedy> found = message.remedies();
    for (const auto& note : notes) {
        auto more = note.remedies();
        found.insert(found.end(), more.begin(), more.end());
    }
    return found;
}

std::string Diagnostic::plain() const {
    std::string shown = message.plain();
    for (const auto& note : notes) {
        shown += "\n" + note.plain();
    }
    return shown;
}

namespace {
// The number `text` starts with, cut off it; 0 if none.
int leading_number(std::string_view& text) {
    int value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    text.remove_prefix(end - text.data());
    return error == std::errc() ? value : 0;
}
} // namespace

Diagnostic located(Message message, ErrorFacts facts) {
    const auto* text = message.parts().empty() ? nullptr : std::get_if<std::string>(&message.parts().front());
    std::string_view head = text ? std::string_view(*text) : std::string_view();
    head = head.substr(0, head.find('\n'));
    // "file:line:column: ": the last ':' followed by two numbers before the first ": " that ends them
    for (size_t colon = head.find(':'); facts.file.empty() && colon != std::string_view::npos;
         colon = head.find(':', colon + 1)) {
        std::string_view rest = head.substr(colon + 1);
        int line = leading_number(rest);
        if (line <= 0 || !rest.starts_with(':')) {
            continue;
        }
        rest.remove_prefix(1);
        int column = leading_number(rest);
        if (column > 0 && rest.starts_with(':')) {
            facts.file = std::string(head.substr(0, colon));
            facts.line = line;
            facts.column = column;
        }
    }
    return {Severity::error, std::move(message), {facts.file, facts.line, facts.column}, facts.package, facts.asset};
}

} // namespace glia
