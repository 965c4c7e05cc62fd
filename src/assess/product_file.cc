#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <regex>
#include <utility>

#include "formats/document.h"
#include "provisio/assess/product.h"
#include "provisio/core/files.h"
#include "provisio/core/text.h"

namespace provisio::assess {
namespace {

using formats::Document;
using formats::Json;

std::string Child(const std::string& pointer, std::string_view key) {
  return pointer + "/" + formats::PointerSegment(key);
}

std::string Child(const std::string& pointer, std::size_t index) {
  return pointer + "/" + std::to_string(index);
}

// Reads product.yaml's tree with positions for every message.
class Reader {
 public:
  explicit Reader(const Document& doc) : doc_(doc) {}

  tl::unexpected<Error> Bad(const std::string& pointer, const std::string& what) const {
    return Fail(ErrorCode::kParse, doc_.Where(pointer) + ": " + what);
  }

  std::string Where(const std::string& pointer) const { return doc_.Where(pointer); }

  // Fails on keys outside `allowed`, naming the allowed ones.
  Result<void> CheckKeys(const Json& object,
                         const std::string& pointer,
                         std::string_view section,
                         std::initializer_list<std::string_view> allowed) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string list;
        for (std::string_view name : allowed) {
          list += (list.empty() ? "" : ", ") + std::string(name);
        }
        return Bad(Child(pointer, key), "unknown key '" + key + "' in " + std::string(section) +
                                            " (expected one of: " + list + ")");
      }
    }
    return {};
  }

  // A mapping at `pointer`, or null when absent and optional.
  Result<const Json*> Mapping(const Json& parent,
                              const std::string& parent_pointer,
                              std::string_view key,
                              bool required) const {
    const std::string pointer = Child(parent_pointer, key);
    const auto it = parent.find(std::string(key));
    if (it == parent.end() || it->is_null()) {
      if (required) {
        return Bad(parent_pointer, "missing required mapping '" + std::string(key) + "'");
      }
      return static_cast<const Json*>(nullptr);
    }
    if (!it->is_object()) {
      return Bad(pointer, "'" + std::string(key) + "' must be a mapping (key: value lines)");
    }
    return &*it;
  }

  Result<const Json*> Sequence(const Json& parent,
                               const std::string& parent_pointer,
                               std::string_view key) const {
    const auto it = parent.find(std::string(key));
    if (it == parent.end() || it->is_null()) {
      return static_cast<const Json*>(nullptr);
    }
    if (!it->is_array()) {
      return Bad(Child(parent_pointer, key),
                 "'" + std::string(key) + "' must be a list ('- ' items)");
    }
    return &*it;
  }

  // A string value; integers are accepted as their digits. Floats are
  // rejected because YAML would already have changed them ("2.10" -> 2.1).
  Result<std::string> String(const Json& parent,
                             const std::string& parent_pointer,
                             std::string_view key,
                             bool required) const {
    const std::string pointer = Child(parent_pointer, key);
    const auto it = parent.find(std::string(key));
    if (it == parent.end() || it->is_null()) {
      if (required) {
        return Bad(parent_pointer, "missing required field '" + std::string(key) + "'");
      }
      return std::string();
    }
    if (it->is_string()) {
      const std::string& text = it->get_ref<const std::string&>();
      if (required && text.empty()) {
        return Bad(pointer, "'" + std::string(key) + "' must not be empty");
      }
      return text;
    }
    if (it->is_number_integer()) {
      return it->dump();
    }
    if (it->is_number_float()) {
      return Bad(pointer, "'" + std::string(key) +
                              "' must be a string: put the value in quotes, e.g. \"2.10\"");
    }
    return Bad(pointer, "'" + std::string(key) + "' must be a string");
  }

 private:
  const Document& doc_;
};

Result<bool> ParseAnswer(const Reader& reader, const Json& value, const std::string& pointer) {
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  if (value.is_string()) {
    const std::string text = AsciiLower(value.get<std::string>());
    if (text == "yes" || text == "y") {
      return true;
    }
    if (text == "no" || text == "n") {
      return false;
    }
  }
  return reader.Bad(pointer, "an answer must be yes, no, true or false (or ~ for not answered)");
}

