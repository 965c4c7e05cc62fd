// The one place that calls the throwing parsers (nlohmann-json, yaml-cpp).
// Both YAML and JSON input become a nlohmann::json tree plus a map from JSON
// pointer to source position, so modules read one tree type and still report
// "file:line:col" for semantic errors such as an unknown provision id.
//
// Modules use nlohmann::json values in their .cc files through non-throwing
// accessors (contains, is_string, get_ref after a type check); they never call
// json::parse or YAML::Load themselves.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "provisio/core/result.h"

namespace provisio::formats {

using Json = nlohmann::json;

struct SourcePosition {
  int line = 0;    // 1-based; 0 when unknown.
  int column = 0;  // 1-based; 0 when unknown.
};

struct Document {
  Json value;
  std::string source_name;
  // Keyed by JSON pointer ("/provisions/3/id"); filled for YAML input, and for
  // JSON input only at the root.
  std::map<std::string, SourcePosition> positions;

  // "source:line:col" for the node at `pointer`, falling back to the nearest
  // ancestor with a known position, then to the bare source name.
  std::string Where(std::string_view pointer) const;
};

// Parses JSON. Errors are kParse with "source:line:col: message".
Result<Document> ParseJson(std::string_view text, std::string_view source_name);

// Parses one YAML document with the YAML 1.2 core schema: plain scalars that
// look like null, booleans, integers or floats become those types; quoted
// scalars stay strings. Duplicate mapping keys are an error.
Result<Document> ParseYaml(std::string_view text, std::string_view source_name);

// Reads and parses a file; the source name is the path as given.
Result<Document> ReadJsonFile(const std::filesystem::path& path);
Result<Document> ReadYamlFile(const std::filesystem::path& path);

// Serializes without throwing: invalid UTF-8 is replaced by U+FFFD.
// indent < 0 gives the compact form.
std::string DumpJson(const Json& value, int indent = 2);

// Escapes a key for use as one JSON-pointer segment ("~" -> "~0", "/" -> "~1").
std::string PointerSegment(std::string_view key);

}  // namespace provisio::formats
