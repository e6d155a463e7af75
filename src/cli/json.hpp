#pragma once
// A minimal JSON value for --json output: objects keep insertion order.

#include "advice.hpp"

#include "packages/package.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace glia::cli {

class Json {
  public:
    static Json object() { return Json(Type::object); }
    static Json array() { return Json(Type::array); }
    Json(std::string text) : type_(Type::string), text_(std::move(text)) {}
    Json(const char* text) : Json(std::string(text)) {}
    /// A message of the core, worded as the CLI words it.
    Json(const Message& message) : Json(advice::render(message)) {}
    Json(bool value) : type_(Type::literal), text_(value ? "true" : "false") {}
    Json(int value) : type_(Type::literal), text_(std::to_string(value)) {}
    static Json null() { return Json(Type::literal, "null"); }
    /// A number printed so that it reads back to the same double; NaN and infinities become null.
    static Json number(double value) {
        if (!std::isfinite(value)) {
            return null();
        }
        char buf[32];
        auto end = std::to_chars(buf, buf + sizeof buf, value).ptr; // the shortest such text
        return Json(Type::literal, std::string(buf, end));
    }

    Json& set(const std::string& key, Json value) {
        members_.emplace_back(key, std::move(value));
        return *this;
    }
    Json& push(Json value) {
        members_.emplace_back(std::string(), std::move(value));
        return *this;
    }
    std::string dump() const;

  private:
    enum class Type { object, array, string, literal };
    explicit Json(Type type, std::string text = {}) : type_(type), text_(std::move(text)) {}
    Type type_;
    std::string text_;
    std::vector<std::pair<std::string, Json>> members_;
};

std::string json_quote(const std::string& text);

inline std::string json_quote(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        case '\r': out += "\\r"; break;
        default:
            if (c < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

/// A problem of the core as JSON: {severity, message (worded), file, line, column, package, asset,
/// remedies: [{kind, args, modifier, command}], notes: [...]}; what is not known is null.
inline Json diagnostic_json(const Diagnostic& problem) {
    auto text_or_null = [](const std::string& text) { return text.empty() ? Json::null() : Json(text); };
    auto number_or_null = [](int n) { return n > 0 ? Json(n) : Json::null(); };
    Json remedies = Json::array();
    for (const auto& remedy : problem.message.remedies()) {
        Json args = Json::array();
        for (const auto& arg : remedy.args) {
            args.push(arg);
        }
        remedies.push(Json::object()
                          .set("kind", std::string(kind_name(remedy.kind)))
                          .set("args", args)
                          .set("modifier", remedy.modifier == Remedy::Modifier::none
                                               ? Json::null()
                                               : Json(std::string(modifier_name(remedy.modifier))))
                          .set("command", advice::shell_command(remedy)));
    }
    Json notes = Json::array();
    for (const auto& note : problem.notes) {
        notes.push(diagnostic_json(note));
    }
    return Json::object()
        .set("severity", std::string(severity_name(problem.severity)))
        .set("message", problem.message)
        .set("file", text_or_null(problem.where.file))
        .set("line", number_or_null(problem.where.line))
        .set("column", number_or_null(problem.where.column))
        .set("package", text_or_null(problem.package))
        .set("asset", text_or_null(problem.asset))
        .set("remedies", remedies)
        .set("notes", notes);
}

inline std::string Json::dump() const {
    switch (type_) {
    case Type::string: return json_quote(text_);
    case Type::literal: return text_;
    case Type::object:
    case Type::array: {
        std::string out = type_ == Type::object ? "{" : "[";
        for (size_t i = 0; i < members_.size(); ++i) {
            if (i) {
                out += ", ";
            }
            if (type_ == Type::object) {
                out += json_quote(members_[i].first) + ": ";
            }
            out += members_[i].second.dump();
        }
        return out + (type_ == Type::object ? "}" : "]");
    }
    }
    return "null";
}

/// The Python distribution that installs `package` ({name, version, path}), or null for a folder.
inline Json distribution_json(const Package& package) {
    if (package.distribution.empty()) {
        return Json::null();
    }
    return Json::object()
        .set("name", package.distribution)
        .set("version", package.distribution_version)
        .set("path", package.distribution_path.string());
}

} // namespace glia::cli
