#include "provisio/passwords/login_throttle.h"

#include <chrono>

#include <gtest/gtest.h>

namespace provisio::passwords {
namespace {

using std::chrono::seconds;

TimePoint Start() {
  return TimePoint{seconds{1'800'000'000}};
}

TEST(LoginThrottleTest, AllowsTheFreeAttemptsWithoutDelay) {
  FixedClock clock(Start());
  LoginThrottle throttle(LoginThrottleOptions{}, clock);

  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(throttle.Check().allowed) << "attempt " << i;
    throttle.RecordFailure();
  }

  EXPECT_TRUE(throttle.Check().allowed);
}

TEST(LoginThrottleTest, DoublesTheDelayAfterEachFurtherFailure) {
  FixedClock clock(Start());
  LoginThrottleOptions options;
  options.free_attempts = 1;
  options.base_delay = seconds{2};
  options.max_delay = seconds{10};
  options.lockout_after = 0;
  LoginThrottle throttle(options, clock);
  struct Step {
    int failures;
    int expected_wait;
  };
  const Step steps[] = {{1, 0}, {2, 2}, {3, 4}, {4, 8}, {5, 10}, {6, 10}};

  int failures = 0;
  for (const Step& step : steps) {
    SCOPED_TRACE("failures=" + std::to_string(step.failures));
    while (failures < step.failures) {
      throttle.RecordFailure();
      ++failures;
    }

    ThrottleDecision decision = throttle.Check();

    EXPECT_EQ(decision.allowed, step.expected_wait == 0);
    EXPECT_EQ(decision.retry_after, seconds{step.expected_wait});
    EXPECT_FALSE(decision.locked_out);
  }
}

TEST(LoginThrottleTest, AllowsAgainOnceTheDelayHasPassed) {
  FixedClock clock(Start());
  LoginThrottleOptions options;
  options.free_attempts = 0;
  options.base_delay = seconds{5};
  LoginThrottle throttle(options, clock);
  throttle.RecordFailure();

  clock.Advance(seconds{4});
  EXPECT_FALSE(throttle.Check().allowed);
  clock.Advance(seconds{1});

  EXPECT_TRUE(throttle.Check().allowed);
}

TEST(LoginThrottleTest, LocksOutAfterTooManyFailuresAndRelocksOnTheNextFailure) {
  FixedClock clock(Start());
  LoginThrottleOptions options;
  options.lockout_after = 4;
  options.lockout = seconds{600};
  LoginThrottle throttle(options, clock);
  for (int i = 0; i < 4; ++i) {
    throttle.RecordFailure();
  }

  ThrottleDecision locked = throttle.Check();
  clock.Advance(seconds{600});
  ThrottleDecision after = throttle.Check();
  throttle.RecordFailure();
  ThrottleDecision relocked = throttle.Check();

  EXPECT_FALSE(locked.allowed);
  EXPECT_TRUE(locked.locked_out);
  EXPECT_EQ(locked.retry_after, seconds{600});
  EXPECT_TRUE(after.allowed);
  EXPECT_TRUE(relocked.locked_out);
}

TEST(LoginThrottleTest, SuccessClearsFailuresAndDelays) {
  FixedClock clock(Start());
  LoginThrottleOptions options;
  options.free_attempts = 0;
  LoginThrottle throttle(options, clock);
  throttle.RecordFailure();
  throttle.RecordFailure();
  clock.Advance(seconds{10});

  throttle.RecordSuccess();
  throttle.RecordFailure();

  EXPECT_EQ(throttle.consecutive_failures(), 1);
  EXPECT_EQ(throttle.Check().retry_after, seconds{1});
}

}  // namespace
}  // namespace provisio::passwords
