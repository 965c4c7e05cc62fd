#include "provisio/evidence/history_store.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sql/postgres_test_support.h"
#include "sql/sqlite_database.h"

namespace provisio::evidence {
namespace {

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("history_store_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
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

AssessmentRun MakeRun(std::string version,
                      std::string time,
                      std::vector<std::pair<std::string, std::string>> verdicts) {
  AssessmentRun run;
  run.product = "Acme";
  run.model = "Plug 1";
  run.hardware_version = "rev B";
  run.software_version = std::move(version);
  run.standard_version = "3.1.3";
  run.tool_version = "0.1.0";
  run.assessed_at = *ParseUtc(time);
  run.verdicts = std::move(verdicts);
  run.gate_passed = true;
  for (const auto& [id, verdict] : run.verdicts) {
    if (verdict == "FAIL") {
      run.gate_passed = false;
      run.blocking_ids.push_back(id);
    }
  }
  run.report_sha256 = std::string(64, 'c');
  return run;
}

TEST(HistoryStoreTest, StoresUnderTheProductFolder) {
  EXPECT_EQ(HistoryStorePath("/p/plug"), std::filesystem::path("/p/plug/.provisio/history.db"));
}

TEST(HistoryStoreTest, RoundTripsRunsWithVerdictsAndBlockingIds) {
  TempDir dir;
  Result<HistoryStore> store = HistoryStore::Open(HistoryStorePath(dir.path()));
  ASSERT_TRUE(store.has_value()) << store.error().message();
  const AssessmentRun run =
      MakeRun("1.0.0", "2026-03-01T10:00:00Z",
              {{"5.1-1", "FAIL"}, {"5.0-1", "PASS"}, {"5.1-2", "NOT_APPLICABLE"}});

  Result<std::int64_t> id = store->Record(run);
  Result<std::vector<AssessmentRun>> runs = store->Runs();

  ASSERT_TRUE(id.has_value()) << id.error().message();
  ASSERT_TRUE(runs.has_value()) << runs.error().message();
  ASSERT_EQ(runs->size(), 1u);
  const AssessmentRun& got = (*runs)[0];
  EXPECT_EQ(got.id, *id);
  EXPECT_EQ(got.product, "Acme");
  EXPECT_EQ(got.model, "Plug 1");
  EXPECT_EQ(got.hardware_version, "rev B");
  EXPECT_EQ(got.software_version, "1.0.0");
  EXPECT_EQ(got.standard_version, "3.1.3");
  EXPECT_EQ(got.tool_version, "0.1.0");
  EXPECT_EQ(FormatUtc(got.assessed_at), "2026-03-01T10:00:00Z");
  EXPECT_FALSE(got.gate_passed);
  EXPECT_EQ(got.blocking_ids, std::vector<std::string>{"5.1-1"});
  EXPECT_EQ(got.verdicts, run.verdicts);  // Order preserved, not sorted.
  EXPECT_EQ(got.report_sha256, run.report_sha256);
}

TEST(HistoryStoreTest, KeepsRunsAcrossReopeningInTimeOrder) {
  TempDir dir;
  const std::filesystem::path path = HistoryStorePath(dir.path());
  {
    Result<HistoryStore> store = HistoryStore::Open(path);
    ASSERT_TRUE(store.has_value());
    ASSERT_TRUE(store->Record(MakeRun("2.0", "2026-05-01T00:00:00Z", {})).has_value());
    ASSERT_TRUE(store->Record(MakeRun("1.0", "2026-04-01T00:00:00Z", {})).has_value());
  }

  Result<HistoryStore> reopened = HistoryStore::Open(path);
  ASSERT_TRUE(reopened.has_value());
  Result<std::vector<AssessmentRun>> runs = reopened->Runs();

  ASSERT_TRUE(runs.has_value());
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].software_version, "1.0");
  EXPECT_EQ((*runs)[1].software_version, "2.0");
}

TEST(HistoryStoreTest, RejectsInvalidVerdictsWithoutStoringAnything) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> verdicts;
  };
  const Case cases[] = {
      {"duplicate id", {{"5.1-1", "PASS"}, {"5.1-1", "FAIL"}}},
      {"empty id", {{"", "PASS"}}},
      {"empty verdict", {{"5.1-1", ""}}},
  };
  TempDir dir;
  Result<HistoryStore> store = HistoryStore::Open(HistoryStorePath(dir.path()));
  ASSERT_TRUE(store.has_value());

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<std::int64_t> id = store->Record(MakeRun("1.0", "2026-01-01", c.verdicts));

    ASSERT_FALSE(id.has_value());
    EXPECT_EQ(id.error().code(), ErrorCode::kInvalidArgument);
  }
  Result<std::vector<AssessmentRun>> runs = store->Runs();
  ASSERT_TRUE(runs.has_value());
  EXPECT_TRUE(runs->empty());
}

