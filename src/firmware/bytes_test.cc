#include "firmware/bytes.h"

#include <cstdint>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace provisio::firmware {
namespace {

// Nine distinct bytes, the high bit set in some, so that a swapped, shifted
// or sign-extended read gives a different value.
const std::string kBytes("\x01\x82\x03\xF4\x05\x86\x07\xF8\x09", 9);

TEST(BytesTest, LoadsEveryWidthInEitherByteOrder) {
  EXPECT_EQ(LoadBe16(kBytes, 0), 0x0182U);
  EXPECT_EQ(LoadLe16(kBytes, 0), 0x8201U);
  EXPECT_EQ(LoadBe16(kBytes, 7), 0xF809U);
  EXPECT_EQ(LoadLe16(kBytes, 7), 0x09F8U);
  EXPECT_EQ(LoadBe32(kBytes, 0), 0x018203F4U);
  EXPECT_EQ(LoadLe32(kBytes, 0), 0xF4038201U);
  EXPECT_EQ(LoadBe32(kBytes, 5), 0x8607F809U);
  EXPECT_EQ(LoadLe32(kBytes, 5), 0x09F80786U);
  EXPECT_EQ(LoadBe64(kBytes, 0), 0x018203F4058607F8ULL);
  EXPECT_EQ(LoadLe64(kBytes, 0), 0xF8078605F4038201ULL);
  EXPECT_EQ(LoadBe64(kBytes, 1), 0x8203F4058607F809ULL);
  EXPECT_EQ(LoadLe64(kBytes, 1), 0x09F8078605F40382ULL);
}

TEST(BytesTest, CountsOffsetsFromTheStartOfTheView) {
  const std::string_view view = std::string_view(kBytes).substr(2, 4);

  EXPECT_EQ(LoadBe32(view, 0), 0x03F40586U);
  EXPECT_EQ(UnsignedBytes(view, 1)[0], 0xF4);
}

}  // namespace
}  // namespace provisio::firmware
