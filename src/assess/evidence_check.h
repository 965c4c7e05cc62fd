// Checks one piece of evidence: file hashes, JUnit reports and provisio
// evidence records. Private to `assess`.
#pragma once

#include <filesystem>
#include <string_view>

#include "provisio/assess/assessment.h"
#include "provisio/assess/product.h"

namespace provisio::assess {

// Outcomes written into EvidenceUse::outcome.
inline constexpr std::string_view kOutcomeOk = "ok";
inline constexpr std::string_view kOutcomeFail = "fail";
inline constexpr std::string_view kOutcomeHashMismatch = "hash-mismatch";
inline constexpr std::string_view kOutcomeMissing = "missing";
inline constexpr std::string_view kOutcomeUnreadable = "unreadable";
inline constexpr std::string_view kOutcomeMalformed = "malformed";
inline constexpr std::string_view kOutcomeInconclusive = "inconclusive";
inline constexpr std::string_view kOutcomeNotCovered = "not-covered";
inline constexpr std::string_view kOutcomeProductMismatch = "product-mismatch";

// What an outcome does to a claim: fails it, passes it, or leaves it open.
enum class EvidenceEffect { kPasses, kFails, kUndecided };
EvidenceEffect EffectOf(std::string_view outcome);

struct EvidenceContext {
  std::filesystem::path product_dir;  // Canonical product folder.
  DeviceUnderTest dut;
  std::string provision_id;  // The provision the evidence is offered for.
};

// Checks `ref`, whose path has already been resolved inside the product
// folder to `resolved`. Never fails: problems become the outcome.
EvidenceUse CheckEvidence(const EvidenceRef& ref,
                          const std::filesystem::path& resolved,
                          const EvidenceContext& context);

}  // namespace provisio::assess
