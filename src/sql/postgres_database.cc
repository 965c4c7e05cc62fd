#include "sql/postgres_database.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include <libpq-fe.h>

namespace provisio::sql {
namespace {

// Type OIDs from pg_type.h (stable since PostgreSQL 7).
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

// libpq messages end in a newline and continue on tab-indented lines; one
// line reads better inside our "context: reason" messages.
std::string OneLine(std::string_view text) {
  std::string line;
  bool space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !line.empty()) {
      line += ' ';
    }
    space = false;
    line += c;
  }
  return line;
}

bool IsIdentifierChar(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return std::isalnum(byte) != 0 || c == '_' || c == '$' || byte >= 0x80;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// The error of a failed command: the server's primary message and SQLSTATE,
// or libpq's own message when nothing reached the server. DETAIL is left
// out: for key violations it repeats the stored values.
Error CommandError(PGconn* connection, const PGresult* result, std::string_view what) {
  std::string message(what);
  message += ": ";
  const char* primary =
      result != nullptr ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  if (primary != nullptr) {
    message += OneLine(primary);
  } else {
    std::string reason = OneLine(PQerrorMessage(connection));
    message += reason.empty() ? "unknown libpq error" : reason;
  }
  ErrorCode code = ErrorCode::kIo;
  if (sqlstate != nullptr) {
    message += " (SQLSTATE ";
    message += sqlstate;
    message += ')';
    if (std::string_view(sqlstate) == "23505") {
      code = ErrorCode::kConflict;  // unique_violation
    }
  }
  return Error(code, std::move(message));
}

bool Succeeded(const PGresult* result) {
  const ExecStatusType status = PQresultStatus(result);
  return result != nullptr && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK);
}

// Runs parameterless SQL (one or more statements); returns the last result.
Result<ResultPtr> Execute(PGconn* connection, std::string_view sql, std::string_view what) {
  const std::string text(sql);
  ResultPtr result(PQexec(connection, text.c_str()));
  if (!Succeeded(result.get())) {
    return Fail(CommandError(connection, result.get(), what));
  }
  return result;
}

// Statements keep their parameters as text (blobs as binary) and run with
// PQexecParams on the first Step(); the rows are then handed out one by one.
// A statement run a second time (after Reset) is prepared on the server
// first, so loops such as a registry lookup per candidate skip the parse and
// plan each time. The database outlives its statements (stores own both).
class PostgresStatement final : public StatementBackend {
 public:
  PostgresStatement(PGconn* connection, std::string sql, int parameter_count, std::string name)
      : connection_(connection),
        sql_(std::move(sql)),
        name_(std::move(name)),
        parameters_(static_cast<std::size_t>(parameter_count)) {}
  PostgresStatement(const PostgresStatement&) = delete;
  PostgresStatement& operator=(const PostgresStatement&) = delete;
  ~PostgresStatement() override {
    if (prepared_) {
      // Prepared statements outlive transactions; drop ours with the object.
      ResultPtr dropped(PQexec(connection_, ("DEALLOCATE " + name_).c_str()));
    }
  }

  void BindText(int index, std::string_view text) override {
    Set(index, std::string(text), 0, 0);  // Type inferred by the server, as SQLite would.
  }
  void BindInt(int index, std::int64_t value) override {
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    Set(index, std::string(buffer, end), kInt8Oid, 0);
  }
  void BindDouble(int index, double value) override {
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    Set(index, std::string(buffer, end), kFloat8Oid, 0);
  }
  void BindNull(int index) override {
    if (Parameter* parameter = At(index)) {
      *parameter = Parameter{};
    }
  }
  void BindBlob(int index, std::span<const std::uint8_t> bytes) override {
    Set(index, std::string(bytes.begin(), bytes.end()), kByteaOid, 1);
  }

  Result<bool> Step() override {
    if (!result_) {
      Result<void> executed = ExecuteNow();
      if (!executed) {
        return Fail(executed.error());
      }
      row_ = -1;
    }
    const int rows = PQntuples(result_.get());
    if (row_ + 1 < rows) {
      ++row_;
      return true;
    }
    row_ = rows;
    return false;
  }

