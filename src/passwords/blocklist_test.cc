#include "provisio/passwords/blocklist.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

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

TEST(BlocklistTest, ListsEntriesByLengthAndMatchesLongEntries) {
  Blocklist list;
  const std::string long_entry(70, 'q');
  list.AddText("abc\nabcd\nxyz\n" + long_entry + "\n", "mine");

  std::vector<std::string_view> three = list.EntriesOfLength(3);
  std::sort(three.begin(), three.end());

  EXPECT_EQ(three, (std::vector<std::string_view>{"abc", "xyz"}));
  EXPECT_TRUE(list.EntriesOfLength(5).empty());
  EXPECT_EQ(list.EntriesOfLength(70).size(), 1U);
  EXPECT_TRUE(list.Contains(long_entry));
  EXPECT_FALSE(list.Contains(std::string(64, 'q')));  // Same length bucket (>= 63), not listed.
  EXPECT_FALSE(list.Contains("ab"));                  // A length no entry has.
  EXPECT_TRUE(list.Contains("abcd"));
}

TEST(BlocklistTest, MissingFileIsNotFound) {
  Blocklist list;

  Result<void> added = list.AddFile("/nonexistent/provisio/blocklist.txt");

  ASSERT_FALSE(added.has_value());
  EXPECT_EQ(added.error().code(), ErrorCode::kNotFound);
}

}  // namespace
}  // namespace provisio::passwords
