#include "provisio/assess/engine.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/sha256.h"
#include "provisio/evidence/evidence_record.h"

namespace provisio::assess {
namespace {

namespace fs = std::filesystem;

constexpr TimePoint kNow{std::chrono::sys_days{std::chrono::year{2026} / 11 / 28}};

// A unique folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "assess_test_XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

  void Write(const std::string& relative, const std::string& contents) const {
    const fs::path file = path_ / relative;
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << contents;
  }

 private:
  fs::path path_;
};

catalog::Provision MakeProvision(std::string id,
                                 catalog::Status status,
                                 std::vector<std::string> conditions = {},
                                 std::vector<std::string> features = {}) {
  catalog::Provision provision;
  provision.id = std::move(id);
  provision.clause = provision.id.substr(0, provision.id.find('-'));
  provision.clause_title = "Clause " + provision.clause;
  provision.status = status;
  provision.status_text = status == catalog::Status::kMandatory ? "M" : "R";
  provision.conditions = std::move(conditions);
  provision.features = std::move(features);
  provision.summary = "Summary of " + provision.id;
  return provision;
}

// Four provisions: unconditional M, feature-dependent M, R, condition-dependent M.
catalog::Catalog TestCatalog() {
  catalog::Catalog catalog;
  catalog.standard = "ETSI EN 303 645";
  catalog.version = "3.1.3";
  catalog.provisions = {
      MakeProvision("5.0-1", catalog::Status::kMandatory),
      MakeProvision("5.1-1", catalog::Status::kMandatory, {}, {"a"}),
      MakeProvision("5.1-2A", catalog::Status::kRecommended),
      MakeProvision("5.3-2", catalog::Status::kMandatory, {"15"}, {}),
  };
  catalog.conditions = {{"15", "resources allow an update mechanism"}};
  catalog.features = {{"a", "passwords are used"}};
  return catalog;
}

catalog::Catalog OtherEdition() {
  catalog::Catalog catalog;
  catalog.standard = "ETSI EN 303 645";
  catalog.version = "2.1.1";
  catalog.provisions = {MakeProvision("4-1", catalog::Status::kMandatory)};
  return catalog;
}

Claim Yes(std::string id, std::vector<EvidenceRef> evidence) {
  Claim claim;
  claim.id = std::move(id);
  claim.support = Support::kYes;
  claim.measure = "implemented";
  claim.evidence = std::move(evidence);
  claim.where = "product.yaml:1:1";
  return claim;
}

EvidenceRef Ref(EvidenceKind kind, std::string path, std::string sha256 = "") {
  EvidenceRef ref;
  ref.kind = kind;
  ref.path = std::move(path);
  ref.expected_sha256 = std::move(sha256);
  ref.where = "product.yaml:9:9";
  return ref;
}

ProductFile BaseProduct() {
  ProductFile product;
  product.source_name = "product.yaml";
  product.dut = {"Acme", "Plug", "rev B", "1.2.0"};
  product.answers.features["a"] = true;
  product.answers.conditions["15"] = true;
  return product;
}

const ProvisionVerdict& Find(const Assessment& assessment, const std::string& id) {
  for (const ProvisionVerdict& verdict : assessment.provisions) {
    if (verdict.id == id) {
      return verdict;
    }
  }
  ADD_FAILURE() << "no verdict for " << id;
  static const ProvisionVerdict kNone;
  return kNone;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    out += line + "\n";
  }
  return out;
}

Result<Assessment> AssessWithTestCatalog(const ProductFile& product,
                                         const fs::path& dir,
                                         const AssessOptions& options = {}) {
  FixedClock clock(kNow);
  const catalog::Catalog catalog = TestCatalog();
  const catalog::Catalog other = OtherEdition();
  return Assess(product, catalog, dir, options, clock, &other);
}

