#include "sql/database.h"

#include "sql/sqlite_database.h"

#if PROVISIO_WITH_POSTGRES
#include "sql/postgres_database.h"
#endif

namespace provisio::sql {

Result<void> Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row) {
      return Fail(row.error());
    }
    if (!*row) {
      return {};
    }
  }
}

bool IsPostgresLocation(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Result<std::unique_ptr<Database>> OpenDatabase(std::string_view location,
                                               const OpenOptions& options) {
  if (IsPostgresLocation(location)) {
#if PROVISIO_WITH_POSTGRES
    Result<PostgresDatabase> db = PostgresDatabase::Open(location, options);
    if (!db) {
      return Fail(db.error());
    }
    return std::unique_ptr<Database>(std::make_unique<PostgresDatabase>(std::move(*db)));
#else
    return Fail(ErrorCode::kUnsupported,
                "this provisio was built without PostgreSQL support; use a SQLite file path");
#endif
  }
  Result<SqliteDatabase> db = SqliteDatabase::Open(std::filesystem::path(location), options);
  if (!db) {
    return Fail(db.error());
  }
  return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(std::move(*db)));
}

}  // namespace provisio::sql
