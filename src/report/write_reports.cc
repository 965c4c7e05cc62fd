// WriteReports: renders all three reports first, then writes each file
// atomically, so a rendering failure leaves the folder untouched.
#include <system_error>

#include "provisio/core/files.h"
#include "provisio/report/report.h"
#include "report/report_model.h"

namespace provisio::report {

Result<void> WriteReports(const assess::Assessment& assessment,
                          const std::filesystem::path& out_dir) {
  Result<std::string> json = RenderJson(assessment);
  if (!json) {
    return Fail(json.error().WithContext("rendering report.json"));
  }
  Result<std::string> html = RenderHtml(assessment);
  if (!html) {
    return Fail(html.error().WithContext("rendering report.html"));
  }
  Result<std::string> junit = RenderJunit(assessment);
  if (!junit) {
    return Fail(junit.error().WithContext("rendering junit.xml"));
  }

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "creating " + out_dir.string() + ": " + ec.message());
  }
  const std::pair<std::string_view, const std::string*> files[] = {
      {kJsonReportName, &*json},
      {kHtmlReportName, &*html},
      {kJunitReportName, &*junit},
  };
  for (const auto& [name, contents] : files) {
    const std::filesystem::path path = out_dir / std::filesystem::path(name);
    Result<void> written = WriteFileAtomically(path, *contents);
    if (!written) {
      return Fail(written.error().WithContext("writing " + path.string()));
    }
  }
  return {};
}

evidence::AssessmentRun ToAssessmentRun(const assess::Assessment& assessment,
                                        std::string_view report_sha256) {
  evidence::AssessmentRun run;
  run.product = assessment.dut.manufacturer;
  run.model = assessment.dut.model;
  run.hardware_version = assessment.dut.hardware_version;
  run.software_version = assessment.dut.software_version;
  run.standard_version = assessment.standard_version;
  run.tool_version = assessment.tool_version;
  run.assessed_at = assessment.assessed_at;
  run.gate_passed = assessment.gate.passed;
  run.blocking_ids = assessment.gate.blocking_ids;
  run.verdicts.reserve(assessment.provisions.size());
  for (const assess::ProvisionVerdict& provision : assessment.provisions) {
    run.verdicts.emplace_back(provision.id, std::string(VerdictName(provision.verdict)));
  }
  run.report_sha256 = std::string(report_sha256);
  return run;
}

}  // namespace provisio::report
