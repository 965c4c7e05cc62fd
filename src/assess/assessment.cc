#include "provisio/assess/assessment.h"

namespace provisio::assess {

std::string_view ToString(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass:
      return "PASS";
    case Verdict::kFail:
      return "FAIL";
    case Verdict::kNotApplicable:
      return "NOT_APPLICABLE";
    case Verdict::kInconclusive:
      return "INCONCLUSIVE";
  }
  return "INCONCLUSIVE";
}

std::string_view ToString(Support support) {
  switch (support) {
    case Support::kYes:
      return "Y";
    case Support::kNo:
      return "N";
    case Support::kNotApplicable:
      return "N/A";
    case Support::kUnclaimed:
      return "";
  }
  return "";
}

std::map<Verdict, int> Assessment::Counts() const {
  std::map<Verdict, int> counts = {{Verdict::kPass, 0},
                                   {Verdict::kFail, 0},
                                   {Verdict::kNotApplicable, 0},
                                   {Verdict::kInconclusive, 0}};
  for (const ProvisionVerdict& provision : provisions) {
    ++counts[provision.verdict];
  }
  return counts;
}

}  // namespace provisio::assess
