#include "provisio/disclosure/csaf.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "formats/document.h"
#include "provisio/disclosure/severity.h"

namespace provisio::disclosure {
namespace {

using formats::Json;

class CaseFixture {
 public:
  CaseFixture() {
    Add(EventType::kOpen, {{"reporter", "r@example.org"},
                           {"summary", "Authentication bypass in the web UI"},
                           {"received", "2026-01-05T09:00:00Z"}});
    Add(EventType::kAcknowledge);
    Add(EventType::kTriage, {{"outcome", "valid"}, {"cve", "CVE-2026-12345"}});
  }

  CaseFixture& Add(EventType type, std::map<std::string, std::string> fields = {}) {
    CaseEvent event;
    event.case_id = "CVD-2026-0007";
    event.type = type;
    event.at = ParseUtc("2026-01-05T10:00:00Z").value() + std::chrono::hours(24 * next_day_++);
    event.actor = "alice";
    event.fields = std::move(fields);
    Result<void> applied = ApplyEvent(case_, event);
    EXPECT_TRUE(applied.has_value()) << applied.error().message();
    return *this;
  }
  CaseFixture& Rate(const char* vector) {
    Result<Severity> severity = AssessSeverity(vector);
    EXPECT_TRUE(severity.has_value()) << severity.error().message();
    return Add(EventType::kSeverity, SeverityFields(*severity));
  }
  const Case& Get() const { return case_; }

 private:
  Case case_;
  int next_day_ = 0;
};

CsafOptions Publisher(bool vex = false) {
  CsafOptions options;
  options.vex = vex;
  options.publisher_name = "Example IoT";
  options.publisher_namespace = "https://iot.example.com";
  return options;
}

Json Export(const Case& c, const CsafOptions& options) {
  Result<std::string> text = ExportCsaf(c, options);
  EXPECT_TRUE(text.has_value()) << text.error().message();
  Result<formats::Document> doc = formats::ParseJson(text.value_or("{}"), "csaf");
  EXPECT_TRUE(doc.has_value());
  return doc ? doc->value : Json::object();
}

TEST(ExportCsafTest, WritesAFinalAdvisoryForADisclosedCase) {
  CaseFixture fixture;
  fixture.Rate("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P")
      .Add(EventType::kAffected,
           {{"product", "Camera X1"}, {"versions", "1.2.3"}, {"status", "affected"}})
      .Add(EventType::kAffected, {{"product", "Camera X1"},
                                  {"versions", "0.9"},
                                  {"status", "not_affected"},
                                  {"justification", "component_not_present"}})
      .Add(EventType::kFix, {{"description", "Check the session token"}, {"ref", "abc123"}})
      .Add(EventType::kRelease, {{"version", "1.2.4"}})
      .Add(EventType::kDisclose, {{"url", "https://iot.example.com/advisories/7"}})
      .Add(EventType::kClose);

  Json doc = Export(fixture.Get(), Publisher());

  EXPECT_EQ(doc["document"]["category"], "csaf_security_advisory");
  EXPECT_EQ(doc["document"]["tracking"]["status"], "final");
  EXPECT_EQ(doc["document"]["tracking"]["version"], "2");  // Disclosure, then close.
  EXPECT_EQ(doc["document"]["tracking"]["initial_release_date"], "2026-01-13T10:00:00Z");
  const Json& vulnerability = doc["vulnerabilities"][0];
  EXPECT_EQ(vulnerability["cve"], "CVE-2026-12345");
  EXPECT_EQ(vulnerability["product_status"]["known_affected"], Json::array({"CSAFPID-0001"}));
  EXPECT_EQ(vulnerability["product_status"]["known_not_affected"], Json::array({"CSAFPID-0002"}));
  EXPECT_EQ(vulnerability["product_status"]["fixed"], Json::array({"CSAFPID-0003"}));
  EXPECT_EQ(vulnerability["flags"][0]["label"], "component_not_present");
  EXPECT_EQ(vulnerability["remediations"][0]["category"], "vendor_fix");
  EXPECT_EQ(vulnerability["remediations"][0]["details"],
            "Update to firmware version 1.2.4 or later. Check the session token.");
  const Json& cvss = vulnerability["scores"][0]["cvss_v3"];
  EXPECT_EQ(cvss["baseScore"], 9.8);
  EXPECT_EQ(cvss["baseSeverity"], "CRITICAL");
  EXPECT_EQ(cvss["temporalScore"], 9.3);
  EXPECT_FALSE(cvss.contains("environmentalScore"));
}

TEST(ExportCsafTest, KeepsAV4VectorOutOfScoresAndSaysSo) {
  CaseFixture fixture;
  fixture.Rate("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
      .Add(EventType::kAffected,
           {{"product", "Hub"}, {"versions", "<2.0.0"}, {"status", "under_investigation"}});

  Json doc = Export(fixture.Get(), Publisher(/*vex=*/true));

  EXPECT_EQ(doc["document"]["category"], "csaf_vex");
  EXPECT_EQ(doc["document"]["tracking"]["status"], "draft");
  EXPECT_EQ(doc["document"]["tracking"]["version"], "0");
  EXPECT_FALSE(doc["vulnerabilities"][0].contains("scores"));
  const Json& notes = doc["document"]["notes"];
  ASSERT_EQ(notes.size(), 2U);
  EXPECT_NE(notes[1]["text"].get<std::string>().find("CVSS:4.0/AV:N"), std::string::npos);
  const Json& version = doc["product_tree"]["branches"][0]["branches"][0]["branches"][0];
  EXPECT_EQ(version["category"], "product_version_range");
}

TEST(ExportCsafTest, RefusesCasesWithoutProductsOrPublisher) {
  CaseFixture fixture;
  CsafOptions no_namespace = Publisher();
  no_namespace.publisher_namespace = "http://iot.example.com";

  Result<std::string> no_products = ExportCsaf(fixture.Get(), Publisher());
  fixture.Add(EventType::kAffected,
              {{"product", "Hub"}, {"versions", "1.0"}, {"status", "affected"}});
  Result<std::string> bad_publisher = ExportCsaf(fixture.Get(), no_namespace);

  ASSERT_FALSE(no_products.has_value());
  EXPECT_NE(no_products.error().message().find("provisio cvd affected"), std::string::npos);
  ASSERT_FALSE(bad_publisher.has_value());
  EXPECT_EQ(bad_publisher.error().code(), ErrorCode::kInvalidArgument);
}

TEST(AssessSeverityTest, ScoresBothVersionsAndNamesTheBadMetric) {
  Result<Severity> v31 = AssessSeverity("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");
  Result<Severity> v40 =
      AssessSeverity("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N");
  Result<Severity> bad = AssessSeverity("CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H");

  ASSERT_TRUE(v31.has_value());
  EXPECT_EQ(v31->rating, "critical");
  EXPECT_EQ(SeverityFields(*v31).at("base_score"), "9.8");
  ASSERT_TRUE(v40.has_value());
  EXPECT_EQ(v40->cvss_version, "4.0");
  EXPECT_EQ(v40->rating, "critical");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message().find("AV"), std::string::npos) << bad.error().message();
}

}  // namespace
}  // namespace provisio::disclosure
