#include "provisio/disclosure/sla.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace provisio::disclosure {
namespace {

using std::chrono::days;
using std::chrono::hours;

TimePoint At(const std::string& text) {
  Result<TimePoint> time = ParseUtc(text);
  EXPECT_TRUE(time.has_value()) << text;
  return time.value_or(TimePoint{});
}

// Builds a case event by event; each step is `offset` after receipt.
class CaseBuilder {
 public:
  explicit CaseBuilder(const std::string& received) : received_(At(received)) {
    Add(hours(0), EventType::kOpen,
        {{"reporter", "r"}, {"summary", "s"}, {"received", FormatUtc(received_)}});
  }

  CaseBuilder& Add(std::chrono::seconds offset,
                   EventType type,
                   std::map<std::string, std::string> fields = {}) {
    CaseEvent event;
    event.case_id = "CVD-2026-0001";
    event.type = type;
    event.at = received_ + offset;
    event.actor = "t";
    event.fields = std::move(fields);
    Result<void> applied = ApplyEvent(case_, event);
    EXPECT_TRUE(applied.has_value()) << applied.error().message();
    return *this;
  }
  CaseBuilder& Ack(std::chrono::seconds at) { return Add(at, EventType::kAcknowledge); }
  CaseBuilder& Valid(std::chrono::seconds at) {
    return Add(at, EventType::kTriage, {{"outcome", "valid"}});
  }
  CaseBuilder& Rate(std::chrono::seconds at, const std::string& rating) {
    return Add(at, EventType::kSeverity,
               {{"vector", "CVSS:3.1/placeholder"}, {"cvss_version", "3.1"}, {"rating", rating}});
  }
  CaseBuilder& Fix(std::chrono::seconds at) {
    return Add(at, EventType::kFix, {{"description", "patch"}});
  }
  CaseBuilder& Release(std::chrono::seconds at) {
    return Add(at, EventType::kRelease, {{"version", "1.0.1"}});
  }

  const Case& Get() const { return case_; }
  TimePoint received() const { return received_; }

 private:
  TimePoint received_;
  Case case_;
};

TEST(ActiveSecondsTest, SkipsWeekendsForBusinessClocksAndPausesForAll) {
  const std::vector<Pause> pauses = {{At("2026-01-05T00:00:00Z"), At("2026-01-05T12:00:00Z")}};
  // Friday 12:00 to Monday 12:00: 12 h Friday, weekend skipped, Monday paused until noon.
  EXPECT_EQ(ActiveSeconds(At("2026-01-02T12:00:00Z"), At("2026-01-05T12:00:00Z"), pauses, true),
            hours(12));
  EXPECT_EQ(ActiveSeconds(At("2026-01-02T12:00:00Z"), At("2026-01-05T12:00:00Z"), pauses, false),
            hours(60));
  EXPECT_EQ(ActiveSeconds(At("2026-01-05T12:00:00Z"), At("2026-01-02T12:00:00Z"), {}, false),
            hours(0));
}

TEST(EvaluateSlaTest, AcknowledgeDeadlineCountsTwoBusinessDays) {
  struct Row {
    const char* received;
    const char* deadline;
  };
  const Row rows[] = {
      {"2026-01-05T09:00:00Z", "2026-01-07T09:00:00Z"},  // Monday -> Wednesday.
      {"2026-01-02T15:00:00Z", "2026-01-06T15:00:00Z"},  // Friday -> Tuesday.
      {"2026-01-03T10:00:00Z", "2026-01-07T00:00:00Z"},  // Saturday: counting starts Monday.
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.received);
    CaseBuilder builder(row.received);

    SlaReport report = EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + hours(1));

    const ClockResult& ack = report.Get(ClockKind::kAcknowledge);
    EXPECT_EQ(ack.status, ClockStatus::kRunning);
    ASSERT_TRUE(ack.deadline.has_value());
    EXPECT_EQ(FormatUtc(*ack.deadline), row.deadline);
  }
}

TEST(EvaluateSlaTest, AcknowledgementIsMetOrBreachedByItsTime) {
  CaseBuilder on_time("2026-01-02T15:00:00Z");  // Friday.
  on_time.Ack(hours(95));                       // Tuesday 14:00.
  CaseBuilder late("2026-01-02T15:00:00Z");
  late.Ack(hours(97));  // Tuesday 16:00.
  const TimePoint now = At("2026-02-01T00:00:00Z");

  EXPECT_EQ(EvaluateSla(on_time.Get(), SlaPolicy{}, now).Get(ClockKind::kAcknowledge).status,
            ClockStatus::kMet);
  EXPECT_EQ(EvaluateSla(late.Get(), SlaPolicy{}, now).Get(ClockKind::kAcknowledge).status,
            ClockStatus::kBreached);
}

