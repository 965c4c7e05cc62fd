#include "firmware/headers.h"

#include <string>

#include <gtest/gtest.h>

namespace provisio::firmware {
namespace {

void PutBe32(std::string& s, std::size_t at, std::uint32_t v) {
  s[at] = static_cast<char>(v >> 24);
  s[at + 1] = static_cast<char>(v >> 16);
  s[at + 2] = static_cast<char>(v >> 8);
  s[at + 3] = static_cast<char>(v);
}
void PutLe32(std::string& s, std::size_t at, std::uint32_t v) {
  s[at] = static_cast<char>(v);
  s[at + 1] = static_cast<char>(v >> 8);
  s[at + 2] = static_cast<char>(v >> 16);
  s[at + 3] = static_cast<char>(v >> 24);
}

// A uImage as mkimage writes it.
std::string MakeUImage(std::string payload, std::uint8_t type = 2, std::uint8_t compression = 0) {
  std::string image(64, '\0');
  PutBe32(image, 0, kUImageMagic);
  PutBe32(image, 12, static_cast<std::uint32_t>(payload.size()));
  PutBe32(image, 24, Crc32(payload));
  image[28] = 5;
  image[29] = 2;
  image[30] = static_cast<char>(type);
  image[31] = static_cast<char>(compression);
  image.replace(32, 6, "kernel");
  PutBe32(image, 4, Crc32(image));
  return image + payload;
}

std::string MakeTrx(const std::string& a, const std::string& b) {
  std::string image(28, '\0');
  PutLe32(image, 0, kTrxMagic);
  PutLe32(image, 12, 1U << 16);
  PutLe32(image, 16, 28);
  PutLe32(image, 20, static_cast<std::uint32_t>(28 + a.size()));
  image += a + b;
  PutLe32(image, 4, static_cast<std::uint32_t>(image.size()));
  PutLe32(image, 8, TrxCrc(std::string_view(image).substr(12)));
  return image;
}

TEST(Crc32Test, MatchesTheStandardCheckValue) {
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926U);
}

TEST(UImageTest, ParsesHeaderAndVerifiesDataCrc) {
  const std::string image = MakeUImage("payload bytes");

  auto header = ParseUImage(image);

  ASSERT_TRUE(header) << header.error().message();
  EXPECT_EQ(header->name, "kernel");
  EXPECT_EQ(header->data_size, 13U);
  EXPECT_TRUE(header->data_crc_ok);
  EXPECT_FALSE(header->truncated);
  ASSERT_EQ(header->parts.size(), 1U);
  EXPECT_EQ(header->parts[0], std::make_pair(std::uint64_t{64}, std::uint64_t{13}));
}

TEST(UImageTest, RejectsHeaderWithWrongCrc) {
  std::string image = MakeUImage("payload");
  image[40] = 'X';

  EXPECT_FALSE(ParseUImage(image));
}

TEST(UImageTest, ReportsTruncatedPayloadAndBadDataCrcWithoutFailing) {
  std::string image = MakeUImage("payload bytes");
  image.back() = '!';
  auto damaged = ParseUImage(image);
  ASSERT_TRUE(damaged);
  EXPECT_FALSE(damaged->data_crc_ok);

  auto truncated = ParseUImage(std::string_view(image).substr(0, 70));
  ASSERT_TRUE(truncated);
  EXPECT_TRUE(truncated->truncated);
  EXPECT_EQ(truncated->parts[0].second, 6U);
}

TEST(UImageTest, SplitsMultiFileImagesAtFourByteBoundaries) {
  std::string table(12, '\0');
  PutBe32(table, 0, 3);
  PutBe32(table, 4, 5);
  const std::string image = MakeUImage(table + "abc" + std::string(1, '\0') + "defgh", 4);

  auto header = ParseUImage(image);

  ASSERT_TRUE(header);
  ASSERT_EQ(header->parts.size(), 2U);
  EXPECT_EQ(std::string_view(image).substr(header->parts[0].first, header->parts[0].second), "abc");
  EXPECT_EQ(std::string_view(image).substr(header->parts[1].first, header->parts[1].second),
            "defgh");
}

TEST(TrxTest, ParsesPartitionsAndCrc) {
  const std::string image = MakeTrx("KERNEL", "ROOTFS!!");

  auto header = ParseTrx(image);

  ASSERT_TRUE(header) << header.error().message();
  EXPECT_TRUE(header->crc_ok);
  EXPECT_EQ(header->version, 1);
  ASSERT_EQ(header->partitions.size(), 2U);
  EXPECT_EQ(
      std::string_view(image).substr(header->partitions[0].first, header->partitions[0].second),
      "KERNEL");
  EXPECT_EQ(
      std::string_view(image).substr(header->partitions[1].first, header->partitions[1].second),
      "ROOTFS!!");
}

TEST(TrxTest, RejectsInconsistentHeaders) {
  struct Case {
    const char* name;
    std::size_t at;
    std::uint32_t value;
  };
  const Case cases[] = {
      {"version 7", 12, 7U << 16},        {"length shorter than header", 4, 10},
      {"partition before header", 16, 4}, {"partition past the end", 20, 4096},
      {"decreasing partitions", 20, 20},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string image = MakeTrx("KERNEL", "ROOTFS");
    PutLe32(image, c.at, c.value);
    EXPECT_FALSE(ParseTrx(image));
  }
}

TEST(TrxTest, NeverReadsPastShortInputs) {
  const std::string image = MakeTrx("KERNEL", "ROOTFS");
  for (std::size_t n = 0; n <= image.size(); ++n) {
    const std::string prefix = image.substr(0, n);  // Exact-size copy: ASan catches overreads.
    auto header = ParseTrx(prefix);
    if (header) {
      for (const auto& [offset, size] : header->partitions)
        EXPECT_LE(offset + size, n);
    }
    auto uimage = ParseUImage(prefix);
    EXPECT_FALSE(uimage);
  }
}

}  // namespace
}  // namespace provisio::firmware