Result<void> ParseAnswers(const Reader& reader, const Json& root, ProductFile& product) {
  Result<const Json*> answers = reader.Mapping(root, "", "answers", false);
  if (!answers) {
    return Fail(answers.error());
  }
  if (*answers == nullptr) {
    return {};
  }
  Result<void> keys =
      reader.CheckKeys(**answers, "/answers", "answers", {"conditions", "features"});
  if (!keys) {
    return keys;
  }
  for (const auto& [section, prefix] : {std::pair{"conditions", "C"}, std::pair{"features", "F"}}) {
    Result<const Json*> group = reader.Mapping(**answers, "/answers", section, false);
    if (!group) {
      return Fail(group.error());
    }
    if (*group == nullptr) {
      continue;
    }
    auto& target = std::string_view(section) == "conditions" ? product.answers.conditions
                                                             : product.answers.features;
    for (const auto& [id, value] : (*group)->items()) {
      const std::string pointer = Child(Child("/answers", section), id);
      if (value.is_null()) {
        continue;  // Not answered yet.
      }
      Result<bool> answer = ParseAnswer(reader, value, pointer);
      if (!answer) {
        return Fail(answer.error());
      }
      target[id] = *answer;
      product.answer_where[std::string(prefix) + "(" + id + ")"] = reader.Where(pointer);
    }
  }
  return {};
}

Result<void> ParseIxit(const Reader& reader, const Json& root, Ixit& ixit) {
  Result<const Json*> section = reader.Mapping(root, "", "ixit", false);
  if (!section) {
    return Fail(section.error());
  }
  if (*section == nullptr) {
    return {};
  }
  const Json& node = **section;
  const std::string base = "/ixit";
  Result<void> keys = reader.CheckKeys(node, base, "ixit",
                                       {"authentication_mechanisms", "update_mechanism",
                                        "support_period", "vdp_location", "interfaces"});
  if (!keys) {
    return keys;
  }
  Result<const Json*> mechanisms = reader.Sequence(node, base, "authentication_mechanisms");
  if (!mechanisms) {
    return Fail(mechanisms.error());
  }
  if (*mechanisms != nullptr) {
    for (std::size_t i = 0; i < (*mechanisms)->size(); ++i) {
      const Json& item = (**mechanisms)[i];
      const std::string pointer = Child(Child(base, "authentication_mechanisms"), i);
      if (!item.is_object()) {
        return reader.Bad(pointer, "each authentication mechanism must be a mapping");
      }
      Result<void> item_keys = reader.CheckKeys(item, pointer, "an authentication mechanism",
                                                {"name", "type", "interface", "description"});
      if (!item_keys) {
        return item_keys;
      }
      AuthenticationMechanism mechanism;
      for (auto [field, key, required] :
           {std::tuple{&mechanism.name, "name", true}, std::tuple{&mechanism.type, "type", false},
            std::tuple{&mechanism.interface, "interface", false},
            std::tuple{&mechanism.description, "description", false}}) {
        Result<std::string> value = reader.String(item, pointer, key, required);
        if (!value) {
          return Fail(value.error());
        }
        *field = *value;
      }
      ixit.authentication_mechanisms.push_back(std::move(mechanism));
    }
  }
  Result<const Json*> update = reader.Mapping(node, base, "update_mechanism", false);
  if (!update) {
    return Fail(update.error());
  }
  if (*update != nullptr) {
    const std::string pointer = Child(base, "update_mechanism");
    Result<void> update_keys =
        reader.CheckKeys(**update, pointer, "update_mechanism",
                         {"description", "delivery", "signature_verification", "automatic"});
    if (!update_keys) {
      return update_keys;
    }
    for (auto [field, key] :
         {std::pair{&ixit.update_mechanism.description, "description"},
          std::pair{&ixit.update_mechanism.delivery, "delivery"},
          std::pair{&ixit.update_mechanism.signature_verification, "signature_verification"}}) {
      Result<std::string> value = reader.String(**update, pointer, key, false);
      if (!value) {
        return Fail(value.error());
      }
      *field = *value;
    }
    const auto automatic = (*update)->find("automatic");
    if (automatic != (*update)->end() && !automatic->is_null()) {
      Result<bool> answer = ParseAnswer(reader, *automatic, Child(pointer, "automatic"));
      if (!answer) {
        return Fail(answer.error());
      }
      ixit.update_mechanism.automatic = *answer ? "yes" : "no";
    }
  }
  Result<const Json*> support = reader.Mapping(node, base, "support_period", false);
  if (!support) {
    return Fail(support.error());
  }
  if (*support != nullptr) {
    const std::string pointer = Child(base, "support_period");
    Result<void> support_keys =
        reader.CheckKeys(**support, pointer, "support_period", {"end", "published_at"});
    if (!support_keys) {
      return support_keys;
    }
    Result<std::string> end = reader.String(**support, pointer, "end", false);
    Result<std::string> published = reader.String(**support, pointer, "published_at", false);
    if (!end || !published) {
      return Fail(!end ? end.error() : published.error());
    }
    ixit.support_period.end = *end;
    ixit.support_period.published_at = *published;
  }
  Result<std::string> vdp = reader.String(node, base, "vdp_location", false);
  if (!vdp) {
    return Fail(vdp.error());
  }
  ixit.vdp_location = *vdp;
  Result<const Json*> interfaces = reader.Sequence(node, base, "interfaces");
  if (!interfaces) {
    return Fail(interfaces.error());
  }
  if (*interfaces != nullptr) {
    for (std::size_t i = 0; i < (*interfaces)->size(); ++i) {
      const Json& item = (**interfaces)[i];
      const std::string pointer = Child(Child(base, "interfaces"), i);
      if (!item.is_object()) {
        return reader.Bad(pointer, "each interface must be a mapping");
      }
      Result<void> item_keys = reader.CheckKeys(item, pointer, "an interface",
                                                {"name", "type", "enabled", "description"});
      if (!item_keys) {
        return item_keys;
      }
      DeviceInterface device_interface;
      for (auto [field, key, required] :
           {std::tuple{&device_interface.name, "name", true},
            std::tuple{&device_interface.type, "type", false},
            std::tuple{&device_interface.description, "description", false}}) {
        Result<std::string> value = reader.String(item, pointer, key, required);
        if (!value) {
          return Fail(value.error());
        }
        *field = *value;
      }
      const auto enabled = item.find("enabled");
      if (enabled != item.end() && !enabled->is_null()) {
        Result<bool> answer = ParseAnswer(reader, *enabled, Child(pointer, "enabled"));
        if (!answer) {
          return Fail(answer.error());
        }
        device_interface.enabled = *answer;
      }
      ixit.interfaces.push_back(std::move(device_interface));
    }
  }
  return {};
}

