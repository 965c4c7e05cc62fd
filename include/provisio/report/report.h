// The three reports of an assessment: report.json (machine-readable, schema
// "provisio.report/v1"), report.html (one self-contained file for people and
// auditors) and junit.xml (one test case per provision, for any CI).
// Formats: docs/report.md.
//
// Typical use:
//   Result<void> written = report::WriteReports(assessment, out_dir);
//   if (!written) return Fail(written.error().WithContext("writing reports"));
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "provisio/assess/assessment.h"
#include "provisio/core/result.h"
#include "provisio/evidence/history_store.h"

namespace provisio::report {

inline constexpr std::string_view kJsonReportName = "report.json";
inline constexpr std::string_view kHtmlReportName = "report.html";
inline constexpr std::string_view kJunitReportName = "junit.xml";

// report.json text (UTF-8, 2-space indent, trailing newline). Deterministic:
// the same assessment always gives the same bytes.
Result<std::string> RenderJson(const assess::Assessment& assessment);

// report.html text: no external resources; all text HTML-escaped.
Result<std::string> RenderHtml(const assess::Assessment& assessment);

// junit.xml text: one <testsuite> per clause, one <testcase> per provision.
Result<std::string> RenderJunit(const assess::Assessment& assessment);

// Writes report.json, report.html and junit.xml into `out_dir` (created if
// missing), each atomically. Fails with kIo if a file cannot be written.
Result<void> WriteReports(const assess::Assessment& assessment,
                          const std::filesystem::path& out_dir);

// The history-store view of `assessment` (for `provisio assess --record`):
// product = manufacturer, verdicts in catalogue order, blocking ids from the
// gate. `report_sha256` is the SHA-256 of the report.json that was written.
evidence::AssessmentRun ToAssessmentRun(const assess::Assessment& assessment,
                                        std::string_view report_sha256);

}  // namespace provisio::report