  Result<void> Reset() override {
    result_.reset();
    row_ = -1;
    std::fill(parameters_.begin(), parameters_.end(), Parameter{});
    return {};
  }

  std::string ColumnText(int column) const override {
    if (!HasValue(column)) {
      return {};
    }
    return std::string(PQgetvalue(result_.get(), row_, column),
                       static_cast<std::size_t>(PQgetlength(result_.get(), row_, column)));
  }

  std::int64_t ColumnInt(int column) const override {
    const std::string text = ColumnText(column);
    if (text == "t") {
      return 1;  // boolean, as SQLite would store it
    }
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }

  double ColumnDouble(int column) const override {
    const std::string text = ColumnText(column);
    double value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
  }

  bool ColumnIsNull(int column) const override {
    if (!HasRow(column)) {
      return true;
    }
    return PQgetisnull(result_.get(), row_, column) != 0;
  }

  std::string ColumnBlob(int column) const override {
    if (!HasValue(column)) {
      return {};
    }
    if (PQftype(result_.get(), column) != kByteaOid) {
      return ColumnText(column);
    }
    std::size_t length = 0;
    unsigned char* bytes = PQunescapeBytea(
        reinterpret_cast<const unsigned char*>(PQgetvalue(result_.get(), row_, column)), &length);
    if (bytes == nullptr) {
      return {};
    }
    std::string blob(reinterpret_cast<const char*>(bytes), length);
    PQfreemem(bytes);
    return blob;
  }

 private:
  struct Parameter {
    std::optional<std::string> value;  // Empty means NULL.
    Oid type = 0;                      // 0: let the server infer it.
    int format = 0;                    // 0 text, 1 binary.
  };

  // Indexes beyond the parameters the SQL names are ignored, like SQLite's
  // out-of-range binds.
  Parameter* At(int index) {
    if (index < 1 || static_cast<std::size_t>(index) > parameters_.size()) {
      return nullptr;
    }
    return &parameters_[static_cast<std::size_t>(index - 1)];
  }

  void Set(int index, std::string value, Oid type, int format) {
    if (Parameter* parameter = At(index)) {
      parameter->value = std::move(value);
      parameter->type = type;
      parameter->format = format;
    }
  }

  Result<void> ExecuteNow() {
    const std::size_t count = parameters_.size();
    std::vector<Oid> types(count);
    std::vector<const char*> values(count);
    std::vector<int> lengths(count);
    std::vector<int> formats(count);
    for (std::size_t i = 0; i < count; ++i) {
      const Parameter& parameter = parameters_[i];
      types[i] = parameter.type;
      values[i] = parameter.value ? parameter.value->data() : nullptr;
      lengths[i] = parameter.value ? static_cast<int>(parameter.value->size()) : 0;
      formats[i] = parameter.format;
    }
    ++executions_;
    if (executions_ == 2 && !prepared_) {
      ResultPtr prepared(PQprepare(connection_, name_.c_str(), sql_.c_str(),
                                   static_cast<int>(count), types.data()));
      // A statement that cannot be prepared (e.g. several commands) keeps
      // running unprepared.
      prepared_ = Succeeded(prepared.get());
    }
    ResultPtr result(prepared_ ? PQexecPrepared(connection_, name_.c_str(), static_cast<int>(count),
                                                values.data(), lengths.data(), formats.data(), 0)
                               : PQexecParams(connection_, sql_.c_str(), static_cast<int>(count),
                                              types.data(), values.data(), lengths.data(),
                                              formats.data(), 0));
    if (!Succeeded(result.get())) {
      return Fail(CommandError(connection_, result.get(), "executing statement"));
    }
    result_ = std::move(result);
    return {};
  }

  bool HasRow(int column) const {
    return result_ && row_ >= 0 && row_ < PQntuples(result_.get()) && column >= 0 &&
           column < PQnfields(result_.get());
  }
  bool HasValue(int column) const {
    return HasRow(column) && PQgetisnull(result_.get(), row_, column) == 0;
  }

  PGconn* connection_;
  std::string sql_;
  std::string name_;  // Server-side name once prepared.
  std::vector<Parameter> parameters_;
  ResultPtr result_;
  int row_ = -1;
  int executions_ = 0;
  bool prepared_ = false;
};

