#include "provisio/evidence/evidence_record.h"

#include <gtest/gtest.h>

namespace provisio::evidence {
namespace {

EvidenceRecord SampleRecord() {
  FixedClock clock(*ParseUtc("2026-01-02T03:04:05Z"));
  EvidenceRecord record = *MakeRecord("passwords.batch", clock);
  record.title = "Batch B1";
  record.product.model = "Plug 1";
  record.product.software_version = "1.2.3";
  record.provisions.push_back({"5.1-1", Outcome::kPass, "unique passwords"});
  record.files.push_back({"out/verifiers.txt", std::string(64, 'a'), 12, "output"});
  record.details_json = R"({"count": 1000})";
  return record;
}

TEST(EvidenceRecordTest, RoundTripsThroughJson) {
  const EvidenceRecord record = SampleRecord();

  Result<std::string> json = ToJson(record);
  ASSERT_TRUE(json.has_value()) << json.error().message();
  Result<EvidenceRecord> parsed = ParseEvidenceRecord(*json, "r.json");

  ASSERT_TRUE(parsed.has_value()) << parsed.error().message();
  EXPECT_EQ(parsed->id, record.id);
  EXPECT_EQ(parsed->kind, "passwords.batch");
  EXPECT_EQ(parsed->product.software_version, "1.2.3");
  EXPECT_EQ(FormatUtc(parsed->created), "2026-01-02T03:04:05Z");
  ASSERT_EQ(parsed->provisions.size(), 1u);
  EXPECT_EQ(parsed->provisions[0].outcome, Outcome::kPass);
  ASSERT_EQ(parsed->files.size(), 1u);
  EXPECT_EQ(parsed->files[0].size, 12u);
  EXPECT_EQ(parsed->details_json, R"({"count":1000})");
}

TEST(EvidenceRecordTest, RejectsMalformedRecords) {
  struct Case {
    const char* name;
    const char* json;
  };
  const Case cases[] = {
      {"not json", "{"},
      {"wrong schema", R"({"schema":"other/v9","id":"x","kind":"k"})"},
      {"missing kind", R"({"schema":"provisio.evidence/v1","id":"x"})"},
      {"bad outcome",
       R"({"schema":"provisio.evidence/v1","id":"x","kind":"k","product":{},"tool":{},
           "created":"2026-01-01T00:00:00Z","provisions":[{"id":"5.1-1","outcome":"ok"}]})"},
      {"bad hash",
       R"({"schema":"provisio.evidence/v1","id":"x","kind":"k","product":{},"tool":{},
           "created":"2026-01-01T00:00:00Z","provisions":[],"files":[{"path":"a","sha256":"12"}]})"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_FALSE(ParseEvidenceRecord(c.json, "r.json").has_value());
  }
}

TEST(EvidenceRecordTest, DetailsMustBeAnObject) {
  EvidenceRecord record = SampleRecord();
  record.details_json = "[1,2]";

  Result<std::string> json = ToJson(record);

  ASSERT_FALSE(json.has_value());
  EXPECT_EQ(json.error().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace provisio::evidence
