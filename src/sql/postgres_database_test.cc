#include "sql/postgres_database.h"

#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sql/database.h"
#include "sql/postgres_test_support.h"

namespace provisio::sql {
namespace {

using testing::WithDatabaseName;

const Migration kMigrations[] = {
    {1, "CREATE TABLE items(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE);",
     "CREATE TABLE items(id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
     " name TEXT NOT NULL UNIQUE);"},
    // Two statements in one step.
    {2, "ALTER TABLE items ADD COLUMN note TEXT; CREATE INDEX items_note ON items(note);"},
};

// Opens the test database through the public entry point, as stores do.
std::unique_ptr<Database> OpenOrDie(const std::string& uri) {
  Result<std::unique_ptr<Database>> db = OpenDatabase(uri);
  EXPECT_TRUE(db.has_value()) << db.error().message();
  return db ? std::move(*db) : nullptr;
}

std::int64_t CountRows(Database& db, const std::string& table) {
  Result<Statement> count = db.Prepare("SELECT COUNT(*) FROM " + table);
  EXPECT_TRUE(count.has_value());
  Result<bool> row = count->Step();
  EXPECT_TRUE(row.has_value() && *row) << (row ? "no row" : row.error().message());
  return count->ColumnInt(0);
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

TEST(TranslateParametersTest, RewritesOnlyParametersOutsideQuotesAndComments) {
  struct Case {
    const char* sql;
    const char* expected;
    int max_index;
  };
  const Case cases[] = {
      {"SELECT ?1, ?2", "SELECT $1, $2", 2},
      {"SELECT ?12 + ?3", "SELECT $12 + $3", 12},
      {"SELECT 'a?1' || ?1", "SELECT 'a?1' || $1", 1},
      {"SELECT 'it''s ?2', ?1", "SELECT 'it''s ?2', $1", 1},
      {"SELECT E'\\' ?2', ?1", "SELECT E'\\' ?2', $1", 1},
      {"SELECT \"col?1\" FROM t WHERE x = ?1", "SELECT \"col?1\" FROM t WHERE x = $1", 1},
      {"SELECT ?1 -- not ?2\n, ?3", "SELECT $1 -- not ?2\n, $3", 3},
      {"SELECT /* ?2 /* nested ?3 */ ?4 */ ?1", "SELECT /* ?2 /* nested ?3 */ ?4 */ $1", 1},
      {"SELECT $$ ?2 $$, $tag$ ?3 $ $tag$, ?1", "SELECT $$ ?2 $$, $tag$ ?3 $ $tag$, $1", 1},
      {"SELECT doc ? 'key', ?1", "SELECT doc ? 'key', $1", 1},
      {"SELECT $1", "SELECT $1", 0},
      {"SELECT 1", "SELECT 1", 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.sql);
    int max_index = -1;
    EXPECT_EQ(TranslateParameters(c.sql, &max_index), c.expected);
    EXPECT_EQ(max_index, c.max_index);
  }
}

TEST(MaskPostgresPasswordTest, HidesPasswordsAndKeepsTheRest) {
  struct Case {
    const char* uri;
    const char* expected;
  };
  const Case cases[] = {
      {"postgresql://user:secret@host/db", "postgresql://user:***@host/db"},
      {"postgres://user:p%40ss@host:5433/db?sslmode=require",
       "postgres://user:***@host:5433/db?sslmode=require"},
      {"postgresql://user@host/db", "postgresql://user@host/db"},
      {"postgresql:///db?host=/tmp/s&password=secret&user=u",
       "postgresql:///db?host=/tmp/s&password=***&user=u"},
      {"postgresql://u:a@b@host/db?password=x", "postgresql://u:***@host/db?password=***"},
      {"postgresql:///postgres?host=/tmp/x/socket", "postgresql:///postgres?host=/tmp/x/socket"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.uri);
    EXPECT_EQ(MaskPostgresPassword(c.uri), c.expected);
  }
}

TEST(WithDatabaseNameTest, ReplacesOnlyTheDatabaseName) {
  struct Case {
    const char* uri;
    const char* expected;
  };
  const Case cases[] = {
      {"postgresql:///postgres?host=/tmp/s&port=5432", "postgresql:///other?host=/tmp/s&port=5432"},
      {"postgresql://user:pw@host:5432/postgres", "postgresql://user:pw@host:5432/other"},
      {"postgresql://host", "postgresql://host/other"},
      {"postgres://host?sslmode=disable", "postgres://host/other?sslmode=disable"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.uri);
    EXPECT_EQ(WithDatabaseName(c.uri, "other"), c.expected);
  }
}

TEST(PostgresDatabaseTest, UnreachableServerGivesAClearErrorWithoutThePassword) {
  const std::string uri =
      "postgresql://alice:s3cret@/db?host=/nonexistent-provisio-socket&connect_timeout=2";

  Result<std::unique_ptr<Database>> db = OpenDatabase(uri);

  ASSERT_FALSE(db.has_value());
  EXPECT_EQ(db.error().code(), ErrorCode::kIo);
  const std::string& message = db.error().message();
  EXPECT_TRUE(Contains(message, "connecting to postgresql://alice:***@/db?host=")) << message;
  EXPECT_TRUE(Contains(message, "/nonexistent-provisio-socket/.s.PGSQL")) << message;
  EXPECT_FALSE(Contains(message, "s3cret")) << message;
  EXPECT_FALSE(Contains(message, "\n")) << message;
}

TEST(PostgresDatabaseTest, MigratesToNewestVersionOnce) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  Result<PostgresDatabase> db = PostgresDatabase::Open(database.uri());
  ASSERT_TRUE(db.has_value()) << db.error().message();

  Result<void> first = db->Migrate(kMigrations, "test store");
  Result<void> second = db->Migrate(kMigrations, "test store");

  ASSERT_TRUE(first.has_value()) << first.error().message();
  ASSERT_TRUE(second.has_value()) << second.error().message();
  EXPECT_EQ(*db->SchemaVersion("test store"), 2);
  EXPECT_TRUE(db->Exec("INSERT INTO items(name, note) VALUES('a', 'b')").has_value());
}

TEST(PostgresDatabaseTest, RefusesStoreFromNewerSchemaNamingBothVersions) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::unique_ptr<Database> db = OpenOrDie(database.uri());
  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());
  ASSERT_TRUE(
      db->Exec("UPDATE provisio_schema_versions SET version = 9 WHERE store = 'test store'"));

