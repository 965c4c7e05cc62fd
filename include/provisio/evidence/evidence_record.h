// Evidence records: the JSON documents every provisio module writes to say
// what it checked, for which product version, with which tool, when, with
// what result per provision, and the SHA-256 of every file it relied on.
// The assessment reads these files (never other modules' internals).
// Schema: docs/evidence.md ("provisio.evidence/v1").
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::evidence {

inline constexpr std::string_view kEvidenceSchema = "provisio.evidence/v1";

// What the evidence says about one provision.
enum class Outcome {
  kPass,          // The provision's test passed.
  kFail,          // The provision's test found a non-conformity.
  kInconclusive,  // The check ran but could not decide.
  kInfo,          // Supporting information only; no verdict of its own.
};

std::string_view ToString(Outcome outcome);  // "pass", "fail", "inconclusive", "info"
Result<Outcome> ParseOutcome(std::string_view text);

struct ProvisionResult {
  std::string id;  // Provision id in the standard's spelling, e.g. "5.3-2".
  Outcome outcome = Outcome::kInfo;
  std::string summary;  // One sentence for people: why this outcome.
};

struct Product {
  std::string manufacturer;
  std::string model;
  std::string hardware_version;
  std::string software_version;  // The exact version this evidence speaks for.
  std::string configuration;     // Optional: configuration or variant name.
};

struct ToolInfo {
  std::string name = "provisio";
  std::string version;  // Filled from provisio::ToolVersion() by MakeRecord.
  std::string command;  // e.g. "provisio passwords generate".
};

struct FileReference {
  std::string path;  // As the record's author names it (relative or absolute).
  std::string sha256;
  std::uint64_t size = 0;
  std::string role;  // Optional: "input", "output", "log", ...
};

struct EvidenceRecord {
  std::string schema = std::string(kEvidenceSchema);
  std::string id;    // Unique id of this record (random hex), for history.
  std::string kind;  // Dotted producer name: "passwords.batch", "update.repository", ...
  std::string title;
  Product product;
  ToolInfo tool;
  TimePoint created{};  // UTC.
  std::vector<ProvisionResult> provisions;
  std::vector<FileReference> files;
  // A JSON object with kind-specific facts (figures, settings). Must be an
  // object; "{}" when empty.
  std::string details_json = "{}";
};

// Starts a record with schema, a fresh id, the tool name and version, and the
// clock's time filled in.
Result<EvidenceRecord> MakeRecord(std::string_view kind, const Clock& clock);

// Hashes `path` (streamed) and returns its reference; `display_path` is what
// the record shows (often relative to an output folder).
Result<FileReference> DescribeFile(const std::filesystem::path& path,
                                   std::string_view display_path,
                                   std::string_view role = "");

// Serializes to pretty JSON. Fails with kInvalidArgument if a required field
// is empty or details_json is not a JSON object.
Result<std::string> ToJson(const EvidenceRecord& record);

// Parses and validates a record; errors name source:line:col or the field.
Result<EvidenceRecord> ParseEvidenceRecord(std::string_view text, std::string_view source_name);

// Writes atomically (temporary file + rename).
Result<void> WriteEvidenceRecord(const std::filesystem::path& path, const EvidenceRecord& record);

// Reads and parses a record file.
Result<EvidenceRecord> ReadEvidenceRecord(const std::filesystem::path& path);

}  // namespace provisio::evidence
