// The SQLite backend of sql::Database: WAL, busy timeout so two CLI processes
// can write at once, transactions that roll back on any failure, and numbered
// migrations tracked in PRAGMA user_version. PRIVATE to src/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "provisio/core/result.h"
#include "sql/database.h"

struct sqlite3;

namespace provisio::sql {

class SqliteDatabase final : public Database {
 public:
  // Opens (or creates) the database file with WAL journaling and foreign keys.
  // ":memory:" opens a private in-memory database.
  static Result<SqliteDatabase> Open(const std::filesystem::path& path,
                                     const OpenOptions& options = {});

  SqliteDatabase(SqliteDatabase&&) noexcept = default;
  SqliteDatabase& operator=(SqliteDatabase&&) noexcept = default;
  ~SqliteDatabase();

  Dialect dialect() const override { return Dialect::kSqlite; }
  std::string Describe() const override { return path_.string(); }

  Result<void> Exec(std::string_view sql) override;
  Result<Statement> Prepare(std::string_view sql) override;

  // Brings the schema to the newest of `migrations` (sorted by version), each
  // step in its own transaction. Fails with kUnsupported when the file was
  // written by a newer schema than `migrations` knows, naming both versions.
  // `store_name` is used in messages ("case store").
  Result<void> Migrate(std::span<const Migration> migrations, std::string_view store_name) override;

  // Current PRAGMA user_version.
  Result<int> SchemaVersion();

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it fails.
  Result<void> InTransaction(const std::function<Result<void>()>& body) override;

  // Runs `body` inside BEGIN (deferred) ... COMMIT: one read snapshot.
  Result<void> InReadTransaction(const std::function<Result<void>()>& body) override;

  std::int64_t LastInsertRowId() const;
  const std::filesystem::path& path() const { return path_; }

 private:
  struct Closer {
    void operator()(sqlite3* db) const;
  };
  SqliteDatabase(std::unique_ptr<sqlite3, Closer> db, std::filesystem::path path)
      : db_(std::move(db)), path_(std::move(path)) {}

  std::unique_ptr<sqlite3, Closer> db_;
  std::filesystem::path path_;
};

}  // namespace provisio::sql
