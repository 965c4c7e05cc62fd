#include "cli/history_command.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "cli/run.h"
#include "formats/document.h"
#include "provisio/assess/product.h"
#include "provisio/evidence/history_store.h"
#include "sql/postgres_test_support.h"

namespace provisio::cli {
namespace {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ =
        std::filesystem::temp_directory_path() /
        ("history_command_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

Outcome History(const std::filesystem::path& dir, bool json = false) {
  std::ostringstream out;
  std::ostringstream err;
  const int status = RunHistory(HistoryOptions{dir.string(), json, ""}, out, err);
  return {status, out.str(), err.str()};
}

void RecordRun(const std::filesystem::path& dir,
               const std::string& version,
               const std::string& time,
               std::vector<std::pair<std::string, std::string>> verdicts) {
  Result<evidence::HistoryStore> store =
      evidence::HistoryStore::Open(evidence::HistoryStorePath(dir));
  ASSERT_TRUE(store.has_value()) << store.error().message();
  evidence::AssessmentRun run;
  run.product = "Acme";
  run.model = "Plug";
  run.software_version = version;
  run.standard_version = "3.1.3";
  run.assessed_at = *ParseUtc(time);
  run.verdicts = std::move(verdicts);
  run.gate_passed = true;
  for (const auto& [id, verdict] : run.verdicts) {
    if (verdict == "FAIL") {
      run.gate_passed = false;
      run.blocking_ids.push_back(id);
    }
  }
  ASSERT_TRUE(store->Record(run).has_value());
}

TEST(HistoryCommandTest, ShowsCountsPerVersionThenChangesPerProvision) {
  TempDir dir;
  RecordRun(dir.path(), "1.0", "2026-01-01T00:00:00Z",
            {{"5.1-1", "FAIL"}, {"5.1-2", "PASS"}, {"5.2-1", "INCONCLUSIVE"}});
  RecordRun(dir.path(), "1.1", "2026-02-01T00:00:00Z",
            {{"5.1-1", "PASS"}, {"5.1-2", "PASS"}, {"5.2-1", "PASS"}});
  RecordRun(dir.path(), "1.2", "2026-03-01T00:00:00Z",
            {{"5.1-1", "FAIL"}, {"5.1-2", "PASS"}, {"5.2-1", "PASS"}});

  Outcome outcome = History(dir.path());

  ASSERT_EQ(outcome.status, kExitOk) << outcome.err;
  EXPECT_NE(outcome.out.find("History of Acme Plug: 3 runs, 3 software versions"),
            std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("1.0      2026-01-01T00:00:00Z  1     FAIL  1     1     1  "),
            std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("5.1-1  1.0 FAIL -> 1.1 PASS -> 1.2 FAIL"), std::string::npos)
      << outcome.out;
  EXPECT_NE(outcome.out.find("5.2-1  1.0 INCONCLUSIVE -> 1.1 PASS"), std::string::npos)
      << outcome.out;
  EXPECT_EQ(outcome.out.find("5.1-2  "), std::string::npos)
      << "unchanged provisions are not listed";
  EXPECT_EQ(outcome.err, "");
}

TEST(HistoryCommandTest, PrintsJsonWithNullForProvisionsNotAssessed) {
  TempDir dir;
  RecordRun(dir.path(), "1.0", "2026-01-01T00:00:00Z", {{"5.1-1", "FAIL"}});
  RecordRun(dir.path(), "2.0", "2026-02-01T00:00:00Z", {{"5.1-1", "PASS"}, {"5.4-1", "PASS"}});

  Outcome outcome = History(dir.path(), /*json=*/true);

  ASSERT_EQ(outcome.status, kExitOk) << outcome.err;
  Result<formats::Document> doc = formats::ParseJson(outcome.out, "stdout");
  ASSERT_TRUE(doc.has_value()) << doc.error().message();
  const formats::Json& root = doc->value;
  EXPECT_EQ(root.value("runs", 0), 2);
  ASSERT_EQ(root["versions"].size(), 2u);
  EXPECT_EQ(root["versions"][0]["counts"].value("FAIL", 0), 1);
  EXPECT_EQ(root["versions"][0]["latest_run"].value("gate_passed", true), false);
  ASSERT_EQ(root["changes"].size(), 2u);
  EXPECT_EQ(root["changes"][1].value("provision", ""), "5.4-1");
  EXPECT_TRUE(root["changes"][1]["from_verdict"].is_null());
}

TEST(HistoryCommandTest, SaysSoWhenNothingIsRecordedAndCreatesNoStore) {
  TempDir dir;

  Outcome outcome = History(dir.path());

  EXPECT_EQ(outcome.status, kExitOk);
  EXPECT_NE(outcome.out.find("No assessment runs recorded"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / ".provisio"));
}

TEST(HistoryCommandTest, FailsOnAMissingFolderOrUnreadableStore) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "p" / ".provisio");
  {
    std::ofstream bad(dir.path() / "p" / ".provisio" / "history.db");
    bad << "not a database, but long enough text to look like a file header...........\n";
  }

  Outcome missing = History(dir.path() / "nope");
  Outcome corrupt = History(dir.path() / "p");

  EXPECT_EQ(missing.status, kExitFailure);
  EXPECT_NE(missing.err.find("provisio history: "), std::string::npos);
  EXPECT_NE(missing.err.find("no such folder"), std::string::npos);
  EXPECT_EQ(corrupt.status, kExitFailure);
  EXPECT_NE(corrupt.err.find("provisio history: "), std::string::npos);
  EXPECT_EQ(corrupt.out, "");
}

TEST(HistoryCommandTest, ReadsOnlyThisProductsRunsFromASharedPostgresStore) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  TempDir dir;
  std::filesystem::copy(std::filesystem::path(PROVISIO_SOURCE_DIR) / "examples/smart-plug",
                        dir.path(), std::filesystem::copy_options::recursive);
  Result<assess::ProductFile> product = assess::ReadProductFile(dir.path());
  ASSERT_TRUE(product.has_value()) << product.error().message();
  Result<evidence::HistoryStore> store = evidence::HistoryStore::Open(database.uri());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  for (const auto& [maker, version] :
       std::vector<std::pair<std::string, std::string>>{{product->dut.manufacturer, "1.0"},
                                                        {"Someone Else", "9.9"},
                                                        {product->dut.manufacturer, "1.1"}}) {
    evidence::AssessmentRun run;
    run.product = maker;
    run.model = product->dut.model;
    run.software_version = version;
    run.standard_version = "3.1.3";
    run.assessed_at = *ParseUtc(version == "1.0" ? "2026-01-01T00:00:00Z" : "2026-02-01T00:00:00Z");
    run.verdicts = {{"5.1-1", version == "1.0" ? "FAIL" : "PASS"}};
    ASSERT_TRUE(store->Record(run).has_value());
  }

  std::ostringstream out;
  std::ostringstream err;
  const int status =
      RunHistory(HistoryOptions{dir.path().string(), false, database.uri()}, out, err);

  ASSERT_EQ(status, kExitOk) << err.str();
  EXPECT_NE(out.str().find("2 runs, 2 software versions"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("5.1-1  1.0 FAIL -> 1.1 PASS"), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("9.9"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("postgresql://"), std::string::npos) << out.str();
}

TEST(HistoryCommandTest, RequiresTheFolderArgument) {
  std::ostringstream out;
  std::ostringstream err;
  const char* args[] = {"provisio", "history"};

  const int status = cli::Run(2, args, out, err);

  EXPECT_EQ(status, kExitUsage);
}

}  // namespace
}  // namespace provisio::cli
