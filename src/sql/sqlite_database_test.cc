#include "sql/sqlite_database.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "sql/database.h"

namespace provisio::sql {
namespace {

namespace fs = std::filesystem;

fs::path TempDb(const char* name) {
  const fs::path path =
      fs::temp_directory_path() / ("provisio_sql_" + std::to_string(::getpid()) + name);
  fs::remove(path);
  fs::remove(path.string() + "-wal");
  fs::remove(path.string() + "-shm");
  return path;
}

const Migration kMigrations[] = {
    {1, "CREATE TABLE items(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"},
    {2, "ALTER TABLE items ADD COLUMN note TEXT;"},
};

TEST(SqliteDatabaseTest, MigratesToNewestVersionOnce) {
  const fs::path path = TempDb("migrate.db");
  Result<SqliteDatabase> db = SqliteDatabase::Open(path);
  ASSERT_TRUE(db.has_value()) << db.error().message();

  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());
  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());

  EXPECT_EQ(*db->SchemaVersion(), 2);
  fs::remove(path);
}

TEST(SqliteDatabaseTest, RefusesStoreFromNewerSchema) {
  const fs::path path = TempDb("newer.db");
  {
    Result<SqliteDatabase> db = SqliteDatabase::Open(path);
    ASSERT_TRUE(db->Exec("PRAGMA user_version=9").has_value());
  }
  Result<SqliteDatabase> db = SqliteDatabase::Open(path);

  Result<void> migrated = db->Migrate(kMigrations, "test store");

  ASSERT_FALSE(migrated.has_value());
  EXPECT_EQ(migrated.error().code(), ErrorCode::kUnsupported);
  EXPECT_NE(migrated.error().message().find("schema version 9"), std::string::npos);
  fs::remove(path);
}

TEST(SqliteDatabaseTest, FailedTransactionLeavesNothingBehind) {
  Result<SqliteDatabase> db = SqliteDatabase::Open(":memory:");
  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());

  Result<void> outcome = db->InTransaction([&]() -> Result<void> {
    Result<void> first = db->Exec("INSERT INTO items(name) VALUES('a')");
    if (!first) {
      return first;
    }
    return db->Exec("INSERT INTO items(name) VALUES('a')");  // UNIQUE violation.
  });

  EXPECT_FALSE(outcome.has_value());
  Result<Statement> count = db->Prepare("SELECT COUNT(*) FROM items");
  ASSERT_TRUE(count.has_value());
  ASSERT_TRUE(*count->Step());
  EXPECT_EQ(count->ColumnInt(0), 0);
}

TEST(SqliteDatabaseTest, BindsAndReadsValues) {
  Result<SqliteDatabase> db = SqliteDatabase::Open(":memory:");
  ASSERT_TRUE(db->Migrate(kMigrations, "test store").has_value());
  Result<Statement> insert = db->Prepare("INSERT INTO items(name, note) VALUES(?, ?)");
  ASSERT_TRUE(insert.has_value());

  ASSERT_TRUE(insert->Bind(1, "widget").BindNull(2).Run().has_value());

  Result<Statement> select = db->Prepare("SELECT name, note FROM items WHERE id = ?");
  select->Bind(1, db->LastInsertRowId());
  ASSERT_TRUE(*select->Step());
  EXPECT_EQ(select->ColumnText(0), "widget");
  EXPECT_TRUE(select->ColumnIsNull(1));
}

TEST(SqliteDatabaseTest, GarbageFileIsAnErrorNotACrash) {
  const fs::path path = TempDb("garbage.db");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("this is not a database file, just text that is long enough to matter", f);
    std::fclose(f);
  }

  Result<SqliteDatabase> db = SqliteDatabase::Open(path);
  Result<void> migrated = db ? db->Migrate(kMigrations, "test store") : Result<void>();

  EXPECT_TRUE(!db.has_value() || !migrated.has_value());
  fs::remove(path);
}

}  // namespace
}  // namespace provisio::sql

namespace provisio::sql {
namespace {

TEST(OpenDatabaseTest, OpensSqliteFileBehindTheStoreInterface) {
  const std::filesystem::path path = TempDb("interface.db");
  Result<std::unique_ptr<Database>> db = OpenDatabase(path.string());
  ASSERT_TRUE(db.has_value()) << db.error().message();
  EXPECT_EQ((*db)->dialect(), Dialect::kSqlite);
  EXPECT_EQ((*db)->Describe(), path.string());
  ASSERT_TRUE((*db)->Migrate(kMigrations, "test store").has_value());

  ASSERT_TRUE((*db)
                  ->InTransaction([&]() -> Result<void> {
                    Result<Statement> insert =
                        (*db)->Prepare("INSERT INTO items(name) VALUES (?1) RETURNING id");
                    if (!insert) {
                      return Fail(insert.error());
                    }
                    insert->Bind(1, "first");
                    Result<bool> row = insert->Step();
                    EXPECT_TRUE(row.has_value() && *row);
                    EXPECT_EQ(insert->ColumnInt(0), 1);
                    return insert->Run();
                  })
                  .has_value());

  std::int64_t count = -1;
  ASSERT_TRUE((*db)
                  ->InReadTransaction([&]() -> Result<void> {
                    Result<Statement> select = (*db)->Prepare("SELECT COUNT(*) FROM items");
                    if (!select) {
                      return Fail(select.error());
                    }
                    Result<bool> row = select->Step();
                    if (!row) {
                      return Fail(row.error());
                    }
                    count = select->ColumnInt(0);
                    return {};
                  })
                  .has_value());
  EXPECT_EQ(count, 1);
  db->reset();
  std::filesystem::remove(path);
}

TEST(OpenDatabaseTest, RecognisesPostgresUris) {
  EXPECT_TRUE(IsPostgresLocation("postgresql://factory@db.example/registry"));
  EXPECT_TRUE(IsPostgresLocation("postgres:///cases?host=/run/postgresql"));
  EXPECT_FALSE(IsPostgresLocation("registry.db"));
  EXPECT_FALSE(IsPostgresLocation("/var/lib/provisio/postgresql.db"));
}

}  // namespace
}  // namespace provisio::sql