  Result<void> migrated = db->Migrate(kMigrations, "test store");

  ASSERT_FALSE(migrated.has_value());
  EXPECT_EQ(migrated.error().code(), ErrorCode::kUnsupported);
  const std::string& message = migrated.error().message();
  EXPECT_TRUE(Contains(message, "schema version 9")) << message;
  EXPECT_TRUE(Contains(message, "understands (2)")) << message;
  EXPECT_TRUE(Contains(message, db->Describe())) << message;
}

TEST(PostgresDatabaseTest, StoresWithDifferentNamesShareOneDatabase) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  Result<PostgresDatabase> db = PostgresDatabase::Open(database.uri());
  ASSERT_TRUE(db.has_value()) << db.error().message();
  const Migration other[] = {{1, "CREATE TABLE cases(id TEXT PRIMARY KEY);"}};

  ASSERT_TRUE(db->Migrate(kMigrations, "password registry").has_value());
  ASSERT_TRUE(db->Migrate(other, "case store").has_value());
  ASSERT_TRUE(db->Migrate(kMigrations, "password registry").has_value());
  ASSERT_TRUE(db->Migrate(other, "case store").has_value());

  EXPECT_EQ(*db->SchemaVersion("password registry"), 2);
  EXPECT_EQ(*db->SchemaVersion("case store"), 1);
  EXPECT_EQ(*db->SchemaVersion("never migrated"), 0);
}

TEST(PostgresDatabaseTest, FailedTransactionLeavesNothingBehind) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::unique_ptr<Database> db = OpenOrDie(database.uri());
  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());

  Result<void> duplicate = db->InTransaction([&]() -> Result<void> {
    Result<void> first = db->Exec("INSERT INTO items(name) VALUES('a')");
    if (!first) {
      return first;
    }
    return db->Exec("INSERT INTO items(name) VALUES('a')");  // UNIQUE violation.
  });
  Result<void> refused = db->InTransaction([&]() -> Result<void> {
    Result<void> first = db->Exec("INSERT INTO items(name) VALUES('b')");
    if (!first) {
      return first;
    }
    return Fail(ErrorCode::kConflict, "changed my mind");
  });
  Result<void> ignored = db->InTransaction([&]() -> Result<void> {
    (void)db->Exec("INSERT INTO no_such_table VALUES(1)");
    return {};  // Carries on regardless: the commit must still fail.
  });

  ASSERT_FALSE(duplicate.has_value());
  EXPECT_EQ(duplicate.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(Contains(duplicate.error().message(), "SQLSTATE 23505"))
      << duplicate.error().message();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().message(), "changed my mind");
  ASSERT_FALSE(ignored.has_value());
  EXPECT_EQ(CountRows(*db, "items"), 0);
  // The connection is usable again afterwards.
  EXPECT_TRUE(db->InTransaction([&] {
                  return db->Exec("INSERT INTO items(name) VALUES('c')");
                }).has_value());
  EXPECT_EQ(CountRows(*db, "items"), 1);
}

