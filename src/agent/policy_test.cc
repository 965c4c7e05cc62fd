#include "provisio/agent/policy.h"

#include <gtest/gtest.h>

namespace provisio::agent {
namespace {

TimePoint At(const char* text) {
  return *ParseUtc(text);
}

TEST(DecideUpdateTest, DefaultPolicyInstallsAutomatically) {
  PolicyOutcome outcome = DecideUpdate(UpdatePolicy{}, false, At("2026-01-01T12:00:00Z"));

  EXPECT_EQ(outcome.decision, PolicyDecision::kInstall);
}

TEST(DecideUpdateTest, PostponementHoldsFeaturesButNotSecurityFixes) {
  UpdatePolicy policy;
  policy.postpone_until = At("2026-02-01T00:00:00Z");
  const TimePoint now = At("2026-01-15T00:00:00Z");

  EXPECT_EQ(DecideUpdate(policy, false, now).decision, PolicyDecision::kPostpone);
  EXPECT_EQ(DecideUpdate(policy, true, now).decision, PolicyDecision::kInstall);
  EXPECT_EQ(DecideUpdate(policy, false, At("2026-02-01T00:00:01Z")).decision,
            PolicyDecision::kInstall);
}

TEST(DecideUpdateTest, MaintenanceWindowIncludingOneThatCrossesMidnight) {
  UpdatePolicy policy;
  policy.window = *ParseWindow("23:00-02:00");
  struct Case {
    const char* time;
    PolicyDecision expected;
  };
  const Case cases[] = {{"2026-01-01T23:30:00Z", PolicyDecision::kInstall},
                        {"2026-01-01T01:59:00Z", PolicyDecision::kInstall},
                        {"2026-01-01T02:00:00Z", PolicyDecision::kPostpone},
                        {"2026-01-01T12:00:00Z", PolicyDecision::kPostpone}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.time);
    EXPECT_EQ(DecideUpdate(policy, false, At(c.time)).decision, c.expected);
  }
}

TEST(DecideUpdateTest, DisabledAndNotifyOnlyInstallNothing) {
  UpdatePolicy disabled;
  disabled.automatic = false;
  UpdatePolicy notify;
  notify.notify_only = true;

  EXPECT_EQ(DecideUpdate(disabled, true, At("2026-01-01")).decision, PolicyDecision::kDisabled);
  EXPECT_EQ(DecideUpdate(notify, true, At("2026-01-01")).decision, PolicyDecision::kNotifyOnly);
}

TEST(ParseWindowTest, RejectsMalformedWindows) {
  for (const char* text : {"", "2-4", "25:00-01:00", "02:00-02:00", "02:00-03:00x"}) {
    SCOPED_TRACE(text);
    EXPECT_FALSE(ParseWindow(text).has_value());
  }
}

}  // namespace
}  // namespace provisio::agent
