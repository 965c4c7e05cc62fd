#include "provisio/core/text.h"

#include <string>

#include <gtest/gtest.h>

namespace provisio {
namespace {

TEST(AsciiLowerTest, LowerCasesAsciiLettersOnly) {
  EXPECT_EQ(AsciiLower("PassWORD-42_Z"), "password-42_z");
  EXPECT_EQ(AsciiLower(""), "");
  // UTF-8 and binary bytes pass through unchanged.
  EXPECT_EQ(AsciiLower("\xC3\x84rger"), "\xC3\x84rger");
  const std::string binary("\x00\xFF\x41", 3);
  EXPECT_EQ(AsciiLower(binary), std::string("\x00\xFF\x61", 3));
}

}  // namespace
}  // namespace provisio
