// CVSS v3.1 and v4.0: parse and validate vector strings, compute scores with
// FIRST's formulas, and map scores to the qualitative severity scale.
//
// v3.1 follows the FIRST specification (base, temporal, environmental, with
// the Roundup of appendix A done in integer arithmetic). v4.0 follows the
// FIRST/Red Hat reference calculator: MacroVector lookup plus interpolation
// by severity distance, rounded to one decimal after adding 1e-6.
//
// Malformed vectors fail with kInvalidArgument and a message that names the
// offending metric, e.g. "CVSS:3.1 vector: missing mandatory metric 'AV'".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio::cvss {

// The qualitative rating scale shared by v3.1 and v4.0.
enum class Severity { kNone, kLow, kMedium, kHigh, kCritical };

// "None", "Low", "Medium", "High", "Critical" (the spelling of the FIRST
// calculators and CSAF's baseSeverity in title case).
std::string_view ToString(Severity severity);

// 0.0 None, 0.1-3.9 Low, 4.0-6.9 Medium, 7.0-8.9 High, 9.0-10.0 Critical.
// REQUIRES: score is a CVSS score (0.0..10.0, one decimal).
Severity Rate(double score);

// A parsed CVSS v3.1 vector. `metrics` holds every metric written in the
// vector, by abbreviation ("AV" -> "N"); optional metrics that are absent are
// not stored and read as "X" through Get().
struct Cvss31 {
  std::map<std::string, std::string, std::less<>> metrics;

  // The value of `metric`, or "X" when the vector does not mention it.
  std::string_view Get(std::string_view metric) const;
  // True when the vector names any temporal metric (E, RL, RC).
  bool HasTemporal() const;
  // True when the vector names any environmental metric (CR ... MA).
  bool HasEnvironmental() const;
  // The vector in the specification's metric order, with the "CVSS:3.1/" prefix.
  std::string ToString() const;
};

struct Score31 {
  double base = 0;
  double temporal = 0;        // Equals base when no temporal metric is set.
  double environmental = 0;   // FIRST's formula, also when no environmental metric is set.
  double impact = 0;          // Base impact sub-score (unrounded).
  double exploitability = 0;  // Base exploitability sub-score (unrounded).
};

// Parses "CVSS:3.1/AV:N/AC:L/...". Metrics may appear in any order (as the
// FIRST calculator accepts); each at most once; all eight base metrics
// are mandatory.
Result<Cvss31> ParseCvss31(std::string_view vector);

// Computes all three v3.1 scores.
Score31 Compute(const Cvss31& vector);

// The v3.1 Roundup of appendix A: the smallest one-decimal number >= value,
// computed on integers so that 4.000000001 gives 4.0 rather than 4.1.
double Roundup(double value);

// A parsed CVSS v4.0 vector, stored like Cvss31.
struct Cvss40 {
  std::map<std::string, std::string, std::less<>> metrics;

  // The value of `metric`, or "X" when the vector does not mention it.
  std::string_view Get(std::string_view metric) const;
  // The vector in the specification's order, with the "CVSS:4.0/" prefix.
  std::string ToString() const;
};

// Parses "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N[/...]".
// The eleven base metrics are mandatory; all metrics must appear in the
// specification's order (base, threat, environmental, supplemental), each at
// most once.
Result<Cvss40> ParseCvss40(std::string_view vector);

// The CVSS-B/BT/BE/BTE score, whichever the given metrics make it.
double Score40(const Cvss40& vector);

// The six EQ levels, e.g. "002201".
std::string MacroVector(const Cvss40& vector);

// The result of scoring a vector of either version.
struct VectorScore {
  std::string version;                  // "3.1" or "4.0".
  std::string vector;                   // Normalised (specification order).
  double score = 0;                     // v3.1: base score; v4.0: the one v4.0 score.
  Severity severity = Severity::kNone;  // Rating of `score`.
  // v3.1 only, and only when the vector names such metrics.
  std::optional<double> temporal;
  std::optional<double> environmental;
  std::string macrovector;  // v4.0 only.
};

// Parses and scores a "CVSS:3.1/..." or "CVSS:4.0/..." vector. Other
// versions (2.0, 3.0) fail with kUnsupported; malformed vectors with
// kInvalidArgument.
Result<VectorScore> ScoreVector(std::string_view vector);

}  // namespace provisio::cvss
