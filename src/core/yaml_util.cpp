#include "glia/yaml_util.hpp"

#include "glia/error.hpp"
#include "glia/suggest.hpp"

namespace glia {

YAML::Node parse_yaml(const std::string& text, const fs::path& path) {
    try {
        return YAML::Load(text);
    } catch (const YAML::Exception& e) {
        throw ParseError(path.string() + ":" + std::to_string(e.mark.line + 1) + ":" +
                         std::to_string(e.mark.column + 1) + ": malformed YAML: " + e.msg);
    }
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

} // namespace glia
