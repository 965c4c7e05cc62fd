#include "cli/cvd_command.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "cli/run.h"
#include "sql/postgres_test_support.h"

namespace provisio::cli {
namespace {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

class CvdCommandTest : public ::testing::Test {
 protected:
  CvdCommandTest() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("provisio-cvd-cli-" + std::string(info->name()) + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = (dir_ / "cvd.db").string();
  }
  ~CvdCommandTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Runs `provisio cvd ARGS --store STORE --actor tester`.
  Outcome Cvd(std::vector<std::string> args) {
    args.insert(args.end(), {"--store", store_});
    return CvdWithoutStore(std::move(args));
  }

  // Runs `provisio cvd ARGS --actor tester`.
  Outcome CvdWithoutStore(std::vector<std::string> args) {
    args.insert(args.begin(), {"provisio", "cvd"});
    args.insert(args.end(), {"--actor", "tester"});
    std::vector<const char*> argv;
    for (const std::string& arg : args) {
      argv.push_back(arg.c_str());
    }
    std::ostringstream out;
    std::ostringstream err;
    const int status = cli::Run(static_cast<int>(argv.size()), argv.data(), out, err);
    return {status, out.str(), err.str()};
  }

  std::string OpenCase() {
    Outcome opened = Cvd({"open", "--reporter", "r@example.org", "--summary", "XSS", "--received",
                          "2026-01-05T09:00:00Z", "--at", "2026-01-05T09:30:00Z"});
    EXPECT_EQ(opened.status, kExitOk) << opened.err;
    return opened.out.substr(0, opened.out.find('\n'));
  }

