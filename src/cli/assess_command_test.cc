#include "cli/assess_command.h"

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"

namespace provisio::cli {
namespace {

const std::string kExamples = std::string(PROVISIO_SOURCE_DIR) + "/examples/";
constexpr TimePoint kNow{std::chrono::sys_days{std::chrono::year{2026} / 11 / 28}};

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome Assess(const AssessCommandOptions& options) {
  FixedClock clock(kNow);
  std::ostringstream out;
  std::ostringstream err;
  const int status = RunAssess(options, clock, out, err);
  return {status, out.str(), err.str()};
}

TEST(RunAssessTest, SmartPlugPassesTheGate) {
  AssessCommandOptions options;
  options.product_dir = kExamples + "smart-plug";

  Outcome outcome = Assess(options);

  EXPECT_EQ(outcome.status, kExitOk) << outcome.out << outcome.err;
  EXPECT_NE(outcome.out.find("Release gate: PASSED"), std::string::npos) << outcome.out;
  EXPECT_EQ(outcome.out.find("FAIL "), std::string::npos) << outcome.out;
}

TEST(RunAssessTest, IpCameraFailsTheGateForItsRealisticGaps) {
  AssessCommandOptions options;
  options.product_dir = kExamples + "ip-camera";

  Outcome outcome = Assess(options);

  EXPECT_EQ(outcome.status, kExitFindings) << outcome.err;
  EXPECT_NE(outcome.out.find("Release gate: FAILED (5 blocking: 5.0-1, 5.1-1, 5.2-1, 5.3-7, "
                             "5.3-10)"),
            std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("waiver by Priya Raman (firmware lead) expired on 2026-06-30"),
            std::string::npos);
}

TEST(RunAssessTest, WaiverCountsBeforeItsExpiry) {
  AssessCommandOptions options;
  options.product_dir = kExamples + "ip-camera";
  options.as_of = "2026-06-01";

  Outcome outcome = Assess(options);

  EXPECT_EQ(outcome.status, kExitFindings);
  EXPECT_NE(outcome.out.find("4 blocking: 5.0-1, 5.1-1, 5.2-1, 5.3-7)"), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("[waived]"), std::string::npos);
}

TEST(RunAssessTest, BadAsOfIsAUsageError) {
  AssessCommandOptions options;
  options.product_dir = kExamples + "smart-plug";
  options.as_of = "next tuesday";

  Outcome outcome = Assess(options);

  EXPECT_EQ(outcome.status, kExitUsage);
  EXPECT_EQ(outcome.out, "");
  EXPECT_NE(outcome.err.find("provisio assess: --as-of:"), std::string::npos) << outcome.err;
}

TEST(RunAssessTest, JsonPrintsOnlyTheReport) {
  AssessCommandOptions options;
  options.product_dir = kExamples + "smart-plug";
  options.json = true;

  Outcome outcome = Assess(options);

  EXPECT_EQ(outcome.status, kExitOk);
  ASSERT_FALSE(outcome.out.empty());
  EXPECT_EQ(outcome.out.front(), '{');
  EXPECT_EQ(outcome.out.find("Release gate"), std::string::npos);
}

}  // namespace
}  // namespace provisio::cli
