#include "provisio/passwords/registry.h"

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "sql/database.h"
#include "sql/postgres_test_support.h"

namespace provisio::passwords {
namespace {

constexpr std::string_view kSecret = "factory-secret-0123456789abcdef";

enum class Backend { kSqlite, kPostgres };

// Every registry test runs on both stores: a SQLite file, and a fresh
// PostgreSQL database when a test server is configured (skipped otherwise,
// failed when PROVISIO_REQUIRE_POSTGRES=1).
class RegistryTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    // Parameterized test names hold a '/'.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    dir_ = std::filesystem::temp_directory_path() /
           ("provisio-registry-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    if (GetParam() == Backend::kPostgres) {
      PROVISIO_TEST_POSTGRES_DATABASE(database);
      postgres_.emplace(std::move(database));
      location_ = postgres_->uri();
    } else {
      location_ = (dir_ / "registry.db").string();
    }
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PasswordRegistry OpenOrDie(std::string_view secret = kSecret) {
    Result<PasswordRegistry> registry = PasswordRegistry::Open(location_, secret, clock_);
    EXPECT_TRUE(registry.has_value()) << registry.error().message();
    return std::move(*registry);
  }

  std::filesystem::path dir_;
  std::optional<sql::testing::TemporaryPostgresDatabase> postgres_;
  std::string location_;
  FixedClock clock_{TimePoint{std::chrono::seconds{1'800'000'000}}};
};

// Names the backend in ctest output instead of its bytes.
void PrintTo(Backend backend, std::ostream* out) {
  *out << (backend == Backend::kSqlite ? "SQLite" : "PostgreSQL");
}

// A fingerprint with `value` in its last eight bytes, big-endian, so the
// tests control the key order the registry inserts in.
Fingerprint Numbered(std::uint64_t value, std::uint8_t top = 0) {
  Fingerprint fingerprint{};
  fingerprint[0] = top;
  for (std::size_t i = 0; i < 8; ++i) {
    fingerprint[31 - i] = static_cast<std::uint8_t>(value >> (8 * i));
  }
  return fingerprint;
}

TEST(FingerprinterTest, IsKeyedAndDeterministic) {
  Result<Fingerprinter> a = Fingerprinter::Create(kSecret);
  Result<Fingerprinter> b = Fingerprinter::Create("another-secret-0123456789");
  ASSERT_TRUE(a.has_value() && b.has_value());

  EXPECT_EQ(a->Of("pw-one"), a->Of("pw-one"));
  EXPECT_NE(a->Of("pw-one"), a->Of("pw-two"));
  EXPECT_NE(a->Of("pw-one"), b->Of("pw-one"));
  EXPECT_NE(a->CheckValue(), b->CheckValue());
}

TEST(FingerprinterTest, MatchesOpensslHmacSha256) {
  // HMAC-SHA-256(key = "0123456789abcdef", "") computed independently with
  // `openssl dgst -sha256 -hmac 0123456789abcdef < /dev/null`.
  Result<Fingerprinter> f = Fingerprinter::Create("0123456789abcdef");
  ASSERT_TRUE(f.has_value());

  const Fingerprint fp = f->Of("");

  std::string hex;
  for (std::uint8_t byte : fp) {
    const char* digits = "0123456789abcdef";
    hex += digits[byte >> 4];
    hex += digits[byte & 15];
  }
  EXPECT_EQ(hex, "496dc93fa2d26eae500ec0bc37a122706b88f8963cebf0899d0245fae313e241");
}

TEST(FingerprinterTest, RefusesShortSecrets) {
  Result<Fingerprinter> f = Fingerprinter::Create("short");

  ASSERT_FALSE(f.has_value());
  EXPECT_EQ(f.error().code(), ErrorCode::kInvalidArgument);
}

TEST_P(RegistryTest, RemembersEveryRegisteredPassword) {
  PasswordRegistry registry = OpenOrDie();
  const Fingerprinter& f = registry.fingerprinter();
  const std::vector<Fingerprint> batch{f.Of("a1"), f.Of("b2"), f.Of("c3")};

  ASSERT_TRUE(registry.RegisterBatch("B-1", batch).has_value());

  EXPECT_TRUE(*registry.Contains(f.Of("b2")));
  EXPECT_FALSE(*registry.Contains(f.Of("d4")));
  EXPECT_TRUE(*registry.HasBatch("B-1"));
}

TEST_P(RegistryTest, RejectsABatchThatRepeatsAnIssuedPasswordAndRegistersNothingOfIt) {
  PasswordRegistry registry = OpenOrDie();
  const Fingerprinter& f = registry.fingerprinter();
  ASSERT_TRUE(registry.RegisterBatch("B-1", std::vector<Fingerprint>{f.Of("a1")}).has_value());

  Result<void> second =
      registry.RegisterBatch("B-2", std::vector<Fingerprint>{f.Of("new"), f.Of("a1")});

  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kConflict);
  EXPECT_FALSE(*registry.Contains(f.Of("new")));
  EXPECT_FALSE(*registry.HasBatch("B-2"));
  Result<ProofReport> report = registry.Prove();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->fingerprints, 1);
  EXPECT_EQ(report->batches, 1);
}

TEST_P(RegistryTest, RejectsADuplicateInsideOneBatchAndAReusedBatchId) {
  PasswordRegistry registry = OpenOrDie();
  const Fingerprinter& f = registry.fingerprinter();

  Result<void> twice =
      registry.RegisterBatch("B-1", std::vector<Fingerprint>{f.Of("x"), f.Of("x")});
  ASSERT_TRUE(registry.RegisterBatch("B-2", std::vector<Fingerprint>{f.Of("y")}).has_value());
  Result<void> reused = registry.RegisterBatch("B-2", std::vector<Fingerprint>{f.Of("z")});

  ASSERT_FALSE(twice.has_value());
  EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);
  EXPECT_FALSE(*registry.Contains(f.Of("x")));
  ASSERT_FALSE(reused.has_value());
  EXPECT_EQ(reused.error().code(), ErrorCode::kConflict);
}

TEST_P(RegistryTest, DetectsAWrongManufacturerSecret) {
  { PasswordRegistry registry = OpenOrDie(); }

  Result<PasswordRegistry> wrong =
      PasswordRegistry::Open(location_, "not-the-factory-secret-0000", clock_);
  Result<ProofReport> proof =
      ProveRegistry(location_, std::string_view("not-the-factory-secret-00"));

  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kVerification);
  ASSERT_TRUE(proof.has_value());
  ASSERT_TRUE(proof->secret_matches.has_value());
  EXPECT_FALSE(*proof->secret_matches);
}