TEST(EvaluateSlaTest, WaitingOnTheReporterPausesAndExtendsClocks) {
  CaseBuilder builder("2026-01-05T00:00:00Z");
  builder.Ack(hours(1)).Add(days(2), EventType::kWaitOnReporter);

  SlaReport paused = EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + days(30));
  EXPECT_EQ(paused.Get(ClockKind::kTriage).status, ClockStatus::kPaused);
  EXPECT_FALSE(paused.Get(ClockKind::kTriage).deadline.has_value());
  EXPECT_EQ(paused.Get(ClockKind::kTriage).used, days(2));

  builder.Add(days(7), EventType::kResume);
  SlaReport resumed = EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + days(8));
  const ClockResult& triage = resumed.Get(ClockKind::kTriage);
  EXPECT_EQ(triage.status, ClockStatus::kRunning);
  ASSERT_TRUE(triage.deadline.has_value());
  EXPECT_EQ(*triage.deadline, builder.received() + days(15));  // 10 days + 5 paused.
  EXPECT_EQ(triage.used, days(3));
}

TEST(EvaluateSlaTest, FixDeadlineFollowsTheCurrentSeverityFromReceipt) {
  struct Row {
    const char* name;
    std::vector<std::pair<int, std::string>> ratings;  // (day, rating)
    int now_day;
    int deadline_day;
    ClockStatus status;
  };
  const Row rows[] = {
      {"unrated uses the medium budget", {}, 20, 90, ClockStatus::kRunning},
      {"medium", {{10, "medium"}}, 20, 90, ClockStatus::kRunning},
      {"upgrade to critical late is overdue at once",
       {{10, "medium"}, {40, "critical"}},
       40,
       30,
       ClockStatus::kOverdue},
      {"upgrade to high early", {{5, "low"}, {10, "high"}}, 20, 60, ClockStatus::kRunning},
      {"downgrade extends", {{5, "critical"}, {20, "low"}}, 100, 180, ClockStatus::kRunning},
      {"none uses the low budget", {{5, "none"}}, 100, 180, ClockStatus::kRunning},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    CaseBuilder builder("2026-01-05T00:00:00Z");
    builder.Ack(hours(1)).Valid(hours(2));
    for (const auto& [day, rating] : row.ratings) {
      builder.Rate(days(day), rating);
    }

    SlaReport report =
        EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + days(row.now_day));

    const ClockResult& fix = report.Get(ClockKind::kFix);
    EXPECT_EQ(fix.status, row.status) << ToString(fix.status);
    ASSERT_TRUE(fix.deadline.has_value());
    EXPECT_EQ(*fix.deadline, builder.received() + days(row.deadline_day));
  }
}

TEST(EvaluateSlaTest, FixClockStopsAtTheFirstRelease) {
  CaseBuilder on_time("2026-01-05T00:00:00Z");
  on_time.Ack(hours(1)).Valid(hours(2)).Rate(hours(3), "high").Fix(days(50)).Release(days(59));
  CaseBuilder late("2026-01-05T00:00:00Z");
  late.Ack(hours(1)).Valid(hours(2)).Rate(hours(3), "high").Fix(days(50)).Release(days(61));
  const TimePoint now = At("2027-01-01T00:00:00Z");

  const ClockResult fix_on_time = EvaluateSla(on_time.Get(), SlaPolicy{}, now).Get(ClockKind::kFix);
  const ClockResult fix_late = EvaluateSla(late.Get(), SlaPolicy{}, now).Get(ClockKind::kFix);

  EXPECT_EQ(fix_on_time.status, ClockStatus::kMet);
  EXPECT_EQ(fix_on_time.used, days(59));
  EXPECT_EQ(fix_late.status, ClockStatus::kBreached);
  EXPECT_EQ(fix_late.basis, "severity high: 60 days");
}

