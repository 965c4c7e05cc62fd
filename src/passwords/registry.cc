#include "provisio/passwords/registry.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"
#include "sql/database.h"

namespace provisio::passwords {
namespace {

constexpr std::string_view kCheckLabel = "provisio password registry check v1";
constexpr std::string_view kStoreName = "password registry";

// Version 1 of the SQLite text is what existing registries were created
// with: never edit it, add steps.
const sql::Migration kMigrations[] = {
    {1,
     "CREATE TABLE registry_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
     "CREATE TABLE batches ("
     "  id INTEGER PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  registered_at TEXT NOT NULL,"
     "  count INTEGER NOT NULL);"
     "CREATE TABLE fingerprints ("
     "  fingerprint BLOB PRIMARY KEY CHECK (length(fingerprint) = 32),"
     "  batch INTEGER NOT NULL REFERENCES batches(id)) WITHOUT ROWID;",
     "CREATE TABLE registry_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
     "CREATE TABLE batches ("
     "  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
     "  name TEXT NOT NULL UNIQUE,"
     "  registered_at TEXT NOT NULL,"
     "  count BIGINT NOT NULL);"
     "CREATE TABLE fingerprints ("
     "  fingerprint BYTEA PRIMARY KEY CHECK (length(fingerprint) = 32),"
     "  batch BIGINT NOT NULL REFERENCES batches(id));"},
};

constexpr int kSchemaVersion = 1;  // The newest of kMigrations.

// Fingerprints per INSERT statement: few round trips to a PostgreSQL server,
// far below either dialect's parameter limit (SQLite 32766, PostgreSQL 65535).
constexpr std::size_t kInsertChunk = 512;

// Registration of a large batch holds the write lock for a while; another
// process waits for it rather than failing.
constexpr int kBusyTimeoutMs = 10 * 60 * 1000;

std::uint64_t FileSize(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

Result<std::int64_t> QueryInt(sql::Database& db, std::string_view query) {
  Result<sql::Statement> statement = db.Prepare(query);
  if (!statement) {
    return Fail(statement.error());
  }
  Result<bool> row = statement->Step();
  if (!row) {
    return Fail(row.error());
  }
  return *row && !statement->ColumnIsNull(0) ? statement->ColumnInt(0) : 0;
}

Result<std::optional<std::string>> ReadCheckValue(sql::Database& db) {
  Result<sql::Statement> select =
      db.Prepare("SELECT value FROM registry_info WHERE key = 'secret_check'");
  if (!select) {
    return Fail(select.error());
  }
  Result<bool> row = select->Step();
  if (!row) {
    return Fail(row.error());
  }
  if (!*row) {
    return std::optional<std::string>();
  }
  return std::optional<std::string>(select->ColumnText(0));
}

Result<std::unique_ptr<sql::Database>> OpenStore(const std::string& location,
                                                 bool create_if_missing) {
  sql::OpenOptions options;
  options.create_if_missing = create_if_missing;
  options.busy_timeout_ms = kBusyTimeoutMs;
  Result<std::unique_ptr<sql::Database>> db = sql::OpenDatabase(location, options);
  if (!db) {
    return Fail(db.error().WithContext("opening password registry"));
  }
  return db;
}

// True when the registry's tables exist (PostgreSQL: a database without them
// is not a registry yet).
Result<bool> HasRegistryTables(sql::Database& db) {
  if (db.dialect() == sql::Dialect::kSqlite) {
    Result<std::int64_t> tables = QueryInt(
        db, "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'registry_info'");
    if (!tables) {
      return Fail(tables.error());
    }
    return *tables > 0;
  }
  Result<std::int64_t> tables =
      QueryInt(db,
               "SELECT COUNT(*) FROM pg_catalog.pg_tables WHERE tablename = 'registry_info' AND "
               "schemaname = current_schema()");
  if (!tables) {
    return Fail(tables.error());
  }
  return *tables > 0;
}

Result<void> CheckIntegrity(sql::Database& db, ProofReport& report) {
  if (db.dialect() == sql::Dialect::kSqlite) {
    Result<sql::Statement> check = db.Prepare("PRAGMA quick_check");
    if (!check) {
      return Fail(check.error());
    }
    Result<bool> row = check->Step();
    if (!row) {
      return Fail(row.error());
    }
    report.integrity_ok = *row && check->ColumnText(0) == "ok";
    const std::filesystem::path path = db.Describe();
    report.size_bytes = FileSize(path) + FileSize(path.string() + "-wal");
    return {};
  }
  // The server checks its own pages; what proves uniqueness is the PRIMARY
  // KEY on the fingerprint, so check that it is still there.
  Result<std::int64_t> keys =
      QueryInt(db,
               "SELECT COUNT(*) FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_attribute a ON "
               "a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey) WHERE c.conrelid = "
               "to_regclass('fingerprints') AND c.contype = 'p' AND a.attname = 'fingerprint' AND "
               "cardinality(c.conkey) = 1");
  if (!keys) {
    return Fail(keys.error());
  }
  report.integrity_ok = *keys == 1;
  Result<std::int64_t> size =
      QueryInt(db,
               "SELECT pg_total_relation_size('fingerprints') + "
               "pg_total_relation_size('batches') + pg_total_relation_size('registry_info')");
  if (!size) {
    return Fail(size.error());
  }
  report.size_bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(*size, 0));
  return {};
}

Result<ProofReport> BuildReport(sql::Database& db) {
  ProofReport report;
  report.location = db.Describe();
  report.method = std::string(RegistryMethod());
  // Migrate() succeeded, so the schema is the newest this build knows.
  report.schema_version = kSchemaVersion;
  Result<void> read = db.InReadTransaction([&]() -> Result<void> {
    struct Figure {
      std::int64_t* target;
      std::string_view query;
    };
    const Figure figures[] = {
        {&report.fingerprints, "SELECT COUNT(*) FROM fingerprints"},
        {&report.batches, "SELECT COUNT(*) FROM batches"},
        {&report.duplicates, "SELECT COUNT(*) - COUNT(DISTINCT fingerprint) FROM fingerprints"},
        // One pass over the fingerprints, not one per batch.
        {&report.batch_count_mismatches,
         "SELECT COUNT(*) FROM batches b LEFT JOIN "
         "(SELECT batch, COUNT(*) AS n FROM fingerprints GROUP BY batch) f ON f.batch = b.id "
         "WHERE b.count <> COALESCE(f.n, 0)"},
    };
    for (const Figure& figure : figures) {
      Result<std::int64_t> value = QueryInt(db, figure.query);
      if (!value) {
        return Fail(value.error().WithContext("proving registry"));
      }
      *figure.target = *value;
    }
    return CheckIntegrity(db, report);
  });
  if (!read) {
    return Fail(read.error());
  }
  return report;
}

std::string InsertFingerprintsSql(std::size_t rows) {
  // ?1 is the batch row; ?2 ... are the fingerprints.
  std::string text = "INSERT INTO fingerprints (fingerprint, batch) VALUES ";
  for (std::size_t i = 0; i < rows; ++i) {
    text += i == 0 ? "(?" : ", (?";
    text += std::to_string(i + 2);
    text += ", ?1)";
  }
  text += " ON CONFLICT DO NOTHING RETURNING fingerprint";
  return text;
}

bool FingerprintLess(const Fingerprint& a, const Fingerprint& b) {
  return std::memcmp(a.data(), b.data(), a.size()) < 0;
}

}  // namespace

// ---- Fingerprinter ----------------------------------------------------------

struct Fingerprinter::Impl {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* ctx = nullptr;
  std::string check_value;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
  }
};

