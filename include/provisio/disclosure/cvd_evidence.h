// The evidence record of the CVD process for EN 303 645 provisions 5.2-1
// (a published disclosure policy with contact and timelines), 5.2-2
// (reported vulnerabilities acted on in a timely manner: acknowledged,
// triaged and updated within the policy's timelines) and 5.2-3
// (vulnerabilities rectified: fixes released within their SLA), built from
// the real policy and the verified case history.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"
#include "provisio/disclosure/case.h"
#include "provisio/disclosure/case_tracker.h"
#include "provisio/disclosure/sla.h"
#include "provisio/evidence/evidence_record.h"

namespace provisio::disclosure {

// What the record says about the policy (read by the caller from vdp.yaml).
struct PolicyFacts {
  std::filesystem::path file;         // The vdp.yaml; hashed into the record.
  std::vector<std::string> contacts;  // Reporting contacts (URIs).
  std::string policy_url;             // Where the policy is published; empty if unknown.
  SlaPolicy timelines;
};

struct CvdEvidenceInput {
  PolicyFacts policy;
  std::vector<Case> cases;
  ChainVerification chain;  // Result of CaseTracker::Verify().
  evidence::Product product;
  std::string command = "provisio cvd evidence";
};

// Builds the record ("disclosure.cvd"): one result per provision with the
// figures in its summary, and details_json holding the metrics, per-case
// clock outcomes and the chain head. Fails only if the policy file cannot be
// hashed.
Result<evidence::EvidenceRecord> BuildCvdEvidence(const CvdEvidenceInput& input,
                                                  const Clock& clock);

}  // namespace provisio::disclosure