TEST(HistoryStoreTest, RefusesStoreWrittenByNewerSchema) {
  TempDir dir;
  const std::filesystem::path path = HistoryStorePath(dir.path());
  ASSERT_TRUE(HistoryStore::Open(path).has_value());
  {
    Result<sql::SqliteDatabase> db = sql::SqliteDatabase::Open(path);
    ASSERT_TRUE(db.has_value());
    ASSERT_TRUE(db->Exec("PRAGMA user_version=99").has_value());
  }

  Result<HistoryStore> store = HistoryStore::Open(path);

  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnsupported);
}

TEST(HistoryStoreTest, FailsClearlyOnAFileThatIsNotADatabase) {
  TempDir dir;
  const std::filesystem::path path = dir.path() / "history.db";
  {
    std::ofstream out(path);
    out << "this is not sqlite, just text that is long enough to fill a header page....\n";
  }

  Result<HistoryStore> store = HistoryStore::Open(path);

  ASSERT_FALSE(store.has_value());
  EXPECT_NE(store.error().message().find("history store"), std::string::npos);
}

TEST(HistoryStoreOnPostgresTest, RoundTripsRunsInASharedDatabase) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  Result<HistoryStore> store = HistoryStore::Open(database.uri());
  ASSERT_TRUE(store.has_value()) << store.error().message();
  const AssessmentRun older =
      MakeRun("1.0.0", "2026-03-01T10:00:00Z", {{"5.1-1", "FAIL"}, {"5.0-1", "PASS"}});
  const AssessmentRun newer =
      MakeRun("1.1.0", "2026-04-01T10:00:00Z", {{"5.1-1", "PASS"}, {"5.0-1", "PASS"}});

  Result<std::int64_t> first = store->Record(newer);
  Result<std::int64_t> second = store->Record(older);
  // A second process (a second connection) sees both runs.
  Result<HistoryStore> reader = HistoryStore::Open(database.uri());
  ASSERT_TRUE(reader.has_value()) << reader.error().message();
  Result<std::vector<AssessmentRun>> runs = reader->Runs();

  ASSERT_TRUE(first.has_value()) << first.error().message();
  ASSERT_TRUE(second.has_value()) << second.error().message();
  EXPECT_NE(*first, *second);
  ASSERT_TRUE(runs.has_value()) << runs.error().message();
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[0].software_version, "1.0.0");  // By assessment time, not insertion.
  EXPECT_EQ((*runs)[0].verdicts, older.verdicts);
  EXPECT_EQ((*runs)[0].blocking_ids, std::vector<std::string>{"5.1-1"});
  EXPECT_EQ((*runs)[0].assessed_at, older.assessed_at);
  EXPECT_EQ((*runs)[1].software_version, "1.1.0");
  EXPECT_TRUE((*runs)[1].gate_passed);
}

