#include "provisio/passwords/unique_generator.h"

#include <algorithm>
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

// Checks the set against std::set over a run with many repeats.
TEST(FingerprintSetTest, AgreesWithAReferenceSetUnderRepeatsAndGrowth) {
  FingerprintSet set(8);
  std::set<std::uint64_t> reference;
  std::uint64_t x = 88172645463325252ULL;

  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    const std::uint64_t key = x % 5000;  // Many repeats, including key 0.
    set.Prefetch(key);
    ASSERT_EQ(set.Insert(key), reference.insert(key).second) << i;
  }

  EXPECT_EQ(set.size(), reference.size());
  for (std::uint64_t k = 0; k < 5100; ++k) {
    EXPECT_EQ(set.Contains(k), reference.contains(k)) << k;
  }
}

UniquenessKey TestKey() {
  return {0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL, 0x1716151413121110ULL,
          0x1f1e1d1c1b1a1918ULL};
}

TEST(KeyedHash64Test, IsAFunctionOfKeyAndEveryInputByte) {
  const UniquenessKey key = TestKey();
  UniquenessKey other_key = key;
  other_key[3] ^= 1;
  std::set<std::uint64_t> seen;

  for (std::size_t length = 0; length <= 40; ++length) {
    SCOPED_TRACE(length);
    std::string data(length, 'a');
    const std::uint64_t base = KeyedHash64(key, data);
    EXPECT_EQ(KeyedHash64(key, std::string(data)), base);
    EXPECT_NE(KeyedHash64(other_key, data), base);
    EXPECT_TRUE(seen.insert(base).second);  // The length counts.
    for (std::size_t i = 0; i < length; ++i) {
      std::string changed = data;
      changed[i] = 'b';
      EXPECT_TRUE(seen.insert(KeyedHash64(key, changed)).second) << "byte " << i;
    }
  }
}

TEST(KeyedHash64Test, SpreadsLabelPasswordsOverTheLowBits) {
  // The set indexes by the low bits: 4096 buckets for 40960 distinct labels
  // should each hold about 10, never a pile-up.
  const UniquenessKey key = TestKey();
  std::vector<int> buckets(4096, 0);
  std::string password = "222222222222";

  for (int i = 0; i < 40960; ++i) {
    int v = i;
    for (std::size_t pos = 0; pos < 4; ++pos) {
      password[11 - pos] = kLabelAlphabet[static_cast<std::size_t>(v % 56)];
      v /= 56;
    }
    ++buckets[KeyedHash64(key, password) & 4095];
  }

  EXPECT_LT(*std::max_element(buckets.begin(), buckets.end()), 30);
}

// Serves 0, 1, ..., 255 over and over.
class CyclingRandom final : public RandomSource {
 public:
  Result<void> Fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) {
      b = next_++;
    }
    return {};
  }

 private:
  std::uint8_t next_ = 0;
};

TEST(UniqueGeneratorTest, MapsRandomBytesToLabelCharactersWithoutBias) {
  // Each cycle of 256 bytes gives 224 accepted (each character from exactly
  // 4 byte values) and 32 rejected: the characters run through the alphabet
  // with period 56. 9-character labels then come in 56 distinct ones, after
  // which every candidate repeats an earlier one.
  CyclingRandom random;
  PasswordPolicy policy;
  policy.length = 9;
  Blocklist none;
  Result<UniqueGenerator> generator =
      UniqueGenerator::Create(policy, WordList::Bundled(), none, nullptr, random, 64);
  ASSERT_TRUE(generator.has_value());

  std::string all;
  for (int i = 0; i < 56; ++i) {
    Result<std::string> next = generator->Next();
    ASSERT_TRUE(next.has_value()) << i;
    all += *next;
  }
  Result<std::string> repeat = generator->Next();

  ASSERT_EQ(all.size(), 504U);
  for (std::size_t i = 0; i < all.size(); ++i) {
    // The uniqueness key took bytes 0..31, so the first character is byte 32's.
    ASSERT_EQ(all[i], kLabelAlphabet[(32 + i) % 56]) << i;
  }
  for (char c : kLabelAlphabet) {
    EXPECT_EQ(std::count(all.begin(), all.end(), c), 9) << c;
  }
  ASSERT_FALSE(repeat.has_value());
  EXPECT_EQ(repeat.error().code(), ErrorCode::kConflict);
}

