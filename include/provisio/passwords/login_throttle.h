// Login throttling for device firmware (EN 303 645 5.1-5: make brute-force
// attacks over network interfaces impracticable). After `free_attempts`
// consecutive failures each further attempt must wait an exponentially growing
// delay (base_delay, 2x, 4x, ... capped at max_delay); after `lockout_after`
// consecutive failures the interface is locked for `lockout`. A success resets
// everything. Time comes from an injected Clock, so tests need no sleeping.
//
// Device-side: part of provisio::passwords_device (core only).
// Thread-safety: none; guard one instance per interface with the caller's lock.
#pragma once

#include <chrono>

#include "provisio/core/clock.h"

namespace provisio::passwords {

struct LoginThrottleOptions {
  int free_attempts = 3;                  // Failures allowed without any delay.
  std::chrono::seconds base_delay{1};     // First delay; doubles after each failure.
  std::chrono::seconds max_delay{300};    // Cap of the exponential delay.
  int lockout_after = 10;                 // Consecutive failures that lock; 0 = never.
  std::chrono::seconds lockout{15 * 60};  // How long a lockout lasts.
};

struct ThrottleDecision {
  bool allowed = true;                  // May the caller check a password now?
  bool locked_out = false;              // True while a lockout is in force.
  std::chrono::seconds retry_after{0};  // When not allowed: how long to wait.
};

class LoginThrottle {
 public:
  // REQUIRES: `clock` outlives the throttle.
  LoginThrottle(const LoginThrottleOptions& options, const Clock& clock);

  // Says whether an attempt may be made now. Call before checking a password;
  // when not allowed, reject without checking (and without counting a failure).
  ThrottleDecision Check() const;

  // Records a failed attempt and starts the next delay or the lockout.
  void RecordFailure();

  // Records a successful login: clears failures, delay and lockout.
  void RecordSuccess();

  int consecutive_failures() const { return failures_; }

 private:
  LoginThrottleOptions options_;
  const Clock& clock_;
  int failures_ = 0;
  TimePoint not_before_{};
  bool locked_ = false;
};

}  // namespace provisio::passwords
