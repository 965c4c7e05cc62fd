#include "cli/cvss_command.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"

namespace provisio::cli {
namespace {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome Score(const std::string& vector, bool json = false) {
  std::ostringstream out;
  std::ostringstream err;
  const int status = RunCvss({.vector = vector, .json = json}, out, err);
  return {status, out.str(), err.str()};
}

TEST(RunCvssTest, PrintsBaseAndTemporalScoresOfAV31Vector) {
  Outcome outcome = Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P");

  EXPECT_EQ(outcome.status, kExitOk) << outcome.err;
  EXPECT_EQ(outcome.out,
            "Vector: CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P\n"
            "Base score: 9.8 (Critical)\n"
            "Temporal score: 9.3 (Critical)\n");
}

TEST(RunCvssTest, PrintsScoreAndMacroVectorOfAV40VectorAsJson) {
  Outcome outcome = Score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", true);

  EXPECT_EQ(outcome.status, kExitOk) << outcome.err;
  EXPECT_NE(outcome.out.find("\"score\": 9.3"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("\"macroVector\": \"000200\""), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("\"severity\": \"Critical\""), std::string::npos) << outcome.out;
}

TEST(RunCvssTest, MalformedVectorFailsNamingTheMetricOnStderrOnly) {
  Outcome outcome = Score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H");

  EXPECT_EQ(outcome.status, kExitFailure);
  EXPECT_EQ(outcome.out, "");
  EXPECT_EQ(outcome.err, "provisio cvss: CVSS:3.1 vector: missing mandatory metric 'A'\n");
}

}  // namespace
}  // namespace provisio::cli
