#include "provisio/disclosure/case_tracker.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sql/database.h"
#include "sql/postgres_test_support.h"

namespace provisio::disclosure {
namespace {

TimePoint At(const char* text) {
  return ParseUtc(text).value_or(TimePoint{});
}

class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();  // "Test/Sqlite" for parameterized tests.
    std::replace(name.begin(), name.end(), '/', '-');
    path_ = std::filesystem::temp_directory_path() /
            ("provisio-cvd-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

NewEvent Request(const std::string& case_id,
                 EventType type,
                 std::map<std::string, std::string> fields = {}) {
  NewEvent request;
  request.case_id = case_id;
  request.type = type;
  request.actor = "alice";
  request.fields = std::move(fields);
  return request;
}

NewEvent OpenRequest() {
  return Request("", EventType::kOpen,
                 {{"reporter", "bob@example.org"},
                  {"summary", "auth bypass"},
                  {"received", "2026-03-02T08:00:00Z"}});
}

enum class Backend { kSqlite, kPostgres };

std::string BackendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

void PrintTo(Backend backend, std::ostream* os) {
  *os << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

// Every test runs on both backends: a SQLite file in a temporary directory,
// and a fresh database on the PostgreSQL test server (skipped without one,
// unless PROVISIO_REQUIRE_POSTGRES=1).
class CaseTrackerTest : public ::testing::TestWithParam<Backend> {
 protected:
  CaseTrackerTest() : clock_(At("2026-03-02T09:00:00Z")) {}

  void SetUp() override { ASSERT_NO_FATAL_FAILURE(UseFreshStore()); }

  // Points store_ at a new, empty store.
  void UseFreshStore() {
    if (GetParam() == Backend::kSqlite) {
      store_ = (dir_.path() / ("cvd-" + std::to_string(stores_++) + ".db")).string();
      return;
    }
    PROVISIO_TEST_POSTGRES_DATABASE(database);
    store_ = database.uri();
    databases_.push_back(std::move(database));
  }

  CaseTracker Open() {
    Result<CaseTracker> tracker = CaseTracker::Open(store_, clock_);
    EXPECT_TRUE(tracker.has_value()) << tracker.error().message();
    return std::move(*tracker);
  }

  // A second, raw connection to the store, as another program would open.
  std::unique_ptr<sql::Database> Connect() {
    Result<std::unique_ptr<sql::Database>> db = sql::OpenDatabase(store_);
    EXPECT_TRUE(db.has_value()) << db.error().message();
    return db ? std::move(*db) : nullptr;
  }

  // Runs raw SQL with the append-only triggers removed, as an attacker would.
  void Tamper(const std::string& statement) {
    std::unique_ptr<sql::Database> db = Connect();
    ASSERT_NE(db, nullptr);
    const char* drop = db->dialect() == sql::Dialect::kSqlite
                           ? "DROP TRIGGER IF EXISTS case_events_no_update;"
                             "DROP TRIGGER IF EXISTS case_events_no_delete;"
                           : "ALTER TABLE case_events DISABLE TRIGGER USER;";
    ASSERT_TRUE(db->Exec(drop).has_value());
    Result<void> done = db->Exec(statement);
    ASSERT_TRUE(done.has_value()) << done.error().message();
  }

  // Opens a case and records five more events; returns the case id.
  std::string SeedCase(CaseTracker& tracker) {
    Result<CaseEvent> opened = tracker.Record(OpenRequest());
    EXPECT_TRUE(opened.has_value()) << opened.error().message();
    const std::string id = opened->case_id;
    for (NewEvent request : {Request(id, EventType::kAcknowledge),
                             Request(id, EventType::kTriage, {{"outcome", "valid"}}),
                             Request(id, EventType::kFix, {{"description", "bounds check"}}),
                             Request(id, EventType::kRelease, {{"version", "2.0.1"}}),
                             Request(id, EventType::kNote, {{"text", "thanks"}})}) {
      clock_.Advance(std::chrono::hours(1));
      Result<CaseEvent> stored = tracker.Record(request);
      EXPECT_TRUE(stored.has_value()) << stored.error().message();
    }
    return id;
  }

  TempDir dir_;
  FixedClock clock_;
  std::string store_;
  int stores_ = 0;
  std::vector<sql::testing::TemporaryPostgresDatabase> databases_;
};

INSTANTIATE_TEST_SUITE_P(Backends,
                         CaseTrackerTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         BackendName);

TEST_P(CaseTrackerTest, AssignsYearlyCaseIdsAndChainsEvents) {
  CaseTracker tracker = Open();

  Result<CaseEvent> first = tracker.Record(OpenRequest());
  Result<CaseEvent> second = tracker.Record(OpenRequest());

  ASSERT_TRUE(first.has_value()) << first.error().message();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->case_id, "CVD-2026-0001");
  EXPECT_EQ(second->case_id, "CVD-2026-0002");
  EXPECT_EQ(first->sequence, 1);
  EXPECT_EQ(first->prev_hash, kGenesisHash);
  EXPECT_EQ(second->prev_hash, first->hash);
  EXPECT_EQ(first->at, clock_.Now());
}

TEST_P(CaseTrackerTest, ReplaysCasesFromTheLog) {
  CaseTracker tracker = Open();
  const std::string id = SeedCase(tracker);

  Result<Case> c = tracker.LoadCase(id);

  ASSERT_TRUE(c.has_value()) << c.error().message();
  EXPECT_EQ(c->state, CaseState::kReleased);
  EXPECT_EQ(c->events.size(), 6U);
  EXPECT_EQ(c->received, At("2026-03-02T08:00:00Z"));
}

TEST_P(CaseTrackerTest, RefusedTransitionWritesNothing) {
  CaseTracker tracker = Open();
  Result<CaseEvent> opened = tracker.Record(OpenRequest());
  ASSERT_TRUE(opened.has_value());

  Result<CaseEvent> close = tracker.Record(Request(opened->case_id, EventType::kClose));

  ASSERT_FALSE(close.has_value());
  EXPECT_EQ(close.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(tracker.ReadLog()->size(), 1U);
}

TEST_P(CaseTrackerTest, UnknownCaseIsNotFound) {
  CaseTracker tracker = Open();

  Result<CaseEvent> ack = tracker.Record(Request("CVD-2026-0042", EventType::kAcknowledge));

  ASSERT_FALSE(ack.has_value());
  EXPECT_EQ(ack.error().code(), ErrorCode::kNotFound);
}

TEST_P(CaseTrackerTest, VerifyAcceptsAnUntouchedLog) {
  CaseTracker tracker = Open();
  SeedCase(tracker);

  Result<ChainVerification> report = tracker.Verify();

  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events, 6);
  EXPECT_EQ(report->head_hash, tracker.ReadLog()->back().hash);
}

TEST_P(CaseTrackerTest, VerifyFindsTheFirstTamperedEvent) {
  struct Tampering {
    const char* name;
    const char* sql;
    std::int64_t first_bad;
  };
  const Tampering cases[] = {
      {"edited actor", "UPDATE case_events SET actor = 'mallory' WHERE seq = 3", 3},
      {"edited field", "UPDATE case_events SET fields = '{\"version\":\"9.9\"}' WHERE seq = 5", 5},
      {"edited time", "UPDATE case_events SET at = '2026-03-01T00:00:00Z' WHERE seq = 2", 2},
      {"deleted middle", "DELETE FROM case_events WHERE seq = 4", 4},
      {"deleted last", "DELETE FROM case_events WHERE seq = 6", 6},
      {"deleted last and head rewound",
       "DELETE FROM case_events WHERE seq = 6;"
       "UPDATE chain_head SET event_count = 5",
       6},
      {"inserted",
       "INSERT INTO case_events VALUES (7, 'CVD-2026-0001', 'note', "
       "'2026-03-03T00:00:00Z', 'x', '{\"text\":\"t\"}', 'aa', 'bb')",
       7},
      {"reordered",
       "UPDATE case_events SET seq = 100 WHERE seq = 2;"
       "UPDATE case_events SET seq = 2 WHERE seq = 3;"
       "UPDATE case_events SET seq = 3 WHERE seq = 100;",
       2},
  };
  for (const Tampering& t : cases) {
    SCOPED_TRACE(t.name);
    ASSERT_NO_FATAL_FAILURE(UseFreshStore());
    {
      CaseTracker tracker = Open();
      SeedCase(tracker);
    }
    Tamper(t.sql);
    CaseTracker tracker = Open();

    Result<ChainVerification> report = tracker.Verify();

    ASSERT_TRUE(report.has_value()) << report.error().message();
    EXPECT_FALSE(report->ok);
    EXPECT_EQ(report->first_bad_sequence, t.first_bad) << report->problem;
    EXPECT_FALSE(report->problem.empty());
  }
}

TEST_P(CaseTrackerTest, AnArchivedHeadRevealsATailDeletedTogetherWithTheChainHead) {
  // Deleting the newest event and rewinding chain_head to the event before
  // leaves a consistent, shorter chain: the log alone cannot tell. A head
  // hash archived earlier, outside the store, can.
  std::string archived_head;
  std::string earlier_head;
  {
    CaseTracker tracker = Open();
    SeedCase(tracker);
    Result<ChainVerification> before = tracker.Verify();
    ASSERT_TRUE(before.has_value() && before->ok);
    archived_head = before->head_hash;
    Result<std::vector<CaseEvent>> log = tracker.ReadLog();
    ASSERT_TRUE(log.has_value());
    ASSERT_EQ(log->size(), 6U);
    earlier_head = (*log)[2].hash;
  }
  Tamper(
      "DELETE FROM case_events WHERE seq = 6;"
      "UPDATE chain_head SET event_count = 5, "
      "head_hash = (SELECT hash FROM case_events WHERE seq = 5)");
  CaseTracker tracker = Open();

  Result<ChainVerification> alone = tracker.Verify();
  Result<ChainVerification> anchored = tracker.Verify(archived_head);
  Result<ChainVerification> older_anchor = tracker.Verify(earlier_head);
  Result<ChainVerification> genesis = tracker.Verify(std::string(64, '0'));

  ASSERT_TRUE(alone.has_value() && anchored.has_value() && older_anchor.has_value() &&
              genesis.has_value());
  EXPECT_TRUE(alone->ok) << "the documented limitation: " << alone->problem;
  EXPECT_FALSE(anchored->ok);
  EXPECT_EQ(anchored->first_bad_sequence, 6);
  EXPECT_NE(anchored->problem.find(archived_head), std::string::npos) << anchored->problem;
  EXPECT_TRUE(older_anchor->ok) << older_anchor->problem;
  EXPECT_TRUE(genesis->ok) << genesis->problem;
}

TEST_P(CaseTrackerTest, TheStoreRefusesUpdatesAndDeletesThroughSql) {
  {
    CaseTracker tracker = Open();
    SeedCase(tracker);
  }
  std::unique_ptr<sql::Database> db = Connect();
  ASSERT_NE(db, nullptr);

  Result<void> update = db->Exec("UPDATE case_events SET actor = 'x'");
  Result<void> remove = db->Exec("DELETE FROM case_events");
  // SQLite has no TRUNCATE (DELETE covers it); PostgreSQL needs its own trigger.
  Result<void> truncate = db->dialect() == sql::Dialect::kPostgres
                              ? db->Exec("TRUNCATE case_events")
                              : Result<void>(Fail(ErrorCode::kUnsupported, "append-only"));

  ASSERT_FALSE(update.has_value());
  EXPECT_NE(update.error().message().find("append-only"), std::string::npos);
  ASSERT_FALSE(remove.has_value());
  EXPECT_NE(remove.error().message().find("append-only"), std::string::npos);
  ASSERT_FALSE(truncate.has_value());
  EXPECT_NE(truncate.error().message().find("append-only"), std::string::npos);
  CaseTracker tracker = Open();
  EXPECT_EQ(tracker.ReadLog()->size(), 6U);
}

TEST_P(CaseTrackerTest, StoreFromANewerSchemaIsRefusedClearly) {
  { CaseTracker tracker = Open(); }
  {
    // A later provisio has moved the store on to schema 99.
    std::unique_ptr<sql::Database> db = Connect();
    ASSERT_NE(db, nullptr);
    const sql::Migration later[] = {{99, "SELECT 1"}};
    Result<void> migrated = db->Migrate(later, "case store");
    ASSERT_TRUE(migrated.has_value()) << migrated.error().message();
  }

  Result<CaseTracker> tracker = CaseTracker::Open(store_, clock_);

  ASSERT_FALSE(tracker.has_value());
  EXPECT_EQ(tracker.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(tracker.error().message().find("newer"), std::string::npos);
}

TEST_P(CaseTrackerTest, ConcurrentWritersLoseNoEventAndKeepTheChain) {
  std::string id;
  {
    CaseTracker tracker = Open();
    id = tracker.Record(OpenRequest())->case_id;
  }
  constexpr int kPerWriter = 40;
  auto writer = [&](const std::string& name, int& failures) {
    Result<CaseTracker> tracker = CaseTracker::Open(store_, clock_);
    if (!tracker) {
      failures = kPerWriter;
      return;
    }
    for (int i = 0; i < kPerWriter; ++i) {
      NewEvent note = Request(id, EventType::kNote, {{"text", name + std::to_string(i)}});
      note.actor = name;
      if (!tracker->Record(note)) {
        ++failures;
      }
      Result<CaseEvent> opened = tracker->Record(OpenRequest());
      if (!opened) {
        ++failures;
      }
    }
  };
  int failures_a = 0;
  int failures_b = 0;

  std::thread a(writer, "a", std::ref(failures_a));
  std::thread b(writer, "b", std::ref(failures_b));
  a.join();
  b.join();

  EXPECT_EQ(failures_a, 0);
  EXPECT_EQ(failures_b, 0);
  CaseTracker tracker = Open();
  Result<ChainVerification> report = tracker.Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events, 1 + 4 * kPerWriter);
  Result<std::vector<Case>> cases = tracker.LoadAllCases();
  ASSERT_TRUE(cases.has_value());
  EXPECT_EQ(cases->size(), 1U + 2 * kPerWriter);
  EXPECT_EQ(cases->back().id, "CVD-2026-0081");  // 1 + 2 * kPerWriter cases.
}

TEST_P(CaseTrackerTest, ConcurrentProcessesLoseNoEventAndKeepTheChain) {
  std::string id;
  {
    CaseTracker tracker = Open();
    id = tracker.Record(OpenRequest())->case_id;
  }
  constexpr int kWriters = 2;
  constexpr int kPerWriter = 25;
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      // Child: its own connection, as a second CLI process would have.
      Result<CaseTracker> tracker = CaseTracker::Open(store_, clock_);
      int failures = tracker ? 0 : kPerWriter;
      for (int i = 0; tracker && i < kPerWriter; ++i) {
        NewEvent note = Request(id, EventType::kNote, {{"text", std::to_string(i)}});
        note.actor = "process-" + std::to_string(w);
        failures += tracker->Record(note) ? 0 : 1;
      }
      ::_exit(failures == 0 ? 0 : 1);
    }
    children.push_back(pid);
  }

  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }

  CaseTracker tracker = Open();
  Result<ChainVerification> report = tracker.Verify();
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->ok) << report->problem;
  EXPECT_EQ(report->events, 1 + kWriters * kPerWriter);
}

TEST(CaseTrackerOpenTest, ExistingAccessRefusesAMissingStoreAndCreatesNothing) {
  TempDir dir;
  FixedClock clock(At("2026-03-02T09:00:00Z"));
  const std::filesystem::path missing = dir.path() / "typo" / "cases.db";

  Result<CaseTracker> tracker = CaseTracker::Open(missing.string(), clock, StoreAccess::kExisting);

  ASSERT_FALSE(tracker.has_value());
  EXPECT_EQ(tracker.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(tracker.error().message().find(missing.string()), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "typo"));

  // The default (kCreate) creates it; then kExisting opens it.
  ASSERT_TRUE(CaseTracker::Open(missing.string(), clock).has_value());
  EXPECT_TRUE(CaseTracker::Open(missing.string(), clock, StoreAccess::kExisting).has_value());
}

}  // namespace
}  // namespace provisio::disclosure
