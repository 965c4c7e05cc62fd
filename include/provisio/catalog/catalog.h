// The provisions of ETSI EN 303 645 as data: V3.1.3 (current) and V2.1.1
// (cited by UK PSTI), their conditions and feature prerequisites, the mapping
// between the two editions and the UK PSTI Schedule 1 mapping. The data lives
// in data/catalog/*.yaml and is embedded into the library at build time, so
// the program runs from any folder.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::catalog {

enum class Status {
  kMandatory,    // "shall" (M)
  kRecommended,  // "should" (R)
};

std::string_view ToString(Status status);  // "M" or "R"

// How a provision changed from the previous edition (V3.1.3 only).
enum class Change { kUnchanged, kStatusChanged, kRenumbered, kSplit, kNew };
std::string_view ToString(Change change);  // "unchanged", "status_changed", ...

struct Provision {
  std::string id;            // The standard's spelling: "5.1-2", "5.3-4A", "6-8".
  std::string clause;        // "5.1", "6".
  std::string clause_title;  // "No universal default passwords".
  Status status = Status::kMandatory;
  std::string status_text;              // As printed in Table B.1: "M C(12)", "R F(g)".
  std::vector<std::string> conditions;  // Numbered conditions that must all hold: {"12"}.
  std::vector<std::string> features;    // Lettered features that must all be present: {"g"}.
  std::string summary;                  // One sentence, our own words (not normative text).
  std::string confidence;               // "high", "medium", "low": how sure the data is.
  // In a V3.1.3 catalogue: the V2.1.1 ids this provision continues (empty if
  // new). In a V2.1.1 catalogue: the V3.1.3 ids that continue it.
  std::vector<std::string> other_edition_ids;
  std::optional<Change> change;  // V3.1.3 only.
};

struct Prerequisite {
  std::string id;       // Condition "12" or feature "a".
  std::string meaning;  // Our paraphrase of the question.
};

struct Clause {
  std::string clause;
  std::string title;
};

struct PstiRequirement {
  int paragraph = 0;  // Schedule 1 paragraph.
  std::string topic;
  std::string summary;
  std::vector<std::string> en303645_provisions;  // V2.1.1 ids deemed to comply.
  std::string note;
  std::string confidence;
};

struct Catalog {
  std::string standard;              // "ETSI EN 303 645"
  std::string version;               // "3.1.3" or "2.1.1"
  std::string date;                  // "2024-09"
  std::string data_confidence_note;  // Where the facts come from; the ETSI PDF prevails.
  std::vector<Clause> clauses;
  std::vector<Provision> provisions;  // In the standard's order.
  std::vector<Prerequisite> conditions;
  std::vector<Prerequisite> features;  // Empty for V2.1.1.

  // Returns the provision with this id, or nullptr.
  const Provision* Find(std::string_view id) const;
  const Prerequisite* FindCondition(std::string_view id) const;
  const Prerequisite* FindFeature(std::string_view id) const;
};

// Versions LoadCatalog accepts, newest first: {"3.1.3", "2.1.1"}.
std::vector<std::string> SupportedVersions();

// Loads the embedded catalogue of one edition. Accepts "3.1.3", "2.1.1",
// "V3.1.3" and "en303645:3.1.3" spellings. Fails with kNotFound for others.
Result<Catalog> LoadCatalog(std::string_view version);

// The UK PSTI Schedule 1 requirements and the V2.1.1 provisions they cite.
Result<std::vector<PstiRequirement>> LoadPstiMapping();

// Answers to the condition and feature questions of one product. A missing
// key means "not answered".
struct Answers {
  std::map<std::string, bool> conditions;  // "12" -> true
  std::map<std::string, bool> features;    // "g" -> true
};

enum class Applicability { kApplicable, kNotApplicable, kUnanswered };

struct ApplicabilityDecision {
  Applicability applicability = Applicability::kApplicable;
  // Why, e.g. "feature g (device software components can be updated) is absent".
  std::string reason;
  // Condition/feature ids that were needed but not answered.
  std::vector<std::string> unanswered;
};

// A provision applies when every condition it lists holds and every feature
// it lists is present. Any listed prerequisite answered "false" makes it not
// applicable; otherwise any unanswered one makes the decision kUnanswered.
ApplicabilityDecision DecideApplicability(const Catalog& catalog,
                                          const Provision& provision,
                                          const Answers& answers);

// Differences between two editions, for `provisio catalog diff`.
struct CatalogDiffEntry {
  enum class Kind { kNew, kRemoved, kSplit, kRenumbered, kStatusChanged, kUnchanged };
  Kind kind = Kind::kUnchanged;
  std::vector<std::string> from_ids;  // Ids in the older edition.
  std::vector<std::string> to_ids;    // Ids in the newer edition.
  std::string from_status;            // Status text in the older edition.
  std::string to_status;              // Status text in the newer edition.
};
std::string_view ToString(CatalogDiffEntry::Kind kind);

// Compares `from` (older) with `to` (newer). REQUIRES: one is 2.1.1, the other 3.1.3.
Result<std::vector<CatalogDiffEntry>> DiffCatalogs(const Catalog& from, const Catalog& to);

}  // namespace provisio::catalog
