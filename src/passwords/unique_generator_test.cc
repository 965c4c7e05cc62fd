#include "provisio/passwords/unique_generator.h"

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "passwords/test_support.h"

namespace provisio::passwords {
namespace {

TEST(FingerprintSetTest, InsertsOnceAndGrowsPastItsInitialSize) {
  FingerprintSet set(4);

  for (std::uint64_t k = 0; k < 1000; ++k) {
    ASSERT_TRUE(set.Insert(k * 0x9E3779B97F4A7C15ULL)) << k;
  }

  EXPECT_EQ(set.size(), 1000U);
  EXPECT_FALSE(set.Insert(0));
  EXPECT_FALSE(set.Insert(5 * 0x9E3779B97F4A7C15ULL));
  EXPECT_TRUE(set.Contains(999 * 0x9E3779B97F4A7C15ULL));
  EXPECT_FALSE(set.Contains(12345));
}

TEST(SipHash24Test, MatchesTheReferenceVectors) {
  std::array<std::uint8_t, 16> key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(i);
  }
  std::string fifteen;
  for (char c = 0; c < 15; ++c) {
    fifteen += c;
  }

  EXPECT_EQ(SipHash24(key, ""), 0x726fdb47dd0e0e31ULL);
  EXPECT_EQ(SipHash24(key, fifteen), 0xa129ca6149be45e5ULL);
}

// A two-word list and 3-word passphrases give only 8 passwords: the
// generator must hand out each once, then say the space is exhausted.
TEST(UniqueGeneratorTest, NeverRepeatsAndReportsAnExhaustedSpace) {
  Result<WordList> words = WordList::Parse("ab\ncd\n", "tiny");
  ASSERT_TRUE(words.has_value());
  PasswordPolicy policy;
  policy.kind = PolicyKind::kPassphrase;
  policy.words = 3;
  Blocklist blocklist;
  blocklist.AddText("ab-ab-ab\n", "test");
  testing::SeededRandom random(3);
  Result<UniqueGenerator> generator =
      UniqueGenerator::Create(policy, *words, blocklist, nullptr, random, 8);
  ASSERT_TRUE(generator.has_value());

  std::set<std::string> issued;
  Result<std::string> next;
  while ((next = generator->Next()).has_value()) {
    EXPECT_TRUE(issued.insert(*next).second) << *next;
  }

  EXPECT_EQ(issued.size(), 7U);  // 8 minus the blocklisted one.
  EXPECT_FALSE(issued.contains("ab-ab-ab"));
  EXPECT_EQ(next.error().code(), ErrorCode::kConflict);
  EXPECT_GT(generator->stats().rejected_blocklist, 0);
  EXPECT_GT(generator->stats().rejected_repeat, 0);
}

TEST(UniqueGeneratorTest, SkipsPasswordsIssuedInEarlierBatches) {
  testing::TempDir dir;
  FixedClock clock(TimePoint{std::chrono::seconds{1'800'000'000}});
  Result<PasswordRegistry> registry =
      PasswordRegistry::Open(dir.path() / "r.db", "0123456789abcdef", clock);
  ASSERT_TRUE(registry.has_value());
  Result<WordList> words = WordList::Parse("ab\ncd\n", "tiny");
  ASSERT_TRUE(words.has_value());
  PasswordPolicy policy;
  policy.kind = PolicyKind::kPassphrase;
  policy.words = 3;
  const Fingerprinter& f = registry->fingerprinter();
  std::vector<Fingerprint> earlier;
  for (const char* p :
       {"ab-ab-ab", "ab-ab-cd", "ab-cd-ab", "ab-cd-cd", "cd-ab-ab", "cd-ab-cd", "cd-cd-ab"}) {
    earlier.push_back(f.Of(p));
  }
  ASSERT_TRUE(registry->RegisterBatch("old", earlier).has_value());
  Blocklist none;
  testing::SeededRandom random(5);
  Result<UniqueGenerator> generator =
      UniqueGenerator::Create(policy, *words, none, &*registry, random, 1);
  ASSERT_TRUE(generator.has_value());

  Fingerprint fp{};
  Result<std::string> only = generator->Next(&fp);
  Result<std::string> none_left = generator->Next(&fp);

  ASSERT_TRUE(only.has_value());
  EXPECT_EQ(*only, "cd-cd-cd");
  EXPECT_EQ(fp, f.Of("cd-cd-cd"));
  ASSERT_FALSE(none_left.has_value());
  EXPECT_EQ(none_left.error().code(), ErrorCode::kConflict);
  EXPECT_GT(generator->stats().rejected_registry, 0);
}

}  // namespace
}  // namespace provisio::passwords