TEST(PostgresDatabaseTest, NestedTransactionIsRefusedWithoutCommittingTheOuterOne) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::unique_ptr<Database> db = OpenOrDie(database.uri());
  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());

  Result<void> outer = db->InTransaction([&]() -> Result<void> {
    Result<void> insert = db->Exec("INSERT INTO items(name) VALUES('a')");
    if (!insert) {
      return insert;
    }
    return db->InTransaction([] { return Result<void>(); });
  });

  ASSERT_FALSE(outer.has_value());
  EXPECT_EQ(outer.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(CountRows(*db, "items"), 0);
}

TEST(PostgresDatabaseTest, ConcurrentWritersOnTwoConnectionsLoseNoUpdate) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  {
    std::unique_ptr<Database> db = OpenOrDie(database.uri());
    ASSERT_TRUE(
        db->Exec("CREATE TABLE counter(n BIGINT NOT NULL); INSERT INTO counter VALUES(0);"));
  }
  constexpr int kPerThread = 200;
  std::vector<std::string> failures(2);

  auto increment = [&](std::size_t worker) {
    Result<std::unique_ptr<Database>> db = OpenDatabase(database.uri());
    if (!db) {
      failures[worker] = db.error().message();
      return;
    }
    Database& store = **db;
    for (int i = 0; i < kPerThread; ++i) {
      // Read, then write what was read plus one: only correct if writers
      // are serialized.
      Result<void> done = store.InTransaction([&]() -> Result<void> {
        Result<Statement> read = store.Prepare("SELECT n FROM counter");
        if (!read) {
          return Fail(read.error());
        }
        Result<bool> row = read->Step();
        if (!row) {
          return Fail(row.error());
        }
        const std::int64_t n = read->ColumnInt(0);
        std::this_thread::yield();
        Result<Statement> write = store.Prepare("UPDATE counter SET n = ?1");
        if (!write) {
          return Fail(write.error());
        }
        write->Bind(1, n + 1);
        return write->Run();
      });
      if (!done) {
        failures[worker] = done.error().message();
        return;
      }
    }
  };
  std::thread first(increment, 0);
  std::thread second(increment, 1);
  first.join();
  second.join();

  EXPECT_EQ(failures[0], "");
  EXPECT_EQ(failures[1], "");
  std::unique_ptr<Database> db = OpenOrDie(database.uri());
  Result<Statement> read = db->Prepare("SELECT n FROM counter");
  ASSERT_TRUE(read.has_value());
  ASSERT_TRUE(*read->Step());
  EXPECT_EQ(read->ColumnInt(0), 2 * kPerThread);
}

TEST(PostgresDatabaseTest, ParametersAndColumnsRoundTrip) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::unique_ptr<Database> db = OpenOrDie(database.uri());
  ASSERT_TRUE(
      db->Exec("CREATE TABLE v(k INTEGER PRIMARY KEY, t TEXT, i BIGINT, d DOUBLE "
               "PRECISION, b BYTEA, n TEXT, lit TEXT)"));
  struct Row {
    std::string text;
    std::int64_t integer;
    double real;
    std::vector<std::uint8_t> blob;
  };
  const std::vector<Row> rows = {
      {"O'Brien said \"?2\" \\ ; -- not a comment",
       std::numeric_limits<std::int64_t>::min(),
       0.1,
       {0, 1, 0, 255, '\\', 'x'}},
      {"", std::numeric_limits<std::int64_t>::max(), -1.5e308, {}},
      {"ünïcödé ✓", 0, 5e-324, {0}},
  };
  Result<Statement> insert = db->Prepare(
      "INSERT INTO v(k, t, i, d, b, n, lit) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'what?1 it''s')");
  ASSERT_TRUE(insert.has_value());

  for (std::size_t k = 0; k < rows.size(); ++k) {
    SCOPED_TRACE(k);
    insert->Bind(1, static_cast<std::int64_t>(k))
        .Bind(2, rows[k].text)
        .Bind(3, rows[k].integer)
        .Bind(4, rows[k].real)
        .BindBlob(5, rows[k].blob)
        .BindNull(6);
    Result<void> ran = insert->Run();
    ASSERT_TRUE(ran.has_value()) << ran.error().message();
    ASSERT_TRUE(insert->Reset().has_value());
  }

  Result<Statement> select = db->Prepare("SELECT t, i, d, b, n, lit FROM v ORDER BY k");
  ASSERT_TRUE(select.has_value());
  for (const Row& expected : rows) {
    SCOPED_TRACE(expected.text);
    Result<bool> row = select->Step();
    ASSERT_TRUE(row.has_value()) << row.error().message();
    ASSERT_TRUE(*row);
    EXPECT_EQ(select->ColumnText(0), expected.text);
    EXPECT_EQ(select->ColumnInt(1), expected.integer);
    EXPECT_EQ(select->ColumnDouble(2), expected.real);
    EXPECT_EQ(select->ColumnBlob(3), std::string(expected.blob.begin(), expected.blob.end()));
    EXPECT_FALSE(select->ColumnIsNull(3));
    EXPECT_TRUE(select->ColumnIsNull(4));
    EXPECT_EQ(select->ColumnText(4), "");
    EXPECT_EQ(select->ColumnText(5), "what?1 it's");
  }
  Result<bool> done = select->Step();
  ASSERT_TRUE(done.has_value());
  EXPECT_FALSE(*done);
}

