#include "provisio/disclosure/cvd_evidence.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace provisio::disclosure {
namespace {

using std::chrono::days;
using std::chrono::hours;

// A case received at 2026-01-05T00:00:00Z (a Monday) with the given steps.
Case MakeCase(const std::string& id, int ack_hours, int release_day) {
  const TimePoint received = ParseUtc("2026-01-05T00:00:00Z").value();
  Case c;
  auto add = [&](EventType type, std::chrono::seconds offset,
                 std::map<std::string, std::string> fields) {
    CaseEvent event;
    event.case_id = id;
    event.type = type;
    event.at = received + offset;
    event.actor = "t";
    event.fields = std::move(fields);
    Result<void> applied = ApplyEvent(c, event);
    EXPECT_TRUE(applied.has_value()) << applied.error().message();
  };
  add(EventType::kOpen, hours(0),
      {{"reporter", "r"}, {"summary", "s"}, {"received", FormatUtc(received)}});
  add(EventType::kAcknowledge, hours(ack_hours), {});
  add(EventType::kTriage, days(3), {{"outcome", "valid"}});
  add(EventType::kSeverity, days(3) + hours(1),
      {{"vector", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
       {"base_score", "9.8"},
       {"rating", "critical"}});
  for (int day = 13; day < release_day - 1; day += 10) {
    add(EventType::kNote, days(day), {{"text", "update"}, {"to_reporter", "true"}});
  }
  add(EventType::kFix, days(release_day - 1), {{"description", "patch"}});
  add(EventType::kRelease, days(release_day), {{"version", "1.0.1"}});
  add(EventType::kClose, days(release_day) + hours(1), {});
  return c;
}

class CvdEvidenceTest : public ::testing::Test {
 protected:
  CvdEvidenceTest()
      : policy_file_(std::filesystem::temp_directory_path() /
                     ("provisio-cvd-evidence-" + std::to_string(::getpid()) + ".yaml")) {
    std::ofstream(policy_file_) << "organization: Example\n";
    input_.policy.file = policy_file_;
    input_.policy.contacts = {"mailto:security@example.com"};
    input_.policy.policy_url = "https://example.com/security/policy";
    input_.chain.ok = true;
    input_.chain.events = 14;
    input_.product.manufacturer = "Example";
  }
  ~CvdEvidenceTest() override { std::filesystem::remove(policy_file_); }

  evidence::Outcome OutcomeOf(const evidence::EvidenceRecord& record, const std::string& id) {
    for (const evidence::ProvisionResult& result : record.provisions) {
      if (result.id == id) {
        return result.outcome;
      }
    }
    ADD_FAILURE() << "no result for " << id;
    return evidence::Outcome::kInfo;
  }

  std::filesystem::path policy_file_;
  CvdEvidenceInput input_;
  FixedClock clock_{ParseUtc("2026-06-01T00:00:00Z").value()};
};

TEST_F(CvdEvidenceTest, PassesWhenEveryCaseMetItsSla) {
  input_.cases = {MakeCase("CVD-2026-0001", 5, 20), MakeCase("CVD-2026-0002", 30, 25)};

  Result<evidence::EvidenceRecord> record = BuildCvdEvidence(input_, clock_);

  ASSERT_TRUE(record.has_value()) << record.error().message();
  EXPECT_EQ(record->kind, "disclosure.cvd");
  EXPECT_EQ(OutcomeOf(*record, "5.2-1"), evidence::Outcome::kPass);
  EXPECT_EQ(OutcomeOf(*record, "5.2-2"), evidence::Outcome::kPass);
  EXPECT_EQ(OutcomeOf(*record, "5.2-3"), evidence::Outcome::kPass);
  EXPECT_NE(record->provisions[2].summary.find("2/2 (100%)"), std::string::npos)
      << record->provisions[2].summary;
  ASSERT_EQ(record->files.size(), 1U);
  EXPECT_NE(record->details_json.find("\"median_days_to_fix\":22.5"), std::string::npos)
      << record->details_json;
}

TEST_F(CvdEvidenceTest, FailsTheProvisionWhoseClockWasMissed) {
  input_.cases = {MakeCase("CVD-2026-0001", 5, 45)};  // Critical: 30 days.

  Result<evidence::EvidenceRecord> record = BuildCvdEvidence(input_, clock_);

  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(OutcomeOf(*record, "5.2-2"), evidence::Outcome::kPass);
  EXPECT_EQ(OutcomeOf(*record, "5.2-3"), evidence::Outcome::kFail);
}

TEST_F(CvdEvidenceTest, ABrokenChainFailsRectificationAndMissingUrlIsInconclusive) {
  input_.cases = {MakeCase("CVD-2026-0001", 5, 20)};
  input_.chain.ok = false;
  input_.chain.first_bad_sequence = 3;
  input_.chain.problem = "event 3 was modified";
  input_.policy.policy_url.clear();

  Result<evidence::EvidenceRecord> record = BuildCvdEvidence(input_, clock_);

  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(OutcomeOf(*record, "5.2-1"), evidence::Outcome::kInconclusive);
  EXPECT_EQ(OutcomeOf(*record, "5.2-3"), evidence::Outcome::kFail);
}

TEST_F(CvdEvidenceTest, NoCasesIsInconclusive) {
  Result<evidence::EvidenceRecord> record = BuildCvdEvidence(input_, clock_);

  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(OutcomeOf(*record, "5.2-2"), evidence::Outcome::kInconclusive);
  EXPECT_EQ(OutcomeOf(*record, "5.2-3"), evidence::Outcome::kInconclusive);
}

}  // namespace
}  // namespace provisio::disclosure