TEST_P(RegistryTest, RefusesARegistryWithANewerSchema) {
  { PasswordRegistry registry = OpenOrDie(); }
  {
    // What a future provisio would do: one more migration step.
    Result<std::unique_ptr<sql::Database>> db = sql::OpenDatabase(location_);
    ASSERT_TRUE(db.has_value()) << db.error().message();
    const sql::Migration future[] = {{1, "SELECT 1"},
                                     {99, "CREATE TABLE from_the_future (x INTEGER)"}};
    ASSERT_TRUE((*db)->Migrate(future, "password registry").has_value());
  }

  Result<PasswordRegistry> registry = PasswordRegistry::Open(location_, kSecret, clock_);
  Result<ProofReport> proof = ProveRegistry(location_, std::nullopt);

  ASSERT_FALSE(registry.has_value());
  EXPECT_EQ(registry.error().code(), ErrorCode::kUnsupported);
  ASSERT_FALSE(proof.has_value());
  EXPECT_EQ(proof.error().code(), ErrorCode::kUnsupported);
}

TEST_P(RegistryTest, ProofReportCountsBatchesAndFingerprints) {
  {
    PasswordRegistry registry = OpenOrDie();
    const Fingerprinter& f = registry.fingerprinter();
    ASSERT_TRUE(registry.RegisterBatch("B-1", std::vector<Fingerprint>{f.Of("1"), f.Of("2")}));
    ASSERT_TRUE(registry.RegisterBatch("B-2", std::vector<Fingerprint>{f.Of("3")}));
  }

  Result<ProofReport> report = ProveRegistry(location_, kSecret);

  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->fingerprints, 3);
  EXPECT_EQ(report->batches, 2);
  EXPECT_EQ(report->duplicates, 0);
  EXPECT_EQ(report->batch_count_mismatches, 0);
  EXPECT_TRUE(report->integrity_ok);
  EXPECT_GT(report->size_bytes, 0U);
  EXPECT_EQ(report->schema_version, 1);
  EXPECT_TRUE(report->secret_matches.value_or(false));
}

TEST_P(RegistryTest, ProvingAMissingRegistryIsNotFound) {
  // SQLite: no file. PostgreSQL: a database without the registry's tables.
  const std::string missing =
      GetParam() == Backend::kSqlite ? (dir_ / "none.db").string() : location_;

  Result<ProofReport> report = ProveRegistry(missing, std::nullopt);

  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kNotFound) << report.error().message();
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));
}

TEST_P(RegistryTest, ABatchLargerThanOneInsertIsRegisteredWhole) {
  PasswordRegistry registry = OpenOrDie();
  std::vector<Fingerprint> batch;
  for (std::uint64_t i = 0; i < 1300; ++i) {
    batch.push_back(Numbered(i * 7919 % 1300));  // Not in key order.
  }

  Result<void> registered = registry.RegisterBatch("B-1", batch);
  Result<ProofReport> report = registry.Prove();

  ASSERT_TRUE(registered.has_value()) << registered.error().message();
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->fingerprints, 1300);
  EXPECT_EQ(report->batch_count_mismatches, 0);
  EXPECT_TRUE(*registry.Contains(Numbered(0)));
  EXPECT_TRUE(*registry.Contains(Numbered(1299)));
  EXPECT_FALSE(*registry.Contains(Numbered(1300)));
}

