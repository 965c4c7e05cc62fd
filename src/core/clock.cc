#include "provisio/core/clock.h"

#include <cctype>
#include <cstdio>
#include <ctime>

namespace provisio {

TimePoint SystemClock::Now() const {
  // time(2) rather than std::chrono::system_clock: libfaketime intercepts it
  // for every caller, which is how expiry is tested end to end.
  return TimePoint(std::chrono::seconds(std::time(nullptr)));
}

std::string FormatUtc(TimePoint time) {
  const std::time_t t = time.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  // Four-digit years always (strftime's %Y writes "27" for year 27, which
  // no RFC 3339 reader accepts).
  char buffer[48];
  const int n =
      std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return std::string(buffer, n > 0 ? static_cast<std::size_t>(n) : 0);
}

namespace {

bool ReadDigits(std::string_view text, std::size_t& pos, int count, int& value) {
  value = 0;
  for (int i = 0; i < count; ++i) {
    if (pos >= text.size() || !std::isdigit(static_cast<unsigned char>(text[pos]))) {
      return false;
    }
    value = value * 10 + (text[pos] - '0');
    ++pos;
  }
  return true;
}

bool Expect(std::string_view text, std::size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

}  // namespace

Result<TimePoint> ParseUtc(std::string_view text) {
  auto bad = [&] {
    return Fail(ErrorCode::kParse,
                "'" + std::string(text) + "' is not a UTC time (expected YYYY-MM-DDTHH:MM:SSZ)");
  };
  std::size_t pos = 0;
  int year = 0;
  int month = 0;
  int day = 0;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day)) {
    return bad();
  }
  const std::chrono::year_month_day ymd{std::chrono::year(year),
                                        std::chrono::month(static_cast<unsigned>(month)),
                                        std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) {
    return bad();
  }
  TimePoint result = std::chrono::sys_days(ymd);
  if (pos == text.size()) {
    return result;
  }
  int hour = 0;
  int minute = 0;
  int second = 0;
  if (!(Expect(text, pos, 'T') || Expect(text, pos, 't') || Expect(text, pos, ' ')) ||
      !ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, second) || hour > 23 || minute > 59 || second > 60) {
    return bad();
  }
  if (Expect(text, pos, '.')) {
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
      ++pos;
    }
    if (pos == start) {
      return bad();
    }
  }
  result += std::chrono::hours(hour) + std::chrono::minutes(minute) + std::chrono::seconds(second);
  if (Expect(text, pos, 'Z') || Expect(text, pos, 'z')) {
    return pos == text.size() ? Result<TimePoint>(result) : bad();
  }
  const bool plus = Expect(text, pos, '+');
  if (!plus && !Expect(text, pos, '-')) {
    return bad();
  }
  int offset_hours = 0;
  int offset_minutes = 0;
  if (!ReadDigits(text, pos, 2, offset_hours) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, offset_minutes) || pos != text.size()) {
    return bad();
  }
  const auto offset = std::chrono::hours(offset_hours) + std::chrono::minutes(offset_minutes);
  return plus ? result - offset : result + offset;
}

}  // namespace provisio
