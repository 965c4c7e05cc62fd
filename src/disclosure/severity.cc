#include "provisio/disclosure/severity.h"

#include <cctype>
#include <cstdio>

#include "provisio/core/text.h"
#include "provisio/cvss/cvss.h"

namespace provisio::disclosure {

Result<Severity> AssessSeverity(std::string_view vector) {
  Result<cvss::VectorScore> scored = cvss::ScoreVector(vector);
  if (!scored) {
    return Fail(scored.error());
  }
  Severity severity;
  severity.vector = scored->vector;
  severity.cvss_version = scored->version;
  severity.base_score = scored->score;
  severity.rating = AsciiLower(cvss::ToString(scored->severity));
  return severity;
}

std::map<std::string, std::string> SeverityFields(const Severity& severity) {
  char score[16];
  std::snprintf(score, sizeof score, "%.1f", severity.base_score);
  return {{"vector", severity.vector},
          {"cvss_version", severity.cvss_version},
          {"base_score", score},
          {"rating", severity.rating}};
}

}  // namespace provisio::disclosure
