// The assessment engine: from a product file and one edition of the
// catalogue to a verdict per provision and the release-gate decision.
//
// Verdict rules (docs/product-file.md, "How verdicts are decided"):
//   - not applicable by the answers                      -> NOT_APPLICABLE
//   - applicability depends on an unanswered question    -> INCONCLUSIVE
//   - applicable, no claim                               -> INCONCLUSIVE
//   - applicable, claimed N/A                            -> FAIL (the ICS contradicts the answers)
//   - mandatory, claimed N                               -> FAIL
//   - recommendation, claimed N with a justification     -> PASS (5.0-1), else FAIL
//   - claimed Y: any evidence failing (test failures, hash mismatch, a
//     record saying "fail")                              -> FAIL
//     no evidence, evidence missing or unverifiable, or
//     no implemented measure given                       -> INCONCLUSIVE
//     all evidence verified                              -> PASS
// Gate: passes when every applicable mandatory provision (and, with
// recommendations_required, every recommendation) is PASS or
// NOT_APPLICABLE, or carries an unexpired waiver.
#pragma once

#include <filesystem>

#include "provisio/assess/assessment.h"
#include "provisio/assess/product.h"
#include "provisio/catalog/catalog.h"
#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::assess {

struct AssessOptions {
  GatePolicy policy;
};

// Checks `product` against `catalog` (ids of claims, answers and waivers;
// evidence paths stay inside `product_dir`) and assesses every provision.
// `other_edition`, when given, only improves the message for an id that
// belongs to the other edition. Fails with kInvalidArgument and
// "product.yaml:line:col: ..." on inconsistent input; evidence that is
// missing or unreadable is not an error but an INCONCLUSIVE verdict.
Result<Assessment> Assess(const ProductFile& product,
                          const catalog::Catalog& catalog,
                          const std::filesystem::path& product_dir,
                          const AssessOptions& options,
                          const Clock& clock,
                          const catalog::Catalog* other_edition = nullptr);

// Reads `<product_dir>/product.yaml`, loads the edition it names and
// assesses it.
Result<Assessment> AssessProduct(const std::filesystem::path& product_dir,
                                 const AssessOptions& options,
                                 const Clock& clock);

// Recomputes assessment.gate from the verdicts, waivers and policy.
GateDecision DecideGate(const std::vector<ProvisionVerdict>& provisions, const GatePolicy& policy);

}  // namespace provisio::assess