// Where the password sits in a URI's user info ("user:password@"), if any.
std::optional<std::pair<std::size_t, std::size_t>> UserInfoPassword(std::string_view uri) {
  const std::size_t scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t start = scheme_end + 3;
  const std::size_t end = std::min(uri.find('/', start), uri.find('?', start));
  const std::string_view authority =
      uri.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  const std::size_t at = authority.rfind('@');
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  const std::size_t colon = authority.substr(0, at).find(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  return std::make_pair(start + colon + 1, at - colon - 1);
}

}  // namespace

std::string MaskPostgresPassword(std::string_view uri) {
  std::string masked(uri);
  if (const auto password = UserInfoPassword(masked)) {
    masked.replace(password->first, password->second, "***");
  }
  const std::size_t query = masked.find('?');
  if (query == std::string::npos) {
    return masked;
  }
  std::string result = masked.substr(0, query + 1);
  std::string_view rest = std::string_view(masked).substr(query + 1);
  for (;;) {
    const std::size_t amp = rest.find('&');
    const std::string_view parameter = rest.substr(0, amp);
    result += parameter.starts_with("password=") ? std::string_view("password=***") : parameter;
    if (amp == std::string_view::npos) {
      return result;
    }
    result += '&';
    rest.remove_prefix(amp + 1);
  }
}

std::string TranslateParameters(std::string_view sql, int* max_index) {
  std::string out;
  out.reserve(sql.size());
  int highest = 0;
  const std::size_t n = sql.size();
  std::size_t i = 0;
  // Copies sql[i, end) verbatim and moves past it.
  auto copy_to = [&](std::size_t end) {
    out.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < n) {
    const char c = sql[i];
    const char next = i + 1 < n ? sql[i + 1] : '\0';
    if (c == '\'' || c == '"') {
      // '...' with '' inside; E'...' also takes backslash escapes; "..." with "".
      const bool backslashes = c == '\'' && i > 0 && (sql[i - 1] == 'E' || sql[i - 1] == 'e') &&
                               (i == 1 || !IsIdentifierChar(sql[i - 2]));
      std::size_t j = i + 1;
      while (j < n) {
        if (backslashes && sql[j] == '\\') {
          j += 2;
          continue;
        }
        if (sql[j] == c) {
          if (j + 1 < n && sql[j + 1] == c) {
            j += 2;
            continue;
          }
          ++j;
          break;
        }
        ++j;
      }
      copy_to(std::min(j, n));
    } else if (c == '-' && next == '-') {
      const std::size_t newline = sql.find('\n', i);
      copy_to(newline == std::string_view::npos ? n : newline);
    } else if (c == '/' && next == '*') {
      // Block comments nest in PostgreSQL.
      std::size_t j = i + 2;
      int depth = 1;
      while (j < n && depth > 0) {
        if (sql[j] == '/' && j + 1 < n && sql[j + 1] == '*') {
          ++depth;
          j += 2;
        } else if (sql[j] == '*' && j + 1 < n && sql[j + 1] == '/') {
          --depth;
          j += 2;
        } else {
          ++j;
        }
      }
      copy_to(j);
    } else if (c == '$' && (i == 0 || !IsIdentifierChar(sql[i - 1])) && !IsDigit(next)) {
      // A dollar quote $tag$...$tag$ (tag may be empty), or a lone '$'.
      std::size_t j = i + 1;
      while (j < n && IsIdentifierChar(sql[j]) && sql[j] != '$') {
        ++j;
      }
      if (j < n && sql[j] == '$') {
        const std::string_view tag = sql.substr(i, j - i + 1);
        const std::size_t close = sql.find(tag, j + 1);
        copy_to(close == std::string_view::npos ? n : close + tag.size());
      } else {
        copy_to(i + 1);
      }
    } else if (c == '?' && IsDigit(next)) {
      std::size_t j = i + 1;
      int index = 0;
      while (j < n && IsDigit(sql[j])) {
        index = std::min(index * 10 + (sql[j] - '0'), 100000);
        ++j;
      }
      highest = std::max(highest, index);
      out += '$';
      out.append(sql.substr(i + 1, j - i - 1));
      i = j;
    } else {
      out += c;
      ++i;
    }
  }
  if (max_index != nullptr) {
    *max_index = highest;
  }
  return out;
}

