#include "catalog/catalog_yaml.h"

#include <regex>
#include <set>

#include "formats/document.h"

namespace provisio::catalog {
namespace {

using formats::Document;
using formats::Json;

// Reads object fields with positions in errors.
class FieldReader {
 public:
  explicit FieldReader(const Document& doc) : doc_(doc) {}

  Result<std::string> String(const Json& object,
                             const std::string& pointer,
                             const char* key,
                             bool required = true) const {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      if (!required) {
        return std::string();
      }
      return Fail(ErrorCode::kParse, doc_.Where(pointer) + ": missing '" + key + "'");
    }
    if (!it->is_string()) {
      return Fail(ErrorCode::kParse,
                  doc_.Where(pointer + "/" + key) + ": '" + key + "' must be a string");
    }
    return it->get<std::string>();
  }

  Result<std::vector<std::string>> StringList(const Json& object,
                                              const std::string& pointer,
                                              const char* key) const {
    std::vector<std::string> out;
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return out;
    }
    if (!it->is_array()) {
      return Fail(ErrorCode::kParse,
                  doc_.Where(pointer + "/" + key) + ": '" + key + "' must be a list");
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& item = (*it)[i];
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      } else if (item.is_number_integer()) {
        out.push_back(std::to_string(item.get<long long>()));
      } else {
        return Fail(ErrorCode::kParse, doc_.Where(pointer + "/" + key + "/" + std::to_string(i)) +
                                           ": expected a string");
      }
    }
    return out;
  }

  std::string Where(const std::string& pointer) const { return doc_.Where(pointer); }

 private:
  const Document& doc_;
};

Result<std::vector<Prerequisite>> ReadPrerequisites(const FieldReader& reader,
                                                    const Json& root,
                                                    const char* key) {
  std::vector<Prerequisite> out;
  const auto it = root.find(key);
  if (it == root.end() || it->is_null()) {
    return out;
  }
  if (!it->is_array()) {
    return Fail(ErrorCode::kParse, reader.Where(std::string("/") + key) + ": must be a list");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const std::string pointer = std::string("/") + key + "/" + std::to_string(i);
    Prerequisite p;
    Result<std::string> id = reader.String((*it)[i], pointer, "id");
    Result<std::string> meaning = id ? reader.String((*it)[i], pointer, "meaning") : id;
    if (!meaning) {
      return Fail(meaning.error());
    }
    if (!seen.insert(*id).second) {
      return Fail(ErrorCode::kParse, reader.Where(pointer) + ": duplicate id '" + *id + "'");
    }
    p.id = *id;
    p.meaning = *meaning;
    out.push_back(std::move(p));
  }
  return out;
}

Result<Change> ParseChange(const std::string& text) {
  static const std::pair<const char*, Change> kNames[] = {
      {"unchanged", Change::kUnchanged},
      {"status_changed", Change::kStatusChanged},
      {"renumbered", Change::kRenumbered},
      {"split", Change::kSplit},
      {"new", Change::kNew},
  };
  for (const auto& [name, change] : kNames) {
    if (text == name) {
      return change;
    }
  }
  return Fail(ErrorCode::kParse, "unknown change '" + text + "'");
}

}  // namespace

bool IsWellFormedProvisionId(std::string_view id) {
  static const std::regex kId("^([4-6]|5\\.[0-9]{1,2})-[0-9]{1,2}[A-Z]?$");
  return std::regex_match(std::string(id), kId);
}