std::uint64_t ConstantHash(const UniquenessKey&, std::string_view) {
  return 42;
}

std::uint64_t FirstCharacterHash(const UniquenessKey&, std::string_view password) {
  return static_cast<unsigned char>(password.front());
}

TEST(UniqueGeneratorTest, TreatsAHashCollisionAsARepeat) {
  testing::SeededRandom random(11);
  Blocklist none;
  Result<UniqueGenerator> generator = UniqueGenerator::Create(
      PasswordPolicy{}, WordList::Bundled(), none, nullptr, random, 16, ConstantHash);
  ASSERT_TRUE(generator.has_value());

  Result<std::string> first = generator->Next();
  Result<std::string> second = generator->Next();

  ASSERT_TRUE(first.has_value());
  ASSERT_FALSE(second.has_value());  // Every later candidate differs but collides.
  EXPECT_EQ(second.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(generator->stats().issued, 1);
  EXPECT_EQ(generator->stats().rejected_repeat, UniqueGenerator::kMaxConsecutiveRejections);
}

TEST(UniqueGeneratorTest, IssuesOnePasswordPerHashValueUnderAWeakHash) {
  // Hashing only the first character leaves 56 hash values: at most 56
  // passwords, all with different first characters, then exhaustion.
  testing::SeededRandom random(12);
  Blocklist none;
  Result<UniqueGenerator> generator = UniqueGenerator::Create(
      PasswordPolicy{}, WordList::Bundled(), none, nullptr, random, 16, FirstCharacterHash);
  ASSERT_TRUE(generator.has_value());

  std::set<char> first_characters;
  Result<std::string> next;
  while ((next = generator->Next()).has_value()) {
    EXPECT_TRUE(first_characters.insert(next->front()).second) << *next;
  }

  EXPECT_EQ(first_characters.size(), kLabelAlphabet.size());
  EXPECT_EQ(next.error().code(), ErrorCode::kConflict);
}

// Serves `pattern` over and over.
class RepeatingRandom final : public RandomSource {
 public:
  explicit RepeatingRandom(std::vector<std::uint8_t> pattern) : pattern_(std::move(pattern)) {}
  Result<void> Fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) {
      b = pattern_[next_++ % pattern_.size()];
    }
    return {};
  }

 private:
  std::vector<std::uint8_t> pattern_;
  std::size_t next_ = 0;
};

TEST(UniqueGeneratorTest, NeverIssuesABlocklistedLabel) {
  // 32 bytes of pattern: the key takes the first cycle; then candidates
  // alternate "22222222" (listed) and "33333333".
  std::vector<std::uint8_t> pattern(32, 0);
  std::fill(pattern.begin() + 8, pattern.begin() + 16, std::uint8_t{1});
  std::fill(pattern.begin() + 24, pattern.end(), std::uint8_t{1});
  RepeatingRandom random(pattern);
  PasswordPolicy policy;
  policy.length = 8;
  Blocklist blocklist;
  blocklist.AddText("22222222\n2222222\n22222222x\n", "test");
  Result<UniqueGenerator> generator =
      UniqueGenerator::Create(policy, WordList::Bundled(), blocklist, nullptr, random, 16);
  ASSERT_TRUE(generator.has_value());

  Result<std::string> first = generator->Next();
  Result<std::string> second = generator->Next();

  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(*first, "33333333");
  ASSERT_FALSE(second.has_value());
  EXPECT_GT(generator->stats().rejected_blocklist, 0);
  EXPECT_GT(generator->stats().rejected_repeat, 0);
}

TEST(UniqueGeneratorTest, RefusesAPolicyOutsideItsBounds) {
  testing::SeededRandom random(1);
  PasswordPolicy policy;
  policy.length = PasswordPolicy::kMinLength - 1;
  Blocklist none;

  Result<UniqueGenerator> generator =
      UniqueGenerator::Create(policy, WordList::Bundled(), none, nullptr, random, 16);

  ASSERT_FALSE(generator.has_value());
  EXPECT_EQ(generator.error().code(), ErrorCode::kInvalidArgument);
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
