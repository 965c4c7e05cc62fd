// Severity rating and the version-dispatching entry point.
#include "provisio/cvss/cvss.h"

#include <string_view>

namespace provisio::cvss {

std::string_view ToString(Severity severity) {
  switch (severity) {
    case Severity::kNone:
      return "None";
    case Severity::kLow:
      return "Low";
    case Severity::kMedium:
      return "Medium";
    case Severity::kHigh:
      return "High";
    case Severity::kCritical:
      return "Critical";
  }
  return "None";
}

Severity Rate(double score) {
  // Compare in tenths so that 6.9 and 7.0 fall on the right side exactly.
  const double tenths = score * 10.0 + 0.5;
  if (tenths < 1) {
    return Severity::kNone;
  }
  if (tenths < 40) {
    return Severity::kLow;
  }
  if (tenths < 70) {
    return Severity::kMedium;
  }
  if (tenths < 90) {
    return Severity::kHigh;
  }
  return Severity::kCritical;
}

Result<VectorScore> ScoreVector(std::string_view vector) {
  VectorScore result;
  if (vector.substr(0, 9) == "CVSS:3.1/") {
    Result<Cvss31> parsed = ParseCvss31(vector);
    if (!parsed) {
      return Fail(parsed.error());
    }
    const Score31 scores = Compute(*parsed);
    result.version = "3.1";
    result.vector = parsed->ToString();
    result.score = scores.base;
    result.severity = Rate(scores.base);
    if (parsed->HasTemporal()) {
      result.temporal = scores.temporal;
    }
    if (parsed->HasEnvironmental()) {
      result.environmental = scores.environmental;
    }
    return result;
  }
  if (vector.substr(0, 9) == "CVSS:4.0/") {
    Result<Cvss40> parsed = ParseCvss40(vector);
    if (!parsed) {
      return Fail(parsed.error());
    }
    result.version = "4.0";
    result.vector = parsed->ToString();
    result.score = Score40(*parsed);
    result.severity = Rate(result.score);
    result.macrovector = MacroVector(*parsed);
    return result;
  }
  if (vector.substr(0, 5) == "CVSS:") {
    return Fail(ErrorCode::kUnsupported, "CVSS vector: version '" +
                                             std::string(vector.substr(0, vector.find('/'))) +
                                             "' is not supported (use CVSS:3.1 or CVSS:4.0)");
  }
  return Fail(ErrorCode::kInvalidArgument,
              "CVSS vector: missing prefix 'CVSS:3.1/' or 'CVSS:4.0/'");
}

}  // namespace provisio::cvss