TEST(HistoryStoreOnPostgresTest, RefusesStoreWrittenByNewerSchema) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  ASSERT_TRUE(HistoryStore::Open(database.uri()).has_value());
  {
    Result<std::unique_ptr<sql::Database>> db = sql::OpenDatabase(database.uri());
    ASSERT_TRUE(db.has_value()) << db.error().message();
    ASSERT_TRUE((*db)
                    ->Exec("UPDATE provisio_schema_versions SET version = 99 "
                           "WHERE store = 'history store'")
                    .has_value());
  }

  Result<HistoryStore> store = HistoryStore::Open(database.uri());

  ASSERT_FALSE(store.has_value());
  EXPECT_EQ(store.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(store.error().message().find("99"), std::string::npos) << store.error().message();
}

TEST(CompareVersionsTest, ListsVerdictChangesBetweenConsecutiveVersions) {
  const std::vector<AssessmentRun> runs = {
      MakeRun("1.1", "2026-02-01T00:00:00Z",
              {{"5.1-1", "PASS"}, {"5.2-1", "INCONCLUSIVE"}, {"5.3-1", "FAIL"}}),
      MakeRun("1.0", "2026-01-01T00:00:00Z",
              {{"5.1-1", "FAIL"}, {"5.2-1", "FAIL"}, {"5.3-1", "FAIL"}, {"5.9-9", "PASS"}}),
  };

  VersionHistory history = CompareVersions(runs);

  ASSERT_EQ(history.versions.size(), 2u);
  EXPECT_EQ(history.versions[0].software_version, "1.0");
  EXPECT_EQ(history.versions[0].counts.at("FAIL"), 3);
  EXPECT_EQ(history.versions[1].software_version, "1.1");
  EXPECT_FALSE(history.versions[1].counts.contains("NOT_APPLICABLE"));
  ASSERT_EQ(history.changes.size(), 3u);
  EXPECT_EQ(history.changes[0].provision_id, "5.1-1");
  EXPECT_EQ(history.changes[0].from_version, "1.0");
  EXPECT_EQ(history.changes[0].from_verdict, "FAIL");
  EXPECT_EQ(history.changes[0].to_version, "1.1");
  EXPECT_EQ(history.changes[0].to_verdict, "PASS");
  EXPECT_EQ(history.changes[1].provision_id, "5.2-1");
  EXPECT_EQ(history.changes[1].to_verdict, "INCONCLUSIVE");
  EXPECT_EQ(history.changes[2].provision_id, "5.9-9");
  EXPECT_EQ(history.changes[2].from_verdict, "PASS");
  EXPECT_EQ(history.changes[2].to_verdict, "");
}

TEST(CompareVersionsTest, UsesTheLatestRunOfARepeatedVersion) {
  const std::vector<AssessmentRun> runs = {
      MakeRun("1.0", "2026-01-01T00:00:00Z", {{"5.1-1", "FAIL"}}),
      MakeRun("1.0", "2026-01-02T00:00:00Z", {{"5.1-1", "PASS"}}),
      MakeRun("2.0", "2026-02-01T00:00:00Z", {{"5.1-1", "PASS"}, {"5.1-2", "PASS"}}),
  };

  VersionHistory history = CompareVersions(runs);

  ASSERT_EQ(history.versions.size(), 2u);
  EXPECT_EQ(history.versions[0].run_count, 2);
  EXPECT_TRUE(history.versions[0].latest_run.gate_passed);
  ASSERT_EQ(history.changes.size(), 1u);
  EXPECT_EQ(history.changes[0].provision_id, "5.1-2");
  EXPECT_EQ(history.changes[0].from_verdict, "");
}

TEST(CompareVersionsTest, GivesNothingForNoRuns) {
  VersionHistory history = CompareVersions({});

  EXPECT_TRUE(history.versions.empty());
  EXPECT_TRUE(history.changes.empty());
}

}  // namespace
}  // namespace provisio::evidence
