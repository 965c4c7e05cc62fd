#include "provisio/catalog/catalog.h"

#include <regex>
#include <set>

#include <gtest/gtest.h>

namespace provisio::catalog {
namespace {

struct Counts {
  int total = 0;
  int mandatory = 0;
  int recommended = 0;
};

Counts CountOf(const Catalog& catalog) {
  Counts counts;
  for (const Provision& p : catalog.provisions) {
    ++counts.total;
    (p.status == Status::kMandatory ? counts.mandatory : counts.recommended)++;
  }
  return counts;
}

TEST(LoadCatalogTest, V313HasTheStandardsCounts) {
  Result<Catalog> catalog = LoadCatalog("3.1.3");

  ASSERT_TRUE(catalog.has_value()) << catalog.error().message();
  const Counts counts = CountOf(*catalog);
  EXPECT_EQ(counts.total, 78);
  EXPECT_EQ(counts.mandatory, 36);
  EXPECT_EQ(counts.recommended, 42);
  EXPECT_EQ(catalog->provisions.front().id, "5.0-1");
  EXPECT_EQ(catalog->provisions.back().id, "6-8");
}

TEST(LoadCatalogTest, V211HasTheStandardsCounts) {
  Result<Catalog> catalog = LoadCatalog("en303645:2.1.1");

  ASSERT_TRUE(catalog.has_value()) << catalog.error().message();
  const Counts counts = CountOf(*catalog);
  EXPECT_EQ(counts.total, 68);
  EXPECT_EQ(counts.mandatory, 33);
  EXPECT_EQ(counts.recommended, 35);
  std::set<std::string> conditions;
  for (const Prerequisite& c : catalog->conditions) {
    conditions.insert(c.id);
  }
  EXPECT_EQ(conditions.size(), 13u);
  EXPECT_TRUE(conditions.count("1") && conditions.count("13"));
}

TEST(LoadCatalogTest, UnknownVersionIsNotFound) {
  Result<Catalog> catalog = LoadCatalog("1.1.1");

  ASSERT_FALSE(catalog.has_value());
  EXPECT_EQ(catalog.error().code(), ErrorCode::kNotFound);
}

TEST(CatalogDataTest, IdsAreUniqueWellFormedAndPrerequisitesDefined) {
  for (const std::string& version : SupportedVersions()) {
    SCOPED_TRACE(version);
    Result<Catalog> catalog = LoadCatalog(version);
    ASSERT_TRUE(catalog.has_value());
    std::set<std::string> ids;
    const std::regex well_formed("^([4-6]|5\\.[0-9]{1,2})-[0-9]{1,2}[A-Z]?$");
    for (const Provision& p : catalog->provisions) {
      EXPECT_TRUE(ids.insert(p.id).second) << "duplicate " << p.id;
      EXPECT_TRUE(std::regex_match(p.id, well_formed)) << p.id;
      EXPECT_FALSE(p.summary.empty()) << p.id;
      EXPECT_FALSE(p.clause_title.empty()) << p.id;
      EXPECT_TRUE(p.confidence == "high" || p.confidence == "medium" || p.confidence == "low")
          << p.id;
      for (const std::string& c : p.conditions) {
        EXPECT_NE(catalog->FindCondition(c), nullptr) << p.id << " C(" << c << ")";
        EXPECT_NE(p.status_text.find(c), std::string::npos) << p.id;
      }
      for (const std::string& f : p.features) {
        EXPECT_NE(catalog->FindFeature(f), nullptr) << p.id << " F(" << f << ")";
      }
    }
  }
}

TEST(CatalogDataTest, EditionMappingsPointAtExistingIdsBothWays) {
  Result<Catalog> v3 = LoadCatalog("3.1.3");
  Result<Catalog> v2 = LoadCatalog("2.1.1");
  ASSERT_TRUE(v3 && v2);

  for (const Provision& p : v3->provisions) {
    for (const std::string& old_id : p.other_edition_ids) {
      const Provision* old = v2->Find(old_id);
      ASSERT_NE(old, nullptr) << p.id << " -> " << old_id;
      EXPECT_NE(std::find(old->other_edition_ids.begin(), old->other_edition_ids.end(), p.id),
                old->other_edition_ids.end())
          << old_id << " does not map back to " << p.id;
    }
  }
  for (const Provision& old : v2->provisions) {
    EXPECT_FALSE(old.other_edition_ids.empty()) << old.id << " has no V3 continuation";
    for (const std::string& id : old.other_edition_ids) {
      EXPECT_NE(v3->Find(id), nullptr) << old.id << " -> " << id;
    }
  }
}

TEST(PstiMappingTest, CitesExistingV211Provisions) {
  Result<std::vector<PstiRequirement>> psti = LoadPstiMapping();
  Result<Catalog> v2 = LoadCatalog("2.1.1");

  ASSERT_TRUE(psti.has_value()) << psti.error().message();
  ASSERT_EQ(psti->size(), 3u);
  for (const PstiRequirement& r : *psti) {
    for (const std::string& id : r.en303645_provisions) {
      EXPECT_NE(v2->Find(id), nullptr) << "paragraph " << r.paragraph << " cites " << id;
    }
  }
  EXPECT_EQ((*psti)[1].en303645_provisions, std::vector<std::string>{"5.2-1"});
}

TEST(DecideApplicabilityTest, FollowsConditionsAndFeatures) {
  Result<Catalog> catalog = LoadCatalog("3.1.3");
  ASSERT_TRUE(catalog.has_value());
  const Provision* always = catalog->Find("5.2-1");
  const Provision* password = catalog->Find("5.1-1");  // M F(a)
  ASSERT_NE(always, nullptr);
  ASSERT_NE(password, nullptr);
  struct Case {
    const char* name;
    const Provision* provision;
    Answers answers;
    Applicability expected;
  };
  const Case cases[] = {
      {"unconditional", always, {}, Applicability::kApplicable},
      {"feature present", password, {{}, {{"a", true}}}, Applicability::kApplicable},
      {"feature absent", password, {{}, {{"a", false}}}, Applicability::kNotApplicable},
      {"feature unanswered", password, {}, Applicability::kUnanswered},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ApplicabilityDecision decision = DecideApplicability(*catalog, *c.provision, c.answers);
    EXPECT_EQ(decision.applicability, c.expected) << decision.reason;
    EXPECT_FALSE(decision.reason.empty());
  }
}

TEST(DecideApplicabilityTest, AnyFalsePrerequisiteWinsOverUnanswered) {
  Result<Catalog> catalog = LoadCatalog("3.1.3");
  ASSERT_TRUE(catalog.has_value());
  const Provision* both = nullptr;  // The provision with both C(14) and F(e).
  for (const Provision& p : catalog->provisions) {
    if (!p.conditions.empty() && !p.features.empty()) {
      both = &p;
    }
  }
  ASSERT_NE(both, nullptr);
  Answers answers;
  answers.features[both->features.front()] = false;

  ApplicabilityDecision decision = DecideApplicability(*catalog, *both, answers);

  EXPECT_EQ(decision.applicability, Applicability::kNotApplicable);
  EXPECT_NE(decision.reason.find("is absent"), std::string::npos) << decision.reason;
}

TEST(DiffCatalogsTest, ReportsSplitsRenumberingAndNewProvisions) {
  Result<Catalog> v3 = LoadCatalog("3.1.3");
  Result<Catalog> v2 = LoadCatalog("2.1.1");
  ASSERT_TRUE(v3 && v2);

  Result<std::vector<CatalogDiffEntry>> diff = DiffCatalogs(*v2, *v3);

  ASSERT_TRUE(diff.has_value()) << diff.error().message();
  std::map<CatalogDiffEntry::Kind, int> kinds;
  bool saw_4_1 = false;
  for (const CatalogDiffEntry& e : *diff) {
    ++kinds[e.kind];
    if (e.from_ids == std::vector<std::string>{"4-1"}) {
      saw_4_1 = true;
      EXPECT_EQ(e.kind, CatalogDiffEntry::Kind::kRenumbered);
      EXPECT_EQ(e.to_ids, std::vector<std::string>{"5.0-1"});
    }
  }
  EXPECT_TRUE(saw_4_1);
  EXPECT_EQ(kinds[CatalogDiffEntry::Kind::kSplit], 6);
  EXPECT_EQ(kinds[CatalogDiffEntry::Kind::kNew], 4);
  EXPECT_EQ(kinds[CatalogDiffEntry::Kind::kRemoved], 0);
  EXPECT_FALSE(DiffCatalogs(*v3, *v2).has_value());
}

}  // namespace
}  // namespace provisio::catalog
