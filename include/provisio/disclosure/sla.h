// Service-level clocks of CVD cases and the figures teams report on them.
//
// Rules (also in docs/disclosure.md, "SLA rules"):
// * Every clock starts at the time the report was received (the open event's
//   `received`), except the status-update clock, which restarts at every
//   contact with the reporter.
// * A clock counts active time: time while the case waits on the reporter
//   does not count. The acknowledge clock also skips Saturdays and Sundays
//   (UTC): "2 business days" is 48 hours of Monday-Friday time.
// * acknowledge: met by the acknowledge event; triage: by the first triage;
//   fix: by the first release event (the fix reaches devices); disclosure:
//   by the disclose event; status update: every gap between contacts with
//   the reporter (acknowledge, triage, note --to-reporter, release,
//   disclose), and the gap from the last contact to now or to closing.
// * The fix budget is the one of the case's CURRENT severity, always counted
//   from receipt: deadline = received + days(current rating) + paused time.
//   A severity change never restarts the clock; an upgrade can make a case
//   overdue at once, a downgrade extends the deadline. Unrated cases use the
//   Medium budget; a "none" rating uses the Low budget.
// * Rejected cases (invalid, duplicate, out of scope) have no fix or
//   disclosure clock. A clock still running when the case closes is
//   breached if its deadline had passed, otherwise not applicable.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/disclosure/case.h"

namespace provisio::disclosure {

// The budgets. Defaults are the usual VDP promises; `provisio cvd --policy
// vdp.yaml` takes them from the policy's timelines instead.
struct SlaPolicy {
  int acknowledge_business_days = 2;
  int triage_days = 10;
  int status_update_days = 14;
  int fix_critical_days = 30;
  int fix_high_days = 60;
  int fix_medium_days = 90;
  int fix_low_days = 180;
  int disclosure_days = 90;
  std::string source = "built-in defaults";  // Where the numbers came from.
};

// Days allowed to release a fix for a rating ("critical" ... "none", or "" when unrated).
int FixDays(const SlaPolicy& policy, std::string_view rating);

enum class ClockKind { kAcknowledge, kTriage, kStatusUpdate, kFix, kDisclosure };
std::string_view ToString(
    ClockKind kind);  // "acknowledge", "triage", "status-update", "fix", "disclosure"

enum class ClockStatus {
  kRunning,        // Not done, within budget.
  kPaused,         // Not done, within budget, case waiting on the reporter.
  kMet,            // Done within budget.
  kBreached,       // Done late (or the case closed after the deadline).
  kOverdue,        // Not done and already past the budget.
  kNotApplicable,  // This clock does not apply to the case.
};
std::string_view ToString(ClockStatus status);  // "running", "paused", "met", ...

struct ClockResult {
  ClockKind kind = ClockKind::kAcknowledge;
  ClockStatus status = ClockStatus::kNotApplicable;
  std::chrono::seconds budget{0};  // Active time allowed.
  std::chrono::seconds used{0};    // Active time consumed (to completion or now).
  std::optional<TimePoint> start;
  std::optional<TimePoint> deadline;  // Empty while paused or not applicable.
  std::optional<TimePoint> completed;
  std::string basis;       // e.g. "severity high: 60 days".
  int late_intervals = 0;  // Status updates only: gaps over budget.
};

struct SlaReport {
  std::vector<ClockResult> clocks;  // One per ClockKind, in enum order.

  // True when any clock is kOverdue.
  bool Overdue() const;
  const ClockResult& Get(ClockKind kind) const;
};

// Evaluates every clock of `c` at time `now`.
SlaReport EvaluateSla(const Case& c, const SlaPolicy& policy, TimePoint now);

// Active seconds in [from, to) that count for a clock: not inside `pauses`
// (an open pause lasts forever) and, when `business_days_only`, on Monday to
// Friday UTC.
std::chrono::seconds ActiveSeconds(TimePoint from,
                                   TimePoint to,
                                   std::span<const Pause> pauses,
                                   bool business_days_only);

struct ClockFigures {
  int met = 0;
  int breached = 0;
  int overdue = 0;
  int pending = 0;  // Running or paused.
  // met / (met + breached + overdue) in percent; empty when none is decided.
  std::optional<double> compliance_percent;
};

struct CvdMetrics {
  int cases = 0;
  int open_cases = 0;  // Not closed.
  // Medians over cases where the step happened, in active time (pauses excluded).
  std::optional<double> median_hours_to_acknowledge;
  std::optional<double> median_days_to_triage;
  std::optional<double> median_days_to_fix;      // Receipt to first release.
  std::map<std::string, ClockFigures> by_clock;  // Keyed by ToString(ClockKind).
  ClockFigures overall;
  // Open cases by rating: "critical", "high", "medium", "low", "none", "unrated".
  std::map<std::string, int> open_by_severity;
  int overdue_cases = 0;
};

CvdMetrics ComputeMetrics(std::span<const Case> cases, const SlaPolicy& policy, TimePoint now);

}  // namespace provisio::disclosure
