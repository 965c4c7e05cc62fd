#include "provisio/assess/assessment.h"

#include <gtest/gtest.h>

namespace provisio::assess {
namespace {

TEST(AssessmentTest, CountsEveryVerdictIncludingZeroes) {
  Assessment assessment;
  assessment.provisions.resize(3);
  assessment.provisions[0].verdict = Verdict::kPass;
  assessment.provisions[1].verdict = Verdict::kPass;
  assessment.provisions[2].verdict = Verdict::kFail;

  std::map<Verdict, int> counts = assessment.Counts();

  EXPECT_EQ(counts[Verdict::kPass], 2);
  EXPECT_EQ(counts[Verdict::kFail], 1);
  EXPECT_EQ(counts.at(Verdict::kNotApplicable), 0);
  EXPECT_EQ(counts.at(Verdict::kInconclusive), 0);
}

TEST(AssessmentTest, SpellsVerdictsAndClaimsAsTheStandardDoes) {
  EXPECT_EQ(ToString(Verdict::kNotApplicable), "NOT_APPLICABLE");
  EXPECT_EQ(ToString(Verdict::kInconclusive), "INCONCLUSIVE");
  EXPECT_EQ(ToString(Support::kNotApplicable), "N/A");
  EXPECT_EQ(ToString(Support::kUnclaimed), "");
}

}  // namespace
}  // namespace provisio::assess
