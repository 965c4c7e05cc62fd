#include "sql/sqlite_database.h"

#include <sys/stat.h>

#include <algorithm>
#include <vector>

#include <sqlite3.h>

namespace provisio::sql {
namespace {

Error SqliteError(sqlite3* db, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
  return Error(ErrorCode::kIo, std::move(message));
}

// Statements finalize themselves; the database outlives them (stores own both).
class SqliteStatement final : public StatementBackend {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement() override { sqlite3_finalize(stmt_); }

  void BindText(int index, std::string_view text) override {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void BindInt(int index, std::int64_t value) override { sqlite3_bind_int64(stmt_, index, value); }
  void BindDouble(int index, double value) override { sqlite3_bind_double(stmt_, index, value); }
  void BindNull(int index) override { sqlite3_bind_null(stmt_, index); }
  void BindBlob(int index, std::span<const std::uint8_t> bytes) override {
    sqlite3_bind_blob(stmt_, index, bytes.data(), static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  }

  Result<bool> Step() override {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
      return true;
    }
    if (rc == SQLITE_DONE) {
      return false;
    }
    return Fail(SqliteError(db_, "executing statement"));
  }

  Result<void> Reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return {};
  }

  std::string ColumnText(int column) const override {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (text == nullptr) {
      return {};
    }
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  std::int64_t ColumnInt(int column) const override { return sqlite3_column_int64(stmt_, column); }
  double ColumnDouble(int column) const override { return sqlite3_column_double(stmt_, column); }
  bool ColumnIsNull(int column) const override {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
  }
  std::string ColumnBlob(int column) const override {
    const void* data = sqlite3_column_blob(stmt_, column);
    if (data == nullptr) {
      return {};
    }
    return std::string(static_cast<const char*>(data),
                       static_cast<std::size_t>(sqlite3_column_bytes(stmt_, column)));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

}  // namespace

void SqliteDatabase::Closer::operator()(sqlite3* db) const {
  sqlite3_close_v2(db);
}

SqliteDatabase::~SqliteDatabase() = default;

Result<SqliteDatabase> SqliteDatabase::Open(const std::filesystem::path& path,
                                            const OpenOptions& options) {
  const bool in_memory = path == ":memory:";
  std::error_code ec;
  const bool existed = in_memory || std::filesystem::exists(path, ec);
  if (!existed && !options.create_if_missing) {
    return Fail(ErrorCode::kNotFound, path.string() + ": no such store");
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  if (options.create_if_missing) {
    flags |= SQLITE_OPEN_CREATE;
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<sqlite3, Closer> db(raw);
  if (rc != SQLITE_OK) {
    return Fail(SqliteError(raw, "opening " + path.string()));
  }
  if (!existed) {
    ::chmod(path.c_str(), static_cast<mode_t>(options.create_mode));
  }
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  SqliteDatabase database(std::move(db), path);
  // Reading the header here turns "not a database" into an error at open time.
  Result<void> setup = database.Exec(in_memory ? "PRAGMA foreign_keys=ON;"
                                               : "PRAGMA journal_mode=WAL; PRAGMA "
                                                 "synchronous=FULL; PRAGMA foreign_keys=ON;");
  if (!setup) {
    return Fail(setup.error().WithContext("opening " + path.string()));
  }
  return database;
}

Result<void> SqliteDatabase::Exec(std::string_view sql) {
  const std::string text(sql);
  char* message = nullptr;
  const int rc = sqlite3_exec(db_.get(), text.c_str(), nullptr, nullptr, &message);
  if (rc != SQLITE_OK) {
    std::string what = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Fail(ErrorCode::kIo, what);
  }
  return {};
}

Result<Statement> SqliteDatabase::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  const int rc =
      sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    return Fail(SqliteError(db_.get(), "preparing statement"));
  }
  return Statement(std::make_unique<SqliteStatement>(db_.get(), stmt));
}

Result<int> SqliteDatabase::SchemaVersion() {
  Result<Statement> stmt = Prepare("PRAGMA user_version");
  if (!stmt) {
    return Fail(stmt.error());
  }
  Result<bool> row = stmt->Step();
  if (!row) {
    return Fail(row.error());
  }
  return static_cast<int>(stmt->ColumnInt(0));
}

Result<void> SqliteDatabase::Migrate(std::span<const Migration> migrations,
                                     std::string_view store_name) {
  std::vector<Migration> ordered(migrations.begin(), migrations.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  const int newest = ordered.empty() ? 0 : ordered.back().version;
  // Take the write lock before reading the version, so two processes that
  // open a fresh store at once do not both run the same migration.
  return InTransaction([&]() -> Result<void> {
    Result<int> current = SchemaVersion();
    if (!current) {
      return Fail(current.error());
    }
    if (*current > newest) {
      return Fail(ErrorCode::kUnsupported,
                  std::string(store_name) + " " + path_.string() + " has schema version " +
                      std::to_string(*current) + ", newer than this provisio understands (" +
                      std::to_string(newest) + "); upgrade provisio to use it");
    }
    for (const Migration& step : ordered) {
      if (step.version <= *current) {
        continue;
      }
      Result<void> applied = Exec(step.sql);
      if (!applied) {
        return Fail(applied.error().WithContext("migrating " + std::string(store_name) +
                                                " to schema " + std::to_string(step.version)));
      }
      Result<void> bumped = Exec("PRAGMA user_version=" + std::to_string(step.version));
      if (!bumped) {
        return bumped;
      }
    }
    return {};
  });
}

Result<void> SqliteDatabase::InTransaction(const std::function<Result<void>()>& body) {
  Result<void> begun = Exec("BEGIN IMMEDIATE");
  if (!begun) {
    return Fail(begun.error().WithContext("starting transaction"));
  }
  Result<void> outcome = body();
  if (!outcome) {
    (void)Exec("ROLLBACK");
    return outcome;
  }
  Result<void> committed = Exec("COMMIT");
  if (!committed) {
    (void)Exec("ROLLBACK");
    return Fail(committed.error().WithContext("committing transaction"));
  }
  return {};
}

Result<void> SqliteDatabase::InReadTransaction(const std::function<Result<void>()>& body) {
  Result<void> begun = Exec("BEGIN");
  if (!begun) {
    return Fail(begun.error().WithContext("starting read transaction"));
  }
  Result<void> outcome = body();
  // Nothing was written: ending the snapshot either way loses nothing.
  (void)Exec(outcome ? "COMMIT" : "ROLLBACK");
  return outcome;
}

std::int64_t SqliteDatabase::LastInsertRowId() const {
  return sqlite3_last_insert_rowid(db_.get());
}

}  // namespace provisio::sql