Result<Catalog> ParseCatalogYaml(std::string_view text, std::string_view source_name) {
  Result<Document> doc = formats::ParseYaml(text, source_name);
  if (!doc) {
    return Fail(doc.error());
  }
  const Json& root = doc->value;
  FieldReader reader(*doc);
  if (!root.is_object()) {
    return Fail(ErrorCode::kParse, doc->Where("") + ": a catalogue must be a mapping");
  }
  Catalog catalog;
  for (auto [field, key] :
       {std::pair{&catalog.standard, "standard"}, std::pair{&catalog.version, "version"},
        std::pair{&catalog.date, "date"},
        std::pair{&catalog.data_confidence_note, "source_note"}}) {
    Result<std::string> value = reader.String(root, "", key);
    if (!value) {
      return Fail(value.error());
    }
    *field = *value;
  }
  const auto clauses = root.find("clauses");
  if (clauses == root.end() || !clauses->is_array()) {
    return Fail(ErrorCode::kParse, doc->Where("") + ": missing 'clauses' list");
  }
  for (std::size_t i = 0; i < clauses->size(); ++i) {
    const std::string pointer = "/clauses/" + std::to_string(i);
    Result<std::string> clause = reader.String((*clauses)[i], pointer, "clause");
    Result<std::string> title = clause ? reader.String((*clauses)[i], pointer, "title") : clause;
    if (!title) {
      return Fail(title.error());
    }
    catalog.clauses.push_back({*clause, *title});
  }
  Result<std::vector<Prerequisite>> conditions = ReadPrerequisites(reader, root, "conditions");
  if (!conditions) {
    return Fail(conditions.error());
  }
  catalog.conditions = std::move(*conditions);
  Result<std::vector<Prerequisite>> features = ReadPrerequisites(reader, root, "features");
  if (!features) {
    return Fail(features.error());
  }
  catalog.features = std::move(*features);

  const auto provisions = root.find("provisions");
  if (provisions == root.end() || !provisions->is_array()) {
    return Fail(ErrorCode::kParse, doc->Where("") + ": missing 'provisions' list");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < provisions->size(); ++i) {
    const Json& item = (*provisions)[i];
    const std::string pointer = "/provisions/" + std::to_string(i);
    if (!item.is_object()) {
      return Fail(ErrorCode::kParse, doc->Where(pointer) + ": a provision must be a mapping");
    }
    Provision p;
    for (auto [field, key] : {std::pair{&p.id, "id"}, std::pair{&p.clause, "clause"},
                              std::pair{&p.status_text, "status"}, std::pair{&p.summary, "summary"},
                              std::pair{&p.confidence, "confidence"}}) {
      Result<std::string> value = reader.String(item, pointer, key);
      if (!value) {
        return Fail(value.error());
      }
      *field = *value;
    }
    if (!IsWellFormedProvisionId(p.id)) {
      return Fail(ErrorCode::kParse,
                  doc->Where(pointer + "/id") + ": '" + p.id + "' is not a provision id");
    }
    if (!seen.insert(p.id).second) {
      return Fail(ErrorCode::kParse,
                  doc->Where(pointer + "/id") + ": duplicate provision id '" + p.id + "'");
    }
    if (p.status_text.rfind('M', 0) == 0) {
      p.status = Status::kMandatory;
    } else if (p.status_text.rfind('R', 0) == 0) {
      p.status = Status::kRecommended;
    } else {
      return Fail(ErrorCode::kParse, doc->Where(pointer + "/status") + ": status '" +
                                         p.status_text + "' must start with M or R");
    }
    const Clause* clause = nullptr;
    for (const Clause& c : catalog.clauses) {
      if (c.clause == p.clause) {
        clause = &c;
      }
    }
    if (clause == nullptr) {
      return Fail(ErrorCode::kParse,
                  doc->Where(pointer + "/clause") + ": unknown clause '" + p.clause + "'");
    }
    p.clause_title = clause->title;
    Result<std::vector<std::string>> conds = reader.StringList(item, pointer, "conditions");
    Result<std::vector<std::string>> feats =
        conds ? reader.StringList(item, pointer, "features") : conds;
    Result<std::vector<std::string>> others =
        feats ? reader.StringList(item, pointer, "other_edition_ids") : feats;
    if (!others) {
      return Fail(others.error());
    }
    p.conditions = std::move(*conds);
    p.features = std::move(*feats);
    p.other_edition_ids = std::move(*others);
    for (const std::string& c : p.conditions) {
      if (catalog.FindCondition(c) == nullptr) {
        return Fail(ErrorCode::kParse, doc->Where(pointer + "/conditions") + ": condition C(" + c +
                                           ") is not defined in 'conditions'");
      }
    }
    for (const std::string& f : p.features) {
      if (catalog.FindFeature(f) == nullptr) {
        return Fail(ErrorCode::kParse, doc->Where(pointer + "/features") + ": feature F(" + f +
                                           ") is not defined in 'features'");
      }
    }
    Result<std::string> change = reader.String(item, pointer, "change", false);
    if (!change) {
      return Fail(change.error());
    }
    if (!change->empty()) {
      Result<Change> parsed = ParseChange(*change);
      if (!parsed) {
        return Fail(parsed.error().WithContext(doc->Where(pointer + "/change")));
      }
      p.change = *parsed;
    }
    catalog.provisions.push_back(std::move(p));
  }
  return catalog;
}

Result<std::vector<PstiRequirement>> ParsePstiYaml(std::string_view text,
                                                   std::string_view source_name) {
  Result<Document> doc = formats::ParseYaml(text, source_name);
  if (!doc) {
    return Fail(doc.error());
  }
  FieldReader reader(*doc);
  const auto list = doc->value.find("requirements");
  if (list == doc->value.end() || !list->is_array()) {
    return Fail(ErrorCode::kParse, doc->Where("") + ": missing 'requirements' list");
  }
  std::vector<PstiRequirement> out;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    const std::string pointer = "/requirements/" + std::to_string(i);
    PstiRequirement r;
    const auto paragraph = item.find("paragraph");
    if (paragraph == item.end() || !paragraph->is_number_integer()) {
      return Fail(ErrorCode::kParse, doc->Where(pointer) + ": 'paragraph' must be a number");
    }
    r.paragraph = paragraph->get<int>();
    for (auto [field, key] : {std::pair{&r.topic, "topic"}, std::pair{&r.summary, "summary"},
                              std::pair{&r.note, "note"}, std::pair{&r.confidence, "confidence"}}) {
      Result<std::string> value = reader.String(item, pointer, key);
      if (!value) {
        return Fail(value.error());
      }
      *field = *value;
    }
    Result<std::vector<std::string>> ids = reader.StringList(item, pointer, "en303645_provisions");
    if (!ids) {
      return Fail(ids.error());
    }
    r.en303645_provisions = std::move(*ids);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace provisio::catalog
