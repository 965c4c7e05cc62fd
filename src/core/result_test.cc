#include "provisio/core/result.h"

#include <gtest/gtest.h>

namespace provisio {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) {
    return Fail(ErrorCode::kInvalidArgument, std::to_string(value) + " is odd");
  }
  return value / 2;
}

TEST(ResultTest, CarriesValueOrError) {
  Result<int> good = Half(4);
  Result<int> bad = Half(3);

  ASSERT_TRUE(good.has_value());
  EXPECT_EQ(*good, 2);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "3 is odd");
}

TEST(ResultTest, WithContextPrefixesMessageAndKeepsCode) {
  Error error(ErrorCode::kParse, "line 3: bad key");

  Error wrapped = error.WithContext("loading catalog");

  EXPECT_EQ(wrapped.code(), ErrorCode::kParse);
  EXPECT_EQ(wrapped.message(), "loading catalog: line 3: bad key");
}

TEST(ResultTest, ErrorCodesHaveStableNames) {
  EXPECT_EQ(ToString(ErrorCode::kVerification), "verification");
  EXPECT_EQ(ToString(ErrorCode::kNotFound), "not-found");
}

}  // namespace
}  // namespace provisio
