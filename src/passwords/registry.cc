#include "provisio/passwords/registry.h"

#include <sys/stat.h>

#include <vector>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"
#include "sql/sqlite_database.h"

namespace provisio::passwords {
namespace {

constexpr std::string_view kCheckLabel = "provisio password registry check v1";
constexpr std::string_view kStoreName = "password registry";

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
     "  batch INTEGER NOT NULL REFERENCES batches(id)) WITHOUT ROWID;"},
};

std::uint64_t FileSize(const std::filesystem::path& path) {
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

Result<std::int64_t> QueryInt(sql::SqliteDatabase& db, std::string_view query) {
  Result<sql::Statement> statement = db.Prepare(query);
  if (!statement) {
    return Fail(statement.error());
  }
  Result<bool> row = statement->Step();
  if (!row) {
    return Fail(row.error());
  }
  return *row ? statement->ColumnInt(0) : 0;
}

Result<std::optional<std::string>> ReadCheckValue(sql::SqliteDatabase& db) {
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

Result<ProofReport> BuildReport(sql::SqliteDatabase& db) {
  ProofReport report;
  report.path = db.path();
  report.method = std::string(RegistryMethod());
  Result<int> version = db.SchemaVersion();
  if (!version) {
    return Fail(version.error());
  }
  report.schema_version = *version;
  struct Figure {
    std::int64_t* target;
    std::string_view query;
  };
  const Figure figures[] = {
      {&report.fingerprints, "SELECT COUNT(*) FROM fingerprints"},
      {&report.batches, "SELECT COUNT(*) FROM batches"},
      {&report.duplicates, "SELECT COUNT(*) - COUNT(DISTINCT fingerprint) FROM fingerprints"},
      {&report.batch_count_mismatches,
       "SELECT COUNT(*) FROM batches b WHERE b.count <> "
       "(SELECT COUNT(*) FROM fingerprints f WHERE f.batch = b.id)"},
  };
  for (const Figure& figure : figures) {
    Result<std::int64_t> value = QueryInt(db, figure.query);
    if (!value) {
      return Fail(value.error().WithContext("proving registry"));
    }
    *figure.target = *value;
  }
  Result<sql::Statement> check = db.Prepare("PRAGMA quick_check");
  if (!check) {
    return Fail(check.error());
  }
  Result<bool> row = check->Step();
  if (!row) {
    return Fail(row.error());
  }
  report.integrity_ok = *row && check->ColumnText(0) == "ok";
  report.size_bytes = FileSize(db.path()) + FileSize(db.path().string() + "-wal");
  return report;
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
         "secret (no plaintext stored); fingerprints are the PRIMARY KEY of a SQLite table, so a "
         "second copy cannot be stored; every candidate is checked against the registry before "
         "issue and each batch is registered in one transaction (all or nothing); a stored check "
         "value rejects a different secret.";
}

// ---- PasswordRegistry -------------------------------------------------------

struct PasswordRegistry::Impl {
  sql::SqliteDatabase db;
  Fingerprinter fingerprinter;
  const Clock& clock;
  std::optional<sql::Statement> contains;  // Prepared once: called per candidate.
};

PasswordRegistry::PasswordRegistry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}
PasswordRegistry::PasswordRegistry(PasswordRegistry&&) noexcept = default;
PasswordRegistry& PasswordRegistry::operator=(PasswordRegistry&&) noexcept = default;
PasswordRegistry::~PasswordRegistry() = default;

Result<PasswordRegistry> PasswordRegistry::Open(const std::filesystem::path& path,
                                                std::string_view secret,
                                                const Clock& clock) {
  Result<Fingerprinter> fingerprinter = Fingerprinter::Create(secret);
  if (!fingerprinter) {
    return Fail(fingerprinter.error());
  }
  Result<sql::SqliteDatabase> db = sql::SqliteDatabase::Open(path);
  if (!db) {
    return Fail(db.error().WithContext("opening password registry"));
  }
  Result<void> migrated = db->Migrate(kMigrations, kStoreName);
  if (!migrated) {
    return Fail(migrated.error());
  }
  const std::string expected = fingerprinter->CheckValue();
  Result<void> checked = db->InTransaction([&]() -> Result<void> {
    Result<std::optional<std::string>> stored = ReadCheckValue(*db);
    if (!stored) {
      return Fail(stored.error());
    }
    if (stored->has_value()) {
      if (**stored != expected) {
        return Fail(ErrorCode::kVerification,
                    path.string() +
                        ": this registry was created with a different manufacturer secret; "
                        "refusing to open it (fingerprints made with another secret could not "
                        "detect duplicates)");
      }
      return {};
    }
    Result<sql::Statement> insert = db->Prepare(
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
      std::make_unique<Impl>(Impl{std::move(*db), std::move(*fingerprinter), clock, {}}));
}

const Fingerprinter& PasswordRegistry::fingerprinter() const {
  return impl_->fingerprinter;
}

Result<bool> PasswordRegistry::Contains(const Fingerprint& fingerprint) {
  if (!impl_->contains) {
    Result<sql::Statement> select =
        impl_->db.Prepare("SELECT 1 FROM fingerprints WHERE fingerprint = ?1");
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
  Result<sql::Statement> select = impl_->db.Prepare("SELECT 1 FROM batches WHERE name = ?1");
  if (!select) {
    return Fail(select.error());
  }
  select->Bind(1, batch_id);
  return select->Step();
}

Result<void> PasswordRegistry::RegisterBatch(std::string_view batch_id,
                                             std::span<const Fingerprint> fingerprints) {
  sql::SqliteDatabase& db = impl_->db;
  return db.InTransaction([&]() -> Result<void> {
    Result<bool> exists = HasBatch(batch_id);
    if (!exists) {
      return Fail(exists.error());
    }
    if (*exists) {
      return Fail(ErrorCode::kConflict,
                  "batch '" + std::string(batch_id) + "' is already registered");
    }
    Result<sql::Statement> batch =
        db.Prepare("INSERT INTO batches (name, registered_at, count) VALUES (?1, ?2, ?3)");
    if (!batch) {
      return Fail(batch.error());
    }
    batch->Bind(1, batch_id)
        .Bind(2, FormatUtc(impl_->clock.Now()))
        .Bind(3, static_cast<std::int64_t>(fingerprints.size()));
    Result<void> added = batch->Run();
    if (!added) {
      return added;
    }
    const std::int64_t batch_row = db.LastInsertRowId();
    Result<sql::Statement> insert = db.Prepare(
        "INSERT INTO fingerprints (fingerprint, batch) VALUES (?1, ?2) "
        "ON CONFLICT DO NOTHING RETURNING 1");
    if (!insert) {
      return Fail(insert.error());
    }
    for (std::size_t i = 0; i < fingerprints.size(); ++i) {
      insert->BindBlob(1, fingerprints[i]).Bind(2, batch_row);
      Result<bool> inserted = insert->Step();
      if (!inserted) {
        return Fail(inserted.error());
      }
      if (!*inserted) {
        return Fail(ErrorCode::kConflict,
                    "password " + std::to_string(i + 1) + " of batch '" + std::string(batch_id) +
                        "' was issued before; nothing of the batch was registered");
      }
      Result<void> reset = insert->Reset();
      if (!reset) {
        return reset;
      }
    }
    return {};
  });
}

Result<ProofReport> PasswordRegistry::Prove() {
  return BuildReport(impl_->db);
}

Result<ProofReport> ProveRegistry(const std::filesystem::path& path,
                                  std::optional<std::string_view> secret) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Fail(ErrorCode::kNotFound, path.string() + ": no password registry here");
  }
  sql::OpenOptions options;
  options.create_if_missing = false;
  Result<sql::SqliteDatabase> db = sql::SqliteDatabase::Open(path, options);
  if (!db) {
    return Fail(db.error().WithContext("opening password registry"));
  }
  Result<void> migrated = db->Migrate(kMigrations, kStoreName);
  if (!migrated) {
    return Fail(migrated.error());
  }
  Result<ProofReport> report = BuildReport(*db);
  if (!report) {
    return report;
  }
  if (secret) {
    Result<Fingerprinter> fingerprinter = Fingerprinter::Create(*secret);
    if (!fingerprinter) {
      return Fail(fingerprinter.error());
    }
    Result<std::optional<std::string>> stored = ReadCheckValue(*db);
    if (!stored) {
      return Fail(stored.error());
    }
    report->secret_matches = stored->has_value() && **stored == fingerprinter->CheckValue();
  }
  return report;
}

}  // namespace provisio::passwords
