#pragma once
/// \file
/// Reading YAML files with errors that name file, line and column, and writing YAML text with
/// yaml-cpp's emitter, so that any name or path glia writes reads back unchanged.

#include "base/fs.hpp"

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

namespace glia {

/// Parses `text` (read from `path`); throws ParseError `path:line:column: message`, also for a
/// key repeated in one mapping.
YAML::Node parse_yaml(const std::string& text, const fs::path& path);

/// `path:line:column: ` for a node (1-based), for messages.
std::string yaml_location(const fs::path& path, const YAML::Node& node);

/// Throws ParseError if `map` has a key not in `allowed`, suggesting the closest.
void check_yaml_keys(const YAML::Node& map, const std::vector<std::string>& allowed, const fs::path& path);

/// The scalar at `node`, or a ParseError saying `what` must be a string.
std::string yaml_scalar(const YAML::Node& node, const std::string& what, const fs::path& path);

/// Writes `text` as one scalar, quoted so that it reads back unchanged. Throws Error if `text` is
/// not UTF-8 (a YAML file is Unicode text).
void emit_scalar(YAML::Emitter& out, const std::string& text);

/// `node` as YAML text (no final newline), every scalar quoted as yaml-cpp's emitter needs it.
/// Throws InternalError if the emitter refuses the node.
std::string emit_yaml(const YAML::Node& node);

/// A map of `fields` in this order, written in flow style: `{file: k.mod, asset: Kv1}`.
YAML::Node flow_map(const std::vector<std::pair<std::string, std::string>>& fields);

} // namespace glia
