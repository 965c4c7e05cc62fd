// JSON shapes of cases, SLA clocks and metrics, shared by the evidence
// record and the public *Json() functions of cvd_report.h. PRIVATE.
#pragma once

#include "formats/document.h"
#include "provisio/disclosure/case.h"
#include "provisio/disclosure/sla.h"

namespace provisio::disclosure {

formats::Json SlaPolicyJson(const SlaPolicy& policy);
formats::Json ClockJson(const ClockResult& clock);
formats::Json MetricsJson(const CvdMetrics& metrics);
// Id, state, severity, dates and the clocks: one line of `cvd list --json`.
formats::Json CaseSummaryJson(const Case& c, const SlaReport& sla);
// The summary plus every field, the allowed next steps and the events.
formats::Json CaseDetailJson(const Case& c, const SlaReport& sla);

}  // namespace provisio::disclosure
