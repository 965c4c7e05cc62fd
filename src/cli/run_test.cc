#include "cli/run.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"

namespace provisio::cli {
namespace {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome RunWith(std::vector<const char*> args) {
  args.insert(args.begin(), "provisio");
  std::ostringstream out;
  std::ostringstream err;
  const int status = Run(static_cast<int>(args.size()), args.data(), out, err);
  return {status, out.str(), err.str()};
}

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
