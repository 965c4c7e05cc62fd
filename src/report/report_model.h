// What the three report writers share: the report's spelling of verdicts and
// claims, per-clause grouping and counts, and text cleaning/escaping for
// HTML and XML. PRIVATE to src/report/.
#pragma once

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/assess/assessment.h"

namespace provisio::report {

inline constexpr std::string_view kReportSchema = "provisio.report/v1";

// The verdicts in the order every report lists them.
inline constexpr std::array<assess::Verdict, 4> kVerdictOrder = {
    assess::Verdict::kPass, assess::Verdict::kFail, assess::Verdict::kInconclusive,
    assess::Verdict::kNotApplicable};

// "PASS", "FAIL", "NOT_APPLICABLE", "INCONCLUSIVE" (assess::ToString; the
// golden tests pin these spellings, which are part of the report schema).
std::string_view VerdictName(assess::Verdict verdict);
// "Y", "N", "N/A", "" (unclaimed).
std::string_view SupportName(assess::Support support);

// Number of provisions with each verdict, indexed like kVerdictOrder.
struct VerdictCounts {
  std::array<int, 4> by_verdict{};
  int total = 0;
  int waived = 0;

  void Add(const assess::ProvisionVerdict& provision);
  int Of(assess::Verdict verdict) const;
};

struct ClauseGroup {
  std::string clause;  // "5.1"
  std::string title;   // "No universal default passwords"
  VerdictCounts counts;
  std::vector<const assess::ProvisionVerdict*> provisions;  // Catalogue order.
};

// Groups provisions by clause in order of first appearance. The pointers
// refer into `assessment`, which must outlive the result.
std::vector<ClauseGroup> GroupByClause(const assess::Assessment& assessment);

VerdictCounts CountVerdicts(const assess::Assessment& assessment);

// True if `id` is one of the gate's blocking ids.
bool IsBlocking(const assess::Assessment& assessment, std::string_view id);

// Makes `text` safe to put into an XML or HTML document: invalid UTF-8 and
// code points XML 1.0 does not allow (C0 controls except tab, newline and
// carriage return; U+FFFE, U+FFFF; surrogates) become U+FFFD.
std::string CleanText(std::string_view text);

// CleanText, then escapes & < > " ' as entities. In attributes, tab, newline
// and carriage return are also escaped so that they survive normalisation.
std::string XmlEscape(std::string_view text, bool attribute);

// "Acme Plug 1" from the device's manufacturer and model, whichever are set.
std::string DeviceName(const assess::Assessment& assessment);

}  // namespace provisio::report