Result<Support> ParseSupport(const Reader& reader, const Json& value, const std::string& pointer) {
  if (value.is_null()) {
    return Support::kUnclaimed;
  }
  if (value.is_boolean()) {
    return value.get<bool>() ? Support::kYes : Support::kNo;
  }
  if (value.is_string()) {
    const std::string text = AsciiLower(value.get<std::string>());
    if (text.empty()) {
      return Support::kUnclaimed;
    }
    if (text == "y" || text == "yes") {
      return Support::kYes;
    }
    if (text == "n" || text == "no") {
      return Support::kNo;
    }
    if (text == "n/a" || text == "na" || text == "not applicable") {
      return Support::kNotApplicable;
    }
  }
  return reader.Bad(pointer, "'claim' must be Y, N or N/A (Annex B support column)");
}

Result<EvidenceRef> ParseEvidence(const Reader& reader,
                                  const Json& item,
                                  const std::string& pointer) {
  static const std::regex kSha256("^[0-9a-fA-F]{64}$");
  EvidenceRef ref;
  ref.where = reader.Where(pointer);
  if (item.is_string()) {
    ref.kind = EvidenceKind::kFile;
    ref.path = item.get<std::string>();
    if (ref.path.empty()) {
      return reader.Bad(pointer, "an evidence path must not be empty");
    }
    return ref;
  }
  if (!item.is_object()) {
    return reader.Bad(pointer,
                      "an evidence item must be a path or a mapping with file, junit or record");
  }
  Result<void> keys = reader.CheckKeys(item, pointer, "an evidence item",
                                       {"file", "junit", "record", "sha256", "description"});
  if (!keys) {
    return Fail(keys.error());
  }
  int kinds = 0;
  for (auto [key, kind] :
       {std::pair{"file", EvidenceKind::kFile}, std::pair{"junit", EvidenceKind::kJunit},
        std::pair{"record", EvidenceKind::kRecord}}) {
    if (!item.contains(key)) {
      continue;
    }
    ++kinds;
    Result<std::string> path = reader.String(item, pointer, key, true);
    if (!path) {
      return Fail(path.error());
    }
    ref.kind = kind;
    ref.path = *path;
    ref.where = reader.Where(Child(pointer, key));
  }
  if (kinds != 1) {
    return reader.Bad(pointer, "an evidence item needs exactly one of 'file', 'junit' or 'record'");
  }
  Result<std::string> sha256 = reader.String(item, pointer, "sha256", false);
  if (!sha256) {
    return Fail(sha256.error());
  }
  if (!sha256->empty() && !std::regex_match(*sha256, kSha256)) {
    return reader.Bad(Child(pointer, "sha256"), "'sha256' must be 64 hexadecimal digits");
  }
  ref.expected_sha256 = AsciiLower(*sha256);
  Result<std::string> description = reader.String(item, pointer, "description", false);
  if (!description) {
    return Fail(description.error());
  }
  ref.description = *description;
  return ref;
}

