#include "passwords/csv.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace provisio::passwords {
namespace {

TEST(CsvTest, QuotesOnlyFieldsThatNeedItAndReadsThemBack) {
  struct Case {
    std::string field;
    std::string written;
  };
  const std::vector<Case> cases = {
      {"plain-word", "plain-word"},
      {"", ""},
      {"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
       "\"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA\""},
      {"apple,pear,plum", "\"apple,pear,plum\""},
      {"say\"hi\"", "\"say\"\"hi\"\"\""},
      {"\"", "\"\"\"\""},
      {"a\rb", "\"a\rb\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.field);
    std::string line;
    AppendCsvField(line, "SN-1");
    line += ',';
    AppendCsvField(line, c.field);

    EXPECT_EQ(line, "SN-1," + c.written);
    std::optional<std::vector<std::string>> fields = SplitCsvLine(line);
    ASSERT_TRUE(fields.has_value());
    ASSERT_EQ(fields->size(), 2U);
    EXPECT_EQ((*fields)[0], "SN-1");
    EXPECT_EQ((*fields)[1], c.field);
  }
}

TEST(CsvTest, RefusesMisplacedQuotes) {
  for (const char* line : {"\"open", "a,\"b\"c", "\"x\"y,z"}) {
    SCOPED_TRACE(line);
    EXPECT_FALSE(SplitCsvLine(line).has_value());
  }
}

}  // namespace
}  // namespace provisio::passwords