void WriteRecord(const TempDir& dir,
                 const std::string& relative,
                 const std::string& id,
                 evidence::Outcome outcome,
                 const std::string& software_version = "1.2.0") {
  FixedClock clock(kNow);
  Result<evidence::EvidenceRecord> record = evidence::MakeRecord("passwords.batch", clock);
  ASSERT_TRUE(record.has_value());
  record->product = {"Acme", "Plug", "rev B", software_version, ""};
  record->provisions.push_back({id, outcome, "checked 100 units"});
  dir.Write("evidence/batch.csv", "serial,hash\n1,abc\n");
  Result<evidence::FileReference> file =
      evidence::DescribeFile(dir.path() / "evidence/batch.csv", "batch.csv", "input");
  ASSERT_TRUE(file.has_value());
  record->files.push_back(*file);
  Result<void> written = evidence::WriteEvidenceRecord(dir.path() / relative, *record);
  ASSERT_TRUE(written.has_value()) << written.error().message();
}

TEST(AssessTest, GivesEachKindOfClaimItsVerdict) {
  TempDir dir;
  dir.Write("docs/design.md", "design");
  const std::string design_sha = Sha256Hex("design");
  struct Case {
    const char* name;
    Claim claim;
    Verdict expected;
    const char* reason;
  };
  Claim no_mandatory;
  no_mandatory.id = "5.1-1";
  no_mandatory.support = Support::kNo;
  Claim na_applicable;
  na_applicable.id = "5.1-1";
  na_applicable.support = Support::kNotApplicable;
  na_applicable.rationale = "no passwords";
  Claim yes_without_measure = Yes("5.1-1", {Ref(EvidenceKind::kFile, "docs/design.md")});
  yes_without_measure.measure.clear();
  Claim unclaimed;
  unclaimed.id = "5.1-1";
  const Case cases[] = {
      {"yes with verified file",
       Yes("5.1-1", {Ref(EvidenceKind::kFile, "docs/design.md", design_sha)}), Verdict::kPass,
       "1 piece of evidence verified"},
      {"yes without evidence", Yes("5.1-1", {}), Verdict::kInconclusive,
       "claimed Y without evidence"},
      {"yes without measure", yes_without_measure, Verdict::kInconclusive,
       "without the implemented measure"},
      {"yes with hash mismatch",
       Yes("5.1-1", {Ref(EvidenceKind::kFile, "docs/design.md", std::string(64, 'a'))}),
       Verdict::kFail, "hash-mismatch"},
      {"yes with missing file", Yes("5.1-1", {Ref(EvidenceKind::kFile, "docs/gone.md")}),
       Verdict::kInconclusive, "missing: file not found"},
      {"mandatory claimed no", no_mandatory, Verdict::kFail, "mandatory provision claimed N"},
      {"N/A on an applicable provision", na_applicable, Verdict::kFail, "claimed N/A"},
      {"no claim", unclaimed, Verdict::kInconclusive, "no ICS claim"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ProductFile product = BaseProduct();
    product.claims = {c.claim};

    Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

    ASSERT_TRUE(assessment.has_value()) << assessment.error().message();
    const ProvisionVerdict& verdict = Find(*assessment, "5.1-1");
    EXPECT_EQ(verdict.verdict, c.expected) << Joined(verdict.reasons);
    EXPECT_NE(Joined(verdict.reasons).find(c.reason), std::string::npos) << Joined(verdict.reasons);
  }
}

TEST(AssessTest, RecommendationClaimedNoPassesOnlyWithJustification) {
  TempDir dir;
  Claim justified;
  justified.id = "5.1-2A";
  justified.support = Support::kNo;
  justified.justification = "the device has no password at all";
  Claim bare = justified;
  bare.justification.clear();

  ProductFile with = BaseProduct();
  with.claims = {justified};
  ProductFile without = BaseProduct();
  without.claims = {bare, Yes("5.0-1", {})};
  Result<Assessment> passed = AssessWithTestCatalog(with, dir.path());
  Result<Assessment> failed = AssessWithTestCatalog(without, dir.path());

  ASSERT_TRUE(passed.has_value() && failed.has_value());
  EXPECT_EQ(Find(*passed, "5.1-2A").verdict, Verdict::kPass);
  EXPECT_EQ(Find(*passed, "5.1-2A").claim_detail, "the device has no password at all");
  EXPECT_EQ(Find(*failed, "5.1-2A").verdict, Verdict::kFail);
  const ProvisionVerdict& reporting = Find(*failed, "5.0-1");
  EXPECT_EQ(reporting.verdict, Verdict::kFail);
  EXPECT_NE(Joined(reporting.reasons).find("without a justification: 5.1-2A"), std::string::npos);
}

TEST(AssessTest, DecidesApplicabilityFromTheAnswers) {
  TempDir dir;
  ProductFile product = BaseProduct();
  product.answers.features["a"] = false;
  product.answers.conditions.clear();
  product.claims = {Yes("5.1-1", {})};

  Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

  ASSERT_TRUE(assessment.has_value());
  const ProvisionVerdict& absent = Find(*assessment, "5.1-1");
  EXPECT_EQ(absent.verdict, Verdict::kNotApplicable);
  EXPECT_NE(Joined(absent.reasons).find("feature a"), std::string::npos);
  const ProvisionVerdict& unanswered = Find(*assessment, "5.3-2");
  EXPECT_EQ(unanswered.verdict, Verdict::kInconclusive);
  EXPECT_NE(Joined(unanswered.reasons).find("C(15)"), std::string::npos)
      << Joined(unanswered.reasons);
}

TEST(AssessTest, JudgesJunitReports) {
  TempDir dir;
  dir.Write("t/pass.xml", "<testsuite><testcase name='a'/><testcase name='b'/></testsuite>");
  dir.Write("t/fail.xml",
            "<testsuite><testcase name='a'><failure message='boom'/></testcase></testsuite>");
  dir.Write("t/bad.xml", "<testsuite><testcase name='a'></testsuite>");
  struct Case {
    const char* path;
    Verdict expected;
    const char* detail;
  };
  const Case cases[] = {
      {"t/pass.xml", Verdict::kPass, "2 test cases, 0 failures"},
      {"t/fail.xml", Verdict::kFail, "first failure: a: boom"},
      {"t/bad.xml", Verdict::kInconclusive, "t/bad.xml:1:31: invalid XML: expected </testcase>"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    ProductFile product = BaseProduct();
    product.claims = {Yes("5.1-1", {Ref(EvidenceKind::kJunit, c.path)})};

    Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

    ASSERT_TRUE(assessment.has_value()) << assessment.error().message();
    const ProvisionVerdict& verdict = Find(*assessment, "5.1-1");
    EXPECT_EQ(verdict.verdict, c.expected);
    ASSERT_EQ(verdict.evidence.size(), 1U);
    EXPECT_EQ(verdict.evidence[0].sha256.size(), 64U);
    EXPECT_NE(verdict.evidence[0].detail.find(c.detail), std::string::npos)
        << verdict.evidence[0].detail;
  }
}

TEST(AssessTest, JudgesEvidenceRecords) {
  struct Case {
    const char* name;
    const char* covers;
    evidence::Outcome outcome;
    const char* version;
    bool tamper;
    Verdict expected;
    const char* outcome_text;
  };
  const Case cases[] = {
      {"pass", "5.1-1", evidence::Outcome::kPass, "1.2.0", false, Verdict::kPass, "ok"},
      {"fail", "5.1-1", evidence::Outcome::kFail, "1.2.0", false, Verdict::kFail, "fail"},
      {"other version", "5.1-1", evidence::Outcome::kPass, "1.1.0", false, Verdict::kInconclusive,
       "product-mismatch"},
      {"other provision", "5.1-3", evidence::Outcome::kPass, "1.2.0", false, Verdict::kInconclusive,
       "not-covered"},
      {"listed file changed", "5.1-1", evidence::Outcome::kPass, "1.2.0", true, Verdict::kFail,
       "hash-mismatch"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TempDir dir;
    WriteRecord(dir, "evidence/record.json", c.covers, c.outcome, c.version);
    if (c.tamper) {
      dir.Write("evidence/batch.csv", "serial,hash\n1,xyz\n");
    }
    ProductFile product = BaseProduct();
    product.claims = {Yes("5.1-1", {Ref(EvidenceKind::kRecord, "evidence/record.json")})};

    Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

    ASSERT_TRUE(assessment.has_value()) << assessment.error().message();
    const ProvisionVerdict& verdict = Find(*assessment, "5.1-1");
    EXPECT_EQ(verdict.verdict, c.expected) << Joined(verdict.reasons);
    ASSERT_EQ(verdict.evidence.size(), 1U);
    EXPECT_EQ(verdict.evidence[0].outcome, c.outcome_text) << verdict.evidence[0].detail;
  }
}

TEST(AssessTest, MalformedEvidenceRecordIsInconclusive) {
  TempDir dir;
  dir.Write("evidence/record.json", "{\"schema\": \"provisio.evidence/v1\", ");
  ProductFile product = BaseProduct();
  product.claims = {Yes("5.1-1", {Ref(EvidenceKind::kRecord, "evidence/record.json")})};

  Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

  ASSERT_TRUE(assessment.has_value());
  const ProvisionVerdict& verdict = Find(*assessment, "5.1-1");
  EXPECT_EQ(verdict.verdict, Verdict::kInconclusive);
  EXPECT_EQ(verdict.evidence[0].outcome, "malformed");
  EXPECT_NE(verdict.evidence[0].detail.find("invalid JSON"), std::string::npos)
      << verdict.evidence[0].detail;
}

TEST(AssessTest, RejectsEvidencePathsOutsideTheFolder) {
  TempDir outside;
  outside.Write("secret.txt", "secret");
  TempDir dir;
  fs::create_directories(dir.path() / "evidence");
  fs::create_symlink(outside.path(), dir.path() / "evidence" / "link");
  const char* paths[] = {"../secret.txt", "evidence/../../x", "evidence/link/secret.txt"};
  for (const char* path : paths) {
    SCOPED_TRACE(path);
    ProductFile product = BaseProduct();
    product.claims = {Yes("5.1-1", {Ref(EvidenceKind::kFile, path)})};

    Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

    ASSERT_FALSE(assessment.has_value());
    EXPECT_EQ(assessment.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(assessment.error().message(), "product.yaml:9:9: evidence path '" +
                                                std::string(path) +
                                                "' escapes the product folder (through '..' or "
                                                "a symbolic link)");
  }
}

TEST(AssessTest, RejectsIdsTheEditionDoesNotHave) {
  TempDir dir;
  struct Case {
    const char* id;
    const char* message;
  };
  const Case cases[] = {
      {"9.9-9", "product.yaml:1:1: unknown provision id '9.9-9' (not in ETSI EN 303 645 V3.1.3"},
      {"5.1-2a", "unknown provision id '5.1-2a'; did you mean '5.1-2A'?"},
      {"4-1", "provision 4-1 does not exist in ETSI EN 303 645 V3.1.3 (it is a V2.1.1 provision"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.id);
    ProductFile product = BaseProduct();
    product.claims = {Yes(c.id, {})};

    Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

    ASSERT_FALSE(assessment.has_value());
    EXPECT_NE(assessment.error().message().find(c.message), std::string::npos)
        << assessment.error().message();
  }
}

TEST(AssessTest, RejectsUnknownAnswers) {
  TempDir dir;
  ProductFile product = BaseProduct();
  product.answers.features["zz"] = true;
  product.answer_where["F(zz)"] = "product.yaml:7:5";

  Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

  ASSERT_FALSE(assessment.has_value());
  EXPECT_EQ(assessment.error().message(),
            "product.yaml:7:5: unknown feature 'zz' in ETSI EN 303 645 V3.1.3 (features: a)");
}

TEST(AssessTest, GateNeedsEveryApplicableMandatoryProvision) {
  TempDir dir;
  dir.Write("d.md", "x");
  Claim justified_no;
  justified_no.id = "5.1-2A";
  justified_no.support = Support::kNo;
  justified_no.justification = "not needed";
  ProductFile product = BaseProduct();
  product.claims = {Yes("5.0-1", {Ref(EvidenceKind::kFile, "d.md")}),
                    Yes("5.1-1", {Ref(EvidenceKind::kFile, "d.md")}),
                    Yes("5.3-2", {Ref(EvidenceKind::kFile, "d.md")})};

  Result<Assessment> without_recommendation = AssessWithTestCatalog(product, dir.path());
  AssessOptions strict;
  strict.policy.recommendations_required = true;
  Result<Assessment> strict_run = AssessWithTestCatalog(product, dir.path(), strict);
  product.claims.push_back(justified_no);
  Result<Assessment> strict_justified = AssessWithTestCatalog(product, dir.path(), strict);

  ASSERT_TRUE(without_recommendation.has_value() && strict_run.has_value() &&
              strict_justified.has_value());
  EXPECT_TRUE(without_recommendation->gate.passed);
  EXPECT_FALSE(strict_run->gate.passed);
  EXPECT_EQ(strict_run->gate.blocking_ids, std::vector<std::string>{"5.1-2A"});
  EXPECT_TRUE(strict_justified->gate.passed);
}

TEST(AssessTest, UnexpiredWaiverLetsAFailingProvisionThroughTheGate) {
  TempDir dir;
  dir.Write("d.md", "x");
  struct Case {
    const char* name;
    const char* expires;
    TimePoint expires_at;
    bool gate_passes;
  };
  const Case cases[] = {
      {"valid", "2027-01-31", std::chrono::sys_days{std::chrono::year{2027} / 1 / 31}, true},
      {"expired", "2026-11-01", std::chrono::sys_days{std::chrono::year{2026} / 11 / 1}, false},
      {"expires now", "2026-11-28", kNow, false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    ProductFile product = BaseProduct();
    Claim no;
    no.id = "5.3-2";
    no.support = Support::kNo;
    product.claims = {Yes("5.0-1", {Ref(EvidenceKind::kFile, "d.md")}),
                      Yes("5.1-1", {Ref(EvidenceKind::kFile, "d.md")}), no};
    product.waivers = {{"5.3-2", "Jane Doe", "fix in 1.3", c.expires_at, c.expires, "p:1:1"}};

    Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

    ASSERT_TRUE(assessment.has_value());
    const ProvisionVerdict& verdict = Find(*assessment, "5.3-2");
    EXPECT_EQ(verdict.verdict, Verdict::kFail);
    EXPECT_EQ(verdict.waived, c.gate_passes);
    EXPECT_EQ(assessment->gate.passed, c.gate_passes);
    if (c.gate_passes) {
      EXPECT_EQ(verdict.waiver, "Jane Doe: fix in 1.3 (until 2027-01-31)");
    } else {
      EXPECT_NE(Joined(verdict.reasons).find("expired"), std::string::npos);
    }
  }
}

TEST(AssessTest, RejectsASecondWaiverForOneProvision) {
  TempDir dir;
  ProductFile product = BaseProduct();
  product.waivers = {{"5.3-2", "a", "r", kNow, "x", "p:1:1"},
                     {"5.3-2", "b", "r", kNow, "x", "p:5:1"}};

  Result<Assessment> assessment = AssessWithTestCatalog(product, dir.path());

  ASSERT_FALSE(assessment.has_value());
  EXPECT_EQ(assessment.error().message(),
            "p:5:1: a second waiver for provision 5.3-2 (first at p:1:1)");
}

TEST(AssessProductTest, AssessesAFolderAgainstTheEmbeddedCatalogue) {
  TempDir dir;
  dir.Write("product.yaml", R"(product:
  manufacturer: Acme
  model: Plug
  hardware_version: B
  software_version: "1.0"
standard: "2.1.1"
provisions:
  5.1-2A:
    claim: Y
)");
  FixedClock clock(kNow);

  Result<Assessment> assessment = AssessProduct(dir.path(), {}, clock);

  ASSERT_FALSE(assessment.has_value());
  EXPECT_NE(assessment.error().message().find(
                "8:3: provision 5.1-2A does not exist in ETSI EN 303 645 V2.1.1 (it is a V3.1.3"),
            std::string::npos)
      << assessment.error().message();
}

}  // namespace
}  // namespace provisio::assess
