// The outcome of assessing one product against one edition of EN 303 645:
// a verdict per provision in TS 103 701's terms, with reasons and the
// evidence used, and the release-gate decision. Produced by
// AssessProduct() (engine.h), consumed by the report writers and the
// history store.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"

namespace provisio::assess {

enum class Verdict {
  kPass,
  kFail,
  kNotApplicable,
  kInconclusive,  // Evidence missing or cannot be verified.
};

std::string_view ToString(Verdict verdict);  // "PASS", "FAIL", "NOT_APPLICABLE", "INCONCLUSIVE"

// ICS support claim (EN 303 645 Annex B): Yes / No / N/A.
enum class Support { kYes, kNo, kNotApplicable, kUnclaimed };
std::string_view ToString(Support support);  // "Y", "N", "N/A", "" (unclaimed)

// One piece of evidence as the assessment saw it.
struct EvidenceUse {
  std::string kind;             // "file", "junit", "record"
  std::string path;             // Relative to the product folder.
  std::string sha256;           // Actual SHA-256 of the file ("" if it could not be read).
  std::string expected_sha256;  // From product.yaml, if given.
  std::string outcome;          // "ok", "fail", "missing", "hash-mismatch", "malformed", ...
  std::string detail;           // e.g. "12 test cases, 0 failures" or the parse error.
};

struct ProvisionVerdict {
  std::string id;
  std::string clause;
  std::string clause_title;
  std::string status_text;  // "M C(12)"
  bool mandatory = false;
  std::string summary;
  Support claim = Support::kUnclaimed;
  std::string claim_detail;  // Implemented measure, justification or N/A rationale.
  Verdict verdict = Verdict::kInconclusive;
  std::vector<std::string> reasons;  // Why this verdict, for people.
  std::vector<EvidenceUse> evidence;
  bool waived = false;  // A valid waiver lets this provision through the gate.
  std::string waiver;   // "owner: reason (until YYYY-MM-DD)" when waived.
};

struct DeviceUnderTest {
  std::string manufacturer;
  std::string model;
  std::string hardware_version;
  std::string software_version;
};

struct GatePolicy {
  // Recommendations must also pass (or be justified) to pass the gate.
  bool recommendations_required = false;
};

struct GateDecision {
  bool passed = false;
  std::vector<std::string> blocking_ids;  // Provisions that stop the release.
};

struct Assessment {
  std::string schema = "provisio.report/v1";
  std::string product_dir;
  DeviceUnderTest dut;
  std::string standard = "ETSI EN 303 645";
  std::string standard_version;  // "3.1.3"
  TimePoint assessed_at{};
  std::string tool_version;
  std::vector<ProvisionVerdict> provisions;  // Catalogue order.
  GatePolicy policy;
  GateDecision gate;

  // Counts by verdict over all provisions.
  std::map<Verdict, int> Counts() const;
};

}  // namespace provisio::assess
