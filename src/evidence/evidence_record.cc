#include "provisio/evidence/evidence_record.h"

#include <array>
#include <regex>

#include "formats/document.h"
#include "provisio/core/files.h"
#include "provisio/core/random.h"
#include "provisio/core/sha256.h"
#include "provisio/core/version.h"

namespace provisio::evidence {
namespace {

using formats::Json;

bool IsSha256Hex(const std::string& text) {
  static const std::regex kHex("^[0-9a-f]{64}$");
  return std::regex_match(text, kHex);
}

// Reads a required string member; the error names the field and position.
Result<std::string> RequiredString(const formats::Document& doc,
                                   const Json& object,
                                   const std::string& pointer,
                                   const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Fail(ErrorCode::kParse,
                doc.Where(pointer) + ": '" + std::string(key) + "' must be a non-empty string");
  }
  return it->get<std::string>();
}

std::string OptionalString(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return {};
  }
  return it->get<std::string>();
}

}  // namespace

std::string_view ToString(Outcome outcome) {
  switch (outcome) {
    case Outcome::kPass:
      return "pass";
    case Outcome::kFail:
      return "fail";
    case Outcome::kInconclusive:
      return "inconclusive";
    case Outcome::kInfo:
      return "info";
  }
  return "info";
}

Result<Outcome> ParseOutcome(std::string_view text) {
  if (text == "pass") {
    return Outcome::kPass;
  }
  if (text == "fail") {
    return Outcome::kFail;
  }
  if (text == "inconclusive") {
    return Outcome::kInconclusive;
  }
  if (text == "info") {
    return Outcome::kInfo;
  }
  return Fail(ErrorCode::kParse, "unknown outcome '" + std::string(text) +
                                     "' (expected pass, fail, inconclusive or info)");
}

Result<EvidenceRecord> MakeRecord(std::string_view kind, const Clock& clock) {
  EvidenceRecord record;
  record.kind = std::string(kind);
  record.tool.name = std::string(ToolName());
  record.tool.version = std::string(ToolVersion());
  record.created = clock.Now();
  OsRandom random;
  std::array<std::uint8_t, 16> bytes{};
  Result<void> filled = random.Fill(bytes);
  if (!filled) {
    return Fail(filled.error().WithContext("making evidence id"));
  }
  record.id =
      HexEncode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return record;
}

Result<FileReference> DescribeFile(const std::filesystem::path& path,
                                   std::string_view display_path,
                                   std::string_view role) {
  Result<FileDigest> digest = Sha256File(path);
  if (!digest) {
    return Fail(digest.error().WithContext("hashing evidence file"));
  }
  FileReference ref;
  ref.path = std::string(display_path);
  ref.sha256 = digest->sha256_hex;
  ref.size = digest->size;
  ref.role = std::string(role);
  return ref;
}

Result<std::string> ToJson(const EvidenceRecord& record) {
  if (record.kind.empty() || record.id.empty() || record.tool.version.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "evidence record needs kind, id and tool version");
  }
  Result<formats::Document> details = formats::ParseJson(record.details_json, "details");
  if (!details || !details->value.is_object()) {
    return Fail(ErrorCode::kInvalidArgument, "evidence details must be a JSON object");
  }
  Json out = Json::object();
  out["schema"] = record.schema;
  out["id"] = record.id;
  out["kind"] = record.kind;
  if (!record.title.empty()) {
    out["title"] = record.title;
  }
  out["product"] = {{"manufacturer", record.product.manufacturer},
                    {"model", record.product.model},
                    {"hardware_version", record.product.hardware_version},
                    {"software_version", record.product.software_version},
                    {"configuration", record.product.configuration}};
  out["tool"] = {{"name", record.tool.name},
                 {"version", record.tool.version},
                 {"command", record.tool.command}};
  out["created"] = FormatUtc(record.created);
  Json provisions = Json::array();
  for (const ProvisionResult& p : record.provisions) {
    provisions.push_back(
        {{"id", p.id}, {"outcome", std::string(ToString(p.outcome))}, {"summary", p.summary}});
  }
  out["provisions"] = std::move(provisions);
  Json files = Json::array();
  for (const FileReference& f : record.files) {
    if (!IsSha256Hex(f.sha256)) {
      return Fail(ErrorCode::kInvalidArgument,
                  "evidence file '" + f.path + "' has no valid sha256");
    }
    Json entry = {{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}};
    if (!f.role.empty()) {
      entry["role"] = f.role;
    }
    files.push_back(std::move(entry));
  }
  out["files"] = std::move(files);
  out["details"] = std::move(details->value);
  return formats::DumpJson(out) + "\n";
}

