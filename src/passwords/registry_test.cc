#include "provisio/passwords/registry.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sql/sqlite_database.h"

namespace provisio::passwords {
namespace {

constexpr std::string_view kSecret = "factory-secret-0123456789abcdef";

class RegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("provisio-registry-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = dir_ / "registry.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  PasswordRegistry OpenOrDie(std::string_view secret = kSecret) {
    Result<PasswordRegistry> registry = PasswordRegistry::Open(path_, secret, clock_);
    EXPECT_TRUE(registry.has_value()) << registry.error().message();
    return std::move(*registry);
  }

  std::filesystem::path dir_;
  std::filesystem::path path_;
  FixedClock clock_{TimePoint{std::chrono::seconds{1'800'000'000}}};
};

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

TEST_F(RegistryTest, RemembersEveryRegisteredPassword) {
  PasswordRegistry registry = OpenOrDie();
  const Fingerprinter& f = registry.fingerprinter();
  const std::vector<Fingerprint> batch{f.Of("a1"), f.Of("b2"), f.Of("c3")};

  ASSERT_TRUE(registry.RegisterBatch("B-1", batch).has_value());

  EXPECT_TRUE(*registry.Contains(f.Of("b2")));
  EXPECT_FALSE(*registry.Contains(f.Of("d4")));
  EXPECT_TRUE(*registry.HasBatch("B-1"));
}

TEST_F(RegistryTest, RejectsABatchThatRepeatsAnIssuedPasswordAndRegistersNothingOfIt) {
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

TEST_F(RegistryTest, RejectsADuplicateInsideOneBatchAndAReusedBatchId) {
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

TEST_F(RegistryTest, DetectsAWrongManufacturerSecret) {
  { PasswordRegistry registry = OpenOrDie(); }

  Result<PasswordRegistry> wrong =
      PasswordRegistry::Open(path_, "not-the-factory-secret-0000", clock_);
  Result<ProofReport> proof = ProveRegistry(path_, std::string_view("not-the-factory-secret-00"));

  ASSERT_FALSE(wrong.has_value());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kVerification);
  ASSERT_TRUE(proof.has_value());
  ASSERT_TRUE(proof->secret_matches.has_value());
  EXPECT_FALSE(*proof->secret_matches);
}

TEST_F(RegistryTest, RefusesARegistryWithANewerSchema) {
  { PasswordRegistry registry = OpenOrDie(); }
  {
    Result<sql::SqliteDatabase> db = sql::SqliteDatabase::Open(path_);
    ASSERT_TRUE(db.has_value());
    ASSERT_TRUE(db->Exec("PRAGMA user_version=99").has_value());
  }

  Result<PasswordRegistry> registry = PasswordRegistry::Open(path_, kSecret, clock_);
  Result<ProofReport> proof = ProveRegistry(path_, std::nullopt);

  ASSERT_FALSE(registry.has_value());
  EXPECT_EQ(registry.error().code(), ErrorCode::kUnsupported);
  ASSERT_FALSE(proof.has_value());
  EXPECT_EQ(proof.error().code(), ErrorCode::kUnsupported);
}

TEST_F(RegistryTest, ProofReportCountsBatchesAndFingerprints) {
  {
    PasswordRegistry registry = OpenOrDie();
    const Fingerprinter& f = registry.fingerprinter();
    ASSERT_TRUE(registry.RegisterBatch("B-1", std::vector<Fingerprint>{f.Of("1"), f.Of("2")}));
    ASSERT_TRUE(registry.RegisterBatch("B-2", std::vector<Fingerprint>{f.Of("3")}));
  }

  Result<ProofReport> report = ProveRegistry(path_, kSecret);

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

TEST_F(RegistryTest, ProvingAMissingRegistryIsNotFound) {
  Result<ProofReport> report = ProveRegistry(dir_ / "none.db", std::nullopt);

  ASSERT_FALSE(report.has_value());
  EXPECT_EQ(report.error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "none.db"));
}

TEST_F(RegistryTest, SecretFileMustBePrivateAndLongEnough) {
  const std::filesystem::path file = dir_ / "secret";
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
}

}  // namespace
}  // namespace provisio::passwords