Fingerprinter::Fingerprinter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}
Fingerprinter::Fingerprinter(Fingerprinter&&) noexcept = default;
Fingerprinter& Fingerprinter::operator=(Fingerprinter&&) noexcept = default;
Fingerprinter::~Fingerprinter() = default;

Result<Fingerprinter> Fingerprinter::Create(std::string_view secret) {
  if (secret.size() < kMinSecretBytes) {
    return Fail(ErrorCode::kInvalidArgument, "the manufacturer secret must be at least " +
                                                 std::to_string(kMinSecretBytes) + " bytes");
  }
  auto impl = std::make_unique<Impl>();
  impl->mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (impl->mac != nullptr) {
    impl->ctx = EVP_MAC_CTX_new(impl->mac);
  }
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
      OSSL_PARAM_construct_end(),
  };
  if (impl->ctx == nullptr ||
      EVP_MAC_init(impl->ctx, reinterpret_cast<const unsigned char*>(secret.data()), secret.size(),
                   params) != 1) {
    return Fail(ErrorCode::kInternal, "OpenSSL HMAC-SHA-256 is not available");
  }
  Fingerprinter fingerprinter(std::move(impl));
  const Fingerprint check = fingerprinter.Of(kCheckLabel);
  fingerprinter.impl_->check_value =
      HexEncode(std::string_view(reinterpret_cast<const char*>(check.data()), check.size()));
  return fingerprinter;
}