Result<void> ParseClaims(const Reader& reader, const Json& root, ProductFile& product) {
  Result<const Json*> provisions = reader.Mapping(root, "", "provisions", false);
  if (!provisions) {
    return Fail(provisions.error());
  }
  if (*provisions == nullptr) {
    return {};
  }
  for (const auto& [id, entry] : (*provisions)->items()) {
    const std::string pointer = Child("/provisions", id);
    Claim claim;
    claim.id = id;
    claim.where = reader.Where(pointer);
    if (entry.is_null()) {
      product.claims.push_back(std::move(claim));
      continue;
    }
    if (!entry.is_object()) {
      return reader.Bad(pointer,
                        "provision " + id + " must be a mapping with 'claim' and its detail");
    }
    Result<void> keys =
        reader.CheckKeys(entry, pointer, "provision " + id,
                         {"claim", "measure", "justification", "rationale", "evidence", "notes"});
    if (!keys) {
      return keys;
    }
    const auto support = entry.find("claim");
    if (support != entry.end()) {
      Result<Support> parsed = ParseSupport(reader, *support, Child(pointer, "claim"));
      if (!parsed) {
        return Fail(parsed.error());
      }
      claim.support = *parsed;
    }
    for (auto [field, key] :
         {std::pair{&claim.measure, "measure"}, std::pair{&claim.justification, "justification"},
          std::pair{&claim.rationale, "rationale"}}) {
      Result<std::string> value = reader.String(entry, pointer, key, false);
      if (!value) {
        return Fail(value.error());
      }
      *field = *value;
    }
    Result<std::string> notes = reader.String(entry, pointer, "notes", false);
    if (!notes) {
      return Fail(notes.error());
    }
    Result<const Json*> evidence = reader.Sequence(entry, pointer, "evidence");
    if (!evidence) {
      return Fail(evidence.error());
    }
    if (*evidence != nullptr) {
      for (std::size_t i = 0; i < (*evidence)->size(); ++i) {
        Result<EvidenceRef> ref =
            ParseEvidence(reader, (**evidence)[i], Child(Child(pointer, "evidence"), i));
        if (!ref) {
          return Fail(ref.error());
        }
        claim.evidence.push_back(std::move(*ref));
      }
    }
    product.claims.push_back(std::move(claim));
  }
  return {};
}

