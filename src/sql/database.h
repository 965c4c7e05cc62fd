// The one small interface behind every operational store (password registry,
// CVD cases, assessment history): SQLite by default, PostgreSQL when a team
// shares one store. Stores write their SQL once, with ?1, ?2 ... parameters,
// and pick a dialect-specific text only where the two really differ (column
// types in migrations). PRIVATE to src/.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio::sql {

enum class Dialect { kSqlite, kPostgres };

// What a backend implements for one prepared statement.
class StatementBackend {
 public:
  virtual ~StatementBackend() = default;
  virtual void BindText(int index, std::string_view text) = 0;
  virtual void BindInt(int index, std::int64_t value) = 0;
  virtual void BindDouble(int index, double value) = 0;
  virtual void BindNull(int index) = 0;
  virtual void BindBlob(int index, std::span<const std::uint8_t> bytes) = 0;
  virtual Result<bool> Step() = 0;
  virtual Result<void> Reset() = 0;
  virtual std::string ColumnText(int column) const = 0;
  virtual std::int64_t ColumnInt(int column) const = 0;
  virtual double ColumnDouble(int column) const = 0;
  virtual bool ColumnIsNull(int column) const = 0;
  virtual std::string ColumnBlob(int column) const = 0;
};

// A prepared statement of either backend. Move-only.
class Statement {
 public:
  explicit Statement(std::unique_ptr<StatementBackend> backend) : backend_(std::move(backend)) {}

  // Parameters are 1-based and written ?1, ?2 ... in the SQL text.
  Statement& Bind(int index, std::string_view text) {
    backend_->BindText(index, text);
    return *this;
  }
  Statement& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
  Statement& Bind(int index, std::int64_t value) {
    backend_->BindInt(index, value);
    return *this;
  }
  Statement& Bind(int index, int value) { return Bind(index, std::int64_t{value}); }
  Statement& Bind(int index, double value) {
    backend_->BindDouble(index, value);
    return *this;
  }
  Statement& BindNull(int index) {
    backend_->BindNull(index);
    return *this;
  }
  Statement& BindBlob(int index, std::span<const std::uint8_t> bytes) {
    backend_->BindBlob(index, bytes);
    return *this;
  }

  // Returns true when a row is available, false when done.
  Result<bool> Step() { return backend_->Step(); }
  // Steps until done; for INSERT/UPDATE/DELETE.
  Result<void> Run();
  // Makes the statement ready to run again; bindings are cleared.
  Result<void> Reset() { return backend_->Reset(); }

  // Columns are 0-based.
  std::string ColumnText(int column) const { return backend_->ColumnText(column); }
  std::int64_t ColumnInt(int column) const { return backend_->ColumnInt(column); }
  double ColumnDouble(int column) const { return backend_->ColumnDouble(column); }
  bool ColumnIsNull(int column) const { return backend_->ColumnIsNull(column); }
  std::string ColumnBlob(int column) const { return backend_->ColumnBlob(column); }

 private:
  std::unique_ptr<StatementBackend> backend_;
};

struct Migration {
  int version;      // 1, 2, 3, ...: the schema version after this step.
  std::string sql;  // Statements that move from version-1 to version.
  // The PostgreSQL text of the same step where the dialects differ
  // (BYTEA for BLOB, BIGINT GENERATED ... AS IDENTITY for AUTOINCREMENT);
  // empty means `sql` serves both.
  std::string postgres_sql = {};
};

struct OpenOptions {
  bool create_if_missing = true;
  // How long a writer waits for another process's lock before failing.
  int busy_timeout_ms = 10000;
  // Permission bits when a SQLite file is created (stores may hold secrets'
  // fingerprints).
  unsigned create_mode = 0600;
};

class Database {
 public:
  virtual ~Database() = default;

  virtual Dialect dialect() const = 0;
  // Where the store lives, safe for messages: a PostgreSQL password is masked.
  virtual std::string Describe() const = 0;

  virtual Result<void> Exec(std::string_view sql) = 0;
  virtual Result<Statement> Prepare(std::string_view sql) = 0;

  // Brings the store named `store_name` ("case store") to the newest of
  // `migrations`, each step in its own transaction. Fails with kUnsupported,
  // naming both versions, when the store was written by a newer schema.
  virtual Result<void> Migrate(std::span<const Migration> migrations,
                               std::string_view store_name) = 0;

  // Runs `body` as one write transaction and rolls back if it fails. Writers
  // are serialized across processes (SQLite BEGIN IMMEDIATE, a PostgreSQL
  // transaction-scoped advisory lock), so read-then-write bodies stay correct.
  virtual Result<void> InTransaction(const std::function<Result<void>()>& body) = 0;

  // Runs `body` over one consistent snapshot (for multi-statement reads).
  virtual Result<void> InReadTransaction(const std::function<Result<void>()>& body) = 0;
};

// True for "postgresql://..." and "postgres://..." URIs; everything else
// names a SQLite file.
bool IsPostgresLocation(std::string_view location);

// Opens the store at `location`: a PostgreSQL URI or a SQLite file path.
Result<std::unique_ptr<Database>> OpenDatabase(std::string_view location,
                                               const OpenOptions& options = {});

}  // namespace provisio::sql
