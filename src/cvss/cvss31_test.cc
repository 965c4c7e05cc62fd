#include <string>

#include <gtest/gtest.h>

#include "provisio/cvss/cvss.h"

namespace provisio::cvss {
namespace {

TEST(RoundupTest, UsesIntegerArithmeticAsInAppendixA) {
  struct Case {
    double input;
    double expected;
  };
  const Case cases[] = {{4.0, 4.0}, {4.02, 4.1},  {4.000001, 4.0},
                        {0.0, 0.0}, {9.91, 10.0}, {6.12, 6.2}};

  for (const Case& c : cases) {
    SCOPED_TRACE("input=" + std::to_string(c.input));

    EXPECT_DOUBLE_EQ(Roundup(c.input), c.expected);
  }
}

TEST(ParseCvss31Test, AcceptsBaseVectorAndNormalisesOrder) {
  Result<Cvss31> vector = ParseCvss31("CVSS:3.1/C:H/I:H/A:H/AV:N/AC:L/PR:N/UI:N/S:U");

  ASSERT_TRUE(vector.has_value()) << vector.error().message();
  EXPECT_EQ(vector->ToString(), "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  EXPECT_FALSE(vector->HasTemporal());
  EXPECT_FALSE(vector->HasEnvironmental());
}

TEST(ParseCvss31Test, NamesTheBadMetric) {
  struct Case {
    const char* vector;
    const char* message;
  };
  const Case cases[] = {
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", "CVSS:3.1 vector: missing mandatory metric 'A'"},
      {"CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
       "CVSS:3.1 vector: duplicate metric 'AV'"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/XX:Y", "CVSS:3.1 vector: unknown metric 'XX'"},
      {"CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
       "CVSS:3.1 vector: bad value 'Q' for metric 'AV' (expected N, A, L or P)"},
      {"CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
       "CVSS:3.1 vector: wrong prefix 'CVSS:3.0' (expected 'CVSS:3.1/')"},
      {"AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "CVSS:3.1 vector: missing prefix 'CVSS:3.1/'"},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
       "CVSS:3.1 vector: empty metric at position 9 (trailing '/')"},
      {"CVSS:3.1/AV:N/AC", "CVSS:3.1 vector: malformed metric 'AC' (expected NAME:VALUE)"},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.vector);

    Result<Cvss31> vector = ParseCvss31(c.vector);

    ASSERT_FALSE(vector.has_value());
    EXPECT_EQ(vector.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(vector.error().message(), c.message);
  }
}

TEST(ComputeTest, ScoresSpecificationExamples) {
  struct Case {
    const char* vector;
    double base;
    double temporal;
    double environmental;
  };
  const Case cases[] = {
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8, 9.8, 9.8},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", 10.0, 10.0, 10.0},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0.0, 0.0, 0.0},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U", 9.8, 7.8, 7.8},
      {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/CR:L/IR:L/AR:L/MAV:P", 9.8, 9.8, 5.0},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.vector);
    Result<Cvss31> vector = ParseCvss31(c.vector);
    ASSERT_TRUE(vector.has_value()) << vector.error().message();

    const Score31 score = Compute(*vector);

    EXPECT_DOUBLE_EQ(score.base, c.base);
    EXPECT_DOUBLE_EQ(score.temporal, c.temporal);
    EXPECT_DOUBLE_EQ(score.environmental, c.environmental);
  }
}

}  // namespace
}  // namespace provisio::cvss