TEST_P(RegistryTest, AConflictAfterManyInsertsRollsBackTheWholeBatchAndNamesThePassword) {
  PasswordRegistry registry = OpenOrDie();
  const Fingerprint last = Numbered(1, 0xff);  // Sorts after every other key.
  ASSERT_TRUE(registry.RegisterBatch("B-1", std::vector<Fingerprint>{last}).has_value());
  std::vector<Fingerprint> batch;
  for (std::uint64_t i = 0; i < 1200; ++i) {
    batch.push_back(Numbered(i));
  }
  batch.insert(batch.begin() + 6, last);  // Password 7, inserted in the last chunk.

  Result<void> second = registry.RegisterBatch("B-2", batch);

  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().code(), ErrorCode::kConflict);
  EXPECT_NE(second.error().message().find("password 7 of batch 'B-2' was issued before"),
            std::string::npos)
      << second.error().message();
  EXPECT_FALSE(*registry.Contains(Numbered(0)));
  EXPECT_FALSE(*registry.HasBatch("B-2"));
  Result<ProofReport> report = registry.Prove();
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->fingerprints, 1);
  EXPECT_EQ(report->batches, 1);
}

TEST_P(RegistryTest, AProcessKilledWhileRegisteringLeavesNothingHalfRegistered) {
  { PasswordRegistry created = OpenOrDie(); }
  constexpr std::uint64_t kCount = 100'000;
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(ready[0]);
    Result<PasswordRegistry> registry = PasswordRegistry::Open(location_, kSecret, clock_);
    std::vector<Fingerprint> batch;
    for (std::uint64_t i = 0; i < kCount; ++i) {
      batch.push_back(Numbered(i * 48'271 % kCount));
    }
    const char byte = 'r';
    (void)!::write(ready[1], &byte, 1);
    if (registry) {
      (void)registry->RegisterBatch("KILLED", batch);
    }
    ::_exit(0);
  }
  ::close(ready[1]);
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ::close(ready[0]);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  Result<ProofReport> report = ProveRegistry(location_, kSecret);
  PasswordRegistry registry = OpenOrDie();

  // Killed mid-transaction (the usual case) nothing is there; had the child
  // finished first, all of it. Never a part.
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_TRUE(report->fingerprints == 0 || report->fingerprints == kCount) << report->fingerprints;
  EXPECT_EQ(report->batches, report->fingerprints == 0 ? 0 : 1);
  EXPECT_EQ(report->batch_count_mismatches, 0);
  EXPECT_TRUE(report->integrity_ok);
  EXPECT_TRUE(registry.RegisterBatch("NEXT", std::vector<Fingerprint>{Numbered(1, 0xaa)}));
}

TEST_P(RegistryTest, ConcurrentWritersRegisterDifferentBatchesCorrectly) {
  { PasswordRegistry created = OpenOrDie(); }
  constexpr int kWriters = 2;
  constexpr int kBatches = 4;
  constexpr std::uint64_t kPerBatch = 700;
  const Fingerprint shared = Numbered(42, 0xee);  // Both writers try to issue it.
  std::atomic<int> shared_registered{0};
  std::atomic<int> failures{0};
  auto writer = [&](int w) {
    Result<PasswordRegistry> registry = PasswordRegistry::Open(location_, kSecret, clock_);
    if (!registry) {
      ++failures;
      return;
    }
    for (int b = 0; b < kBatches; ++b) {
      std::vector<Fingerprint> batch;
      for (std::uint64_t i = 0; i < kPerBatch; ++i) {
        batch.push_back(Numbered(i, static_cast<std::uint8_t>(w * kBatches + b + 1)));
      }
      const std::string id = "W" + std::to_string(w) + "-" + std::to_string(b);
      if (!registry->RegisterBatch(id, batch)) {
        ++failures;
      }
    }
    if (registry->RegisterBatch("S" + std::to_string(w), std::vector<Fingerprint>{shared})) {
      ++shared_registered;
    }
  };

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back(writer, w);
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  Result<ProofReport> report = ProveRegistry(location_, kSecret);

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(shared_registered.load(), 1);
  ASSERT_TRUE(report.has_value()) << report.error().message();
  EXPECT_EQ(report->fingerprints, kWriters * kBatches * static_cast<std::int64_t>(kPerBatch) + 1);
  EXPECT_EQ(report->batches, kWriters * kBatches + 1);
  EXPECT_EQ(report->duplicates, 0);
  EXPECT_EQ(report->batch_count_mismatches, 0);
}

TEST(SecretFileTest, MustBePrivateAndLongEnough) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("provisio-registry-secret-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::filesystem::path file = dir / "secret";
  std::ofstream(file) << "0123456789abcdefXYZ\n";
  std::filesystem::permissions(file, std::filesystem::perms::owner_read |
                                         std::filesystem::perms::owner_write |
                                         std::filesystem::perms::group_read);

  Result<std::string> open_to_group = ReadSecretFile(file);
  std::filesystem::permissions(file, std::filesystem::perms::group_read,
                               std::filesystem::perm_options::remove);
  Result<std::string> ok = ReadSecretFile(file);

  ASSERT_FALSE(open_to_group.has_value());
  EXPECT_EQ(open_to_group.error().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, "0123456789abcdefXYZ");
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         RegistryTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const ::testing::TestParamInfo<Backend>& param) {
                           return param.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

}  // namespace
}  // namespace provisio::passwords
