// The PostgreSQL backend of sql::Database, over libpq: one connection per
// object, ?N parameters rewritten to $N, writers serialized by a
// transaction-scoped advisory lock (the counterpart of SQLite's BEGIN
// IMMEDIATE), and per-store schema versions in one table,
// provisio_schema_versions. PRIVATE to src/. See
// docs/decisions/0004-postgresql-backend.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "provisio/core/result.h"
#include "sql/database.h"

struct pg_conn;

namespace provisio::sql {

// The key of the advisory lock every provisio writer takes: the ASCII bytes
// of "provisio" as one big-endian 64-bit number. Advisory locks are per
// database, so stores in different databases never wait for each other.
inline constexpr std::int64_t kPostgresWriterLockKey = 0x70726f766973696f;

class PostgresDatabase final : public Database {
 public:
  // Connects to a "postgresql://" or "postgres://" URI (any form libpq
  // accepts, e.g. postgresql:///db?host=/run/socket&user=me). Fails with
  // kIo, naming the masked URI and libpq's reason, when the server cannot be
  // reached or refuses the login. options.busy_timeout_ms bounds how long a
  // writer waits for another's lock (PostgreSQL lock_timeout).
  static Result<PostgresDatabase> Open(std::string_view uri, const OpenOptions& options = {});

  PostgresDatabase(PostgresDatabase&&) noexcept = default;
  PostgresDatabase& operator=(PostgresDatabase&&) noexcept = default;
  ~PostgresDatabase() override;

  Dialect dialect() const override { return Dialect::kPostgres; }
  // The URI with any password replaced by ***.
  std::string Describe() const override { return described_; }

  // Runs one or more ;-separated statements without parameters.
  Result<void> Exec(std::string_view sql) override;
  // The statement runs on its first Step(); its rows are then returned one
  // by one. Errors in the SQL text are reported by that Step().
  Result<Statement> Prepare(std::string_view sql) override;

  // Brings the store named `store_name` to the newest of `migrations`, one
  // transaction per step, under the writer lock. Its version lives in
  // provisio_schema_versions, one row per store name, so several stores can
  // share one database. Fails with kUnsupported, naming both versions, when
  // the store was written by a newer schema.
  Result<void> Migrate(std::span<const Migration> migrations, std::string_view store_name) override;

  // The schema version recorded for `store_name`; 0 when none is.
  Result<int> SchemaVersion(std::string_view store_name);

  // BEGIN; take the writer lock; body; COMMIT. Rolls back if the body fails,
  // if any statement in it failed, or if COMMIT fails. REQUIRES: no
  // transaction is open on this connection (a nested call fails with
  // kInternal instead of committing the outer one early).
  Result<void> InTransaction(const std::function<Result<void>()>& body) override;

  // BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; body; COMMIT.
  Result<void> InReadTransaction(const std::function<Result<void>()>& body) override;

 private:
  struct Closer {
    void operator()(pg_conn* connection) const;
  };
  PostgresDatabase(std::unique_ptr<pg_conn, Closer> connection, std::string described)
      : connection_(std::move(connection)), described_(std::move(described)) {}

  // Ends an open transaction after `outcome`: COMMIT when it succeeded and
  // nothing inside failed, ROLLBACK otherwise.
  Result<void> Finish(Result<void> outcome, std::string_view what);

  std::unique_ptr<pg_conn, Closer> connection_;
  std::string described_;
  std::uint64_t statements_created_ = 0;  // Names server-side prepared statements.
};

// Returns `uri` with the password of its user-info part and any password=
// query parameter replaced by "***".
std::string MaskPostgresPassword(std::string_view uri);

// Rewrites the ?N parameters of `sql` as $N, leaving quoted strings ('..',
// E'..', $tag$..$tag$), quoted identifiers and comments alone. A ? without
// digits (a PostgreSQL jsonb operator) is kept. `max_index`, when given,
// receives the largest N seen (0 if none).
std::string TranslateParameters(std::string_view sql, int* max_index = nullptr);

}  // namespace provisio::sql
