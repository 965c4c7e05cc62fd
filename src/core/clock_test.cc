#include "provisio/core/clock.h"

#include <gtest/gtest.h>

namespace provisio {
namespace {

TEST(ParseUtcTest, RoundTripsThroughFormatUtc) {
  Result<TimePoint> parsed = ParseUtc("2026-11-28T13:21:46Z");

  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(FormatUtc(*parsed), "2026-11-28T13:21:46Z");
}

TEST(ParseUtcTest, RoundTripsYearsBeforeOneThousandWithFourDigits) {
  for (const char* text :
       {"0027-03-04T05:06:07Z", "0999-12-31T23:59:59Z", "0001-01-01T00:00:00Z"}) {
    SCOPED_TRACE(text);
    Result<TimePoint> parsed = ParseUtc(text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
    EXPECT_EQ(FormatUtc(*parsed), text);
  }
}

TEST(ParseUtcTest, AcceptsDatesFractionsAndOffsets) {
  struct Case {
    const char* text;
    const char* utc;
  };
  const Case cases[] = {
      {"2025-01-31", "2025-01-31T00:00:00Z"},
      {"2025-01-31T10:00:00.123Z", "2025-01-31T10:00:00Z"},
      {"2025-01-31T10:00:00+02:00", "2025-01-31T08:00:00Z"},
      {"2025-01-31T23:30:00-01:00", "2025-02-01T00:30:00Z"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    Result<TimePoint> parsed = ParseUtc(c.text);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
    EXPECT_EQ(FormatUtc(*parsed), c.utc);
  }
}

TEST(ParseUtcTest, RejectsMalformedTimes) {
  for (const char* text : {"", "2025-13-01", "2025-02-30", "2025-01-01T25:00:00Z",
                           "2025-01-01T10:00:00", "yesterday", "2025-01-01T10:00:00Zjunk"}) {
    SCOPED_TRACE(text);
    Result<TimePoint> parsed = ParseUtc(text);
    ASSERT_FALSE(parsed.has_value());
    EXPECT_EQ(parsed.error().code(), ErrorCode::kParse);
  }
}

TEST(FixedClockTest, AdvancesOnlyWhenTold) {
  FixedClock clock(TimePoint(std::chrono::seconds(1000)));

  clock.Advance(std::chrono::seconds(5));

  EXPECT_EQ(clock.Now().time_since_epoch().count(), 1005);
}

}  // namespace
}  // namespace provisio
