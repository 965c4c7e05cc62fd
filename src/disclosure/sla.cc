#include "provisio/disclosure/sla.h"

#include <algorithm>

namespace provisio::disclosure {
namespace {

using std::chrono::days;
using std::chrono::seconds;

constexpr seconds kDay = std::chrono::duration_cast<seconds>(days(1));

bool InPause(TimePoint t, std::span<const Pause> pauses) {
  return std::any_of(pauses.begin(), pauses.end(),
                     [t](const Pause& p) { return p.start <= t && (!p.end || t < *p.end); });
}

bool IsWeekday(TimePoint t) {
  const std::chrono::weekday day{std::chrono::floor<days>(t)};
  return day != std::chrono::Saturday && day != std::chrono::Sunday;
}

bool Countable(TimePoint t, std::span<const Pause> pauses, bool business_days_only) {
  if (business_days_only && !IsWeekday(t)) {
    return false;
  }
  return !InPause(t, pauses);
}

// The next instant after `t` where Countable() may change, if any.
std::optional<TimePoint> NextBoundary(TimePoint t,
                                      std::span<const Pause> pauses,
                                      bool business_days_only) {
  std::optional<TimePoint> next;
  auto consider = [&](TimePoint candidate) {
    if (candidate > t && (!next || candidate < *next)) {
      next = candidate;
    }
  };
  if (business_days_only) {
    consider(TimePoint(std::chrono::floor<days>(t) + days(1)));
  }
  for (const Pause& p : pauses) {
    consider(p.start);
    if (p.end) {
      consider(*p.end);
    }
  }
  return next;
}

// The instant when `budget` of active time since `start` is used up, with the
// pauses known so far; empty when an open pause stops the clock for good.
std::optional<TimePoint> Deadline(TimePoint start,
                                  seconds budget,
                                  std::span<const Pause> pauses,
                                  bool business_days_only) {
  TimePoint t = start;
  seconds remaining = budget;
  // Each step crosses a day or pause boundary; budgets are at most years.
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const bool countable = Countable(t, pauses, business_days_only);
    const std::optional<TimePoint> next = NextBoundary(t, pauses, business_days_only);
    if (!next) {
      if (!countable) {
        return std::nullopt;
      }
      return t + remaining;
    }
    const seconds span = *next - t;
    if (countable) {
      if (span >= remaining) {
        return t + remaining;
      }
      remaining -= span;
    }
    t = *next;
  }
  return std::nullopt;
}

ClockResult Evaluate(ClockKind kind,
                     const Case& c,
                     TimePoint start,
                     std::optional<TimePoint> completed,
                     seconds budget,
                     bool business_days_only,
                     TimePoint now) {
  ClockResult result;
  result.kind = kind;
  result.budget = budget;
  result.start = start;
  result.completed = completed;
  const TimePoint end = completed ? *completed : (c.closed_at ? *c.closed_at : now);
  result.used = ActiveSeconds(start, end, c.pauses, business_days_only);
  result.deadline = Deadline(start, budget, c.pauses, business_days_only);
  if (completed) {
    result.status = result.used <= budget ? ClockStatus::kMet : ClockStatus::kBreached;
  } else if (c.closed_at) {
    result.status = result.used > budget ? ClockStatus::kBreached : ClockStatus::kNotApplicable;
  } else if (result.used > budget) {
    result.status = ClockStatus::kOverdue;
  } else {
    result.status = c.waiting ? ClockStatus::kPaused : ClockStatus::kRunning;
  }
  return result;
}

ClockResult NotApplicable(ClockKind kind, std::string basis) {
  ClockResult result;
  result.kind = kind;
  result.status = ClockStatus::kNotApplicable;
  result.basis = std::move(basis);
  return result;
}

ClockResult StatusUpdates(const Case& c, const SlaPolicy& policy, TimePoint now) {
  const seconds budget = policy.status_update_days * kDay;
  if (c.reporter_contacts.empty()) {
    return NotApplicable(ClockKind::kStatusUpdate, "starts at the first contact (acknowledge)");
  }
  int late = 0;
  for (std::size_t i = 1; i < c.reporter_contacts.size(); ++i) {
    if (ActiveSeconds(c.reporter_contacts[i - 1], c.reporter_contacts[i], c.pauses, false) >
        budget) {
      ++late;
    }
  }
  const TimePoint last = c.reporter_contacts.back();
  ClockResult result = Evaluate(ClockKind::kStatusUpdate, c, last, c.closed_at, budget, false, now);
  if (result.status == ClockStatus::kBreached) {
    ++late;
  }
  if (c.closed_at) {
    result.status = late > 0 ? ClockStatus::kBreached : ClockStatus::kMet;
  } else if (result.status != ClockStatus::kOverdue && late > 0) {
    result.status = ClockStatus::kBreached;
  }
  result.late_intervals = late + (result.status == ClockStatus::kOverdue ? 1 : 0);
  result.basis = "every " + std::to_string(policy.status_update_days) + " days since the last of " +
                 std::to_string(c.reporter_contacts.size()) + " contacts";
  return result;
}

bool Rejected(const Case& c) {
  return c.triage && *c.triage != TriageOutcome::kValid;
}

std::optional<double> Median(std::vector<double> values) {
  if (values.empty()) {
    return std::nullopt;
  }
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  if (values.size() % 2 == 1) {
    return values[mid];
  }
  return (values[mid - 1] + values[mid]) / 2.0;
}

void Count(ClockFigures& figures, ClockStatus status) {
  switch (status) {
    case ClockStatus::kMet:
      ++figures.met;
      break;
    case ClockStatus::kBreached:
      ++figures.breached;
      break;
    case ClockStatus::kOverdue:
      ++figures.overdue;
      break;
    case ClockStatus::kRunning:
    case ClockStatus::kPaused:
      ++figures.pending;
      break;
    case ClockStatus::kNotApplicable:
      break;
  }
}

void Finish(ClockFigures& figures) {
  const int decided = figures.met + figures.breached + figures.overdue;
  if (decided > 0) {
    figures.compliance_percent = 100.0 * figures.met / decided;
  }
}

}  // namespace

