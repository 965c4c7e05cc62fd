// Turns a CVSS vector into the severity a case records, through the cvss
// module: version, normalised vector, score and the lower-case rating the
// SLA engine keys fix budgets on.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "provisio/core/result.h"
#include "provisio/disclosure/case.h"

namespace provisio::disclosure {

// Parses and scores a "CVSS:3.1/..." or "CVSS:4.0/..." vector. Fails with
// kInvalidArgument naming the bad metric for malformed vectors, kUnsupported
// for other CVSS versions.
Result<Severity> AssessSeverity(std::string_view vector);

// The fields of a severity event: vector, cvss_version, base_score, rating.
std::map<std::string, std::string> SeverityFields(const Severity& severity);

}  // namespace provisio::disclosure
