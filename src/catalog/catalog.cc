#include "provisio/catalog/catalog.h"

#include <algorithm>
#include <map>

#include "catalog/catalog_yaml.h"
#include "catalog/embedded_data.h"

namespace provisio::catalog {

std::string_view ToString(Status status) {
  return status == Status::kMandatory ? "M" : "R";
}

std::string_view ToString(Change change) {
  switch (change) {
    case Change::kUnchanged:
      return "unchanged";
    case Change::kStatusChanged:
      return "status_changed";
    case Change::kRenumbered:
      return "renumbered";
    case Change::kSplit:
      return "split";
    case Change::kNew:
      return "new";
  }
  return "unchanged";
}

std::string_view ToString(CatalogDiffEntry::Kind kind) {
  switch (kind) {
    case CatalogDiffEntry::Kind::kNew:
      return "new";
    case CatalogDiffEntry::Kind::kRemoved:
      return "removed";
    case CatalogDiffEntry::Kind::kSplit:
      return "split";
    case CatalogDiffEntry::Kind::kRenumbered:
      return "renumbered";
    case CatalogDiffEntry::Kind::kStatusChanged:
      return "status_changed";
    case CatalogDiffEntry::Kind::kUnchanged:
      return "unchanged";
  }
  return "unchanged";
}

const Provision* Catalog::Find(std::string_view id) const {
  for (const Provision& p : provisions) {
    if (p.id == id) {
      return &p;
    }
  }
  return nullptr;
}

const Prerequisite* Catalog::FindCondition(std::string_view id) const {
  for (const Prerequisite& c : conditions) {
    if (c.id == id) {
      return &c;
    }
  }
  return nullptr;
}

const Prerequisite* Catalog::FindFeature(std::string_view id) const {
  for (const Prerequisite& f : features) {
    if (f.id == id) {
      return &f;
    }
  }
  return nullptr;
}

std::vector<std::string> SupportedVersions() {
  return {"3.1.3", "2.1.1"};
}

Result<Catalog> LoadCatalog(std::string_view version) {
  std::string_view v = version;
  for (std::string_view prefix : {"en303645:", "EN303645:", "V", "v"}) {
    if (v.substr(0, prefix.size()) == prefix) {
      v.remove_prefix(prefix.size());
    }
  }
  if (v == "3.1.3") {
    return ParseCatalogYaml(embedded::En303645V313(), "en303645-v3.1.3.yaml");
  }
  if (v == "2.1.1") {
    return ParseCatalogYaml(embedded::En303645V211(), "en303645-v2.1.1.yaml");
  }
  return Fail(ErrorCode::kNotFound, "no catalogue for EN 303 645 version '" + std::string(version) +
                                        "' (known: 3.1.3, 2.1.1)");
}

Result<std::vector<PstiRequirement>> LoadPstiMapping() {
  return ParsePstiYaml(embedded::UkPsti(), "uk-psti.yaml");
}

ApplicabilityDecision DecideApplicability(const Catalog& catalog,
                                          const Provision& provision,
                                          const Answers& answers) {
  ApplicabilityDecision decision;
  auto check = [&](const std::vector<std::string>& ids, const std::map<std::string, bool>& given,
                   const char* kind, const char* absent_word, bool is_feature) {
    for (const std::string& id : ids) {
      const auto it = given.find(id);
      const Prerequisite* p = is_feature ? catalog.FindFeature(id) : catalog.FindCondition(id);
      const std::string label =
          std::string(kind) + " " + id + (p != nullptr ? " (" + p->meaning + ")" : std::string());
      if (it == given.end()) {
        decision.unanswered.push_back(std::string(is_feature ? "F(" : "C(") + id + ")");
        continue;
      }
      if (!it->second && decision.applicability != Applicability::kNotApplicable) {
        decision.applicability = Applicability::kNotApplicable;
        decision.reason = label + " " + absent_word;
      }
    }
  };
  check(provision.conditions, answers.conditions, "condition", "does not hold", false);
  check(provision.features, answers.features, "feature", "is absent", true);
  if (decision.applicability == Applicability::kNotApplicable) {
    return decision;
  }
  if (!decision.unanswered.empty()) {
    decision.applicability = Applicability::kUnanswered;
    std::string list;
    for (const std::string& id : decision.unanswered) {
      list += (list.empty() ? "" : ", ") + id;
    }
    decision.reason = "applicability depends on unanswered " + list;
    return decision;
  }
  decision.applicability = Applicability::kApplicable;
  decision.reason = provision.conditions.empty() && provision.features.empty()
                        ? "applies to every product"
                        : "every condition and feature it depends on is present";
  return decision;
}

Result<std::vector<CatalogDiffEntry>> DiffCatalogs(const Catalog& from, const Catalog& to) {
  if (from.version != "2.1.1" || to.version != "3.1.3") {
    return Fail(ErrorCode::kInvalidArgument,
                "diff compares the older edition with the newer: give 2.1.1 then 3.1.3 (got " +
                    from.version + " then " + to.version + ")");
  }
  // Group the newer provisions by the older id they continue.
  std::map<std::string, std::vector<const Provision*>> continued;
  std::vector<CatalogDiffEntry> entries;
  for (const Provision& p : to.provisions) {
    if (p.other_edition_ids.empty()) {
      CatalogDiffEntry entry;
      entry.kind = CatalogDiffEntry::Kind::kNew;
      entry.to_ids = {p.id};
      entry.to_status = p.status_text;
      entries.push_back(std::move(entry));
      continue;
    }
    for (const std::string& old_id : p.other_edition_ids) {
      continued[old_id].push_back(&p);
    }
  }
  for (const Provision& old : from.provisions) {
    CatalogDiffEntry entry;
    entry.from_ids = {old.id};
    entry.from_status = old.status_text;
    const auto it = continued.find(old.id);
    if (it == continued.end()) {
      entry.kind = CatalogDiffEntry::Kind::kRemoved;
      entries.push_back(std::move(entry));
      continue;
    }
    for (const Provision* p : it->second) {
      entry.to_ids.push_back(p->id);
      entry.to_status += (entry.to_status.empty() ? "" : "; ") + p->status_text;
    }
    if (it->second.size() > 1) {
      entry.kind = CatalogDiffEntry::Kind::kSplit;
    } else if (it->second.front()->id != old.id) {
      entry.kind = CatalogDiffEntry::Kind::kRenumbered;
    } else if (it->second.front()->status_text != old.status_text) {
      entry.kind = CatalogDiffEntry::Kind::kStatusChanged;
    } else {
      entry.kind = CatalogDiffEntry::Kind::kUnchanged;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace provisio::catalog
