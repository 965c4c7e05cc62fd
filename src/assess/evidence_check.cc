#include "assess/evidence_check.h"

#include <string>
#include <vector>

#include "assess/junit.h"
#include "provisio/core/files.h"
#include "provisio/core/sha256.h"
#include "provisio/evidence/evidence_record.h"

namespace provisio::assess {
namespace {

EvidenceUse Outcome(EvidenceUse use, std::string_view outcome, std::string detail) {
  use.outcome = std::string(outcome);
  use.detail = std::move(detail);
  return use;
}

std::string ShortHash(const std::string& hex) {
  return hex.substr(0, 12) + "…";
}

// Re-hashes the files an evidence record lists that are present in the
// product folder. Returns "" when all match, else the first mismatch.
std::string CheckRecordFiles(const evidence::EvidenceRecord& record,
                             const std::filesystem::path& record_path,
                             const EvidenceContext& context,
                             int& checked,
                             int& absent) {
  namespace fs = std::filesystem;
  const fs::path record_dir = record_path.parent_path();
  for (const evidence::FileReference& file : record.files) {
    const fs::path listed(file.path);
    if (listed.is_absolute()) {
      ++absent;
      continue;
    }
    const fs::path inside = (record_dir / listed).lexically_relative(context.product_dir);
    Result<fs::path> resolved = ResolveInside(context.product_dir, inside.generic_string());
    std::error_code ec;
    if (!resolved || !fs::is_regular_file(*resolved, ec)) {
      ++absent;
      continue;
    }
    Result<FileDigest> digest = Sha256File(*resolved);
    if (!digest) {
      ++absent;
      continue;
    }
    ++checked;
    if (digest->sha256_hex != file.sha256) {
      return "file '" + file.path + "' listed in the record has changed: expected sha256 " +
             ShortHash(file.sha256) + ", found " + ShortHash(digest->sha256_hex);
    }
  }
  return "";
}

EvidenceUse CheckRecord(EvidenceUse use,
                        const std::filesystem::path& resolved,
                        const EvidenceContext& context) {
  Result<evidence::EvidenceRecord> record = evidence::ReadEvidenceRecord(resolved);
  if (!record) {
    return Outcome(std::move(use), kOutcomeMalformed,
                   "not a valid evidence record: " + record.error().message());
  }
  const std::string origin = record->kind + " by " + record->tool.name + " " +
                             record->tool.version + " at " + FormatUtc(record->created);
  const evidence::Product& product = record->product;
  if (!product.software_version.empty() &&
      product.software_version != context.dut.software_version) {
    return Outcome(std::move(use), kOutcomeProductMismatch,
                   origin + " speaks for software version " + product.software_version +
                       ", the product is " + context.dut.software_version);
  }
  if (!product.model.empty() && product.model != context.dut.model) {
    return Outcome(
        std::move(use), kOutcomeProductMismatch,
        origin + " speaks for model " + product.model + ", the product is " + context.dut.model);
  }
  int checked = 0;
  int absent = 0;
  const std::string changed = CheckRecordFiles(*record, resolved, context, checked, absent);
  if (!changed.empty()) {
    return Outcome(std::move(use), kOutcomeHashMismatch, origin + ": " + changed);
  }
  std::string files = "; " + std::to_string(checked) + " listed file(s) re-hashed";
  if (absent > 0) {
    files += ", " + std::to_string(absent) + " not in the product folder";
  }
  const evidence::ProvisionResult* result = nullptr;
  std::string covered;
  for (const evidence::ProvisionResult& p : record->provisions) {
    covered += (covered.empty() ? "" : ", ") + p.id;
    if (p.id == context.provision_id) {
      result = &p;
    }
  }
  if (result == nullptr) {
    return Outcome(std::move(use), kOutcomeNotCovered,
                   origin + " does not cover " + context.provision_id + " (it covers " +
                       (covered.empty() ? std::string("no provision") : covered) + ")");
  }
  const std::string said = origin + ": " + std::string(evidence::ToString(result->outcome)) +
                           (result->summary.empty() ? "" : ": " + result->summary) + files;
  switch (result->outcome) {
    case evidence::Outcome::kPass:
    case evidence::Outcome::kInfo:
      return Outcome(std::move(use), kOutcomeOk, said);
    case evidence::Outcome::kFail:
      return Outcome(std::move(use), kOutcomeFail, said);
    case evidence::Outcome::kInconclusive:
      return Outcome(std::move(use), kOutcomeInconclusive, said);
  }
  return Outcome(std::move(use), kOutcomeInconclusive, said);
}

EvidenceUse CheckJunit(EvidenceUse use, const std::filesystem::path& resolved) {
  Result<std::string> text = ReadFile(resolved);
  if (!text) {
    return Outcome(std::move(use), kOutcomeUnreadable, text.error().message());
  }
  Result<JunitSummary> summary = ParseJunit(*text, use.path);
  if (!summary) {
    return Outcome(std::move(use), kOutcomeMalformed,
                   "not a valid JUnit report: " + summary.error().message());
  }
  std::string detail = summary->Describe();
  if (!summary->first_failure.empty()) {
    detail += "; first failure: " + summary->first_failure;
  }
  if (summary->AllPassed()) {
    return Outcome(std::move(use), kOutcomeOk, detail);
  }
  if (summary->failures > 0 || summary->errors > 0 || summary->suite_counts_disagree) {
    return Outcome(std::move(use), kOutcomeFail, detail);
  }
  return Outcome(std::move(use), kOutcomeInconclusive,
                 detail + (summary->tests == 0 ? "; the report has no test cases"
                                               : "; skipped test cases prove nothing"));
}

}  // namespace

EvidenceEffect EffectOf(std::string_view outcome) {
  if (outcome == kOutcomeOk) {
    return EvidenceEffect::kPasses;
  }
  if (outcome == kOutcomeFail || outcome == kOutcomeHashMismatch) {
    return EvidenceEffect::kFails;
  }
  return EvidenceEffect::kUndecided;
}

EvidenceUse CheckEvidence(const EvidenceRef& ref,
                          const std::filesystem::path& resolved,
                          const EvidenceContext& context) {
  EvidenceUse use;
  use.kind = std::string(ToString(ref.kind));
  use.path = ref.path;
  use.expected_sha256 = ref.expected_sha256;
  std::error_code ec;
  if (!std::filesystem::exists(resolved, ec)) {
    return Outcome(std::move(use), kOutcomeMissing, "file not found in the product folder");
  }
  if (!std::filesystem::is_regular_file(resolved, ec)) {
    return Outcome(std::move(use), kOutcomeUnreadable, "not a regular file");
  }
  Result<FileDigest> digest = Sha256File(resolved);
  if (!digest) {
    return Outcome(std::move(use), kOutcomeUnreadable, digest.error().message());
  }
  use.sha256 = digest->sha256_hex;
  if (!ref.expected_sha256.empty() && ref.expected_sha256 != use.sha256) {
    return Outcome(std::move(use), kOutcomeHashMismatch,
                   "expected sha256 " + ref.expected_sha256 + ", found " + digest->sha256_hex);
  }
  switch (ref.kind) {
    case EvidenceKind::kFile:
      return Outcome(std::move(use), kOutcomeOk,
                     std::to_string(digest->size) + " bytes" +
                         (ref.expected_sha256.empty() ? std::string(", no expected sha256 given")
                                                      : std::string(", sha256 matches")));
    case EvidenceKind::kJunit:
      return CheckJunit(std::move(use), resolved);
    case EvidenceKind::kRecord:
      return CheckRecord(std::move(use), resolved, context);
  }
  return use;
}

}  // namespace provisio::assess