int FixDays(const SlaPolicy& policy, std::string_view rating) {
  if (rating == "critical") {
    return policy.fix_critical_days;
  }
  if (rating == "high") {
    return policy.fix_high_days;
  }
  if (rating == "low" || rating == "none") {
    return policy.fix_low_days;
  }
  return policy.fix_medium_days;
}

std::string_view ToString(ClockKind kind) {
  switch (kind) {
    case ClockKind::kAcknowledge:
      return "acknowledge";
    case ClockKind::kTriage:
      return "triage";
    case ClockKind::kStatusUpdate:
      return "status-update";
    case ClockKind::kFix:
      return "fix";
    case ClockKind::kDisclosure:
      return "disclosure";
  }
  return "acknowledge";
}

std::string_view ToString(ClockStatus status) {
  switch (status) {
    case ClockStatus::kRunning:
      return "running";
    case ClockStatus::kPaused:
      return "paused";
    case ClockStatus::kMet:
      return "met";
    case ClockStatus::kBreached:
      return "breached";
    case ClockStatus::kOverdue:
      return "overdue";
    case ClockStatus::kNotApplicable:
      return "n/a";
  }
  return "n/a";
}

bool SlaReport::Overdue() const {
  return std::any_of(clocks.begin(), clocks.end(),
                     [](const ClockResult& r) { return r.status == ClockStatus::kOverdue; });
}

const ClockResult& SlaReport::Get(ClockKind kind) const {
  for (const ClockResult& clock : clocks) {
    if (clock.kind == kind) {
      return clock;
    }
  }
  PROVISIO_CHECK(false);
  return clocks.front();
}

std::chrono::seconds ActiveSeconds(TimePoint from,
                                   TimePoint to,
                                   std::span<const Pause> pauses,
                                   bool business_days_only) {
  seconds total{0};
  TimePoint t = from;
  while (t < to) {
    const std::optional<TimePoint> next = NextBoundary(t, pauses, business_days_only);
    const TimePoint segment_end = next ? std::min(*next, to) : to;
    if (Countable(t, pauses, business_days_only)) {
      total += segment_end - t;
    }
    t = segment_end;
  }
  return total;
}

