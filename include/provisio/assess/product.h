// A product's conformance folder as product.yaml describes it: the device
// under test, the EN 303 645 edition, the answers to the condition and
// feature questions, the ICS claim per provision with its evidence, IXIT
// facts and waivers. Format: docs/product-file.md.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/assess/assessment.h"
#include "provisio/catalog/catalog.h"
#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::assess {

inline constexpr std::string_view kProductFileName = "product.yaml";
inline constexpr std::string_view kDefaultStandardVersion = "3.1.3";

enum class EvidenceKind {
  kFile,    // Any file; optionally with its expected SHA-256.
  kJunit,   // A JUnit XML report: passes only if every test case passed.
  kRecord,  // A provisio evidence record (docs/evidence.md).
};

std::string_view ToString(EvidenceKind kind);  // "file", "junit", "record"

// One evidence reference of a claim.
struct EvidenceRef {
  EvidenceKind kind = EvidenceKind::kFile;
  std::string path;             // Relative to the product folder.
  std::string expected_sha256;  // Lower-case hex, or "" when not given.
  std::string description;      // Optional note for reviewers.
  std::string where;            // "product.yaml:40:11", for error messages.
};

// The ICS claim for one provision (EN 303 645 Annex B, Table B.1).
struct Claim {
  std::string id;
  Support support = Support::kUnclaimed;
  std::string measure;        // Y: the implemented measure.
  std::string justification;  // N: why a recommendation is not met (5.0-1).
  std::string rationale;      // N/A: why it does not apply.
  std::vector<EvidenceRef> evidence;
  std::string where;
};

// An accepted exception to the release gate for one provision.
struct Waiver {
  std::string provision;
  std::string owner;
  std::string reason;
  TimePoint expires{};  // The waiver counts while now < expires.
  std::string expires_text;
  std::string where;
};

struct ProductFile {
  std::string source_name;  // Path of product.yaml as read.
  DeviceUnderTest dut;
  std::string standard_version = std::string(kDefaultStandardVersion);
  std::string standard_where;
  catalog::Answers answers;
  // Where each answer was given: "C(12)" / "F(a)" -> "product.yaml:9:5".
  std::map<std::string, std::string> answer_where;
  Ixit ixit;
  std::vector<Claim> claims;  // In file order; ids unique.
  std::vector<Waiver> waivers;
};

// Parses product.yaml text. Checks structure and types only (ids are checked
// against the catalogue by Assess). Fails with kParse and "source:line:col:
// what was expected".
Result<ProductFile> ParseProductFile(std::string_view text, std::string_view source_name);

// Reads `<product_dir>/product.yaml`. Fails with kNotFound if it is missing.
Result<ProductFile> ReadProductFile(const std::filesystem::path& product_dir);

}  // namespace provisio::assess