Fingerprint Fingerprinter::Of(std::string_view password) const {
  Fingerprint out{};
  std::size_t length = 0;
  // A null key re-uses the key given to Create().
  const bool ok =
      EVP_MAC_init(impl_->ctx, nullptr, 0, nullptr) == 1 &&
      EVP_MAC_update(impl_->ctx, reinterpret_cast<const unsigned char*>(password.data()),
                     password.size()) == 1 &&
      EVP_MAC_final(impl_->ctx, out.data(), &length, out.size()) == 1 && length == out.size();
  PROVISIO_CHECK(ok);
  return out;
}

std::string Fingerprinter::CheckValue() const {
  return impl_->check_value;
}

Result<std::string> ReadSecretFile(const std::filesystem::path& path) {
  Result<std::string> secret = ReadFile(path);
  if (!secret) {
    return Fail(secret.error().WithContext("reading manufacturer secret"));
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    OPENSSL_cleanse(secret->data(), secret->size());
    return Fail(ErrorCode::kInvalidArgument,
                path.string() +
                    ": the manufacturer secret file must not be readable by group or "
                    "others (chmod 600)");
  }
  if (!secret->empty() && secret->back() == '\n') {
    secret->pop_back();
  }
  if (secret->size() < kMinSecretBytes) {
    return Fail(ErrorCode::kInvalidArgument, path.string() +
                                                 ": the manufacturer secret must be at least " +
                                                 std::to_string(kMinSecretBytes) + " bytes");
  }
  return secret;
}

std::string_view RegistryMethod() {
  return "HMAC-SHA-256 fingerprint of every issued password, keyed with the manufacturer "
         "secret (no plaintext stored); fingerprints are the PRIMARY KEY of a SQLite or "
         "PostgreSQL table, so a second copy cannot be stored; every candidate is checked against "
         "the registry before "
         "issue and each batch is registered in one transaction (all or nothing); a stored check "
         "value rejects a different secret.";
}

// ---- PasswordRegistry -------------------------------------------------------

struct PasswordRegistry::Impl {
  std::unique_ptr<sql::Database> db;
  Fingerprinter fingerprinter;
  const Clock& clock;
  std::optional<sql::Statement> contains;  // Prepared once: called per candidate.
};

PasswordRegistry::PasswordRegistry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}
PasswordRegistry::PasswordRegistry(PasswordRegistry&&) noexcept = default;
PasswordRegistry& PasswordRegistry::operator=(PasswordRegistry&&) noexcept = default;
PasswordRegistry::~PasswordRegistry() = default;

