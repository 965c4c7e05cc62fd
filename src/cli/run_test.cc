#include "cli/run.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "cli/run_for_test.h"

namespace provisio::cli {
namespace {

TEST(RunTest, MissingSubcommandIsAUsageError) {
  Outcome outcome = RunWith({});

  EXPECT_EQ(outcome.status, kExitUsage);
  EXPECT_NE(outcome.err.find("subcommand is required"), std::string::npos) << outcome.err;
}

TEST(RunTest, HelpExitsZeroAndNamesExitCodes) {
  Outcome outcome = RunWith({"--help"});

  EXPECT_EQ(outcome.status, kExitOk);
  EXPECT_NE(outcome.out.find("Exit codes"), std::string::npos) << outcome.out;
}

TEST(RunTest, UnknownFlagIsAUsageError) {
  Outcome outcome = RunWith({"--no-such-flag"});

  EXPECT_EQ(outcome.status, kExitUsage);
}

}  // namespace
}  // namespace provisio::cli
