#include "base/yaml_util.hpp"

#include "base/error.hpp"
#include "base/names.hpp"
#include "base/suggest.hpp"

#include <yaml-cpp/eventhandler.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>

namespace glia {

namespace {
// yaml-cpp keeps both entries of a repeated key and lookups see only one: which one was meant is
// a guess, so a repeated key is an error at its second occurrence.
void check_no_repeated_keys(const YAML::Node& node, const fs::path& path) {
    if (node.IsSequence()) {
        for (const auto& item : node) {
            check_no_repeated_keys(item, path);
        }
    } else if (node.IsMap()) {
        std::map<std::string, YAML::Mark> seen;
        for (const auto& entry : node) {
            if (entry.first.IsScalar()) {
                auto [it, inserted] = seen.emplace(entry.first.Scalar(), entry.first.Mark());
                if (!inserted) {
                    throw ParseError(yaml_location(path, entry.first) + "key '" + entry.first.Scalar() +
                                     "' is repeated (first on line " + std::to_string(it->second.line + 1) +
                                     "); keep one of them");
                }
            }
            check_no_repeated_keys(entry.second, path);
        }
    }
}

// Where the first alias (`*name`) of a document is; the parser's events, so no node is built.
class FirstAlias : public YAML::EventHandler {
  public:
    std::optional<YAML::Mark> mark;
    void OnAlias(const YAML::Mark& at, YAML::anchor_t) override { mark = mark ? mark : at; }
    void OnDocumentStart(const YAML::Mark&) override {}
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

// An alias makes one node stand in many places, so a walk over the document (the repeated-key check,
// a reader) meets it once per place: aliases of aliases nested a few levels deep in 1.5 KB are
// billions of visits, and an alias inside its own anchor never ends. glia's files have no use for
// them, so the first one is refused; a file without '*' has none and is not parsed for it.
void check_no_aliases(const std::string& text, const fs::path& path) {
    if (text.find('*') == std::string::npos) {
        return;
    }
    std::istringstream in(text);
    YAML::Parser parser(in);
    FirstAlias first;
    parser.HandleNextDocument(first); // only the document YAML::Load reads
    if (first.mark) {
        throw ParseError(path.string() + ":" + std::to_string(first.mark->line + 1) + ":" +
                         std::to_string(first.mark->column + 1) +
                         ": a YAML alias (*name), which glia refuses in its files: a few of them can make a small "
                         "file expand without bound; write out in full the value the alias stands for");
    }
}

} // namespace

YAML::Node parse_yaml(const std::string& text, const fs::path& path) {
    // YAML allows no NUL byte, and yaml-cpp stops reading at one: what follows it would be lost.
    if (size_t nul = text.find('\0'); nul != std::string::npos) {
        size_t line_start = text.rfind('\n', nul);
        line_start = line_start == std::string::npos ? 0 : line_start + 1;
        size_t line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul), '\n');
        throw ParseError(path.string() + ":" + std::to_string(line) + ":" + std::to_string(nul - line_start + 1) +
                         ": a NUL byte; a YAML file holds text only (was it saved by a text editor?)");
    }
    YAML::Node root;
    try {
        check_no_aliases(text, path);
        root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ParseError(path.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": malformed YAML: " + e.msg);
    }
    check_no_repeated_keys(root, path);
    return root;
}

std::string yaml_location(const fs::path& path, const YAML::Node& node) {
    YAML::Mark mark = node.Mark();
    if (mark.line < 0) {
        return path.string() + ": ";
    }
    return path.string() + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1) + ": ";
}

void check_yaml_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const fs::path& path) {
    for (const auto& entry : map) {
        std::string key = entry.first.Scalar();
        bool known = false;
        for (const auto& name : allowed) {
            known = known || name == key;
        }
        if (!known) {
            std::string list;
            for (const auto& name : allowed) {
                list += (list.empty() ? "" : ", ") + name;
            }
            std::string hint = did_you_mean(key, allowed);
            throw ParseError(yaml_location(path, entry.first) + "unknown key '" + key + "'" +
                             (hint.empty() ? "; known keys: " + list : hint));
        }
    }
}

std::string yaml_scalar(const YAML::Node& node, const std::string& what, const fs::path& path) {
    if (!node.IsScalar()) {
        throw ParseError(yaml_location(path, node) + what + " must be a single value");
    }
    return node.Scalar();
}

void emit_scalar(YAML::Emitter& out, const std::string& text) {
    if (!is_utf8(text)) {
        throw Error("'" + printable(text) + "' is not UTF-8 text, which a YAML file cannot hold; rename it");
    }
    // yaml-cpp writes a carriage return (and other control characters) into plain scalars, where
    // reading drops or misreads them; double quotes escape every one of them.
    bool control = std::any_of(text.begin(), text.end(), [](char c) {
        auto byte = static_cast<unsigned char>(c);
        return byte < 0x20 || byte == 0x7f;
    });
    if (control) {
        out << YAML::DoubleQuoted;
    }
    out << text;
}

namespace {

void emit_node(YAML::Emitter& out, const YAML::Node& node) {
    bool flow = node.Style() == YAML::EmitterStyle::Flow;
    switch (node.Type()) {
    case YAML::NodeType::Map:
        out << (flow ? YAML::Flow : YAML::Block) << YAML::BeginMap;
        for (const auto& entry : node) {
            out << YAML::Key;
            emit_node(out, entry.first);
            out << YAML::Value;
            emit_node(out, entry.second);
        }
        out << YAML::EndMap;
        break;
    case YAML::NodeType::Sequence:
        out << (flow ? YAML::Flow : YAML::Block) << YAML::BeginSeq;
        for (const auto& item : node) {
            emit_node(out, item);
        }
        out << YAML::EndSeq;
        break;
    case YAML::NodeType::Scalar: emit_scalar(out, node.Scalar()); break;
    default: out << YAML::Null; break;
    }
}

} // namespace

std::string emit_yaml(const YAML::Node& node) {
    YAML::Emitter out;
    emit_node(out, node);
    if (!out.good()) {
        throw InternalError("cannot write YAML: " + out.GetLastError());
    }
    return out.c_str();
}

YAML::Node flow_map(const std::vector<std::pair<std::string, std::string>>& fields) {
    YAML::Node map(YAML::NodeType::Map);
    for (const auto& [key, value] : fields) {
        map[key] = value;
    }
    map.SetStyle(YAML::EmitterStyle::Flow);
    return map;
}

} // namespace glia