Result<PasswordRegistry> PasswordRegistry::Open(const std::string& location,
                                                std::string_view secret,
                                                const Clock& clock) {
  Result<Fingerprinter> fingerprinter = Fingerprinter::Create(secret);
  if (!fingerprinter) {
    return Fail(fingerprinter.error());
  }
  Result<std::unique_ptr<sql::Database>> opened = OpenStore(location, true);
  if (!opened) {
    return Fail(opened.error());
  }
  sql::Database& db = **opened;
  Result<void> migrated = db.Migrate(kMigrations, kStoreName);
  if (!migrated) {
    return Fail(migrated.error());
  }
  const std::string expected = fingerprinter->CheckValue();
  Result<void> checked = db.InTransaction([&]() -> Result<void> {
    Result<std::optional<std::string>> stored = ReadCheckValue(db);
    if (!stored) {
      return Fail(stored.error());
    }
    if (stored->has_value()) {
      if (**stored != expected) {
        return Fail(ErrorCode::kVerification,
                    db.Describe() +
                        ": this registry was created with a different manufacturer secret; "
                        "refusing to open it (fingerprints made with another secret could not "
                        "detect duplicates)");
      }
      return {};
    }
    Result<sql::Statement> insert = db.Prepare(
        "INSERT INTO registry_info (key, value) VALUES ('secret_check', ?1), "
        "('created_at', ?2)");
    if (!insert) {
      return Fail(insert.error());
    }
    insert->Bind(1, expected).Bind(2, FormatUtc(clock.Now()));
    return insert->Run();
  });
  if (!checked) {
    return Fail(checked.error());
  }
  return PasswordRegistry(
      std::make_unique<Impl>(Impl{std::move(*opened), std::move(*fingerprinter), clock, {}}));
}

const Fingerprinter& PasswordRegistry::fingerprinter() const {
  return impl_->fingerprinter;
}

std::string PasswordRegistry::Describe() const {
  return impl_->db->Describe();
}

Result<bool> PasswordRegistry::Contains(const Fingerprint& fingerprint) {
  if (!impl_->contains) {
    Result<sql::Statement> select =
        impl_->db->Prepare("SELECT 1 FROM fingerprints WHERE fingerprint = ?1");
    if (!select) {
      return Fail(select.error());
    }
    impl_->contains.emplace(std::move(*select));
  }
  sql::Statement& select = *impl_->contains;
  select.BindBlob(1, fingerprint);
  Result<bool> found = select.Step();
  Result<void> reset = select.Reset();
  if (!found) {
    return found;
  }
  if (!reset) {
    return Fail(reset.error());
  }
  return found;
}

Result<bool> PasswordRegistry::HasBatch(std::string_view batch_id) {
  Result<sql::Statement> select = impl_->db->Prepare("SELECT 1 FROM batches WHERE name = ?1");
  if (!select) {
    return Fail(select.error());
  }
  select->Bind(1, batch_id);
  return select->Step();
}

