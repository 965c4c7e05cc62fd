#include "provisio/passwords/batch.h"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "passwords/csv.h"
#include "passwords/test_support.h"
#include "provisio/core/files.h"
#include "provisio/evidence/evidence_record.h"
#include "provisio/passwords/audit.h"
#include "provisio/passwords/record_cipher.h"

namespace provisio::passwords {
namespace {

constexpr std::string_view kSecret = "factory-secret-0123456789abcdef";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

unsigned Mode(const std::filesystem::path& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 0777;
}

class BatchTest : public ::testing::Test {
 protected:
  BatchOptions Options(std::string batch, std::int64_t count) const {
    BatchOptions options;
    options.batch_id = std::move(batch);
    options.count = count;
    options.out_dir = dir_.path() / "out";
    options.verifier_cost = Argon2Cost{64, 1, 1};  // Low cost keeps the test fast.
    options.threads = 2;
    return options;
  }

  Result<BatchResult> Run(const BatchOptions& options, PasswordRegistry* registry) {
    return RunBatch(options, words_, blocklist_, registry, random_, clock_, {});
  }

  testing::TempDir dir_;
  testing::SeededRandom random_{11};
  FixedClock clock_{TimePoint{std::chrono::seconds{1'800'000'000}}};
  WordList words_ = WordList::Bundled();
  Blocklist blocklist_ = Blocklist::Bundled();
};

TEST_F(BatchTest, WritesPrivateRecordsMatchingVerifiersAndEvidence) {
  BatchOptions options = Options("B-1", 5);
  options.serials = {"SN-A", "SN-B", "SN-C", "SN-D", "SN-E"};

  Result<BatchResult> result = Run(options, nullptr);

  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(Mode(result->records_path), 0600U);
  EXPECT_EQ(Mode(result->verifiers_path), 0600U);
  std::vector<std::string> records = Lines(*ReadFile(result->records_path));
  std::vector<std::string> verifiers = Lines(*ReadFile(result->verifiers_path));
  ASSERT_EQ(records.size(), 6U);
  ASSERT_EQ(verifiers.size(), 6U);
  EXPECT_EQ(records[0], "serial,password");
  std::set<std::string> distinct;
  for (std::size_t i = 1; i < records.size(); ++i) {
    std::optional<std::vector<std::string>> record = SplitCsvLine(records[i]);
    std::optional<std::vector<std::string>> verifier = SplitCsvLine(verifiers[i]);
    ASSERT_TRUE(record.has_value() && verifier.has_value()) << i;
    ASSERT_EQ(record->size(), 2U) << records[i];
    ASSERT_EQ(verifier->size(), 2U) << verifiers[i];
    const std::string serial = (*record)[0];
    const std::string password = (*record)[1];
    const std::string phc = (*verifier)[1];
    EXPECT_EQ((*verifier)[0], serial);
    EXPECT_EQ(serial, options.serials[i - 1]);
    EXPECT_EQ(password.size(), 12U);
    EXPECT_EQ(password.find(serial), std::string::npos);
    EXPECT_TRUE(VerifyPassword(password, phc).value_or(false)) << i;
    distinct.insert(password);
  }
  EXPECT_EQ(distinct.size(), 5U);
  Result<evidence::EvidenceRecord> record = evidence::ReadEvidenceRecord(result->evidence_path);
  ASSERT_TRUE(record.has_value()) << record.error().message();
  EXPECT_EQ(record->kind, "passwords.batch");
  ASSERT_EQ(record->provisions.size(), 2U);
  EXPECT_EQ(record->provisions[0].id, "5.1-1");
  EXPECT_EQ(record->provisions[1].id, "5.1-2");
  EXPECT_EQ(record->provisions[1].outcome, evidence::Outcome::kPass);
  EXPECT_EQ(record->files.size(), 2U);
  EXPECT_NE(record->details_json.find("\"entropy_bits\""), std::string::npos);
  EXPECT_NE(record->provisions[1].summary.find("69.7 bits"), std::string::npos)
      << record->provisions[1].summary;
}

TEST_F(BatchTest, RefusesAWeakPolicyUnlessForcedWithAReason) {
  BatchOptions options = Options("weak", 2);
  options.policy.length = 8;  // 46 bits.

  Result<BatchResult> refused = Run(options, nullptr);
  options.force_weak = true;
  Result<BatchResult> no_reason = Run(options, nullptr);
  options.weak_reason = "legacy keypad accepts 8 characters";
  Result<BatchResult> forced = Run(options, nullptr);

  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(no_reason.has_value());
  ASSERT_TRUE(forced.has_value()) << forced.error().message();
  Result<evidence::EvidenceRecord> record = evidence::ReadEvidenceRecord(forced->evidence_path);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->provisions[1].outcome, evidence::Outcome::kFail);
  EXPECT_NE(record->provisions[1].summary.find("legacy keypad"), std::string::npos);
}

TEST_F(BatchTest, RegistersBatchesAndRefusesToRepeatOne) {
  Result<PasswordRegistry> registry =
      PasswordRegistry::Open(dir_.path() / "registry.db", kSecret, clock_);
  ASSERT_TRUE(registry.has_value());
  BatchOptions first = Options("B-1", 20);
  first.write_verifiers = false;
  BatchOptions second = Options("B-2", 30);
  second.write_verifiers = false;

  Result<BatchResult> one = Run(first, &*registry);
  Result<BatchResult> two = Run(second, &*registry);
  BatchOptions again = Options("B-2", 1);
  again.out_dir = dir_.path() / "elsewhere";
  Result<BatchResult> repeated = Run(again, &*registry);

  ASSERT_TRUE(one.has_value()) << one.error().message();
  ASSERT_TRUE(two.has_value()) << two.error().message();
  ASSERT_TRUE(two->registry_proof.has_value());
  EXPECT_EQ(two->registry_proof->fingerprints, 50);
  EXPECT_EQ(two->registry_proof->batches, 2);
  ASSERT_FALSE(repeated.has_value());
  EXPECT_EQ(repeated.error().code(), ErrorCode::kConflict);
  EXPECT_FALSE(std::filesystem::exists(again.out_dir / "B-2.records.csv"));
}

TEST_F(BatchTest, NeverReplacesTheFilesOfAnEarlierBatch) {
  BatchOptions options = Options("same", 1);
  options.write_verifiers = false;
  ASSERT_TRUE(Run(options, nullptr).has_value());

  Result<BatchResult> again = Run(options, nullptr);

  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
}

TEST_F(BatchTest, EncryptsRecordsWithTheGivenKey) {
  BatchOptions options = Options("enc", 3);
  options.write_verifiers = false;
  options.record_key = std::string(32, 'k');
  options.policy.kind = PolicyKind::kPassphrase;

  Result<BatchResult> result = Run(options, nullptr);

  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(result->records_path.filename(), "enc.records.csv.enc");
  Result<std::string> sealed = ReadFile(result->records_path);
  ASSERT_TRUE(sealed.has_value());
  Result<std::string> plain = DecryptRecords(*sealed, *options.record_key);
  ASSERT_TRUE(plain.has_value());
  std::vector<std::string> lines = Lines(*plain);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(lines[1].rfind("enc-000001,", 0), 0U) << "serial label";
  EXPECT_EQ(std::count(lines[1].begin(), lines[1].end(), '-'), 6);  // 1 in serial, 5 separators.
}

TEST_F(BatchTest, RejectsSerialsThatDoNotMatchTheCountOrRepeat) {
  BatchOptions options = Options("s", 3);
  options.serials = {"A", "B"};
  EXPECT_FALSE(Run(options, nullptr).has_value());
  options.serials = {"A", "B", "A"};
  EXPECT_FALSE(Run(options, nullptr).has_value());
  options.serials = {"A", "B,C", "D"};
  EXPECT_FALSE(Run(options, nullptr).has_value());
}

TEST_F(BatchTest, WritesCsvThatSplitsIntoTwoFieldsWhateverTheSeparator) {
  // Argon2id strings hold commas (m=..,t=..,p=..), and so do passphrases
  // joined with ','; records.csv and verifiers.csv quote them (RFC 4180),
  // and the audit reads the records file back as written.
  for (char separator : {',', '"', '-'}) {
    SCOPED_TRACE(std::string(1, separator));
    BatchOptions options = Options(std::string("sep") + std::to_string(int{separator}), 3);
    options.policy.kind = PolicyKind::kPassphrase;
    options.policy.separator = separator;

    Result<BatchResult> result = Run(options, nullptr);

    ASSERT_TRUE(result.has_value()) << result.error().message();
    const std::string records_text = *ReadFile(result->records_path);
    std::vector<std::string> records = Lines(records_text);
    std::vector<std::string> verifiers = Lines(*ReadFile(result->verifiers_path));
    ASSERT_EQ(records.size(), 4U);
    ASSERT_EQ(verifiers.size(), 4U);
    for (std::size_t i = 1; i < records.size(); ++i) {
      std::optional<std::vector<std::string>> record = SplitCsvLine(records[i]);
      std::optional<std::vector<std::string>> verifier = SplitCsvLine(verifiers[i]);
      ASSERT_TRUE(record.has_value()) << records[i];
      ASSERT_TRUE(verifier.has_value()) << verifiers[i];
      ASSERT_EQ(record->size(), 2U) << records[i];
      ASSERT_EQ(verifier->size(), 2U) << verifiers[i];
      EXPECT_EQ(std::count((*record)[1].begin(), (*record)[1].end(), separator), 5);
      EXPECT_TRUE(VerifyPassword((*record)[1], (*verifier)[1]).value_or(false)) << i;
    }
    Result<std::vector<CredentialRecord>> parsed = ParseCredentials(records_text, "records.csv");
    ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
    ASSERT_EQ(parsed->size(), 3U);
    EXPECT_EQ(std::count((*parsed)[0].password.begin(), (*parsed)[0].password.end(), separator), 5);
  }
}

}  // namespace
}  // namespace provisio::passwords
