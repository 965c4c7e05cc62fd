#include "provisio/passwords/record_cipher.h"

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "passwords/test_support.h"

namespace provisio::passwords {
namespace {

const std::string kKey(32, '\x42');

TEST(RecordCipherTest, RoundTripsAndWritesTheDocumentedLayout) {
  testing::SeededRandom random(7);
  const std::string plain = "serial,password\nSN1,abc\n";

  Result<std::string> sealed = EncryptRecords(plain, kKey, random);
  ASSERT_TRUE(sealed.has_value());
  Result<std::string> opened = DecryptRecords(*sealed, kKey);

  EXPECT_EQ(sealed->substr(0, 8), "PVPWREC1");
  EXPECT_EQ(sealed->size(), 8 + 12 + plain.size() + 16);
  EXPECT_EQ(sealed->find("SN1"), std::string::npos);
  ASSERT_TRUE(opened.has_value()) << opened.error().message();
  EXPECT_EQ(*opened, plain);
}

TEST(RecordCipherTest, RejectsAWrongKeyOrAnyChangedByte) {
  testing::SeededRandom random(7);
  Result<std::string> sealed = EncryptRecords("serial,password\nSN1,abc\n", kKey, random);
  ASSERT_TRUE(sealed.has_value());

  for (std::size_t i = 0; i < sealed->size(); i += 5) {
    SCOPED_TRACE("byte " + std::to_string(i));
    std::string changed = *sealed;
    changed[i] = static_cast<char>(changed[i] ^ 1);

    Result<std::string> opened = DecryptRecords(changed, kKey);

    EXPECT_FALSE(opened.has_value());
  }
  Result<std::string> wrong_key = DecryptRecords(*sealed, std::string(32, '\x43'));
  ASSERT_FALSE(wrong_key.has_value());
  EXPECT_EQ(wrong_key.error().code(), ErrorCode::kVerification);
  EXPECT_EQ(DecryptRecords("short", kKey).error().code(), ErrorCode::kParse);
}

TEST(RecordCipherTest, ReadsHexOrRawKeyFilesThatArePrivate) {
  testing::TempDir dir;
  const auto hex_file = dir.path() / "hex.key";
  const auto raw_file = dir.path() / "raw.key";
  const auto bad_file = dir.path() / "bad.key";
  std::ofstream(hex_file) << std::string(64, 'a') << "\n";
  std::ofstream(raw_file) << kKey;
  std::ofstream(bad_file) << "tooshort\n";
  for (const auto& f : {hex_file, raw_file, bad_file}) {
    std::filesystem::permissions(
        f, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  }

  Result<std::string> hex = ReadRecordKeyFile(hex_file);
  Result<std::string> raw = ReadRecordKeyFile(raw_file);
  Result<std::string> bad = ReadRecordKeyFile(bad_file);
  std::filesystem::permissions(raw_file, std::filesystem::perms::others_read,
                               std::filesystem::perm_options::add);
  Result<std::string> open_to_all = ReadRecordKeyFile(raw_file);

  ASSERT_TRUE(hex.has_value());
  EXPECT_EQ(*hex, std::string(32, '\xaa'));
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(*raw, kKey);
  EXPECT_FALSE(bad.has_value());
  EXPECT_FALSE(open_to_all.has_value());
}

}  // namespace
}  // namespace provisio::passwords
