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
  EXPECT_TRUE(header->header_crc_ok);
  EXPECT_TRUE(header->data_crc_ok);
  EXPECT_FALSE(header->truncated);
  ASSERT_EQ(header->parts.size(), 1U);
  EXPECT_EQ(header->parts[0], std::make_pair(std::uint64_t{64}, std::uint64_t{13}));
}

TEST(UImageTest, AcceptsADamagedHeaderOnlyWhenItStillDescribesItsPayload) {
  struct Case {
    const char* name;
    std::size_t at;  // The header byte that is changed (the stored CRC stays).
    char value;
    bool damage_payload;
    bool accepted;
  };
  const Case cases[] = {
      {"name changed, data CRC matches", 40, 'X', false, true},
      {"time changed, data CRC wrong but fields plausible", 8, 0x11, true, true},
      {"type out of range, data CRC matches", 30, '\x7F', false, true},
      {"type out of range, data CRC wrong", 30, '\x7F', true, false},
      {"unknown compression, data CRC wrong", 31, '\x33', true, false},
      {"size beyond the input, data CRC wrong", 12, 0x10, true, false},
      {"OS 0 (invalid), data CRC wrong", 28, '\0', true, false},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    std::string image = MakeUImage("payload bytes");
    const std::uint32_t stored_crc =
        Crc32(image.substr(0, 4) + std::string(4, '\0') + image.substr(8, 56));
    image[test.at] = test.value;
    if (test.damage_payload)
      image.back() = '!';

    auto header = ParseUImage(image);

    ASSERT_EQ(static_cast<bool>(header), test.accepted);
    if (!header)
      continue;
    EXPECT_FALSE(header->header_crc_ok);
    EXPECT_EQ(header->header_crc, stored_crc);
    std::string zeroed = image.substr(0, 64);
    zeroed.replace(4, 4, std::string(4, '\0'));
    EXPECT_EQ(header->computed_header_crc, Crc32(zeroed));
    EXPECT_NE(header->computed_header_crc, header->header_crc);
    EXPECT_EQ(header->data_crc_ok, !test.damage_payload);
    EXPECT_EQ(header->computed_data_crc, Crc32(image.substr(64)));
  }
}

TEST(UImageTest, RejectsAZeroedHeaderWhoseEmptyPayloadMatchesItsCrc) {
  // Just the magic, then zeros (a TRX's placeholder kernel partition).
  const std::string image = std::string("\x27\x05\x19\x56", 4) + std::string(200, '\0');

  EXPECT_FALSE(ParseUImage(image));
}

TEST(UImageTest, RejectsWrongMagic) {
  std::string image = MakeUImage("payload");
  image[0] = 0x28;

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