void PostgresDatabase::Closer::operator()(pg_conn* connection) const {
  PQfinish(connection);
}

PostgresDatabase::~PostgresDatabase() = default;

Result<PostgresDatabase> PostgresDatabase::Open(std::string_view uri, const OpenOptions& options) {
  const std::string text(uri);
  std::string described = MaskPostgresPassword(uri);
  // Keywords are applied in order, so the URI (dbname, expanded) comes last
  // and overrides these defaults.
  const char* const keywords[] = {"connect_timeout", "client_encoding", "fallback_application_name",
                                  "dbname", nullptr};
  const char* const values[] = {"10", "UTF8", "provisio", text.c_str(), nullptr};
  std::unique_ptr<pg_conn, Closer> connection(PQconnectdbParams(keywords, values, 1));
  if (connection == nullptr) {
    return Fail(ErrorCode::kIo, "connecting to " + described + ": out of memory");
  }
  if (PQstatus(connection.get()) != CONNECTION_OK) {
    std::string reason = OneLine(PQerrorMessage(connection.get()));
    // libpq may quote a malformed piece of the URI; never the password.
    if (const auto password = UserInfoPassword(text); password && password->second > 0) {
      const std::string secret = text.substr(password->first, password->second);
      for (std::size_t at = reason.find(secret); at != std::string::npos;
           at = reason.find(secret, at + 3)) {
        reason.replace(at, secret.size(), "***");
      }
    }
    return Fail(ErrorCode::kIo, "connecting to " + described + ": " + reason);
  }
  // Library code never prints: drop NOTICEs ("relation already exists,
  // skipping") instead of letting libpq write them to stderr.
  PQsetNoticeProcessor(
      connection.get(), [](void*, const char*) {}, nullptr);
  PostgresDatabase database(std::move(connection), std::move(described));
  const int timeout_ms = std::max(options.busy_timeout_ms, 1);
  Result<void> setup = database.Exec("SET lock_timeout = " + std::to_string(timeout_ms));
  if (!setup) {
    return Fail(setup.error().WithContext("connecting to " + database.described_));
  }
  return database;
}

Result<void> PostgresDatabase::Exec(std::string_view sql) {
  Result<ResultPtr> result = Execute(connection_.get(), sql, "executing SQL");
  if (!result) {
    return Fail(result.error());
  }
  return {};
}

Result<Statement> PostgresDatabase::Prepare(std::string_view sql) {
  int parameters = 0;
  std::string text = TranslateParameters(sql, &parameters);
  return Statement(std::make_unique<PostgresStatement>(
      connection_.get(), std::move(text), parameters,
      "provisio_statement_" + std::to_string(++statements_created_)));
}

Result<int> PostgresDatabase::SchemaVersion(std::string_view store_name) {
  Result<Statement> exists = Prepare("SELECT to_regclass('provisio_schema_versions') IS NOT NULL");
  if (!exists) {
    return Fail(exists.error());
  }
  Result<bool> row = exists->Step();
  if (!row) {
    return Fail(row.error());
  }
  if (!*row || exists->ColumnInt(0) == 0) {
    return 0;
  }
  Result<Statement> version =
      Prepare("SELECT version FROM provisio_schema_versions WHERE store = ?1");
  if (!version) {
    return Fail(version.error());
  }
  version->Bind(1, store_name);
  row = version->Step();
  if (!row) {
    return Fail(row.error());
  }
  return *row ? static_cast<int>(version->ColumnInt(0)) : 0;
}