TEST(EvaluateSlaTest, StatusUpdatesMustFollowEachOtherWithinTheInterval) {
  CaseBuilder builder("2026-01-05T00:00:00Z");
  builder.Ack(hours(1)).Valid(days(5));
  SlaReport fine = EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + days(18));
  EXPECT_EQ(fine.Get(ClockKind::kStatusUpdate).status, ClockStatus::kRunning);
  EXPECT_EQ(*fine.Get(ClockKind::kStatusUpdate).deadline, builder.received() + days(19));

  SlaReport overdue = EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + days(20));
  EXPECT_EQ(overdue.Get(ClockKind::kStatusUpdate).status, ClockStatus::kOverdue);

  builder.Add(days(21), EventType::kNote, {{"text", "still working"}, {"to_reporter", "true"}});
  SlaReport after = EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + days(22));
  EXPECT_EQ(after.Get(ClockKind::kStatusUpdate).status, ClockStatus::kBreached);
  EXPECT_EQ(after.Get(ClockKind::kStatusUpdate).late_intervals, 1);
}

TEST(EvaluateSlaTest, RejectedCasesHaveNoFixOrDisclosureClock) {
  CaseBuilder builder("2026-01-05T00:00:00Z");
  builder.Ack(hours(1)).Add(hours(2), EventType::kTriage, {{"outcome", "invalid"}});

  SlaReport report = EvaluateSla(builder.Get(), SlaPolicy{}, builder.received() + days(400));

  EXPECT_EQ(report.Get(ClockKind::kFix).status, ClockStatus::kNotApplicable);
  EXPECT_EQ(report.Get(ClockKind::kDisclosure).status, ClockStatus::kNotApplicable);
  EXPECT_EQ(report.Get(ClockKind::kTriage).status, ClockStatus::kMet);
}

TEST(EvaluateSlaTest, PolicyBudgetsAreConfigurable) {
  SlaPolicy policy;
  policy.fix_critical_days = 7;
  policy.triage_days = 3;
  CaseBuilder builder("2026-01-05T00:00:00Z");
  builder.Ack(hours(1)).Valid(hours(2)).Rate(hours(3), "critical");

  SlaReport report = EvaluateSla(builder.Get(), policy, builder.received() + days(8));

  EXPECT_EQ(report.Get(ClockKind::kFix).status, ClockStatus::kOverdue);
  EXPECT_EQ(*report.Get(ClockKind::kFix).deadline, builder.received() + days(7));
  EXPECT_TRUE(report.Overdue());
}

TEST(ComputeMetricsTest, ReportsMediansComplianceAndOpenCasesBySeverity) {
  CaseBuilder a("2026-01-05T00:00:00Z");
  a.Ack(hours(10)).Valid(days(2)).Rate(days(2), "high").Fix(days(20)).Release(days(30));
  CaseBuilder b("2026-01-05T00:00:00Z");
  b.Ack(hours(20)).Valid(days(4)).Rate(days(4), "critical");
  CaseBuilder c("2026-01-05T00:00:00Z");
  c.Ack(hours(60)).Valid(days(6));
  const std::vector<Case> cases = {a.Get(), b.Get(), c.Get()};

  CvdMetrics metrics = ComputeMetrics(cases, SlaPolicy{}, a.received() + days(40));

  EXPECT_EQ(metrics.cases, 3);
  EXPECT_EQ(metrics.open_cases, 3);
  EXPECT_DOUBLE_EQ(*metrics.median_hours_to_acknowledge, 20.0);
  EXPECT_DOUBLE_EQ(*metrics.median_days_to_triage, 4.0);
  EXPECT_DOUBLE_EQ(*metrics.median_days_to_fix, 30.0);
  EXPECT_EQ(metrics.open_by_severity["high"], 1);
  EXPECT_EQ(metrics.open_by_severity["critical"], 1);
  EXPECT_EQ(metrics.open_by_severity["unrated"], 1);
  const ClockFigures& ack = metrics.by_clock["acknowledge"];
  EXPECT_EQ(ack.met, 2);       // 10 h and 20 h.
  EXPECT_EQ(ack.breached, 1);  // 60 h from a Monday is past 48 business hours.
  ASSERT_TRUE(ack.compliance_percent.has_value());
  EXPECT_NEAR(*ack.compliance_percent, 66.67, 0.01);
  const ClockFigures& fix = metrics.by_clock["fix"];
  EXPECT_EQ(fix.met, 1);
  EXPECT_EQ(fix.overdue, 1);  // Critical, 40 days without a release.
  EXPECT_EQ(fix.pending, 1);
  EXPECT_EQ(metrics.overdue_cases, 2);  // b (fix, updates) and c (updates); a reported at day 30.
}

}  // namespace
}  // namespace provisio::disclosure
