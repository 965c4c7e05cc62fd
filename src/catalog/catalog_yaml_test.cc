#include "catalog/catalog_yaml.h"

#include <gtest/gtest.h>

namespace provisio::catalog {
namespace {

constexpr const char* kHeader =
    "standard: S\nversion: '9.9'\ndate: '2030'\nsource_note: n\n"
    "clauses: [{clause: '5.1', title: T}]\n"
    "conditions: [{id: '1', meaning: m}]\n"
    "features: [{id: a, meaning: m}]\n";

TEST(ParseCatalogYamlTest, AcceptsAMinimalCatalogue) {
  const std::string text = std::string(kHeader) +
                           "provisions:\n"
                           "  - {id: '5.1-1', clause: '5.1', status: 'M C(1)', conditions: [1],"
                           " summary: s, confidence: high}\n";

  Result<Catalog> catalog = ParseCatalogYaml(text, "c.yaml");

  ASSERT_TRUE(catalog.has_value()) << catalog.error().message();
  ASSERT_EQ(catalog->provisions.size(), 1u);
  EXPECT_EQ(catalog->provisions[0].conditions, std::vector<std::string>{"1"});
  EXPECT_EQ(catalog->provisions[0].clause_title, "T");
}

TEST(ParseCatalogYamlTest, RejectsBadDataWithPositions) {
  struct Case {
    const char* name;
    const char* provisions;
    const char* message;
  };
  const Case cases[] = {
      {"duplicate id",
       "  - {id: '5.1-1', clause: '5.1', status: M, summary: s, confidence: high}\n"
       "  - {id: '5.1-1', clause: '5.1', status: M, summary: s, confidence: high}\n",
       "c.yaml:10:"},
      {"malformed id",
       "  - {id: '5.1.1', clause: '5.1', status: M, summary: s, confidence: high}\n",
       "is not a provision id"},
      {"undefined condition",
       "  - {id: '5.1-1', clause: '5.1', status: 'M C(7)', conditions: [7], summary: s, "
       "confidence: high}\n",
       "condition C(7) is not defined"},
      {"undefined feature",
       "  - {id: '5.1-1', clause: '5.1', status: 'M F(z)', features: [z], summary: s, "
       "confidence: high}\n",
       "feature F(z) is not defined"},
      {"unknown clause",
       "  - {id: '5.2-1', clause: '5.2', status: M, summary: s, confidence: high}\n",
       "unknown clause"},
      {"bad status", "  - {id: '5.1-1', clause: '5.1', status: X, summary: s, confidence: high}\n",
       "must start with M or R"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<Catalog> catalog =
        ParseCatalogYaml(std::string(kHeader) + "provisions:\n" + c.provisions, "c.yaml");
    ASSERT_FALSE(catalog.has_value());
    EXPECT_EQ(catalog.error().code(), ErrorCode::kParse);
    EXPECT_NE(catalog.error().message().find(c.message), std::string::npos)
        << catalog.error().message();
  }
}

TEST(IsWellFormedProvisionIdTest, KnowsTheStandardsSpellings) {
  for (const char* good : {"5.1-1", "5.13-1A", "6-8", "4-1", "5.0-1"}) {
    EXPECT_TRUE(IsWellFormedProvisionId(good)) << good;
  }
  for (const char* bad : {"", "5.1", "5.1-", "5.1-1a", "7-1", "5.1-1 ", "x5.1-1"}) {
    EXPECT_FALSE(IsWellFormedProvisionId(bad)) << bad;
  }
}

}  // namespace
}  // namespace provisio::catalog