Result<EvidenceRecord> ParseEvidenceRecord(std::string_view text, std::string_view source_name) {
  Result<formats::Document> doc = formats::ParseJson(text, source_name);
  if (!doc) {
    return Fail(doc.error());
  }
  const Json& root = doc->value;
  if (!root.is_object()) {
    return Fail(ErrorCode::kParse, doc->Where("") + ": evidence record must be a JSON object");
  }
  EvidenceRecord record;
  Result<std::string> schema = RequiredString(*doc, root, "", "schema");
  if (!schema) {
    return Fail(schema.error());
  }
  if (*schema != kEvidenceSchema) {
    return Fail(ErrorCode::kUnsupported, std::string(source_name) + ": schema '" + *schema +
                                             "' is not " + std::string(kEvidenceSchema));
  }
  record.schema = *schema;
  for (auto [field, key] : {std::pair{&record.id, "id"}, std::pair{&record.kind, "kind"}}) {
    Result<std::string> value = RequiredString(*doc, root, "", key);
    if (!value) {
      return Fail(value.error());
    }
    *field = *value;
  }
  record.title = OptionalString(root, "title");
  const auto product = root.find("product");
  if (product == root.end() || !product->is_object()) {
    return Fail(ErrorCode::kParse, std::string(source_name) + ": 'product' must be an object");
  }
  record.product.manufacturer = OptionalString(*product, "manufacturer");
  record.product.model = OptionalString(*product, "model");
  record.product.hardware_version = OptionalString(*product, "hardware_version");
  record.product.software_version = OptionalString(*product, "software_version");
  record.product.configuration = OptionalString(*product, "configuration");
  const auto tool = root.find("tool");
  if (tool == root.end() || !tool->is_object()) {
    return Fail(ErrorCode::kParse, std::string(source_name) + ": 'tool' must be an object");
  }
  record.tool.name = OptionalString(*tool, "name");
  record.tool.version = OptionalString(*tool, "version");
  record.tool.command = OptionalString(*tool, "command");
  Result<std::string> created = RequiredString(*doc, root, "", "created");
  if (!created) {
    return Fail(created.error());
  }
  Result<TimePoint> when = ParseUtc(*created);
  if (!when) {
    return Fail(when.error().WithContext(std::string(source_name) + ": 'created'"));
  }
  record.created = *when;
  const auto provisions = root.find("provisions");
  if (provisions == root.end() || !provisions->is_array()) {
    return Fail(ErrorCode::kParse, std::string(source_name) + ": 'provisions' must be an array");
  }
  for (std::size_t i = 0; i < provisions->size(); ++i) {
    const Json& item = (*provisions)[i];
    const std::string pointer = "/provisions/" + std::to_string(i);
    if (!item.is_object()) {
      return Fail(ErrorCode::kParse,
                  std::string(source_name) + ": " + pointer + " must be an object");
    }
    ProvisionResult result;
    Result<std::string> id = RequiredString(*doc, item, pointer, "id");
    if (!id) {
      return Fail(id.error().WithContext(pointer));
    }
    result.id = *id;
    Result<Outcome> outcome = ParseOutcome(OptionalString(item, "outcome"));
    if (!outcome) {
      return Fail(outcome.error().WithContext(std::string(source_name) + ": " + pointer));
    }
    result.outcome = *outcome;
    result.summary = OptionalString(item, "summary");
    record.provisions.push_back(std::move(result));
  }
  const auto files = root.find("files");
  if (files != root.end()) {
    if (!files->is_array()) {
      return Fail(ErrorCode::kParse, std::string(source_name) + ": 'files' must be an array");
    }
    for (std::size_t i = 0; i < files->size(); ++i) {
      const Json& item = (*files)[i];
      const std::string pointer = "/files/" + std::to_string(i);
      if (!item.is_object()) {
        return Fail(ErrorCode::kParse,
                    std::string(source_name) + ": " + pointer + " must be an object");
      }
      FileReference ref;
      ref.path = OptionalString(item, "path");
      ref.sha256 = OptionalString(item, "sha256");
      ref.role = OptionalString(item, "role");
      if (ref.path.empty() || !IsSha256Hex(ref.sha256)) {
        return Fail(ErrorCode::kParse, std::string(source_name) + ": " + pointer +
                                           " needs 'path' and a 64-digit lower-case 'sha256'");
      }
      const auto size = item.find("size");
      if (size != item.end() && size->is_number_unsigned()) {
        ref.size = size->get<std::uint64_t>();
      }
      record.files.push_back(std::move(ref));
    }
  }
  const auto details = root.find("details");
  if (details != root.end()) {
    if (!details->is_object()) {
      return Fail(ErrorCode::kParse, std::string(source_name) + ": 'details' must be an object");
    }
    record.details_json = formats::DumpJson(*details, -1);
  }
  return record;
}

Result<void> WriteEvidenceRecord(const std::filesystem::path& path, const EvidenceRecord& record) {
  Result<std::string> json = ToJson(record);
  if (!json) {
    return Fail(json.error());
  }
  return WriteFileAtomically(path, *json);
}

Result<EvidenceRecord> ReadEvidenceRecord(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error());
  }
  return ParseEvidenceRecord(*text, path.string());
}

}  // namespace provisio::evidence
