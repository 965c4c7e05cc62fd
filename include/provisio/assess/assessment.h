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

// IXIT-style facts about the product (TS 103 701 "implementation extra
// information for testing"), as product.yaml gives them. Free text except
// where noted; "" when not given.
struct AuthenticationMechanism {
  std::string name;         // "Local web UI login".
  std::string type;         // "password", "certificate", "token", "pairing", ...
  std::string interface;    // Interface name it is offered on.
  std::string description;  // How it works, how credentials are set.
};

struct UpdateMechanism {
  std::string description;
  std::string delivery;                // "network", "local", "none".
  std::string signature_verification;  // How authenticity is checked; "" or "none" if not.
  std::string automatic;               // "yes", "no" or "" (not stated).
};

struct SupportPeriod {
  std::string end;           // "2031-12-31" or "5 years after last sale".
  std::string published_at;  // Where users can read it (URL).
};

struct DeviceInterface {
  std::string name;  // "wifi", "uart-debug".
  std::string type;  // "network", "physical", "radio", "logical", "debug".
  bool enabled = true;
  std::string description;
};

struct Ixit {
  std::vector<AuthenticationMechanism> authentication_mechanisms;
  UpdateMechanism update_mechanism;
  SupportPeriod support_period;
  std::string vdp_location;  // URL of the vulnerability disclosure policy.
  std::vector<DeviceInterface> interfaces;
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
  Ixit ixit;
  std::vector<ProvisionVerdict> provisions;  // Catalogue order.
  GatePolicy policy;
  GateDecision gate;

  // Counts by verdict over all provisions.
  std::map<Verdict, int> Counts() const;
};

}  // namespace provisio::assess
