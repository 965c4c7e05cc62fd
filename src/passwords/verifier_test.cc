#include "provisio/passwords/verifier.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <argon2.h>
#include <gtest/gtest.h>

namespace provisio::passwords {
namespace {

// Low cost keeps the suite fast; the code path is the same as at full cost.
constexpr Argon2Cost kTestCost{64, 1, 1};

class CountingRandom final : public RandomSource {
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

TEST(MakeVerifierTest, WritesAnArgon2idPhcStringWithTheRequestedCost) {
  const std::array<std::uint8_t, 16> salt{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  Result<std::string> phc = MakeVerifier("correct horse", salt, kTestCost);

  ASSERT_TRUE(phc.has_value()) << phc.error().message();
  EXPECT_EQ(phc->rfind("$argon2id$v=19$m=64,t=1,p=1$AQIDBAUGBwgJCgsMDQ4PEA$", 0), 0U) << *phc;
}

TEST(MakeVerifierTest, IsAcceptedByLibargon2sOwnVerifier) {
  CountingRandom random;

  Result<std::string> phc = MakeVerifier("pa55-word", random, kTestCost);

  ASSERT_TRUE(phc.has_value());
  EXPECT_EQ(argon2id_verify(phc->c_str(), "pa55-word", 9), ARGON2_OK);
  EXPECT_EQ(argon2id_verify(phc->c_str(), "pa55-Word", 9), ARGON2_VERIFY_MISMATCH);
}

TEST(MakeVerifierTest, RejectsOutOfRangeCostAndShortSalt) {
  const std::array<std::uint8_t, 16> salt{};
  const std::array<std::uint8_t, 4> short_salt{};

  EXPECT_FALSE(MakeVerifier("x", salt, Argon2Cost{4, 1, 1}).has_value());
  EXPECT_FALSE(MakeVerifier("x", salt, Argon2Cost{64, 0, 1}).has_value());
  EXPECT_FALSE(MakeVerifier("x", salt, Argon2Cost{64, 1, 0}).has_value());
  EXPECT_FALSE(MakeVerifier("x", short_salt, kTestCost).has_value());
}

TEST(VerifyPasswordTest, AcceptsTheRightPasswordAndRejectsOthers) {
  CountingRandom random;
  Result<std::string> phc = MakeVerifier("Tr7-kq9-Mzx", random, kTestCost);
  ASSERT_TRUE(phc.has_value());

  Result<bool> right = VerifyPassword("Tr7-kq9-Mzx", *phc);
  Result<bool> wrong = VerifyPassword("Tr7-kq9-Mzy", *phc);
  Result<bool> empty = VerifyPassword("", *phc);

  ASSERT_TRUE(right.has_value()) << right.error().message();
  EXPECT_TRUE(*right);
  ASSERT_TRUE(wrong.has_value());
  EXPECT_FALSE(*wrong);
  ASSERT_TRUE(empty.has_value());
  EXPECT_FALSE(*empty);
}

TEST(VerifyPasswordTest, VerifiesAStringWrittenByLibargon2) {
  const std::string salt = "saltsaltsalt";
  std::array<char, 128> encoded{};
  ASSERT_EQ(argon2id_hash_encoded(2, 32, 1, "hunter22", 8, salt.data(), salt.size(), 24,
                                  encoded.data(), encoded.size()),
            ARGON2_OK);

  Result<bool> ok = VerifyPassword("hunter22", encoded.data());

  ASSERT_TRUE(ok.has_value()) << ok.error().message();
  EXPECT_TRUE(*ok);
}

TEST(VerifyPasswordTest, RejectsMalformedOrForeignVerifiers) {
  const char* cases[] = {
      "",
      "plaintext",
      "$argon2i$v=19$m=64,t=1,p=1$AQIDBAUGBwgJCgsMDQ4PEA$AAAAAAAAAAAAAAAAAAAAAA",
      "$argon2id$v=16$m=64,t=1,p=1$AQIDBAUGBwgJCgsMDQ4PEA$AAAAAAAAAAAAAAAAAAAAAA",
      "$argon2id$v=19$t=1,m=64,p=1$AQIDBAUGBwgJCgsMDQ4PEA$AAAAAAAAAAAAAAAAAAAAAA",
      "$argon2id$v=19$m=64,t=1,p=1$not*base64$AAAAAAAAAAAAAAAAAAAAAA",
      "$argon2id$v=19$m=64,t=1,p=1$AQIDBAUGBwgJCgsMDQ4PEA",
      "$argon2id$v=19$m=064,t=1,p=1$AQIDBAUGBwgJCgsMDQ4PEA$AAAAAAAAAAAAAAAAAAAAAA",
  };
  for (const char* phc : cases) {
    SCOPED_TRACE(phc);

    Result<bool> result = VerifyPassword("x", phc);

    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().code(), ErrorCode::kParse);
  }
}

TEST(VerifyPasswordTest, RefusesAMemoryCostThatWouldExhaustTheDevice) {
  Result<bool> result = VerifyPassword(
      "x", "$argon2id$v=19$m=4000000,t=1,p=1$AQIDBAUGBwgJCgsMDQ4PEA$AAAAAAAAAAAAAAAAAAAAAA");

  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ConstantTimeEqualsTest, ComparesContentAndLength) {
  const std::vector<std::uint8_t> a{1, 2, 3};
  const std::vector<std::uint8_t> b{1, 2, 3};
  const std::vector<std::uint8_t> c{1, 2, 4};
  const std::vector<std::uint8_t> d{1, 2};

  EXPECT_TRUE(ConstantTimeEquals(a, b));
  EXPECT_FALSE(ConstantTimeEquals(a, c));
  EXPECT_FALSE(ConstantTimeEquals(a, d));
}

}  // namespace
}  // namespace provisio::passwords
