#include "provisio/core/random.h"

#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace provisio {
namespace {

// Serves the given 32-bit words, little-endian, then fails.
class ScriptedRandom final : public RandomSource {
 public:
  explicit ScriptedRandom(std::vector<std::uint32_t> words) : words_(std::move(words)) {}

  Result<void> Fill(std::span<std::uint8_t> out) override {
    if (out.size() != 4 || next_ == words_.size()) {
      return Fail(ErrorCode::kIo, "script exhausted");
    }
    std::memcpy(out.data(), &words_[next_++], 4);
    return {};
  }

 private:
  std::vector<std::uint32_t> words_;
  std::size_t next_ = 0;
};

TEST(UniformTest, RejectsDrawsFromTheBiasedTail) {
  // With bound 3, 2^32 % 3 == 1, so 0xFFFFFFFF lies in the incomplete block.
  ScriptedRandom random({0xFFFFFFFFu, 7u});

  Result<std::uint32_t> value = random.Uniform(3);

  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, 1u);
}

TEST(UniformTest, PropagatesSourceFailure) {
  ScriptedRandom random({});

  Result<std::uint32_t> value = random.Uniform(10);

  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().code(), ErrorCode::kIo);
}

TEST(OsRandomTest, FillsLargeBuffersWithNonConstantBytes) {
  OsRandom random;
  std::vector<std::uint8_t> bytes(4096, 0);

  ASSERT_TRUE(random.Fill(bytes).has_value());

  std::size_t zeros = 0;
  for (std::uint8_t b : bytes) {
    zeros += b == 0 ? 1 : 0;
  }
  EXPECT_LT(zeros, 100u);  // Expected about 16; all-zero would mean nothing was written.
}

}  // namespace
}  // namespace provisio
