// report.html: the template src/report/templates/report.html.mustache
// (embedded at build time) filled with the assessment. Every value goes
// through CleanText and the template's {{ }} HTML escaping; the template
// never uses {{{ }}}.
#include <algorithm>
#include <string>
#include <vector>

#include <kainjow/mustache.hpp>

#include "provisio/report/report.h"
#include "report/report_model.h"

namespace provisio::report {

std::string_view HtmlTemplate();  // Generated from templates/report.html.mustache.

namespace {

using Data = kainjow::mustache::data;

// Chart geometry, in SVG user units.
constexpr int kChartLabelWidth = 300;
constexpr int kChartBarWidth = 380;
constexpr int kChartRowHeight = 24;
constexpr int kChartBarHeight = 16;
constexpr int kChartTop = 6;
constexpr int kChartLegendHeight = 30;
constexpr std::size_t kChartTitleChars = 38;

Data Text(std::string_view text) {
  return Data(CleanText(text));
}

Data List() {
  return Data(Data::type::list);
}

std::string_view VerdictCss(assess::Verdict verdict) {
  switch (verdict) {
    case assess::Verdict::kPass:
      return "pass";
    case assess::Verdict::kFail:
      return "fail";
    case assess::Verdict::kInconclusive:
      return "inconclusive";
    case assess::Verdict::kNotApplicable:
      return "na";
  }
  return "na";
}

std::string ClaimLabel(assess::Support claim) {
  switch (claim) {
    case assess::Support::kYes:
      return "Yes (supported)";
    case assess::Support::kNo:
      return "No (not supported)";
    case assess::Support::kNotApplicable:
      return "N/A (not applicable)";
    case assess::Support::kUnclaimed:
      return "not claimed";
  }
  return "not claimed";
}

// Tenths of a unit as "12.3", so the output never depends on float formatting.
std::string Tenths(long long tenths) {
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

// Cuts `text` to at most `max_chars` code points, adding "…" when cut.
std::string Shorten(const std::string& text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) {
        return text.substr(0, i) + "\xE2\x80\xA6";
      }
      ++chars;
    }
  }
  return text;
}

std::string CountsText(const VerdictCounts& counts) {
  std::string text;
  for (const assess::Verdict verdict : kVerdictOrder) {
    if (!text.empty()) {
      text += ", ";
    }
    text += std::to_string(counts.Of(verdict)) + " " + std::string(VerdictName(verdict));
  }
  return text;
}

Data ProvisionData(const assess::Assessment& assessment,
                   const assess::ProvisionVerdict& provision) {
  Data data;
  data.set("anchor", Text("p-" + provision.id));
  data.set("id", Text(provision.id));
  data.set("clause", Text(provision.clause));
  data.set("status", Text(provision.status_text));
  data.set("mandatory", Data(provision.mandatory));
  data.set("summary", Text(provision.summary));
  data.set("claim_label", Text(ClaimLabel(provision.claim)));
  data.set("has_claim_detail", Data(!provision.claim_detail.empty()));
  data.set("claim_detail", Text(provision.claim_detail));
  data.set("verdict", Text(VerdictName(provision.verdict)));
  data.set("verdict_css", Text(VerdictCss(provision.verdict)));
  data.set("blocking", Data(IsBlocking(assessment, provision.id)));
  Data reasons = List();
  for (const std::string& reason : provision.reasons) {
    reasons.push_back(Text(reason));
  }
  data.set("has_reasons", Data(!provision.reasons.empty()));
  data.set("reasons", reasons);
  Data evidence = List();
  for (const assess::EvidenceUse& use : provision.evidence) {
    Data item;
    item.set("kind", Text(use.kind));
    item.set("path", Text(use.path));
    item.set("sha256", Text(use.sha256.empty() ? "(not read)" : use.sha256));
    item.set("has_expected", Data(!use.expected_sha256.empty()));
    item.set("expected_sha256", Text(use.expected_sha256));
    item.set("outcome", Text(use.outcome));
    item.set("detail", Text(use.detail));
    evidence.push_back(item);
  }
  data.set("has_evidence", Data(!provision.evidence.empty()));
  data.set("evidence", evidence);
  data.set("waived", Data(provision.waived));
  data.set("waiver", Text(provision.waiver));
  return data;
}

void AddChart(const std::vector<ClauseGroup>& groups, Data& root) {
  int max_total = 1;
  for (const ClauseGroup& group : groups) {
    max_total = std::max(max_total, group.counts.total);
  }
  const int rows_height = static_cast<int>(groups.size()) * kChartRowHeight;
  const int width = kChartLabelWidth + kChartBarWidth + 40;
  const int height = kChartTop + rows_height + kChartLegendHeight;
  root.set("chart_width", Data(std::to_string(width)));
  root.set("chart_height", Data(std::to_string(height)));

  Data rows = List();
  for (std::size_t row = 0; row < groups.size(); ++row) {
    const ClauseGroup& group = groups[row];
    const int top = kChartTop + static_cast<int>(row) * kChartRowHeight;
    Data data;
    data.set("clause", Text(group.clause));
    data.set("title", Text(group.title));
    data.set("short_title", Text(Shorten(CleanText(group.title), kChartTitleChars)));
    data.set("tooltip", Text(CountsText(group.counts)));
    data.set("text_y", Data(std::to_string(top + kChartBarHeight - 3)));
    Data segments = List();
    long long x_tenths = kChartLabelWidth * 10LL;
    for (const assess::Verdict verdict : kVerdictOrder) {
      const int count = group.counts.Of(verdict);
      if (count == 0) {
        continue;
      }
      const long long width_tenths = count * kChartBarWidth * 10LL / max_total;
      Data segment;
      segment.set("css", Text(VerdictCss(verdict)));
      segment.set("x", Data(Tenths(x_tenths)));
      segment.set("y", Data(std::to_string(top)));
      segment.set("width", Data(Tenths(width_tenths)));
      segment.set("height", Data(std::to_string(kChartBarHeight)));
      segments.push_back(segment);
      x_tenths += width_tenths;
    }
    data.set("segments", segments);
    data.set("total", Data(std::to_string(group.counts.total)));
    data.set("total_x", Data(Tenths(x_tenths + 60)));
    rows.push_back(data);
  }
  root.set("chart_rows", rows);

  Data legend = List();
  const int legend_y = kChartTop + rows_height + 10;
  int x = kChartLabelWidth;
  for (const assess::Verdict verdict : kVerdictOrder) {
    Data item;
    item.set("css", Text(VerdictCss(verdict)));
    item.set("verdict", Text(VerdictName(verdict)));
    item.set("x", Data(std::to_string(x)));
    item.set("y", Data(std::to_string(legend_y)));
    item.set("text_x", Data(std::to_string(x + 16)));
    item.set("text_y", Data(std::to_string(legend_y + 11)));
    legend.push_back(item);
    x += 100;
  }
  root.set("legend", legend);
}

