#include "cli/catalog_command.h"

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "cli/run.h"
#include "cli/run_for_test.h"

namespace provisio::cli {
namespace {

TEST(CatalogCommandTest, ListCountsEveryProvision) {
  Outcome outcome = RunWith({"catalog", "list"});

  ASSERT_EQ(outcome.status, kExitOk) << outcome.err;
  EXPECT_NE(outcome.out.find("78 provisions: 36 mandatory, 42 recommended"), std::string::npos);
}

TEST(CatalogCommandTest, ListFiltersByEditionClauseAndStatus) {
  Outcome v2 = RunWith({"catalog", "list", "--standard", "en303645:2.1.1"});
  Outcome clause = RunWith({"catalog", "list", "--clause", "5.1", "--status", "M", "--json"});

  EXPECT_NE(v2.out.find("68 provisions: 33 mandatory, 35 recommended"), std::string::npos);
  ASSERT_EQ(clause.status, kExitOk);
  EXPECT_NE(clause.out.find("\"5.1-1\""), std::string::npos);
  EXPECT_EQ(clause.out.find("\"5.2-1\""), std::string::npos);
}

TEST(CatalogCommandTest, ListOfUnknownClauseIsAUsageErrorNamingTheValidClauses) {
  for (const bool json : {false, true}) {
    SCOPED_TRACE(json ? "json" : "table");
    std::vector<std::string> args = {"catalog", "list", "--clause", "9.9"};
    if (json) {
      args.push_back("--json");
    }

    Outcome outcome = RunWith(args);

    EXPECT_EQ(outcome.status, kExitUsage);
    EXPECT_EQ(outcome.out, "");
    EXPECT_EQ(outcome.err.rfind("provisio catalog list: ", 0), 0u) << outcome.err;
    EXPECT_NE(outcome.err.find("clause '9.9'"), std::string::npos) << outcome.err;
    EXPECT_NE(outcome.err.find("valid clauses: 5.0, 5.1, 5.2, "), std::string::npos) << outcome.err;
    EXPECT_NE(outcome.err.find(", 5.13, 6\n"), std::string::npos) << outcome.err;
  }
}

TEST(CatalogCommandTest, ListOfUnknownStatusIsAUsageError) {
  CatalogListOptions options;
  options.status = "X";
  std::ostringstream out;
  std::ostringstream err;

  const int status = RunCatalogList(options, out, err);
  Outcome cli = RunWith({"catalog", "list", "--status", "X"});

  EXPECT_EQ(status, kExitUsage);
  EXPECT_EQ(out.str(), "");
  EXPECT_NE(err.str().find("status 'X'; valid statuses: M, R"), std::string::npos) << err.str();
  EXPECT_EQ(cli.status, kExitUsage);
  EXPECT_EQ(cli.out, "");
}

TEST(CatalogCommandTest, ShowKeepsConfidenceVisible) {
  Outcome outcome = RunWith({"catalog", "show", "5.1-2"});

  ASSERT_EQ(outcome.status, kExitOk) << outcome.err;
  EXPECT_NE(outcome.out.find("Confidence:  medium"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("F(b)"), std::string::npos);
}

TEST(CatalogCommandTest, ShowOfUnknownIdFails) {
  Outcome outcome = RunWith({"catalog", "show", "5.99-1"});

  EXPECT_EQ(outcome.status, kExitFailure);
  EXPECT_NE(outcome.err.find("no provision '5.99-1'"), std::string::npos);
}

TEST(CatalogCommandTest, DiffNamesSplitsAndNewProvisions) {
  Outcome outcome = RunWith({"catalog", "diff", "2.1.1", "3.1.3"});

  ASSERT_EQ(outcome.status, kExitOk) << outcome.err;
  EXPECT_NE(outcome.out.find("split: 6"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("new: 4"), std::string::npos);
  EXPECT_NE(outcome.out.find("5.3-4A, 5.3-4B"), std::string::npos);
}

TEST(CatalogCommandTest, PstiCitesV211Provisions) {
  Outcome outcome = RunWith({"catalog", "psti"});

  ASSERT_EQ(outcome.status, kExitOk);
  EXPECT_NE(outcome.out.find("Paragraph 3"), std::string::npos);
  EXPECT_NE(outcome.out.find("5.3-13"), std::string::npos);
}

}  // namespace
}  // namespace provisio::cli
