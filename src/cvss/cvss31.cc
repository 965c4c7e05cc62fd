// CVSS v3.1 scoring, as in sections 7.1-7.4 and appendix A of the FIRST
// specification.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string_view>

#include "cvss/vector_parser.h"
#include "provisio/cvss/cvss.h"

namespace provisio::cvss {
namespace {

using internal::MetricSpec;

const MetricSpec kSpecs31[] = {
    {"AV", {"N", "A", "L", "P"}, true},
    {"AC", {"L", "H"}, true},
    {"PR", {"N", "L", "H"}, true},
    {"UI", {"N", "R"}, true},
    {"S", {"U", "C"}, true},
    {"C", {"H", "L", "N"}, true},
    {"I", {"H", "L", "N"}, true},
    {"A", {"H", "L", "N"}, true},
    {"E", {"X", "H", "F", "P", "U"}, false},
    {"RL", {"X", "U", "W", "T", "O"}, false},
    {"RC", {"X", "C", "R", "U"}, false},
    {"CR", {"X", "H", "M", "L"}, false},
    {"IR", {"X", "H", "M", "L"}, false},
    {"AR", {"X", "H", "M", "L"}, false},
    {"MAV", {"X", "N", "A", "L", "P"}, false},
    {"MAC", {"X", "L", "H"}, false},
    {"MPR", {"X", "N", "L", "H"}, false},
    {"MUI", {"X", "N", "R"}, false},
    {"MS", {"X", "U", "C"}, false},
    {"MC", {"X", "H", "L", "N"}, false},
    {"MI", {"X", "H", "L", "N"}, false},
    {"MA", {"X", "H", "L", "N"}, false},
};

constexpr std::string_view kPrefix31 = "CVSS:3.1";

double AttackVector(std::string_view v) {
  if (v == "N") {
    return 0.85;
  }
  if (v == "A") {
    return 0.62;
  }
  if (v == "L") {
    return 0.55;
  }
  return 0.2;  // P
}

double AttackComplexity(std::string_view v) {
  return v == "L" ? 0.77 : 0.44;
}

double PrivilegesRequired(std::string_view v, bool scope_changed) {
  if (v == "N") {
    return 0.85;
  }
  if (v == "L") {
    return scope_changed ? 0.68 : 0.62;
  }
  return scope_changed ? 0.5 : 0.27;  // H
}

double UserInteraction(std::string_view v) {
  return v == "N" ? 0.85 : 0.62;
}

double Impact(std::string_view v) {
  if (v == "H") {
    return 0.56;
  }
  if (v == "L") {
    return 0.22;
  }
  return 0;  // N
}

double ExploitMaturity(std::string_view v) {
  if (v == "F") {
    return 0.97;
  }
  if (v == "P") {
    return 0.94;
  }
  if (v == "U") {
    return 0.91;
  }
  return 1;  // X, H
}

double RemediationLevel(std::string_view v) {
  if (v == "W") {
    return 0.97;
  }
  if (v == "T") {
    return 0.96;
  }
  if (v == "O") {
    return 0.95;
  }
  return 1;  // X, U
}

double ReportConfidence(std::string_view v) {
  if (v == "R") {
    return 0.96;
  }
  if (v == "U") {
    return 0.92;
  }
  return 1;  // X, C
}

double Requirement(std::string_view v) {
  if (v == "H") {
    return 1.5;
  }
  if (v == "L") {
    return 0.5;
  }
  return 1;  // X, M
}

// A modified metric falls back to its base metric when not defined.
std::string_view Modified(const Cvss31& vector, std::string_view modified, std::string_view base) {
  std::string_view value = vector.Get(modified);
  return value == "X" ? vector.Get(base) : value;
}

}  // namespace

std::string_view Cvss31::Get(std::string_view metric) const {
  return internal::GetOrX(metrics, metric);
}

bool Cvss31::HasTemporal() const {
  return metrics.contains("E") || metrics.contains("RL") || metrics.contains("RC");
}

bool Cvss31::HasEnvironmental() const {
  for (const char* name : {"CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"}) {
    if (metrics.contains(std::string_view(name))) {
      return true;
    }
  }
  return false;
}

std::string Cvss31::ToString() const {
  return internal::FormatMetrics(metrics, kPrefix31, kSpecs31);
}

Result<Cvss31> ParseCvss31(std::string_view vector) {
  Result<internal::MetricMap> metrics =
      internal::ParseMetrics(vector, {.prefix = kPrefix31, .specs = kSpecs31, .ordered = false});
  if (!metrics) {
    return Fail(metrics.error());
  }
  Cvss31 parsed;
  parsed.metrics = std::move(*metrics);
  return parsed;
}

double Roundup(double value) {
  // Appendix A: work on value * 100000 as an integer so that floating-point
  // noise below the fifth decimal cannot push the result up a tenth.
  const auto int_input = static_cast<std::int64_t>(std::floor(value * 100000.0 + 0.5));
  if (int_input % 10000 == 0) {
    return static_cast<double>(int_input) / 100000.0;
  }
  return static_cast<double>(int_input / 10000 + 1) / 10.0;
}

Score31 Compute(const Cvss31& vector) {
  Score31 score;
  const bool scope_changed = vector.Get("S") == "C";
  const double iss = 1 - (1 - Impact(vector.Get("C"))) * (1 - Impact(vector.Get("I"))) *
                             (1 - Impact(vector.Get("A")));
  score.impact =
      scope_changed ? 7.52 * (iss - 0.029) - 3.25 * std::pow(iss - 0.02, 15) : 6.42 * iss;
  score.exploitability =
      8.22 * AttackVector(vector.Get("AV")) * AttackComplexity(vector.Get("AC")) *
      PrivilegesRequired(vector.Get("PR"), scope_changed) * UserInteraction(vector.Get("UI"));
  if (score.impact <= 0) {
    score.base = 0;
  } else if (scope_changed) {
    score.base = Roundup(std::min(1.08 * (score.impact + score.exploitability), 10.0));
  } else {
    score.base = Roundup(std::min(score.impact + score.exploitability, 10.0));
  }

  const double temporal_factor = ExploitMaturity(vector.Get("E")) *
                                 RemediationLevel(vector.Get("RL")) *
                                 ReportConfidence(vector.Get("RC"));
  score.temporal = Roundup(score.base * temporal_factor);

  const bool modified_scope_changed = Modified(vector, "MS", "S") == "C";
  const double miss =
      std::min(1 - (1 - Requirement(vector.Get("CR")) * Impact(Modified(vector, "MC", "C"))) *
                       (1 - Requirement(vector.Get("IR")) * Impact(Modified(vector, "MI", "I"))) *
                       (1 - Requirement(vector.Get("AR")) * Impact(Modified(vector, "MA", "A"))),
               0.915);
  const double modified_impact =
      modified_scope_changed ? 7.52 * (miss - 0.029) - 3.25 * std::pow(miss * 0.9731 - 0.02, 13)
                             : 6.42 * miss;
  const double modified_exploitability =
      8.22 * AttackVector(Modified(vector, "MAV", "AV")) *
      AttackComplexity(Modified(vector, "MAC", "AC")) *
      PrivilegesRequired(Modified(vector, "MPR", "PR"), modified_scope_changed) *
      UserInteraction(Modified(vector, "MUI", "UI"));
  if (modified_impact <= 0) {
    score.environmental = 0;
  } else if (modified_scope_changed) {
    score.environmental =
        Roundup(Roundup(std::min(1.08 * (modified_impact + modified_exploitability), 10.0)) *
                temporal_factor);
  } else {
    score.environmental = Roundup(
        Roundup(std::min(modified_impact + modified_exploitability, 10.0)) * temporal_factor);
  }
  return score;
}

}  // namespace provisio::cvss
