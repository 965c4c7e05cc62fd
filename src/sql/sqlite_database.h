// RAII over sqlite3 for the stores of every module (evidence history, password
// registry, CVD cases): WAL, busy timeout so two CLI processes can write at
// once, transactions that roll back on any failure, and numbered migrations
// tracked in PRAGMA user_version. PRIVATE to src/.
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

struct sqlite3;
struct sqlite3_stmt;

namespace provisio::sql {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, int value) { return Bind(index, std::int64_t{value}); }
  Statement& Bind(int index, double value);
  Statement& BindNull(int index);
  Statement& BindBlob(int index, std::span<const std::uint8_t> bytes);

  // Returns true when a row is available, false when done.
  Result<bool> Step();
  // Steps until done; for INSERT/UPDATE/DELETE.
  Result<void> Run();
  Result<void> Reset();

  // Columns are 0-based.
  std::string ColumnText(int column) const;
  std::int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  bool ColumnIsNull(int column) const;
  std::string ColumnBlob(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

struct Migration {
  int version;      // 1, 2, 3, ...: the schema version after this step.
  std::string sql;  // Statements that move from version-1 to version.
};

struct OpenOptions {
  bool create_if_missing = true;
  // How long a writer waits for another process's lock before failing.
  int busy_timeout_ms = 10000;
  // Permission bits when the file is created (stores may hold secrets' fingerprints).
  unsigned create_mode = 0600;
};

class SqliteDatabase {
 public:
  // Opens (or creates) the database file with WAL journaling and foreign keys.
  // ":memory:" opens a private in-memory database.
  static Result<SqliteDatabase> Open(const std::filesystem::path& path,
                                     const OpenOptions& options = {});

  SqliteDatabase(SqliteDatabase&&) noexcept = default;
  SqliteDatabase& operator=(SqliteDatabase&&) noexcept = default;
  ~SqliteDatabase();

  Result<void> Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);

  // Brings the schema to the newest of `migrations` (sorted by version), each
  // step in its own transaction. Fails with kUnsupported when the file was
  // written by a newer schema than `migrations` knows, naming both versions.
  // `store_name` is used in messages ("case store").
  Result<void> Migrate(std::span<const Migration> migrations, std::string_view store_name);

  // Current PRAGMA user_version.
  Result<int> SchemaVersion();

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it fails.
  Result<void> InTransaction(const std::function<Result<void>()>& body);

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
