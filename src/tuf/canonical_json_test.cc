#include "provisio/tuf/canonical_json.h"

#include <string>

#include <gtest/gtest.h>

namespace provisio::tuf {
namespace {

// U+E000 (private use, UTF-8 EE 80 80) and U+1F600 (UTF-8 F0 9F 98 80,
// UTF-16 D83D DE00): the pair whose order differs between the two sorts.
const std::string kPrivateUse = "\xEE\x80\x80";
const std::string kEmoji = "\xF0\x9F\x98\x80";

TEST(CanonicalizeJsonTest, MatchesKnownVectors) {
  struct Case {
    const char* input;
    const char* canonical;
  };
  const Case cases[] = {
      {R"({"b": 1, "a": [true, false, null], "c": {"z": "x", "y": -5}})",
       R"({"a":[true,false,null],"b":1,"c":{"y":-5,"z":"x"}})"},
      {R"({})", R"({})"},
      {R"([ ])", R"([])"},
      {R"({"k": "quote \" backslash \\ slash \/"})", R"({"k":"quote \" backslash \\ slash /"})"},
      {"{\"k\": \"line\\nfeed\\u0001\"}", "{\"k\":\"line\nfeed\x01\"}"},
      {R"({"k": "caf\u00e9"})", "{\"k\":\"caf\xC3\xA9\"}"},
      {R"({"big": 18446744073709551615, "small": -9223372036854775808})",
       R"({"big":18446744073709551615,"small":-9223372036854775808})"},
      {R"({"B": 1, "a": 2, "_type": 3, "10": 4, "9": 5})",
       R"({"10":4,"9":5,"B":1,"_type":3,"a":2})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);

    Result<std::string> canonical = CanonicalizeJson(c.input);

    ASSERT_TRUE(canonical.has_value()) << canonical.error().message();
    EXPECT_EQ(*canonical, c.canonical);
  }
}

TEST(CanonicalizeJsonTest, RefusesFloatsAndInvalidJson) {
  for (const char* input :
       {R"({"a": 1.0})", R"({"a": 1e2})", R"([0.5])", R"({"a": )", "{\"a\": \"\xFF\"}"}) {
    SCOPED_TRACE(input);

    Result<std::string> canonical = CanonicalizeJson(input);

    ASSERT_FALSE(canonical.has_value());
    EXPECT_EQ(canonical.error().code(), ErrorCode::kParse);
  }
}

TEST(CanonicalizeJsonTest, SortsSupplementaryCharactersDifferentlyInUtf16Order) {
  const std::string input = "{\"" + kPrivateUse + "\": 1, \"" + kEmoji + "\": 2, \"a\": 3}";

  Result<std::string> code_point = CanonicalizeJson(input, KeyOrder::kCodePoint);
  Result<std::string> utf16 = CanonicalizeJson(input, KeyOrder::kUtf16);

  ASSERT_TRUE(code_point.has_value());
  ASSERT_TRUE(utf16.has_value());
  EXPECT_EQ(*code_point, "{\"a\":3,\"" + kPrivateUse + "\":1,\"" + kEmoji + "\":2}");
  EXPECT_EQ(*utf16, "{\"a\":3,\"" + kEmoji + "\":2,\"" + kPrivateUse + "\":1}");
  EXPECT_EQ(KeyOrdersDiffer(input).value_or(false), true);
}

TEST(CanonicalizeJsonTest, AgreesInBothOrdersWithoutTheCriticalPair) {
  // BMP characters below U+E000 and supplementary characters alone sort the same.
  const std::string input = "{\"\xE4\xB8\xAD\": 1, \"" + kEmoji + "\": 2, \"z\": 3, \"" + kEmoji +
                            "x\": {\"" + kPrivateUse + "\": 4}}";

  Result<std::string> code_point = CanonicalizeJson(input, KeyOrder::kCodePoint);
  Result<std::string> utf16 = CanonicalizeJson(input, KeyOrder::kUtf16);

  ASSERT_TRUE(code_point.has_value());
  EXPECT_EQ(*code_point, *utf16);
  EXPECT_EQ(KeyOrdersDiffer(input).value_or(true), false);
}

TEST(KeyLessTest, OrdersByCodePointOrUtf16CodeUnits) {
  struct Case {
    std::string a;
    std::string b;
    bool code_point_less;
    bool utf16_less;
  };
  const Case cases[] = {
      {"a", "b", true, true},
      {"a", "ab", true, true},
      {"ab", "a", false, false},
      {"a", "a", false, false},
      {"Z", "a", true, true},
      {kPrivateUse, kEmoji, true, false},
      {kEmoji, kPrivateUse, false, true},
      {"\xE4\xB8\xAD", kEmoji, true, true},      // U+4E2D < U+1F600 both ways.
      {"\xEF\xBF\xBF", kEmoji, true, false},     // U+FFFF vs U+1F600.
      {kEmoji, "\xF0\x9F\x98\x81", true, true},  // Two supplementary characters.
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.a + " vs " + c.b);

    EXPECT_EQ(KeyLess(c.a, c.b, KeyOrder::kCodePoint), c.code_point_less);
    EXPECT_EQ(KeyLess(c.a, c.b, KeyOrder::kUtf16), c.utf16_less);
  }
}

TEST(CanonicalStringTest, EscapesOnlyQuoteAndBackslash) {
  EXPECT_EQ(CanonicalString("a\"b\\c\n\t/"), "\"a\\\"b\\\\c\n\t/\"");
}

}  // namespace
}  // namespace provisio::tuf
