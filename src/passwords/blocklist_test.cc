#include "provisio/passwords/blocklist.h"

#include <gtest/gtest.h>

namespace provisio::passwords {
namespace {

TEST(BlocklistTest, BundledListsHoldKnownDefaultsAndCommonPasswords) {
  Blocklist list = Blocklist::Bundled();

  EXPECT_TRUE(list.Contains("xc3511"));  // Mirai
  EXPECT_TRUE(list.Contains("123456"));  // top 10k
  EXPECT_TRUE(list.Contains("admin"));
  EXPECT_FALSE(list.Contains("Tr7kq9Mzx4Wd"));
  EXPECT_GT(list.size(), 10000U);
  EXPECT_EQ(list.sources().size(), 3U);
}

TEST(BlocklistTest, AddedTextCountsLineByLineAndMatchesCaseInsensitivelyOnRequest) {
  Blocklist list;

  list.AddText("Factory1\r\n\nsecret#2\n", "mine");

  EXPECT_TRUE(list.Contains("Factory1"));
  EXPECT_TRUE(list.Contains("secret#2"));
  EXPECT_FALSE(list.Contains("factory1"));
  EXPECT_TRUE(list.ContainsIgnoringCase("FACTORY1"));
  EXPECT_FALSE(list.Contains(""));
  EXPECT_EQ(list.size(), 2U);
}

TEST(BlocklistTest, MissingFileIsNotFound) {
  Blocklist list;

  Result<void> added = list.AddFile("/nonexistent/provisio/blocklist.txt");

  ASSERT_FALSE(added.has_value());
  EXPECT_EQ(added.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace provisio::passwords
