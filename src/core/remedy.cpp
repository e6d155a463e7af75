#include "glia/remedy.hpp"

#include <array>
#include <utility>

namespace glia {
namespace {

// A token is STX, the kind's letter, the modifier's letter, each argument after a US, then ETX.
constexpr char kOpen = kTokenOpen;
constexpr char kClose = kTokenClose;
constexpr char kSeparator = '\x1f';

constexpr std::array<std::pair<Remedy::Kind, std::string_view>, 20> kKindNames = {{
    {Remedy::Kind::build, "build"},
    {Remedy::Kind::build_model_folder, "build model folder"},
    {Remedy::Kind::list_packages, "list packages"},
    {Remedy::Kind::show_package, "show package"},
    {Remedy::Kind::choose, "choose"},
    {Remedy::Kind::lock, "lock"},
    {Remedy::Kind::create_package, "create package"},
    {Remedy::Kind::import_folder, "import folder"},
    {Remedy::Kind::add_mod, "add mod"},
    {Remedy::Kind::check_package, "check package"},
    {Remedy::Kind::install, "install"},
    {Remedy::Kind::uninstall, "uninstall"},
    {Remedy::Kind::check_setup, "check setup"},
    {Remedy::Kind::clear_cache, "clear cache"},
    {Remedy::Kind::load_plugin_by_path, "load plugin by path"},
    {Remedy::Kind::compiling_off_setting, "compiling-off setting"},
    {Remedy::Kind::choose_for_script, "choose for script"},
    {Remedy::Kind::open_context, "open context"},
    {Remedy::Kind::close_context, "close context"},
    {Remedy::Kind::reload_preferences, "reload preferences"},
}};

bool known_kind(char letter) {
    for (const auto& [kind, name] : kKindNames) {
        if (static_cast<char>(kind) == letter) {
            return true;
        }
    }
    return false;
}

bool known_modifier(char letter) { return std::string_view("-rAVONwh").find(letter) != std::string_view::npos; }

// The remedy a token's inside (between STX and ETX) stands for, if it is well formed.
bool parse_token(std::string_view inside, Remedy& remedy) {
    if (inside.size() < 2 || !known_kind(inside[0]) || !known_modifier(inside[1])) {
        return false;
    }
    remedy = Remedy{static_cast<Remedy::Kind>(inside[0]), {}, static_cast<Remedy::Modifier>(inside[1])};
    inside.remove_prefix(2);
    while (!inside.empty()) {
        if (inside[0] != kSeparator) {
            return false;
        }
        inside.remove_prefix(1);
        size_t end = inside.find(kSeparator);
        remedy.args.emplace_back(inside.substr(0, end));
        inside.remove_prefix(end == std::string_view::npos ? inside.size() : end);
    }
    return true;
}

} // namespace

std::string mention(const Remedy& remedy) {
    std::string token{kOpen, static_cast<char>(remedy.kind), static_cast<char>(remedy.modifier)};
    for (const auto& arg : remedy.args) {
        token += kSeparator + arg;
    }
    return token + kClose;
}

std::vector<MessagePart> message_parts(std::string_view text) {
    std::vector<MessagePart> parts;
    auto add_text = [&](std::string_view piece) {
        if (piece.empty()) {
            return;
        }
        if (parts.empty() || parts.back().is_remedy) {
            parts.push_back({});
        }
        parts.back().text += piece;
    };
    while (!text.empty()) {
        size_t open = text.find(kOpen);
        size_t close = open == std::string_view::npos ? open : text.find(kClose, open);
        if (close == std::string_view::npos) {
            add_text(text);
            break;
        }
        add_text(text.substr(0, open));
        Remedy remedy{Remedy::Kind::build};
        if (parse_token(text.substr(open + 1, close - open - 1), remedy)) {
            parts.push_back({{}, true, std::move(remedy)});
        } else {
            add_text(text.substr(open, close - open + 1));
        }
        text.remove_prefix(close + 1);
    }
    return parts;
}

std::vector<Remedy> remedies_in(std::string_view text) {
    std::vector<Remedy> found;
    for (auto& part : message_parts(text)) {
        if (part.is_remedy) {
            found.push_back(std::move(part.remedy));
        }
    }
    return found;
}

std::string_view kind_name(Remedy::Kind kind) {
    for (const auto& [k, name] : kKindNames) {
        if (k == kind) {
            return name;
        }
    }
    return "unknown";
}

std::string plain(std::string_view text) {
    std::string shown;
    for (const auto& part : message_parts(text)) {
        if (!part.is_remedy) {
            shown += part.text;
            continue;
        }
        shown += "<" + std::string(kind_name(part.remedy.kind));
        if (part.remedy.modifier != Remedy::Modifier::none) {
            shown += std::string(" (") + static_cast<char>(part.remedy.modifier) + ")";
        }
        shown += part.remedy.args.empty() ? "" : ":";
        for (const auto& arg : part.remedy.args) {
            shown += " " + arg;
        }
        shown += ">";
    }
    return shown;
}

} // namespace glia
