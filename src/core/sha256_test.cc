#include "provisio/core/sha256.h"

#include <fstream>

#include <gtest/gtest.h>

namespace provisio {
namespace {

TEST(Sha256Test, MatchesKnownVectors) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256Test, HashesFilesByStreaming) {
  const auto path = std::filesystem::temp_directory_path() / "provisio_sha256_test.bin";
  {
    std::ofstream out(path, std::ios::binary);
    out << std::string(3 << 20, 'a');  // Larger than the read buffer.
  }

  Result<FileDigest> digest = Sha256File(path);

  ASSERT_TRUE(digest.has_value());
  EXPECT_EQ(digest->size, 3u << 20);
  EXPECT_EQ(digest->sha256_hex, Sha256Hex(std::string(3 << 20, 'a')));
  std::filesystem::remove(path);
}

TEST(Sha256Test, MissingFileIsNotFound) {
  Result<FileDigest> digest = Sha256File("/nonexistent/provisio/file");

  ASSERT_FALSE(digest.has_value());
  EXPECT_EQ(digest.error().code(), ErrorCode::kNotFound);
}

TEST(HexTest, RoundTripsAndRejectsBadDigits) {
  Result<std::string> decoded = HexDecode("00ff10Ab");

  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(HexEncode(*decoded), "00ff10ab");
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("zz").has_value());
}

}  // namespace
}  // namespace provisio
