#pragma once
/// \file
/// Reading YAML files with errors that name file, line and column.

#include "glia/fs.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

namespace glia {

/// Parses `text` (read from `path`); throws ParseError `path:line:column: message`.
YAML::Node parse_yaml(const std::string& text, const fs::path& path);

/// `path:line:column: ` for a node (1-based), for messages.
std::string yaml_location(const fs::path& path, const YAML::Node& node);

/// Throws ParseError if `map` has a key not in `allowed`, suggesting the closest.
void check_yaml_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const fs::path& path);

/// The scalar at `node`, or a ParseError saying `what` must be a string.
std::string yaml_scalar(const YAML::Node& node, const std::string& what, const fs::path& path);

} // namespace glia
