// Serializations of a ScanReport: JSON, SARIF 2.1.0, CycloneDX 1.6, evidence.
#pragma once

#include <string>
#include <string_view>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"
#include "provisio/evidence/evidence_record.h"
#include "provisio/firmware/finding.h"

namespace provisio::firmware {

// provisio's own JSON report ("provisio.firmware-scan/v1").
std::string ToJson(const ScanReport& report);

// SARIF 2.1.0: one run, one rule per check id, one result per finding.
std::string ToSarif(const ScanReport& report);

// CycloneDX 1.6 SBOM of the recognised components; `serial` is the
// urn:uuid serial number (random, from the caller).
std::string ToCycloneDx(const ScanReport& report, const Clock& clock, std::string_view serial);

// Evidence record "firmware.scan": FAIL for every provision with a finding,
// PASS (functional test) for the other checked provisions.
Result<evidence::EvidenceRecord> MakeEvidence(const ScanReport& report,
                                              std::string_view product_version,
                                              const Clock& clock);

}  // namespace provisio::firmware