TEST(PostgresDatabaseTest, ReturningGivesTheNewIdAndStatementsRunAgainAfterReset) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::unique_ptr<Database> db = OpenOrDie(database.uri());
  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());
  Result<Statement> insert = db->Prepare("INSERT INTO items(name) VALUES(?1) RETURNING id");
  ASSERT_TRUE(insert.has_value());

  std::vector<std::int64_t> ids;
  for (const char* name : {"first", "second"}) {
    insert->Bind(1, name);
    Result<bool> row = insert->Step();
    ASSERT_TRUE(row.has_value()) << row.error().message();
    ASSERT_TRUE(*row);
    ids.push_back(insert->ColumnInt(0));
    ASSERT_FALSE(*insert->Step());
    ASSERT_TRUE(insert->Reset().has_value());
  }

  EXPECT_EQ(ids, (std::vector<std::int64_t>{1, 2}));
}

TEST(PostgresDatabaseTest, ReadTransactionSeesOneSnapshot) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::unique_ptr<Database> reader = OpenOrDie(database.uri());
  std::unique_ptr<Database> writer = OpenOrDie(database.uri());
  ASSERT_TRUE(reader->Migrate(kMigrations, "test store").has_value());

  std::vector<std::int64_t> counts;
  Result<void> read = reader->InReadTransaction([&]() -> Result<void> {
    counts.push_back(CountRows(*reader, "items"));
    Result<void> written = writer->Exec("INSERT INTO items(name) VALUES('x')");
    if (!written) {
      return written;
    }
    counts.push_back(CountRows(*reader, "items"));
    return reader->Exec("INSERT INTO items(name) VALUES('y')");  // Read only: refused.
  });

  ASSERT_FALSE(read.has_value());
  EXPECT_TRUE(Contains(read.error().message(), "read-only")) << read.error().message();
  EXPECT_EQ(counts, (std::vector<std::int64_t>{0, 0}));
  EXPECT_EQ(CountRows(*reader, "items"), 1);
}

TEST(PostgresDatabaseTest, DescribeMasksThePassword) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  // The test server trusts local users, so any password is accepted.
  std::string uri = database.uri();
  const std::size_t authority = uri.find("://") + 3;
  uri.insert(authority, "postgres:hunter2@");

  Result<std::unique_ptr<Database>> db = OpenDatabase(uri);

  ASSERT_TRUE(db.has_value()) << db.error().message();
  EXPECT_EQ((*db)->dialect(), Dialect::kPostgres);
  EXPECT_FALSE(Contains((*db)->Describe(), "hunter2")) << (*db)->Describe();
  EXPECT_TRUE(Contains((*db)->Describe(), "postgres:***@")) << (*db)->Describe();
}

TEST(PostgresDatabaseTest, SyntaxErrorNamesTheSqlstate) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::unique_ptr<Database> db = OpenOrDie(database.uri());

  Result<Statement> statement = db->Prepare("SELEC 1");
  ASSERT_TRUE(statement.has_value());
  Result<bool> row = statement->Step();

  ASSERT_FALSE(row.has_value());
  EXPECT_EQ(row.error().code(), ErrorCode::kIo);
  EXPECT_TRUE(Contains(row.error().message(), "SQLSTATE 42601")) << row.error().message();
}

}  // namespace
}  // namespace provisio::sql
