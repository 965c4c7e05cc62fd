#include "provisio/assess/engine.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "assess/evidence_check.h"
#include "provisio/core/files.h"
#include "provisio/core/version.h"

namespace provisio::assess {
namespace {

namespace fs = std::filesystem;

std::string Upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

std::string Edition(const catalog::Catalog& catalog) {
  return catalog.standard + " V" + catalog.version;
}

Result<void> CheckProvisionId(const std::string& id,
                              const std::string& where,
                              const catalog::Catalog& catalog,
                              const catalog::Catalog* other_edition) {
  if (catalog.Find(id) != nullptr) {
    return {};
  }
  if (other_edition != nullptr && other_edition->Find(id) != nullptr) {
    return Fail(ErrorCode::kInvalidArgument,
                where + ": provision " + id + " does not exist in " + Edition(catalog) +
                    " (it is a V" + other_edition->version + " provision; check 'standard:' " +
                    "or see `provisio catalog diff`)");
  }
  for (const catalog::Provision& provision : catalog.provisions) {
    if (Upper(provision.id) == Upper(id)) {
      return Fail(ErrorCode::kInvalidArgument, where + ": unknown provision id '" + id +
                                                   "'; did you mean '" + provision.id + "'?");
    }
  }
  return Fail(ErrorCode::kInvalidArgument, where + ": unknown provision id '" + id + "' (not in " +
                                               Edition(catalog) +
                                               "; `provisio catalog list` shows the ids)");
}

std::string AnswerWhere(const ProductFile& product, const std::string& key) {
  const auto it = product.answer_where.find(key);
  return it == product.answer_where.end() ? product.source_name : it->second;
}

Result<void> CheckAnswers(const ProductFile& product, const catalog::Catalog& catalog) {
  for (const auto& [id, value] : product.answers.conditions) {
    if (catalog.FindCondition(id) == nullptr) {
      std::string known;
      for (const catalog::Prerequisite& c : catalog.conditions) {
        known += (known.empty() ? "" : ", ") + c.id;
      }
      return Fail(ErrorCode::kInvalidArgument,
                  AnswerWhere(product, "C(" + id + ")") + ": unknown condition '" + id + "' in " +
                      Edition(catalog) + " (conditions: " + known + ")");
    }
  }
  for (const auto& [id, value] : product.answers.features) {
    if (catalog.FindFeature(id) == nullptr) {
      std::string known;
      for (const catalog::Prerequisite& f : catalog.features) {
        known += (known.empty() ? "" : ", ") + f.id;
      }
      return Fail(ErrorCode::kInvalidArgument,
                  AnswerWhere(product, "F(" + id + ")") + ": unknown feature '" + id + "' in " +
                      Edition(catalog) +
                      (known.empty() ? std::string(" (this edition has no feature questions)")
                                     : " (features: " + known + ")"));
    }
  }
  return {};
}

// Resolves every evidence path before anything is read, so a path that
// escapes the folder stops the run instead of being read.
Result<std::map<const EvidenceRef*, fs::path>> ResolveEvidence(const ProductFile& product,
                                                               const fs::path& product_dir) {
  std::map<const EvidenceRef*, fs::path> resolved;
  for (const Claim& claim : product.claims) {
    for (const EvidenceRef& ref : claim.evidence) {
      if (fs::path(ref.path).is_absolute()) {
        return Fail(ErrorCode::kInvalidArgument,
                    ref.where + ": evidence path '" + ref.path +
                        "' is absolute; give it relative to the product folder");
      }
      Result<fs::path> path = ResolveInside(product_dir, ref.path);
      if (!path) {
        if (path.error().code() == ErrorCode::kInvalidArgument) {
          return Fail(ErrorCode::kInvalidArgument,
                      ref.where + ": evidence path '" + ref.path +
                          "' escapes the product folder (through '..' or a symbolic link)");
        }
        return Fail(path.error().WithContext(ref.where));
      }
      resolved.emplace(&ref, std::move(*path));
    }
  }
  return resolved;
}

struct ClaimCheck {
  Verdict verdict = Verdict::kInconclusive;
  std::vector<std::string> reasons;
  bool unjustified_recommendation = false;
};

// Verdict of an applicable (or undecided) provision from its claim and evidence.
ClaimCheck JudgeClaim(const catalog::Provision& provision,
                      const Claim* claim,
                      const std::vector<EvidenceUse>& evidence) {
  ClaimCheck check;
  const bool mandatory = provision.status == catalog::Status::kMandatory;
  if (claim == nullptr || claim->support == Support::kUnclaimed) {
    check.reasons.push_back("no ICS claim (Y, N or N/A) in product.yaml");
    return check;
  }
  switch (claim->support) {
    case Support::kNotApplicable:
      check.verdict = Verdict::kFail;
      check.reasons.push_back(
          "claimed N/A, but the condition and feature answers make it applicable; correct the "
          "answers or the claim");
      return check;
    case Support::kNo:
      if (mandatory) {
        check.verdict = Verdict::kFail;
        check.reasons.push_back("mandatory provision claimed N (not implemented)");
      } else if (!claim->justification.empty()) {
        check.verdict = Verdict::kPass;
        check.reasons.push_back(
            "recommendation not implemented; justification recorded as 5.0-1 requires");
      } else {
        check.verdict = Verdict::kFail;
        check.unjustified_recommendation = true;
        check.reasons.push_back(
            "recommendation claimed N without a justification (5.0-1 requires one)");
      }
      return check;
    case Support::kYes:
    case Support::kUnclaimed:
      break;
  }
  int passing = 0;
  int failing = 0;
  int undecided = 0;
  for (const EvidenceUse& use : evidence) {
    switch (EffectOf(use.outcome)) {
      case EvidenceEffect::kPasses:
        ++passing;
        break;
      case EvidenceEffect::kFails:
        ++failing;
        check.reasons.push_back("evidence " + use.path + ": " + use.outcome + ": " + use.detail);
        break;
      case EvidenceEffect::kUndecided:
        ++undecided;
        check.reasons.push_back("evidence " + use.path + " cannot be verified: " + use.outcome +
                                ": " + use.detail);
        break;
    }
  }
  if (failing > 0) {
    check.verdict = Verdict::kFail;
    return check;
  }
  if (evidence.empty()) {
    check.reasons.push_back("claimed Y without evidence");
    return check;
  }
  if (claim->measure.empty()) {
    check.reasons.push_back("claimed Y without the implemented measure ('measure:')");
    return check;
  }
  if (undecided > 0) {
    return check;
  }
  check.verdict = Verdict::kPass;
  check.reasons.push_back("claimed Y; " + std::to_string(passing) +
                          (passing == 1 ? " piece" : " pieces") + " of evidence verified");
  return check;
}

std::string ClaimDetail(const Claim* claim) {
  if (claim == nullptr) {
    return "";
  }
  switch (claim->support) {
    case Support::kYes:
      return claim->measure;
    case Support::kNo:
      return claim->justification;
    case Support::kNotApplicable:
      return claim->rationale;
    case Support::kUnclaimed:
      return "";
  }
  return "";
}

bool Blocks(Verdict verdict) {
  return verdict == Verdict::kFail || verdict == Verdict::kInconclusive;
}

}  // namespace

GateDecision DecideGate(const std::vector<ProvisionVerdict>& provisions, const GatePolicy& policy) {
  GateDecision gate;
  for (const ProvisionVerdict& provision : provisions) {
    const bool counts = provision.mandatory || policy.recommendations_required;
    if (counts && Blocks(provision.verdict) && !provision.waived) {
      gate.blocking_ids.push_back(provision.id);
    }
  }
  gate.passed = gate.blocking_ids.empty();
  return gate;
}

Result<Assessment> Assess(const ProductFile& product,
                          const catalog::Catalog& catalog,
                          const fs::path& product_dir,
                          const AssessOptions& options,
                          const Clock& clock,
                          const catalog::Catalog* other_edition) {
  Result<void> answers = CheckAnswers(product, catalog);
  if (!answers) {
    return Fail(answers.error());
  }
  std::map<std::string, const Claim*> claims;
  for (const Claim& claim : product.claims) {
    Result<void> known = CheckProvisionId(claim.id, claim.where, catalog, other_edition);
    if (!known) {
      return Fail(known.error());
    }
    if (!claims.emplace(claim.id, &claim).second) {
      return Fail(ErrorCode::kInvalidArgument, claim.where + ": duplicate claim for provision " +
                                                   claim.id + " (first at " +
                                                   claims.at(claim.id)->where + ")");
    }
  }
  std::map<std::string, const Waiver*> waivers;
  for (const Waiver& waiver : product.waivers) {
    Result<void> known = CheckProvisionId(waiver.provision, waiver.where, catalog, other_edition);
    if (!known) {
      return Fail(known.error());
    }
    if (!waivers.emplace(waiver.provision, &waiver).second) {
      return Fail(ErrorCode::kInvalidArgument, waiver.where + ": a second waiver for provision " +
                                                   waiver.provision + " (first at " +
                                                   waivers.at(waiver.provision)->where + ")");
    }
  }
  std::error_code ec;
  const fs::path canonical_dir = fs::weakly_canonical(fs::absolute(product_dir, ec), ec);
  if (ec) {
    return Fail(ErrorCode::kIo, product_dir.string() + ": " + ec.message());
  }
  Result<std::map<const EvidenceRef*, fs::path>> resolved = ResolveEvidence(product, canonical_dir);
  if (!resolved) {
    return Fail(resolved.error());
  }

  Assessment assessment;
  assessment.product_dir = product_dir.string();
  assessment.dut = product.dut;
  assessment.standard = catalog.standard;
  assessment.standard_version = catalog.version;
  assessment.assessed_at = clock.Now();
  assessment.tool_version = std::string(ToolVersion());
  assessment.ixit = product.ixit;
  assessment.policy = options.policy;

  std::vector<std::string> unjustified;
  for (const catalog::Provision& provision : catalog.provisions) {
    ProvisionVerdict verdict;
    verdict.id = provision.id;
    verdict.clause = provision.clause;
    verdict.clause_title = provision.clause_title;
    verdict.status_text = provision.status_text;
    verdict.mandatory = provision.status == catalog::Status::kMandatory;
    verdict.summary = provision.summary;
    const auto found = claims.find(provision.id);
    const Claim* claim = found == claims.end() ? nullptr : found->second;
    if (claim != nullptr) {
      verdict.claim = claim->support;
      verdict.claim_detail = ClaimDetail(claim);
    }

    const catalog::ApplicabilityDecision applicability =
        catalog::DecideApplicability(catalog, provision, product.answers);
    if (applicability.applicability == catalog::Applicability::kNotApplicable) {
      verdict.verdict = Verdict::kNotApplicable;
      verdict.reasons.push_back(applicability.reason);
      if (claim != nullptr && claim->support == Support::kYes) {
        verdict.reasons.push_back("claimed Y, but the answers make it not applicable");
      }
      assessment.provisions.push_back(std::move(verdict));
      continue;
    }
    if (claim != nullptr) {
      EvidenceContext context{canonical_dir, product.dut, provision.id};
      for (const EvidenceRef& ref : claim->evidence) {
        verdict.evidence.push_back(CheckEvidence(ref, resolved->at(&ref), context));
      }
    }
    ClaimCheck check = JudgeClaim(provision, claim, verdict.evidence);
    if (applicability.applicability == catalog::Applicability::kUnanswered) {
      verdict.verdict = Verdict::kInconclusive;
      verdict.reasons.push_back(applicability.reason + "; answer it under 'answers:'");
    } else {
      verdict.verdict = check.verdict;
    }
    verdict.reasons.insert(verdict.reasons.end(), check.reasons.begin(), check.reasons.end());
    if (check.unjustified_recommendation) {
      unjustified.push_back(provision.id);
    }
    assessment.provisions.push_back(std::move(verdict));
  }

  // 5.0-1: every recommendation not met needs a justification.
  if (!unjustified.empty()) {
    for (ProvisionVerdict& verdict : assessment.provisions) {
      if (verdict.id == "5.0-1" && verdict.verdict != Verdict::kNotApplicable) {
        std::string list;
        for (const std::string& id : unjustified) {
          list += (list.empty() ? "" : ", ") + id;
        }
        verdict.verdict = Verdict::kFail;
        verdict.reasons.insert(verdict.reasons.begin(),
                               "recommendations claimed N without a justification: " + list);
      }
    }
  }

  const TimePoint now = clock.Now();
  for (ProvisionVerdict& verdict : assessment.provisions) {
    const auto found = waivers.find(verdict.id);
    if (found == waivers.end()) {
      continue;
    }
    const Waiver& waiver = *found->second;
    const std::string text =
        waiver.owner + ": " + waiver.reason + " (until " + waiver.expires_text + ")";
    if (now >= waiver.expires) {
      verdict.reasons.push_back("waiver by " + waiver.owner + " expired on " + waiver.expires_text +
                                " and no longer counts");
    } else if (Blocks(verdict.verdict)) {
      verdict.waived = true;
      verdict.waiver = text;
      verdict.reasons.push_back("waived for the release gate by " + text);
    } else {
      verdict.reasons.push_back("a waiver exists but is not needed: " + text);
    }
  }
  assessment.gate = DecideGate(assessment.provisions, options.policy);
  return assessment;
}

Result<Assessment> AssessProduct(const fs::path& product_dir,
                                 const AssessOptions& options,
                                 const Clock& clock) {
  Result<ProductFile> product = ReadProductFile(product_dir);
  if (!product) {
    return Fail(product.error());
  }
  Result<catalog::Catalog> edition = catalog::LoadCatalog(product->standard_version);
  if (!edition && edition.error().code() != ErrorCode::kNotFound) {
    return Fail(edition.error().WithContext("loading the catalogue"));
  }
  if (!edition) {
    std::string supported;
    for (const std::string& version : catalog::SupportedVersions()) {
      supported += (supported.empty() ? "" : ", ") + version;
    }
    return Fail(ErrorCode::kInvalidArgument,
                product->standard_where + ": unsupported standard version '" +
                    product->standard_version + "' (supported: " + supported + ")");
  }
  std::optional<catalog::Catalog> other;
  for (const std::string& version : catalog::SupportedVersions()) {
    if (version != edition->version) {
      Result<catalog::Catalog> loaded = catalog::LoadCatalog(version);
      if (loaded) {
        other = std::move(*loaded);
      }
      break;
    }
  }
  return Assess(*product, *edition, product_dir, options, clock,
                other.has_value() ? &*other : nullptr);
}

}  // namespace provisio::assess
