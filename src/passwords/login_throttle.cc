#include "provisio/passwords/login_throttle.h"

#include <algorithm>

namespace provisio::passwords {

LoginThrottle::LoginThrottle(const LoginThrottleOptions& options, const Clock& clock)
    : options_(options), clock_(clock) {
}

ThrottleDecision LoginThrottle::Check() const {
  const TimePoint now = clock_.Now();
  if (now >= not_before_) {
    return ThrottleDecision{};
  }
  ThrottleDecision decision;
  decision.allowed = false;
  decision.locked_out = locked_;
  decision.retry_after = not_before_ - now;
  return decision;
}

void LoginThrottle::RecordFailure() {
  ++failures_;
  const TimePoint now = clock_.Now();
  if (options_.lockout_after > 0 && failures_ >= options_.lockout_after) {
    // Every failure from here on (even after a lockout expired) locks again.
    locked_ = true;
    not_before_ = now + options_.lockout;
    return;
  }
  locked_ = false;
  if (failures_ <= options_.free_attempts) {
    return;
  }
  // base, 2*base, 4*base, ... computed without overflow: stop doubling at the cap.
  std::chrono::seconds delay = options_.base_delay;
  for (int i = options_.free_attempts + 1; i < failures_ && delay < options_.max_delay; ++i) {
    delay *= 2;
  }
  not_before_ = now + std::min(delay, options_.max_delay);
}

void LoginThrottle::RecordSuccess() {
  failures_ = 0;
  locked_ = false;
  not_before_ = TimePoint{};
}

}  // namespace provisio::passwords
