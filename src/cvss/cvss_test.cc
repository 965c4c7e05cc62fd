#include "provisio/cvss/cvss.h"

#include <string>

#include <gtest/gtest.h>

namespace provisio::cvss {
namespace {

TEST(RateTest, UsesTheQualitativeScaleBoundaries) {
  struct Case {
    double score;
    Severity severity;
  };
  const Case cases[] = {
      {0.0, Severity::kNone},   {0.1, Severity::kLow},      {3.9, Severity::kLow},
      {4.0, Severity::kMedium}, {6.9, Severity::kMedium},   {7.0, Severity::kHigh},
      {8.9, Severity::kHigh},   {9.0, Severity::kCritical}, {10.0, Severity::kCritical}};

  for (const Case& c : cases) {
    SCOPED_TRACE("score=" + std::to_string(c.score));

    EXPECT_EQ(Rate(c.score), c.severity);
  }
}

TEST(ScoreVectorTest, DispatchesOnVersionAndReportsOptionalScores) {
  Result<VectorScore> v31 = ScoreVector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P");
  Result<VectorScore> v40 =
      ScoreVector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");

  ASSERT_TRUE(v31.has_value()) << v31.error().message();
  EXPECT_EQ(v31->version, "3.1");
  EXPECT_DOUBLE_EQ(v31->score, 9.8);
  EXPECT_EQ(v31->severity, Severity::kCritical);
  ASSERT_TRUE(v31->temporal.has_value());
  EXPECT_DOUBLE_EQ(*v31->temporal, 9.3);
  EXPECT_FALSE(v31->environmental.has_value());
  ASSERT_TRUE(v40.has_value()) << v40.error().message();
  EXPECT_EQ(v40->version, "4.0");
  EXPECT_DOUBLE_EQ(v40->score, 9.3);
  EXPECT_EQ(v40->macrovector, "000200");
}

TEST(ScoreVectorTest, RefusesOtherVersionsAndGarbage) {
  Result<VectorScore> v30 = ScoreVector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  Result<VectorScore> garbage = ScoreVector("hello");

  ASSERT_FALSE(v30.has_value());
  EXPECT_EQ(v30.error().code(), ErrorCode::kUnsupported);
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace provisio::cvss
