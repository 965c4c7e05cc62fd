#include "formats/document.h"

#include <gtest/gtest.h>

namespace provisio::formats {
namespace {

TEST(ParseYamlTest, TypesPlainScalarsAndKeepsQuotedOnesAsStrings) {
  Result<Document> doc = ParseYaml("a: 1\nb: '1'\nc: true\nd: ~\ne: 2.5\nf: 5.1-1\n", "t.yaml");

  ASSERT_TRUE(doc.has_value()) << doc.error().message();
  EXPECT_EQ(doc->value["a"], 1);
  EXPECT_EQ(doc->value["b"], "1");
  EXPECT_EQ(doc->value["c"], true);
  EXPECT_TRUE(doc->value["d"].is_null());
  EXPECT_EQ(doc->value["e"], 2.5);
  EXPECT_EQ(doc->value["f"], "5.1-1");
}

TEST(ParseYamlTest, RecordsPositionsOfKeys) {
  Result<Document> doc = ParseYaml("top:\n  items:\n    - id: x\n    - id: y\n", "p.yaml");

  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->Where("/top/items/1/id"), "p.yaml:4:7");
  EXPECT_EQ(doc->Where("/top/items/1/id/missing"), "p.yaml:4:7");
}

TEST(ParseYamlTest, SyntaxErrorsNameLineAndColumn) {
  Result<Document> doc = ParseYaml("a: [1, 2\nb: 3\n", "bad.yaml");

  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().code(), ErrorCode::kParse);
  EXPECT_EQ(doc.error().message().rfind("bad.yaml:", 0), 0u) << doc.error().message();
}

TEST(ParseYamlTest, DuplicateKeysAreErrors) {
  Result<Document> doc = ParseYaml("a: 1\nb: 2\na: 3\n", "dup.yaml");

  ASSERT_FALSE(doc.has_value());
  EXPECT_NE(doc.error().message().find("dup.yaml:3:1: duplicate key 'a'"), std::string::npos)
      << doc.error().message();
}

TEST(ParseJsonTest, NumbersTooLargeForADoubleAreErrorsNotExceptions) {
  for (const char* text : {"{\"a\":1e999}", "[12e668]", "-1e400"}) {
    SCOPED_TRACE(text);
    Result<Document> doc = ParseJson(text, "root.json");
    ASSERT_FALSE(doc.has_value());
    EXPECT_EQ(doc.error().code(), ErrorCode::kParse);
    EXPECT_NE(doc.error().message().find("root.json: invalid JSON: number overflow"),
              std::string::npos)
        << doc.error().message();
  }
}

TEST(ParseJsonTest, ErrorsNameLineAndColumn) {
  Result<Document> doc = ParseJson("{\n  \"a\": 1,\n  \"b\": ]\n}", "x.json");

  ASSERT_FALSE(doc.has_value());
  EXPECT_EQ(doc.error().message().rfind("x.json:3:8", 0), 0u) << doc.error().message();
}

TEST(DumpJsonTest, ReplacesInvalidUtf8InsteadOfThrowing) {
  Json value = std::string("\xff\xfe");

  EXPECT_NO_THROW({ std::string text = DumpJson(value); });
}

}  // namespace
}  // namespace provisio::formats

namespace provisio::formats {
namespace {

TEST(ParseJsonTest, RecordsPositionsOfMembersAndElements) {
  Result<Document> doc = ParseJson("{\n  \"a\": [1, {\"b\": \"x\"}],\n  \"c\": null\n}", "p.json");

  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(doc->Where("/a"), "p.json:2:3");
  EXPECT_EQ(doc->Where("/a/1/b"), "p.json:2:13");
  EXPECT_EQ(doc->Where("/c"), "p.json:3:3");
  EXPECT_EQ(doc->Where("/missing"), "p.json:1:1");
}

}  // namespace
}  // namespace provisio::formats
