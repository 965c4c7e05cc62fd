// Machine-readable views of the case tracker for `provisio cvd ... --json`:
// each returns one pretty-printed JSON document (schema in docs/disclosure.md).
#pragma once

#include <span>
#include <string>

#include "provisio/core/clock.h"
#include "provisio/disclosure/case.h"
#include "provisio/disclosure/case_tracker.h"
#include "provisio/disclosure/sla.h"

namespace provisio::disclosure {

// {"as_of", "policy", "cases": [summary...]} for the given cases.
std::string CaseListJson(std::span<const Case> cases, const SlaPolicy& policy, TimePoint now);

// One case with its fields, clocks, allowed next steps and events.
std::string CaseDetailJsonText(const Case& c, const SlaPolicy& policy, TimePoint now);

// The metrics with the policy they were computed against.
std::string MetricsJsonText(const CvdMetrics& metrics, const SlaPolicy& policy, TimePoint now);

// The verification result.
std::string VerificationJson(const ChainVerification& report);

}  // namespace provisio::disclosure
