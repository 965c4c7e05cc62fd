#include "provisio/passwords/generator.h"

#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

namespace provisio::passwords {
namespace {

// Returns scripted bytes in order, then fails: no hidden randomness in tests.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<std::uint8_t> bytes) : bytes_(std::move(bytes)) {}

  Result<void> Fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) {
      if (next_ == bytes_.size()) {
        return Fail(ErrorCode::kIo, "script exhausted");
      }
      b = bytes_[next_++];
    }
    return {};
  }
  std::size_t used() const { return next_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::size_t next_ = 0;
};

TEST(GeneratePasswordTest, TakesEachLabelCharacterFromTheRandomSource) {
  // A label draws its length plus a quarter plus 2 bytes at once (17 for 12).
  ScriptedRandom random(std::vector<std::uint8_t>(17, 0));

  Result<std::string> password = GeneratePassword(PasswordPolicy{}, WordList::Bundled(), random);

  ASSERT_TRUE(password.has_value()) << password.error().message();
  EXPECT_EQ(*password, std::string(12, '2'));
  EXPECT_EQ(random.used(), 17U);
}

TEST(GeneratePasswordTest, RejectsBytesFromTheIncompleteLastBlock) {
  // 256 % 56 = 32: bytes 224..255 would bias the first 32 characters.
  std::vector<std::uint8_t> bytes(34, 0);
  for (std::size_t i = 0; i < 17; ++i) {
    bytes[i] = 250;  // First draw: all rejected.
  }
  bytes[17] = 224;
  bytes[18] = 255;
  bytes[19] = 57;
  ScriptedRandom random(bytes);

  Result<std::string> password = GeneratePassword(PasswordPolicy{}, WordList::Bundled(), random);

  ASSERT_TRUE(password.has_value());
  EXPECT_EQ(*password, std::string(1, kLabelAlphabet[1]) + std::string(11, '2'));
  EXPECT_EQ(random.used(), 34U);  // The first 17 bytes were all rejected: drawn again.
}

TEST(GeneratePasswordTest, NeverEmitsLookAlikeCharacters) {
  std::vector<std::uint8_t> every_value(512);
  for (std::size_t i = 0; i < every_value.size(); ++i) {
    every_value[i] = static_cast<std::uint8_t>(i % 256);
  }
  ScriptedRandom random(every_value);
  PasswordPolicy policy;
  policy.length = 112;

  Result<std::string> first = GeneratePassword(policy, WordList::Bundled(), random);
  Result<std::string> second = GeneratePassword(policy, WordList::Bundled(), random);

  ASSERT_TRUE(first.has_value() && second.has_value());
  EXPECT_EQ((*first + *second).find_first_of("0O1lIo"), std::string::npos);
}

TEST(GeneratePasswordTest, BuildsPassphrasesFromTheWordList) {
  Result<WordList> words = WordList::Parse("alpha\nbravo\ncharlie\ndelta\n", "test");
  ASSERT_TRUE(words.has_value());
  ScriptedRandom random({3, 0, 2});
  PasswordPolicy policy;
  policy.kind = PolicyKind::kPassphrase;
  policy.words = 3;

  Result<std::string> password = GeneratePassword(policy, *words, random);

  ASSERT_TRUE(password.has_value());
  EXPECT_EQ(*password, "delta-alpha-charlie");
}

