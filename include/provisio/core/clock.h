// Where library code reads the time. Production passes SystemClock; tests pass
// a fixed or scripted clock so that expiry and SLA logic is deterministic.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio {

using TimePoint = std::chrono::sys_seconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

// Reads the C library clock (time(2)), so libfaketime can move it in tests.
class SystemClock final : public Clock {
 public:
  TimePoint Now() const override;
};

// Always returns the time it was given; Set() moves it.
class FixedClock final : public Clock {
 public:
  explicit FixedClock(TimePoint now) : now_(now) {}
  TimePoint Now() const override { return now_; }
  void Set(TimePoint now) { now_ = now; }
  void Advance(std::chrono::seconds by) { now_ += by; }

 private:
  TimePoint now_;
};

// Formats as RFC 3339 UTC with a 'Z' suffix: "2026-11-28T13:21:46Z".
std::string FormatUtc(TimePoint time);

// Parses "YYYY-MM-DDTHH:MM:SSZ" (fractional seconds and numeric offsets
// accepted) or a plain date "YYYY-MM-DD" (midnight UTC). Fails with kParse.
Result<TimePoint> ParseUtc(std::string_view text);

}  // namespace provisio