  std::filesystem::path dir_;
  std::string store_;
};

TEST_F(CvdCommandTest, OpenPrintsTheNewCaseId) {
  EXPECT_EQ(OpenCase(), "CVD-2026-0001");
}

TEST_F(CvdCommandTest, RefusedTransitionExitsOneWithTheAllowedNextSteps) {
  const std::string id = OpenCase();

  Outcome fix = Cvd({"fix", id, "--description", "patch", "--at", "2026-01-05T10:00:00Z"});

  EXPECT_EQ(fix.status, kExitFailure);
  EXPECT_EQ(fix.out, "");
  EXPECT_EQ(fix.err,
            "provisio cvd fix: case CVD-2026-0001 is received: cannot fix; allowed next steps: "
            "acknowledge, note, waiting-on-reporter\n");
}

TEST_F(CvdCommandTest, MalformedVectorNamesTheBadMetric) {
  const std::string id = OpenCase();
  ASSERT_EQ(Cvd({"acknowledge", id, "--at", "2026-01-05T10:00:00Z"}).status, kExitOk);

  Outcome severity = Cvd({"severity", id, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"});

  EXPECT_EQ(severity.status, kExitFailure);
  EXPECT_NE(severity.err.find("'A'"), std::string::npos) << severity.err;
}

TEST_F(CvdCommandTest, ListOverdueExitsThreeWhenAClockIsPastItsBudget) {
  const std::string id = OpenCase();

  Outcome early = Cvd({"list", "--overdue", "--at", "2026-01-06T09:00:00Z"});
  Outcome late = Cvd({"list", "--overdue", "--at", "2026-01-08T09:00:00Z"});

  EXPECT_EQ(early.status, kExitOk) << early.err;
  EXPECT_EQ(late.status, kExitFindings);
  EXPECT_NE(late.out.find(id), std::string::npos);
  EXPECT_NE(late.out.find("acknowledge"), std::string::npos) << late.out;
}

TEST_F(CvdCommandTest, MetricsJsonReportsMediansAndOpenCasesBySeverity) {
  const std::string id = OpenCase();
  ASSERT_EQ(Cvd({"acknowledge", id, "--at", "2026-01-05T19:00:00Z"}).status, kExitOk);
  ASSERT_EQ(Cvd({"triage", id, "valid", "--at", "2026-01-06T09:00:00Z"}).status, kExitOk);
  ASSERT_EQ(Cvd({"severity", id, "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "--at",
                 "2026-01-06T10:00:00Z"})
                .status,
            kExitOk);

  Outcome metrics = Cvd({"metrics", "--json", "--at", "2026-01-07T00:00:00Z"});

  ASSERT_EQ(metrics.status, kExitOk) << metrics.err;
  EXPECT_NE(metrics.out.find("\"median_hours_to_acknowledge\": 10.0"), std::string::npos)
      << metrics.out;
  EXPECT_NE(metrics.out.find("\"critical\": 1"), std::string::npos) << metrics.out;
}

TEST_F(CvdCommandTest, VerifyExitsZeroOnAnIntactLog) {
  OpenCase();

  Outcome verify = Cvd({"verify"});

  EXPECT_EQ(verify.status, kExitOk) << verify.err;
  EXPECT_EQ(verify.out.rfind("ok: 1 events, chain head ", 0), 0U) << verify.out;
}

TEST_F(CvdCommandTest, ShowJsonListsEventsAndAllowedNextSteps) {
  const std::string id = OpenCase();

  Outcome show = Cvd({"show", id, "--json", "--at", "2026-01-05T10:00:00Z"});

  ASSERT_EQ(show.status, kExitOk) << show.err;
  EXPECT_NE(show.out.find("\"allowed_next\": [\n    \"acknowledge\""), std::string::npos)
      << show.out;
  EXPECT_NE(show.out.find("\"actor\": \"tester\""), std::string::npos);
}

TEST_F(CvdCommandTest, UnknownTriageOutcomeIsAUsageError) {
  const std::string id = OpenCase();

  Outcome triage = Cvd({"triage", id, "maybe"});

  EXPECT_EQ(triage.status, kExitUsage);
}

TEST_F(CvdCommandTest, ReadingCommandsRefuseAMissingStoreAndCreateNothing) {
  // A mistyped --store must not look like an empty, intact case log.
  const std::filesystem::path typo_dir = dir_ / "typo";
  const std::string missing = (typo_dir / "cases.db").string();
  const std::vector<std::vector<std::string>> commands = {
      {"verify"},
      {"list"},
      {"list", "--overdue"},
      {"metrics"},
      {"show", "CVD-2026-0001"},
      {"export-csaf", "CVD-2026-0001", "--out", (dir_ / "advisory.json").string()},
      {"acknowledge", "CVD-2026-0001"},
  };
  for (std::vector<std::string> args : commands) {
    SCOPED_TRACE(args[0]);
    args.insert(args.end(), {"--store", missing});

    Outcome outcome = CvdWithoutStore(args);

    EXPECT_EQ(outcome.status, kExitFailure) << outcome.out;
    EXPECT_NE(outcome.err.find("no case store at"), std::string::npos) << outcome.err;
    EXPECT_EQ(outcome.out, "");
    EXPECT_FALSE(std::filesystem::exists(typo_dir));
  }
}

TEST_F(CvdCommandTest, OpenCreatesTheStoreAndItsFolder) {
  store_ = (dir_ / "new" / "cases.db").string();

  EXPECT_EQ(OpenCase(), "CVD-2026-0001");

  EXPECT_TRUE(std::filesystem::exists(store_));
  EXPECT_EQ(Cvd({"verify"}).status, kExitOk);
}

TEST_F(CvdCommandTest, VerifyChecksTheChainStillReachesAnArchivedHead) {
  OpenCase();
  Outcome first = Cvd({"verify"});
  ASSERT_EQ(first.status, kExitOk) << first.err;
  const std::string head = first.out.substr(first.out.rfind(' ') + 1, 64);
  ASSERT_EQ(Cvd({"acknowledge", "CVD-2026-0001", "--at", "2026-01-05T10:00:00Z"}).status, kExitOk);

  Outcome reached = Cvd({"verify", "--expect-head", head});
  Outcome missing = Cvd({"verify", "--expect-head", std::string(64, 'a')});
  Outcome malformed = Cvd({"verify", "--expect-head", "xyz"});

  EXPECT_EQ(reached.status, kExitOk) << reached.out << reached.err;
  EXPECT_EQ(missing.status, kExitFindings) << missing.out;
  EXPECT_NE(missing.out.find("does not contain the expected head"), std::string::npos)
      << missing.out;
  EXPECT_EQ(malformed.status, kExitUsage);
}

TEST_F(CvdCommandTest, StoreComesFromTheEnvironmentWhenNotGiven) {
  ASSERT_EQ(::setenv("PROVISIO_CVD_STORE", store_.c_str(), 1), 0);

  Outcome opened = CvdWithoutStore({"open", "--reporter", "r@example.org", "--summary", "XSS"});
  ::unsetenv("PROVISIO_CVD_STORE");

  EXPECT_EQ(opened.status, kExitOk) << opened.err;
  EXPECT_TRUE(std::filesystem::exists(store_));
  EXPECT_EQ(Cvd({"verify"}).out.rfind("ok: 1 events", 0), 0U);
}

TEST_F(CvdCommandTest, HelpNamesBothKindsOfStore) {
  Outcome help = CvdWithoutStore({"verify", "--help"});

  EXPECT_EQ(help.status, kExitOk);
  EXPECT_NE(help.out.find("postgresql://"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("PROVISIO_CVD_STORE"), std::string::npos) << help.out;
}

TEST_F(CvdCommandTest, WorksOnAPostgresStoreAndNeverPrintsItsPassword) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  // The test server trusts local connections, so the password is never
  // checked; it is there to show that no message repeats it.
  const std::string uri = database.uri();
  store_ = uri + (uri.find('?') == std::string::npos ? "?" : "&") + "password=sekrit-pw";

  const std::string id = OpenCase();
  Outcome ack = Cvd({"acknowledge", id, "--at", "2026-01-05T10:00:00Z"});
  Outcome verify = Cvd({"verify"});
  Outcome missing = Cvd({"show", "CVD-2026-0099"});

  EXPECT_EQ(id, "CVD-2026-0001");
  EXPECT_EQ(ack.status, kExitOk) << ack.err;
  EXPECT_EQ(verify.status, kExitOk) << verify.err;
  EXPECT_EQ(verify.out.rfind("ok: 2 events, chain head ", 0), 0U) << verify.out;
  EXPECT_EQ(missing.status, kExitFailure);
  EXPECT_NE(missing.err.find(database.name()), std::string::npos) << missing.err;
  EXPECT_EQ(missing.err.find("sekrit-pw"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace provisio::cli