Result<void> ParseWaivers(const Reader& reader, const Json& root, ProductFile& product) {
  Result<const Json*> waivers = reader.Sequence(root, "", "waivers");
  if (!waivers) {
    return Fail(waivers.error());
  }
  if (*waivers == nullptr) {
    return {};
  }
  for (std::size_t i = 0; i < (*waivers)->size(); ++i) {
    const Json& item = (**waivers)[i];
    const std::string pointer = Child("/waivers", i);
    if (!item.is_object()) {
      return reader.Bad(pointer,
                        "each waiver must be a mapping with provision, owner, reason "
                        "and expires");
    }
    Result<void> keys =
        reader.CheckKeys(item, pointer, "a waiver", {"provision", "owner", "reason", "expires"});
    if (!keys) {
      return keys;
    }
    Waiver waiver;
    waiver.where = reader.Where(pointer);
    for (auto [field, key] :
         {std::pair{&waiver.provision, "provision"}, std::pair{&waiver.owner, "owner"},
          std::pair{&waiver.reason, "reason"}, std::pair{&waiver.expires_text, "expires"}}) {
      Result<std::string> value = reader.String(item, pointer, key, true);
      if (!value) {
        return Fail(value.error());
      }
      *field = *value;
    }
    Result<TimePoint> expires = ParseUtc(waiver.expires_text);
    if (!expires) {
      return reader.Bad(Child(pointer, "expires"),
                        "'expires' must be a date (YYYY-MM-DD) or UTC time (YYYY-MM-DDTHH:MM:SSZ)");
    }
    waiver.expires = *expires;
    waiver.where = reader.Where(Child(pointer, "provision"));
    product.waivers.push_back(std::move(waiver));
  }
  return {};
}

}  // namespace

std::string_view ToString(EvidenceKind kind) {
  switch (kind) {
    case EvidenceKind::kFile:
      return "file";
    case EvidenceKind::kJunit:
      return "junit";
    case EvidenceKind::kRecord:
      return "record";
  }
  return "file";
}

Result<ProductFile> ParseProductFile(std::string_view text, std::string_view source_name) {
  Result<Document> doc = formats::ParseYaml(text, source_name);
  if (!doc) {
    return Fail(doc.error());
  }
  const Reader reader(*doc);
  const Json& root = doc->value;
  if (!root.is_object()) {
    return reader.Bad("",
                      "product.yaml must be a mapping with product, standard, answers, "
                      "provisions, ...");
  }
  Result<void> keys =
      reader.CheckKeys(root, "", "product.yaml",
                       {"product", "standard", "answers", "ixit", "provisions", "waivers"});
  if (!keys) {
    return Fail(keys.error());
  }
  ProductFile product;
  product.source_name = std::string(source_name);

  Result<const Json*> dut = reader.Mapping(root, "", "product", true);
  if (!dut) {
    return Fail(dut.error());
  }
  Result<void> dut_keys =
      reader.CheckKeys(**dut, "/product", "product",
                       {"manufacturer", "model", "hardware_version", "software_version"});
  if (!dut_keys) {
    return Fail(dut_keys.error());
  }
  for (auto [field, key] : {std::pair{&product.dut.manufacturer, "manufacturer"},
                            std::pair{&product.dut.model, "model"},
                            std::pair{&product.dut.hardware_version, "hardware_version"},
                            std::pair{&product.dut.software_version, "software_version"}}) {
    Result<std::string> value = reader.String(**dut, "/product", key, true);
    if (!value) {
      return Fail(value.error());
    }
    *field = *value;
  }

  Result<std::string> standard = reader.String(root, "", "standard", false);
  if (!standard) {
    return Fail(standard.error());
  }
  if (!standard->empty()) {
    product.standard_version = *standard;
  }
  product.standard_where = reader.Where("/standard");

  for (auto* parse : {&ParseAnswers, &ParseClaims, &ParseWaivers}) {
    Result<void> parsed = parse(reader, root, product);
    if (!parsed) {
      return Fail(parsed.error());
    }
  }
  Result<void> ixit = ParseIxit(reader, root, product.ixit);
  if (!ixit) {
    return Fail(ixit.error());
  }
  return product;
}

Result<ProductFile> ReadProductFile(const std::filesystem::path& product_dir) {
  const std::filesystem::path path = product_dir / kProductFileName;
  Result<std::string> text = ReadFile(path);
  if (!text) {
    if (text.error().code() == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound, path.string() + " not found (run `provisio init " +
                                            product_dir.string() + "` to create one)");
    }
    return Fail(text.error());
  }
  return ParseProductFile(*text, path.string());
}

}  // namespace provisio::assess
