// junit.xml: one <testsuite> per clause, one <testcase> per provision, so any
// CI shows the verdicts. Mapping (docs/report.md): PASS -> passed,
// FAIL -> <failure>, INCONCLUSIVE -> <error>, NOT_APPLICABLE -> <skipped>.
#include <string>
#include <vector>

#include "provisio/report/report.h"
#include "report/report_model.h"

namespace provisio::report {
namespace {

std::string Attr(std::string_view text) {
  return XmlEscape(text, /*attribute=*/true);
}

std::string Body(std::string_view text) {
  return XmlEscape(text, /*attribute=*/false);
}

// JUnit's timestamp is an ISO 8601 date-time without zone; ours is UTC.
std::string JunitTimestamp(TimePoint time) {
  std::string text = FormatUtc(time);
  if (!text.empty() && text.back() == 'Z') {
    text.pop_back();
  }
  return text;
}

// Everything a person needs to see in the CI's test details.
std::string Details(const assess::ProvisionVerdict& provision, bool blocking) {
  std::string text = provision.id + " (" + provision.status_text + "): " + provision.summary + "\n";
  text += "Verdict: " + std::string(VerdictName(provision.verdict));
  if (blocking) {
    text += " (blocks the release)";
  }
  text += "\n";
  const std::string_view claim = SupportName(provision.claim);
  text += "Claim: " + (claim.empty() ? std::string("(none)") : std::string(claim));
  if (!provision.claim_detail.empty()) {
    text += ": " + provision.claim_detail;
  }
  text += "\n";
  for (const std::string& reason : provision.reasons) {
    text += "Reason: " + reason + "\n";
  }
  for (const assess::EvidenceUse& evidence : provision.evidence) {
    text += "Evidence: " + evidence.kind + " " + evidence.path + " [" + evidence.outcome + "]";
    if (!evidence.sha256.empty()) {
      text += " sha256=" + evidence.sha256;
    }
    if (!evidence.expected_sha256.empty()) {
      text += " expected=" + evidence.expected_sha256;
    }
    if (!evidence.detail.empty()) {
      text += " (" + evidence.detail + ")";
    }
    text += "\n";
  }
  if (provision.waived) {
    text += "Waiver: " + provision.waiver + "\n";
  }
  return text;
}

std::string FirstReason(const assess::ProvisionVerdict& provision, std::string_view fallback) {
  std::string message =
      provision.reasons.empty() ? std::string(fallback) : provision.reasons.front();
  if (provision.waived) {
    message = "[waived] " + message;
  }
  return message;
}

struct SuiteCounts {
  int tests = 0;
  int failures = 0;
  int errors = 0;
  int skipped = 0;
};

SuiteCounts CountsFor(const VerdictCounts& counts) {
  return SuiteCounts{counts.total, counts.Of(assess::Verdict::kFail),
                     counts.Of(assess::Verdict::kInconclusive),
                     counts.Of(assess::Verdict::kNotApplicable)};
}

std::string CountAttributes(const SuiteCounts& counts) {
  return " tests=\"" + std::to_string(counts.tests) + "\" failures=\"" +
         std::to_string(counts.failures) + "\" errors=\"" + std::to_string(counts.errors) +
         "\" skipped=\"" + std::to_string(counts.skipped) + "\"";
}

void AppendTestCase(const assess::Assessment& assessment,
                    const assess::ProvisionVerdict& provision,
                    std::string& xml) {
  const bool blocking = IsBlocking(assessment, provision.id);
  std::string name = provision.id;
  if (!provision.summary.empty()) {
    name += " " + provision.summary;
  }
  xml += "    <testcase classname=\"" + Attr(provision.clause) + "\" name=\"" + Attr(name) +
         "\" time=\"0\">\n";
  switch (provision.verdict) {
    case assess::Verdict::kPass:
      break;
    case assess::Verdict::kFail:
      xml += "      <failure type=\"FAIL\" message=\"" +
             Attr(FirstReason(provision, "provision not met")) + "\">" +
             Body(Details(provision, blocking)) + "</failure>\n";
      break;
    case assess::Verdict::kInconclusive:
      xml += "      <error type=\"INCONCLUSIVE\" message=\"" +
             Attr(FirstReason(provision, "evidence missing or cannot be verified")) + "\">" +
             Body(Details(provision, blocking)) + "</error>\n";
      break;
    case assess::Verdict::kNotApplicable:
      xml += "      <skipped message=\"" +
             Attr(FirstReason(provision, "not applicable to this product")) + "\"/>\n";
      break;
  }
  if (provision.verdict == assess::Verdict::kPass ||
      provision.verdict == assess::Verdict::kNotApplicable) {
    xml += "      <system-out>" + Body(Details(provision, blocking)) + "</system-out>\n";
  }
  xml += "    </testcase>\n";
}

}  // namespace

Result<std::string> RenderJunit(const assess::Assessment& assessment) {
  const std::string timestamp = JunitTimestamp(assessment.assessed_at);
  const std::string product = DeviceName(assessment) + " " + assessment.dut.software_version;

  std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml += "<testsuites name=\"" +
         Attr(assessment.standard + " V" + assessment.standard_version + ": " + product) + "\"" +
         CountAttributes(CountsFor(CountVerdicts(assessment))) + " time=\"0\">\n";
  for (const ClauseGroup& group : GroupByClause(assessment)) {
    std::string suite_name = group.clause;
    if (!group.title.empty()) {
      suite_name += " " + group.title;
    }
    xml += "  <testsuite name=\"" + Attr(suite_name) + "\"" +
           CountAttributes(CountsFor(group.counts)) + " time=\"0\" timestamp=\"" + Attr(timestamp) +
           "\">\n";
    xml += "    <properties>\n";
    const std::vector<std::pair<std::string, std::string>> properties = {
        {"product", product},
        {"standard", assessment.standard + " V" + assessment.standard_version},
        {"gate", assessment.gate.passed ? "PASS" : "FAIL"},
        {"tool", "provisio " + assessment.tool_version},
    };
    for (const auto& [key, value] : properties) {
      xml += "      <property name=\"" + Attr(key) + "\" value=\"" + Attr(value) + "\"/>\n";
    }
    xml += "    </properties>\n";
    for (const assess::ProvisionVerdict* provision : group.provisions) {
      AppendTestCase(assessment, *provision, xml);
    }
    xml += "  </testsuite>\n";
  }
  xml += "</testsuites>\n";
  return xml;
}

}  // namespace provisio::report