Data RootData(const assess::Assessment& assessment) {
  Data root;
  root.set("schema", Text(kReportSchema));
  root.set("tool_version", Text(assessment.tool_version));
  root.set("device", Text(DeviceName(assessment)));
  root.set("manufacturer", Text(assessment.dut.manufacturer));
  root.set("model", Text(assessment.dut.model));
  root.set("hardware_version", Text(assessment.dut.hardware_version));
  root.set("software_version", Text(assessment.dut.software_version));
  root.set("standard", Text(assessment.standard));
  root.set("standard_version", Text(assessment.standard_version));
  root.set("assessed_at", Text(FormatUtc(assessment.assessed_at)));
  root.set("product_dir", Text(assessment.product_dir));
  root.set("policy_text", Text(assessment.policy.recommendations_required
                                   ? "every applicable provision, mandatory or recommended, "
                                     "must pass or be waived"
                                   : "every applicable mandatory provision must pass or be "
                                     "waived"));

  // Gate.
  root.set("gate_passed", Data(assessment.gate.passed));
  const std::size_t blocking_count = assessment.gate.blocking_ids.size();
  root.set("gate_fail_text",
           Text(blocking_count == 0
                    ? std::string("The release is blocked.")
                    : "The release is blocked because " + std::to_string(blocking_count) +
                          (blocking_count == 1 ? " provision" : " provisions") +
                          " required by the gate policy did not pass:"));
  root.set("gate_pass_text",
           Text(assessment.policy.recommendations_required
                    ? "Every applicable provision, mandatory or recommended, passed or is waived."
                    : "Every applicable mandatory provision passed or is waived."));
  Data blocking = List();
  for (const std::string& id : assessment.gate.blocking_ids) {
    const auto it = std::find_if(assessment.provisions.begin(), assessment.provisions.end(),
                                 [&](const assess::ProvisionVerdict& p) { return p.id == id; });
    if (it != assessment.provisions.end()) {
      blocking.push_back(ProvisionData(assessment, *it));
    } else {
      assess::ProvisionVerdict unknown;
      unknown.id = id;
      unknown.summary = "(not in this assessment's provision list)";
      blocking.push_back(ProvisionData(assessment, unknown));
    }
  }
  root.set("blocking_provisions", blocking);
  Data waived = List();
  bool has_waived = false;
  for (const assess::ProvisionVerdict& provision : assessment.provisions) {
    if (provision.waived) {
      waived.push_back(ProvisionData(assessment, provision));
      has_waived = true;
    }
  }
  root.set("has_waived", Data(has_waived));
  root.set("waived_provisions", waived);

  // Counts and chart.
  const VerdictCounts counts = CountVerdicts(assessment);
  root.set("count_pass", Data(std::to_string(counts.Of(assess::Verdict::kPass))));
  root.set("count_fail", Data(std::to_string(counts.Of(assess::Verdict::kFail))));
  root.set("count_inconclusive", Data(std::to_string(counts.Of(assess::Verdict::kInconclusive))));
  root.set("count_not_applicable",
           Data(std::to_string(counts.Of(assess::Verdict::kNotApplicable))));
  root.set("count_total", Data(std::to_string(counts.total)));
  root.set("count_waived", Data(std::to_string(counts.waived)));
  const std::vector<ClauseGroup> groups = GroupByClause(assessment);
  AddChart(groups, root);

  // Provisions by clause.
  Data clauses = List();
  for (const ClauseGroup& group : groups) {
    Data clause;
    clause.set("clause", Text(group.clause));
    clause.set("title", Text(group.title));
    clause.set("counts_text", Text(CountsText(group.counts)));
    Data provisions = List();
    for (const assess::ProvisionVerdict* provision : group.provisions) {
      provisions.push_back(ProvisionData(assessment, *provision));
    }
    clause.set("provisions", provisions);
    clauses.push_back(clause);
  }
  root.set("clauses", clauses);
  return root;
}

}  // namespace

Result<std::string> RenderHtml(const assess::Assessment& assessment) {
  kainjow::mustache::mustache tmpl{std::string(HtmlTemplate())};
  if (!tmpl.is_valid()) {
    return Fail(ErrorCode::kInternal, "report.html template: " + tmpl.error_message());
  }
  std::string html = tmpl.render(RootData(assessment));
  if (!tmpl.is_valid()) {
    return Fail(ErrorCode::kInternal, "rendering report.html: " + tmpl.error_message());
  }
  return html;
}

}  // namespace provisio::report
