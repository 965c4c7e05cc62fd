#include "provisio/disclosure/case.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace provisio::disclosure {
namespace {

TimePoint At(const char* text) {
  Result<TimePoint> time = ParseUtc(text);
  EXPECT_TRUE(time.has_value()) << text;
  return time.value_or(TimePoint{});
}

CaseEvent Event(EventType type,
                const char* at,
                std::map<std::string, std::string> fields = {},
                std::int64_t sequence = 0) {
  CaseEvent event;
  event.case_id = "CVD-2026-0001";
  event.type = type;
  event.at = At(at);
  event.actor = "alice";
  event.fields = std::move(fields);
  event.sequence = sequence;
  return event;
}

CaseEvent OpenEvent() {
  return Event(EventType::kOpen, "2026-01-05T10:00:00Z",
               {{"reporter", "bob@example.org"},
                {"summary", "auth bypass"},
                {"channel", "email"},
                {"received", "2026-01-05T09:00:00Z"}});
}

TEST(CaseTest, ReplaysAFullLifecycle) {
  std::vector<CaseEvent> events = {
      OpenEvent(),
      Event(EventType::kAcknowledge, "2026-01-06T10:00:00Z"),
      Event(EventType::kTriage, "2026-01-07T10:00:00Z",
            {{"outcome", "valid"}, {"cve", "CVE-2026-1000"}}),
      Event(EventType::kSeverity, "2026-01-07T11:00:00Z",
            {{"vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
             {"cvss_version", "3.1"},
             {"base_score", "9.8"},
             {"rating", "critical"}}),
      Event(EventType::kAffected, "2026-01-07T12:00:00Z",
            {{"product", "Camera X1"}, {"versions", "1.2.3"}, {"status", "affected"}}),
      Event(EventType::kFix, "2026-01-10T12:00:00Z", {{"description", "check token"}}),
      Event(EventType::kRelease, "2026-01-12T12:00:00Z", {{"version", "1.2.4"}}),
      Event(EventType::kDisclose, "2026-01-20T12:00:00Z", {{"url", "https://x.example/a"}}),
      Event(EventType::kClose, "2026-01-21T12:00:00Z"),
  };

  Result<Case> c = ReplayCase(events);

  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->state, CaseState::kClosed);
  EXPECT_EQ(c->received, At("2026-01-05T09:00:00Z"));
  EXPECT_EQ(c->cve, "CVE-2026-1000");
  ASSERT_TRUE(c->severity.has_value());
  EXPECT_EQ(c->severity->rating, "critical");
  EXPECT_DOUBLE_EQ(c->severity->base_score, 9.8);
  ASSERT_EQ(c->affected.size(), 1U);
  EXPECT_EQ(c->affected[0].status, VexStatus::kAffected);
  EXPECT_EQ(c->released_at, At("2026-01-12T12:00:00Z"));
  EXPECT_EQ(c->advisory_url, "https://x.example/a");
  EXPECT_EQ(c->reporter_contacts.size(), 4U);  // ack, triage, release, disclose
}

TEST(CaseTest, RefusesInvalidTransitionsAndNamesTheAllowedNextSteps) {
  Case c;
  ASSERT_TRUE(ApplyEvent(c, OpenEvent()).has_value());

  Result<void> fix =
      ApplyEvent(c, Event(EventType::kFix, "2026-01-06T00:00:00Z", {{"description", "x"}}));

  ASSERT_FALSE(fix.has_value());
  EXPECT_EQ(fix.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(fix.error().message(),
            "case CVD-2026-0001 is received: cannot fix; allowed next steps: acknowledge, note, "
            "waiting-on-reporter");
  EXPECT_EQ(c.events.size(), 1U);
}

TEST(CaseTest, AllowsOnlyTheTableOfTransitions) {
  struct Step {
    EventType type;
    std::map<std::string, std::string> fields;
    bool accepted;
  };
  const std::vector<Step> steps = {
      {EventType::kTriage, {{"outcome", "valid"}}, false},  // Not yet acknowledged.
      {EventType::kAcknowledge, {}, true},
      {EventType::kAcknowledge, {}, false},
      {EventType::kRelease, {{"version", "1"}}, false},  // No fix yet.
      {EventType::kTriage, {{"outcome", "valid"}}, true},
      {EventType::kClose, {}, false},  // Valid cases close after release or disclosure.
      {EventType::kFix, {{"description", "d"}}, true},
      {EventType::kRelease, {{"version", "1.0.1"}}, true},
      {EventType::kClose, {}, true},
      {EventType::kSeverity, {{"vector", "v"}, {"rating", "low"}}, false},
      {EventType::kNote, {{"text", "post-close note"}}, true},
  };
  Case c;
  ASSERT_TRUE(ApplyEvent(c, OpenEvent()).has_value());

  int hour = 0;
  for (const Step& step : steps) {
    SCOPED_TRACE(std::string(ToString(step.type)) + " in state " + std::string(ToString(c.state)));
    CaseEvent event = Event(step.type, "2026-01-06T00:00:00Z", step.fields);
    event.at += std::chrono::hours(++hour);

    Result<void> applied = ApplyEvent(c, event);

    EXPECT_EQ(applied.has_value(), step.accepted)
        << (applied ? std::string("accepted") : applied.error().message());
  }
}

TEST(CaseTest, TriageOutcomesOtherThanValidRejectTheCase) {
  const std::vector<std::map<std::string, std::string>> cases = {
      {{"outcome", "invalid"}},
      {{"outcome", "duplicate"}, {"duplicate_of", "CVD-2025-0003"}},
      {{"outcome", "out-of-scope"}},
  };
  for (const auto& fields : cases) {
    SCOPED_TRACE(fields.at("outcome"));
    std::vector<CaseEvent> events = {OpenEvent(),
                                     Event(EventType::kAcknowledge, "2026-01-06T10:00:00Z"),
                                     Event(EventType::kTriage, "2026-01-07T10:00:00Z", fields)};

    Result<Case> c = ReplayCase(events);

    ASSERT_TRUE(c.has_value()) << c.error().message();
    EXPECT_EQ(c->state, CaseState::kRejected);
  }
}

TEST(CaseTest, DuplicateNeedsTheOriginalCase) {
  std::vector<CaseEvent> events = {
      OpenEvent(), Event(EventType::kAcknowledge, "2026-01-06T10:00:00Z"),
      Event(EventType::kTriage, "2026-01-07T10:00:00Z", {{"outcome", "duplicate"}})};

  Result<Case> c = ReplayCase(events);

  ASSERT_FALSE(c.has_value());
  EXPECT_NE(c.error().message().find("duplicate_of"), std::string::npos) << c.error().message();
}

TEST(CaseTest, NotAffectedNeedsACsafJustification) {
  struct Row {
    std::string justification;
    bool accepted;
  };
  const Row rows[] = {{"", false},
                      {"because", false},
                      {"vulnerable_code_not_present", true},
                      {"inline_mitigations_already_exist", true}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.justification);
    Case c;
    ASSERT_TRUE(ApplyEvent(c, OpenEvent()).has_value());
    ASSERT_TRUE(ApplyEvent(c, Event(EventType::kAcknowledge, "2026-01-06T10:00:00Z")).has_value());

    Result<void> applied = ApplyEvent(c, Event(EventType::kAffected, "2026-01-06T11:00:00Z",
                                               {{"product", "Hub"},
                                                {"versions", "2.0"},
                                                {"status", "not_affected"},
                                                {"justification", row.justification}}));

    EXPECT_EQ(applied.has_value(), row.accepted);
  }
}

TEST(CaseTest, WaitingOnReporterAllowsOnlyResumeNoteAndRecordsThePause) {
  Case c;
  ASSERT_TRUE(ApplyEvent(c, OpenEvent()).has_value());
  ASSERT_TRUE(ApplyEvent(c, Event(EventType::kAcknowledge, "2026-01-06T10:00:00Z")).has_value());
  ASSERT_TRUE(ApplyEvent(c, Event(EventType::kWaitOnReporter, "2026-01-06T11:00:00Z")).has_value());

  Result<void> triage =
      ApplyEvent(c, Event(EventType::kTriage, "2026-01-06T12:00:00Z", {{"outcome", "valid"}}));
  ASSERT_FALSE(triage.has_value());
  EXPECT_NE(triage.error().message().find("waiting on reporter"), std::string::npos);
  EXPECT_NE(triage.error().message().find("allowed next steps: resume, note"), std::string::npos);

  ASSERT_TRUE(ApplyEvent(c, Event(EventType::kResume, "2026-01-08T11:00:00Z")).has_value());
  ASSERT_EQ(c.pauses.size(), 1U);
  EXPECT_EQ(c.pauses[0].start, At("2026-01-06T11:00:00Z"));
  EXPECT_EQ(c.pauses[0].end, At("2026-01-08T11:00:00Z"));
  EXPECT_FALSE(c.waiting);
}

TEST(CaseTest, RefusesEventsOlderThanTheCasesPreviousEvent) {
  Case c;
  ASSERT_TRUE(ApplyEvent(c, OpenEvent()).has_value());

  Result<void> ack = ApplyEvent(c, Event(EventType::kAcknowledge, "2026-01-04T00:00:00Z"));

  ASSERT_FALSE(ack.has_value());
  EXPECT_EQ(ack.error().code(), ErrorCode::kInvalidArgument);
}

TEST(CaseTest, CanonicalJsonIsCompactSortedAndCoversEveryField) {
  CaseEvent event = Event(EventType::kNote, "2026-01-06T10:00:00Z",
                          {{"to_reporter", "true"}, {"text", "h\u00e9llo \"x\""}}, 7);

  EXPECT_EQ(CanonicalEventJson(event),
            "{\"actor\":\"alice\",\"at\":\"2026-01-06T10:00:00Z\",\"case\":\"CVD-2026-0001\","
            "\"fields\":{\"text\":\"h\u00e9llo \\\"x\\\"\",\"to_reporter\":\"true\"},\"seq\":7,"
            "\"type\":\"note\"}");
  event.prev_hash = std::string(kGenesisHash);
  const std::string hash = ChainHash(event);
  event.actor = "mallory";
  EXPECT_NE(ChainHash(event), hash);
}

}  // namespace
}  // namespace provisio::disclosure
