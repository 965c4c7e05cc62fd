#include <gtest/gtest.h>

#include "provisio/cvss/cvss.h"

namespace provisio::cvss {
namespace {

TEST(ParseCvss40Test, NamesTheBadMetric) {
  struct Case {
    const char* vector;
    const char* message;
  };
  const Case cases[] = {
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N",
       "CVSS:4.0 vector: missing mandatory metric 'SA'"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:A",
       "CVSS:4.0 vector: duplicate metric 'E'"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:Q",
       "CVSS:4.0 vector: bad value 'Q' for metric 'MSI' (expected X, S, H, L or N)"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/SC:N/VI:H/VA:H/SI:N/SA:N",
       "CVSS:4.0 vector: metric 'VI' is out of order (it must come before 'SC')"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/C:H",
       "CVSS:4.0 vector: unknown metric 'C'"},
      {"CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
       "CVSS:4.0 vector: wrong prefix 'CVSS:3.1' (expected 'CVSS:4.0/')"},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.vector);

    Result<Cvss40> vector = ParseCvss40(c.vector);

    ASSERT_FALSE(vector.has_value());
    EXPECT_EQ(vector.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(vector.error().message(), c.message);
  }
}

TEST(Score40Test, ScoresKnownVectors) {
  struct Case {
    const char* vector;
    double score;
    const char* macrovector;
  };
  const Case cases[] = {
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "000200"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "000100"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "002201"},
      {"CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U", 8.1, "000220"},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.vector);
    Result<Cvss40> vector = ParseCvss40(c.vector);
    ASSERT_TRUE(vector.has_value()) << vector.error().message();

    EXPECT_DOUBLE_EQ(Score40(*vector), c.score);
    EXPECT_EQ(MacroVector(*vector), c.macrovector);
  }
}

}  // namespace
}  // namespace provisio::cvss