Result<void> PasswordRegistry::RegisterBatch(std::string_view batch_id,
                                             std::span<const Fingerprint> fingerprints) {
  const auto issued_before = [&](std::size_t index) {
    return Fail(ErrorCode::kConflict,
                "password " + std::to_string(index + 1) + " of batch '" + std::string(batch_id) +
                    "' was issued before; nothing of the batch was registered");
  };
  // Inserting in key order touches each B-tree page once instead of once per
  // random key; it also finds repeats inside the batch without the database.
  std::vector<std::uint32_t> order(fingerprints.size());
  std::iota(order.begin(), order.end(), 0U);
  std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    return FingerprintLess(fingerprints[a], fingerprints[b]);
  });
  for (std::size_t i = 1; i < order.size(); ++i) {
    if (fingerprints[order[i - 1]] == fingerprints[order[i]]) {
      return Fail(ErrorCode::kConflict,
                  "password " + std::to_string(std::max(order[i - 1], order[i]) + 1) +
                      " of batch '" + std::string(batch_id) + "' repeats password " +
                      std::to_string(std::min(order[i - 1], order[i]) + 1) +
                      "; nothing of the batch was registered");
    }
  }

  sql::Database& db = *impl_->db;
  return db.InTransaction([&]() -> Result<void> {
    Result<bool> exists = HasBatch(batch_id);
    if (!exists) {
      return Fail(exists.error());
    }
    if (*exists) {
      return Fail(ErrorCode::kConflict,
                  "batch '" + std::string(batch_id) + "' is already registered");
    }
    Result<sql::Statement> batch = db.Prepare(
        "INSERT INTO batches (name, registered_at, count) VALUES (?1, ?2, ?3) RETURNING id");
    if (!batch) {
      return Fail(batch.error());
    }
    batch->Bind(1, batch_id)
        .Bind(2, FormatUtc(impl_->clock.Now()))
        .Bind(3, static_cast<std::int64_t>(fingerprints.size()));
    Result<bool> added = batch->Step();
    if (!added) {
      return Fail(added.error());
    }
    if (!*added) {
      return Fail(ErrorCode::kInternal, "INSERT ... RETURNING gave no batch id");
    }
    const std::int64_t batch_row = batch->ColumnInt(0);
    Result<void> finished = batch->Run();
    if (!finished) {
      return finished;
    }

    std::optional<sql::Statement> full;  // Re-used for every full chunk.
    std::vector<Fingerprint> inserted;
    for (std::size_t begin = 0; begin < order.size(); begin += kInsertChunk) {
      const std::size_t rows = std::min(kInsertChunk, order.size() - begin);
      std::optional<sql::Statement> last;
      std::optional<sql::Statement>& slot = rows == kInsertChunk ? full : last;
      if (!slot) {
        Result<sql::Statement> prepared = db.Prepare(InsertFingerprintsSql(rows));
        if (!prepared) {
          return Fail(prepared.error());
        }
        slot.emplace(std::move(*prepared));
      }
      sql::Statement& insert = *slot;
      insert.Bind(1, batch_row);
      for (std::size_t i = 0; i < rows; ++i) {
        insert.BindBlob(static_cast<int>(i + 2), fingerprints[order[begin + i]]);
      }
      // RETURNING names the rows actually inserted; a missing one was issued
      // before (ON CONFLICT DO NOTHING keeps a PostgreSQL transaction usable).
      inserted.clear();
      for (;;) {
        Result<bool> row = insert.Step();
        if (!row) {
          return Fail(row.error());
        }
        if (!*row) {
          break;
        }
        const std::string bytes = insert.ColumnBlob(0);
        Fingerprint fingerprint{};
        if (bytes.size() == fingerprint.size()) {
          std::memcpy(fingerprint.data(), bytes.data(), fingerprint.size());
        }
        inserted.push_back(fingerprint);
      }
      Result<void> reset = insert.Reset();
      if (!reset) {
        return reset;
      }
      if (inserted.size() != rows) {
        std::sort(inserted.begin(), inserted.end(), FingerprintLess);
        std::size_t first = order.size();
        for (std::size_t i = 0; i < rows; ++i) {
          const std::uint32_t index = order[begin + i];
          if (!std::binary_search(inserted.begin(), inserted.end(), fingerprints[index],
                                  FingerprintLess)) {
            first = std::min<std::size_t>(first, index);
          }
        }
        return issued_before(first == order.size() ? order[begin] : first);
      }
    }
    return {};
  });
}

Result<ProofReport> PasswordRegistry::Prove() {
  return BuildReport(*impl_->db);
}

Result<ProofReport> ProveRegistry(const std::string& location,
                                  std::optional<std::string_view> secret) {
  if (!sql::IsPostgresLocation(location)) {
    std::error_code ec;
    if (!std::filesystem::exists(location, ec)) {
      return Fail(ErrorCode::kNotFound, location + ": no password registry here");
    }
  }
  Result<std::unique_ptr<sql::Database>> opened = OpenStore(location, false);
  if (!opened) {
    return Fail(opened.error());
  }
  sql::Database& db = **opened;
  Result<bool> present = HasRegistryTables(db);
  if (!present) {
    return Fail(present.error().WithContext("opening password registry"));
  }
  if (!*present) {
    return Fail(ErrorCode::kNotFound, db.Describe() + ": no password registry here");
  }
  Result<void> migrated = db.Migrate(kMigrations, kStoreName);
  if (!migrated) {
    return Fail(migrated.error());
  }
  Result<ProofReport> report = BuildReport(db);
  if (!report) {
    return report;
  }
  if (secret) {
    Result<Fingerprinter> fingerprinter = Fingerprinter::Create(*secret);
    if (!fingerprinter) {
      return Fail(fingerprinter.error());
    }
    Result<std::optional<std::string>> stored = ReadCheckValue(db);
    if (!stored) {
      return Fail(stored.error());
    }
    report->secret_matches = stored->has_value() && **stored == fingerprinter->CheckValue();
  }
  return report;
}

}  // namespace provisio::passwords