SlaReport EvaluateSla(const Case& c, const SlaPolicy& policy, TimePoint now) {
  SlaReport report;
  ClockResult ack =
      Evaluate(ClockKind::kAcknowledge, c, c.received, c.acknowledged_at,
               policy.acknowledge_business_days * kDay, /*business_days_only=*/true, now);
  ack.basis = std::to_string(policy.acknowledge_business_days) + " business days";
  report.clocks.push_back(ack);

  ClockResult triage = Evaluate(ClockKind::kTriage, c, c.received, c.triaged_at,
                                policy.triage_days * kDay, false, now);
  triage.basis = std::to_string(policy.triage_days) + " days";
  report.clocks.push_back(triage);

  report.clocks.push_back(StatusUpdates(c, policy, now));

  if (Rejected(c)) {
    const std::string why = "triaged " + std::string(ToString(*c.triage));
    report.clocks.push_back(NotApplicable(ClockKind::kFix, why));
    report.clocks.push_back(NotApplicable(ClockKind::kDisclosure, why));
    return report;
  }
  const std::string rating = c.severity ? c.severity->rating : "";
  const int fix_days = FixDays(policy, rating);
  ClockResult fix =
      Evaluate(ClockKind::kFix, c, c.received, c.released_at, fix_days * kDay, false, now);
  fix.basis = (rating.empty() ? std::string("unrated (medium budget)") : "severity " + rating) +
              ": " + std::to_string(fix_days) + " days";
  report.clocks.push_back(fix);

  ClockResult disclosure = Evaluate(ClockKind::kDisclosure, c, c.received, c.disclosed_at,
                                    policy.disclosure_days * kDay, false, now);
  disclosure.basis = std::to_string(policy.disclosure_days) + " days";
  report.clocks.push_back(disclosure);
  return report;
}

CvdMetrics ComputeMetrics(std::span<const Case> cases, const SlaPolicy& policy, TimePoint now) {
  CvdMetrics metrics;
  std::vector<double> ack_hours;
  std::vector<double> triage_days;
  std::vector<double> fix_days;
  for (ClockKind kind : {ClockKind::kAcknowledge, ClockKind::kTriage, ClockKind::kStatusUpdate,
                         ClockKind::kFix, ClockKind::kDisclosure}) {
    metrics.by_clock[std::string(ToString(kind))] = {};
  }
  for (const char* rating : {"critical", "high", "medium", "low", "none", "unrated"}) {
    metrics.open_by_severity[rating] = 0;
  }
  auto active = [](const Case& c, TimePoint to) {
    return static_cast<double>(ActiveSeconds(c.received, to, c.pauses, false).count());
  };
  for (const Case& c : cases) {
    ++metrics.cases;
    if (c.state != CaseState::kClosed) {
      ++metrics.open_cases;
      ++metrics.open_by_severity[c.severity ? c.severity->rating : "unrated"];
    }
    if (c.acknowledged_at) {
      ack_hours.push_back(active(c, *c.acknowledged_at) / 3600.0);
    }
    if (c.triaged_at) {
      triage_days.push_back(active(c, *c.triaged_at) / 86400.0);
    }
    if (c.released_at) {
      fix_days.push_back(active(c, *c.released_at) / 86400.0);
    }
    const SlaReport report = EvaluateSla(c, policy, now);
    if (report.Overdue()) {
      ++metrics.overdue_cases;
    }
    for (const ClockResult& clock : report.clocks) {
      Count(metrics.by_clock[std::string(ToString(clock.kind))], clock.status);
      Count(metrics.overall, clock.status);
    }
  }
  for (auto& [name, figures] : metrics.by_clock) {
    Finish(figures);
  }
  Finish(metrics.overall);
  metrics.median_hours_to_acknowledge = Median(std::move(ack_hours));
  metrics.median_days_to_triage = Median(std::move(triage_days));
  metrics.median_days_to_fix = Median(std::move(fix_days));
  return metrics;
}

}  // namespace provisio::disclosure