Result<void> PostgresDatabase::Migrate(std::span<const Migration> migrations,
                                       std::string_view store_name) {
  std::vector<Migration> ordered(migrations.begin(), migrations.end());
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration& a, const Migration& b) { return a.version < b.version; });
  const int newest = ordered.empty() ? 0 : ordered.back().version;
  const std::string store(store_name);
  // One step per transaction, each reading the version under the writer
  // lock, so two processes migrating a fresh store never run a step twice.
  for (bool finished = false; !finished;) {
    Result<void> step = InTransaction([&]() -> Result<void> {
      Result<void> table = Exec(
          "CREATE TABLE IF NOT EXISTS provisio_schema_versions("
          "store TEXT PRIMARY KEY, version INTEGER NOT NULL)");
      if (!table) {
        return table;
      }
      Result<int> current = SchemaVersion(store);
      if (!current) {
        return Fail(current.error());
      }
      if (*current > newest) {
        return Fail(ErrorCode::kUnsupported,
                    store + " " + described_ + " has schema version " + std::to_string(*current) +
                        ", newer than this provisio understands (" + std::to_string(newest) +
                        "); upgrade provisio to use it");
      }
      const auto next = std::find_if(ordered.begin(), ordered.end(),
                                     [&](const Migration& m) { return m.version > *current; });
      if (next == ordered.end()) {
        finished = true;
        return {};
      }
      const std::string context =
          "migrating " + store + " to schema " + std::to_string(next->version);
      Result<void> applied = Exec(next->postgres_sql.empty() ? next->sql : next->postgres_sql);
      if (!applied) {
        return Fail(applied.error().WithContext(context));
      }
      Result<Statement> record = Prepare(
          "INSERT INTO provisio_schema_versions(store, version) VALUES(?1, ?2) "
          "ON CONFLICT (store) DO UPDATE SET version = EXCLUDED.version");
      if (!record) {
        return Fail(record.error());
      }
      record->Bind(1, store).Bind(2, next->version);
      Result<void> recorded = record->Run();
      if (!recorded) {
        return Fail(recorded.error().WithContext(context));
      }
      return {};
    });
    if (!step) {
      return step;
    }
  }
  return {};
}

Result<void> PostgresDatabase::InTransaction(const std::function<Result<void>()>& body) {
  if (PQtransactionStatus(connection_.get()) != PQTRANS_IDLE) {
    return Fail(ErrorCode::kInternal,
                "a transaction is already open on " + described_ + "; transactions do not nest");
  }
  Result<void> begun =
      Exec("BEGIN; SELECT pg_advisory_xact_lock(" + std::to_string(kPostgresWriterLockKey) + ")");
  if (!begun) {
    if (PQtransactionStatus(connection_.get()) != PQTRANS_IDLE) {
      (void)Exec("ROLLBACK");
    }
    return Fail(begun.error().WithContext("starting transaction"));
  }
  return Finish(body(), "committing transaction");
}

Result<void> PostgresDatabase::InReadTransaction(const std::function<Result<void>()>& body) {
  if (PQtransactionStatus(connection_.get()) != PQTRANS_IDLE) {
    return Fail(ErrorCode::kInternal,
                "a transaction is already open on " + described_ + "; transactions do not nest");
  }
  Result<void> begun = Exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  if (!begun) {
    if (PQtransactionStatus(connection_.get()) != PQTRANS_IDLE) {
      (void)Exec("ROLLBACK");
    }
    return Fail(begun.error().WithContext("starting read transaction"));
  }
  return Finish(body(), "ending read transaction");
}

Result<void> PostgresDatabase::Finish(Result<void> outcome, std::string_view what) {
  PGconn* connection = connection_.get();
  if (!outcome) {
    (void)Exec("ROLLBACK");
    return outcome;
  }
  if (PQtransactionStatus(connection) == PQTRANS_INERROR) {
    // A statement failed but the body carried on: COMMIT would silently roll back.
    (void)Exec("ROLLBACK");
    return Fail(ErrorCode::kIo, std::string(what) + " on " + described_ +
                                    ": a statement inside it failed; rolled back");
  }
  ResultPtr result(PQexec(connection, "COMMIT"));
  std::optional<Error> error;
  if (!Succeeded(result.get())) {
    error = CommandError(connection, result.get(), std::string(what) + " on " + described_);
  } else if (std::strcmp(PQcmdStatus(result.get()), "COMMIT") != 0) {
    error = Error(ErrorCode::kIo, std::string(what) + " on " + described_ +
                                      ": the server rolled the transaction back");
  }
  if (error) {
    if (PQtransactionStatus(connection) != PQTRANS_IDLE) {
      (void)Exec("ROLLBACK");
    }
    return Fail(*error);
  }
  return {};
}

}  // namespace provisio::sql
