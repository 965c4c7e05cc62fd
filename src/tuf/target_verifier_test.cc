#include "provisio/tuf/target_verifier.h"

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "provisio/core/sha256.h"

namespace provisio::tuf {
namespace {

std::string Sha512Hex(const std::string& content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha512(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

TargetFile Describe(const std::string& content) {
  TargetFile file;
  file.length = content.size();
  file.hashes["sha256"] = Sha256Hex(content);
  file.hashes["sha512"] = Sha512Hex(content);
  return file;
}

std::string Content(std::size_t size) {
  std::string content(size, '\0');
  for (std::size_t i = 0; i < size; ++i) {
    content[i] = static_cast<char>((i * 131) ^ (i >> 7));
  }
  return content;
}

template <typename T>
void ExpectRejected(const Checked<T>& result, RejectReason reason) {
  ASSERT_FALSE(result.has_value()) << "expected " << ToString(reason);
  EXPECT_EQ(result.error().reason(), reason) << result.error().message();
}

TEST(VerifyLengthAndHashesTest, ChecksOnlyWhatIsListed) {
  const std::string content = "metadata bytes";
  const TargetFile file = Describe(content);
  std::map<std::string, std::string> upper = {{"sha256", Sha256Hex(content)}};
  for (char& c : upper["sha256"]) {
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }

  EXPECT_TRUE(VerifyLengthAndHashes(content, file.length, file.hashes).has_value());
  EXPECT_TRUE(VerifyLengthAndHashes(content, std::nullopt, {}).has_value());
  EXPECT_TRUE(VerifyLengthAndHashes(content, std::nullopt, upper).has_value());
  ExpectRejected(VerifyLengthAndHashes(content + "x", file.length, {}),
                 RejectReason::kLengthMismatch);
  ExpectRejected(VerifyLengthAndHashes("metadata bytez", std::nullopt, file.hashes),
                 RejectReason::kHashMismatch);
  ExpectRejected(VerifyLengthAndHashes(content, std::nullopt, {{"md5", "00"}}),
                 RejectReason::kHashMismatch);
}

TEST(VerifyLengthAndHashesTest, FailsWhenAnyListedHashDiffers) {
  const std::string content = "firmware";
  TargetFile file = Describe(content);
  file.hashes["sha512"] = Sha512Hex("other");

  ExpectRejected(VerifyLengthAndHashes(content, file.length, file.hashes),
                 RejectReason::kHashMismatch);
}

TEST(TargetHasherTest, VerifiesAStreamFedInChunks) {
  const std::string content = Content(10000);
  Checked<TargetHasher> hasher = TargetHasher::Create(content.size(), Describe(content).hashes);
  ASSERT_TRUE(hasher.has_value());

  for (std::size_t at = 0; at < content.size(); at += 777) {
    ASSERT_TRUE(hasher->Update(std::string_view(content).substr(at, 777)).has_value());
  }

  EXPECT_TRUE(hasher->Finish().has_value());
  EXPECT_EQ(hasher->bytes_seen(), content.size());
}

TEST(TargetHasherTest, StopsAsSoonAsMoreThanTheLengthArrives) {
  const std::string content = Content(1000);
  Checked<TargetHasher> hasher = TargetHasher::Create(content.size(), Describe(content).hashes);
  ASSERT_TRUE(hasher.has_value());
  ASSERT_TRUE(hasher->Update(content).has_value());

  ExpectRejected(hasher->Update("x"), RejectReason::kLengthMismatch);
}

TEST(TargetHasherTest, RefusesShortStreamsWrongHashesAndNoHashes) {
  const std::string content = Content(1000);
  Checked<TargetHasher> short_stream =
      TargetHasher::Create(content.size(), Describe(content).hashes);
  ASSERT_TRUE(short_stream.has_value());
  ASSERT_TRUE(short_stream->Update(content.substr(1)).has_value());
  Checked<TargetHasher> tampered = TargetHasher::Create(content.size(), Describe(content).hashes);
  ASSERT_TRUE(tampered.has_value());
  std::string evil = content;
  evil[500] ^= 1;
  ASSERT_TRUE(tampered->Update(evil).has_value());

  ExpectRejected(short_stream->Finish(), RejectReason::kLengthMismatch);
  ExpectRejected(tampered->Finish(), RejectReason::kHashMismatch);
  ExpectRejected(TargetHasher::Create(1, {}), RejectReason::kMalformed);
  ExpectRejected(TargetHasher::Create(1, {{"sha256", "00"}, {"whirlpool", "00"}}),
                 RejectReason::kHashMismatch);
}

class VerifyTargetFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (std::filesystem::temp_directory_path() / "tuf_target_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path Write(const std::string& name, const std::string& content) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path, std::ios::binary) << content;
    return path;
  }

  std::filesystem::path dir_;
};

TEST_F(VerifyTargetFileTest, AcceptsTheListedFileSeriallyAndInParallel) {
  const std::string content = Content(300000);
  const std::filesystem::path path = Write("fw.bin", content);
  for (const bool parallel : {false, true}) {
    for (const std::size_t chunk : {std::size_t{4096}, std::size_t{1} << 20}) {
      SCOPED_TRACE(std::to_string(parallel) + "/" + std::to_string(chunk));

      Checked<void> verified = VerifyTargetFile(path, Describe(content), {chunk, parallel});

      EXPECT_TRUE(verified.has_value()) << verified.error().message();
    }
  }
}

TEST_F(VerifyTargetFileTest, AcceptsAnEmptyFile) {
  EXPECT_TRUE(VerifyTargetFile(Write("empty", ""), Describe("")).has_value());
}

TEST_F(VerifyTargetFileTest, RefusesLongerShorterAndAlteredFiles) {
  const std::string content = Content(50000);
  std::string altered = content;
  altered[49999] ^= 0x40;
  struct Case {
    const char* name;
    std::string on_disk;
    RejectReason reason;
  };
  const Case cases[] = {
      {"longer", content + "trailing", RejectReason::kLengthMismatch},
      {"much longer", content + Content(5000000), RejectReason::kLengthMismatch},
      {"shorter", content.substr(0, 49000), RejectReason::kLengthMismatch},
      {"altered", altered, RejectReason::kHashMismatch},
  };
  for (const Case& c : cases) {
    for (const bool parallel : {false, true}) {
      SCOPED_TRACE(std::string(c.name) + (parallel ? " parallel" : " serial"));
      const std::filesystem::path path = Write(c.name, c.on_disk);

      ExpectRejected(VerifyTargetFile(path, Describe(content), {4096, parallel}), c.reason);
    }
  }
}

TEST_F(VerifyTargetFileTest, RefusesWhenOnlyTheSecondHashDiffers) {
  const std::string content = Content(70000);
  TargetFile file = Describe(content);
  file.hashes["sha512"] = Sha512Hex(content + "x");

  ExpectRejected(VerifyTargetFile(Write("fw.bin", content), file), RejectReason::kHashMismatch);
}

TEST_F(VerifyTargetFileTest, ReportsAMissingFileAsUnreadable) {
  Checked<void> verified = VerifyTargetFile(dir_ / "missing", Describe("x"));

  ExpectRejected(verified, RejectReason::kUnreadable);
  EXPECT_EQ(verified.error().ToError().code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace provisio::tuf