TEST(GeneratePasswordTest, RejectsPoliciesOutsideTheirBounds) {
  struct Case {
    PolicyKind kind;
    int size;
    bool accepted;
  };
  const Case cases[] = {{PolicyKind::kLabel, 7, false},     {PolicyKind::kLabel, 8, true},
                        {PolicyKind::kLabel, 129, false},   {PolicyKind::kPassphrase, 2, false},
                        {PolicyKind::kPassphrase, 3, true}, {PolicyKind::kPassphrase, 33, false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ToString(c.kind)) + " " + std::to_string(c.size));
    ScriptedRandom random(std::vector<std::uint8_t>(256, 1));
    PasswordPolicy policy;
    policy.kind = c.kind;
    policy.length = c.size;
    policy.words = c.size;

    Result<std::string> password = GeneratePassword(policy, WordList::Bundled(), random);

    EXPECT_EQ(password.has_value(), c.accepted);
    if (!c.accepted) {
      EXPECT_EQ(password.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(GeneratePasswordTest, RefusesAControlCharacterAsPassphraseSeparator) {
  // A device record is one CSV line; a line break inside a password would split it.
  for (char separator : {'\n', '\r', '\t', '\0', '\x7f'}) {
    SCOPED_TRACE(static_cast<int>(separator));
    ScriptedRandom random(std::vector<std::uint8_t>(256, 1));
    PasswordPolicy policy;
    policy.kind = PolicyKind::kPassphrase;
    policy.separator = separator;

    Result<std::string> password = GeneratePassword(policy, WordList::Bundled(), random);

    ASSERT_FALSE(password.has_value());
    EXPECT_EQ(password.error().code(), ErrorCode::kInvalidArgument);
  }
}

TEST(GeneratePasswordTest, PropagatesRandomSourceFailureWithContext) {
  ScriptedRandom random({});

  Result<std::string> password = GeneratePassword(PasswordPolicy{}, WordList::Bundled(), random);

  ASSERT_FALSE(password.has_value());
  EXPECT_EQ(password.error().code(), ErrorCode::kIo);
  EXPECT_EQ(password.error().message(), "generating password: script exhausted");
}

TEST(EntropyBitsTest, ComesFromAlphabetOrWordListSize) {
  PasswordPolicy label;
  PasswordPolicy phrase;
  phrase.kind = PolicyKind::kPassphrase;
  phrase.words = 6;

  EXPECT_NEAR(EntropyBits(label, 0), 12 * std::log2(56.0), 1e-9);
  EXPECT_DOUBLE_EQ(EntropyBits(phrase, 4096), 72.0);
}

TEST(WordListTest, BundledListHas4096DistinctWords) {
  WordList words = WordList::Bundled();

  std::set<std::string> distinct;
  for (std::size_t i = 0; i < words.size(); ++i) {
    distinct.insert(words[i]);
  }
  EXPECT_EQ(words.size(), 4096U);
  EXPECT_EQ(distinct.size(), 4096U);
}

TEST(WordListTest, RejectsDuplicatesWithTheirLineNumber) {
  Result<WordList> words = WordList::Parse("# comment\nalpha\nbravo\n\nalpha\n", "mine.txt");

  ASSERT_FALSE(words.has_value());
  EXPECT_EQ(words.error().code(), ErrorCode::kParse);
  EXPECT_NE(words.error().message().find("mine.txt:5"), std::string::npos)
      << words.error().message();
}

TEST(UniformIndexTest, CoversEveryValueEquallyOverAFullByteCycle) {
  std::vector<std::uint8_t> bytes(256);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(i);
  }
  ScriptedRandom random(bytes);
  std::vector<int> counts(10, 0);

  for (int i = 0; i < 250; ++i) {  // 256 - 256 % 10 = 250 accepted bytes.
    Result<std::uint32_t> v = UniformIndex(random, 10);
    ASSERT_TRUE(v.has_value());
    ++counts[*v];
  }

  for (int count : counts) {
    EXPECT_EQ(count, 25);
  }
}

TEST(BufferedRandomTest, ServesTheSourceBytesInOrder) {
  std::vector<std::uint8_t> bytes(200);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(i);
  }
  ScriptedRandom source(bytes);
  BufferedRandom buffered(source, 64);

  std::vector<std::uint8_t> out(100);
  ASSERT_TRUE(buffered.Fill(out).has_value());

  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[99], 99);
  EXPECT_EQ(source.used(), 128U);
}

}  // namespace
}  // namespace provisio::passwords
