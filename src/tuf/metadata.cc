// Reading metadata from bytes and writing it as canonical JSON.
#include "provisio/tuf/metadata.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "formats/document.h"
#include "provisio/core/sha256.h"
#include "tuf/json_internal.h"

namespace provisio::tuf {
namespace {

using internal::Json;
using internal::ObjectWriter;

// Keeps the first problem found; parsing goes on with defaults so the code
// reads top to bottom, and the caller checks ok() at the end.
class Problems {
 public:
  void Add(RejectReason reason, std::string message) {
    if (!first_) {
      first_.emplace(reason, std::move(message));
    }
  }
  bool ok() const { return !first_.has_value(); }
  const Rejection& first() const { return *first_; }

 private:
  std::optional<Rejection> first_;
};

// Typed, non-throwing access to the members of one JSON object; remembers
// which members were read so the rest can be kept as unknown fields.
class Fields {
 public:
  Fields(const Json& object, std::string where, Problems& problems)
      : object_(object), where_(std::move(where)), problems_(problems) {}

  const std::string& where() const { return where_; }
  std::string Path(std::string_view key) const { return where_ + "." + std::string(key); }

  const Json* Find(std::string_view key, bool required) {
    used_.insert(std::string(key));
    const auto it = object_.find(key);
    if (it == object_.end()) {
      if (required) {
        problems_.Add(RejectReason::kMalformed, Path(key) + ": missing");
      }
      return nullptr;
    }
    return &*it;
  }

  std::string String(std::string_view key) {
    std::optional<std::string> value = OptString(key, true);
    return value ? *value : std::string();
  }

  std::optional<std::string> OptString(std::string_view key, bool required = false) {
    const Json* value = Find(key, required);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_string()) {
      problems_.Add(RejectReason::kMalformed, Path(key) + ": expected a string");
      return std::nullopt;
    }
    return value->get<std::string>();
  }

  std::int64_t Int(std::string_view key, std::int64_t minimum) {
    const Json* value = Find(key, true);
    if (value == nullptr) {
      return minimum;
    }
    if (value->is_number_unsigned() &&
        value->get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
      const auto v = static_cast<std::int64_t>(value->get<std::uint64_t>());
      if (v >= minimum) {
        return v;
      }
    } else if (value->is_number_integer() && !value->is_number_unsigned() &&
               value->get<std::int64_t>() >= minimum) {
      return value->get<std::int64_t>();
    }
    problems_.Add(RejectReason::kMalformed,
                  Path(key) + ": expected an integer >= " + std::to_string(minimum));
    return minimum;
  }

  int SmallInt(std::string_view key, int minimum, int maximum) {
    const std::int64_t v = Int(key, minimum);
    if (v > maximum) {
      problems_.Add(RejectReason::kMalformed,
                    Path(key) + ": expected an integer <= " + std::to_string(maximum));
      return minimum;
    }
    return static_cast<int>(v);
  }

  std::optional<std::uint64_t> OptUint(std::string_view key, bool required = false) {
    const Json* value = Find(key, required);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (value->is_number_unsigned()) {
      return value->get<std::uint64_t>();
    }
    if (value->is_number_integer() && value->get<std::int64_t>() >= 0) {
      return static_cast<std::uint64_t>(value->get<std::int64_t>());
    }
    problems_.Add(RejectReason::kMalformed, Path(key) + ": expected an integer >= 0");
    return std::nullopt;
  }

  std::optional<bool> OptBool(std::string_view key, bool required = false) {
    const Json* value = Find(key, required);
    if (value == nullptr) {
      return std::nullopt;
    }
    if (!value->is_boolean()) {
      problems_.Add(RejectReason::kMalformed, Path(key) + ": expected true or false");
      return std::nullopt;
    }
    return value->get<bool>();
  }

  const Json* Object(std::string_view key, bool required) {
    const Json* value = Find(key, required);
    if (value != nullptr && !value->is_object()) {
      problems_.Add(RejectReason::kMalformed, Path(key) + ": expected an object");
      return nullptr;
    }
    return value;
  }

  const Json* Array(std::string_view key, bool required) {
    const Json* value = Find(key, required);
    if (value != nullptr && !value->is_array()) {
      problems_.Add(RejectReason::kMalformed, Path(key) + ": expected an array");
      return nullptr;
    }
    return value;
  }

  std::optional<std::vector<std::string>> OptStringArray(std::string_view key,
                                                         bool required = false) {
    const Json* array = Array(key, required);
    if (array == nullptr) {
      return std::nullopt;
    }
    std::vector<std::string> out;
    out.reserve(array->size());
    for (const Json& item : *array) {
      if (!item.is_string()) {
        problems_.Add(RejectReason::kMalformed, Path(key) + ": expected strings");
        return std::nullopt;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  UnknownFields Unknown() const {
    UnknownFields out;
    for (auto it = object_.begin(); it != object_.end(); ++it) {
      if (used_.count(it.key()) == 0) {
        out.emplace(it.key(), internal::CompactJson(it.value()));
      }
    }
    return out;
  }

  Problems& problems() { return problems_; }

 private:
  const Json& object_;
  std::string where_;
  Problems& problems_;
  std::set<std::string, std::less<>> used_;
};

bool RequireObject(const Json& value, const std::string& where, Problems& problems) {
  if (!value.is_object()) {
    problems.Add(RejectReason::kMalformed, where + ": expected an object");
    return false;
  }
  return true;
}

Key ParseKey(const Json& value, const std::string& where, Problems& problems) {
  Key key;
  if (!RequireObject(value, where, problems)) {
    return key;
  }
  Fields fields(value, where, problems);
  key.keytype = fields.String("keytype");
  key.scheme = fields.String("scheme");
  if (const Json* keyval = fields.Object("keyval", true)) {
    Fields keyval_fields(*keyval, fields.Path("keyval"), problems);
    key.public_value = keyval_fields.String("public");
    key.keyval_unknown_fields = keyval_fields.Unknown();
  }
  key.unknown_fields = fields.Unknown();
  return key;
}

std::map<std::string, Key> ParseKeys(const Json* object,
                                     const std::string& where,
                                     Problems& problems) {
  std::map<std::string, Key> keys;
  if (object == nullptr) {
    return keys;
  }
  for (auto it = object->begin(); it != object->end(); ++it) {
    keys.emplace(it.key(), ParseKey(it.value(), where + "." + it.key(), problems));
  }
  return keys;
}

std::vector<std::string> KeyIds(Fields& fields) {
  std::vector<std::string> keyids =
      fields.OptStringArray("keyids", true).value_or(std::vector<std::string>{});
  std::set<std::string_view> seen;
  for (const std::string& id : keyids) {
    if (!seen.insert(id).second) {
      fields.problems().Add(RejectReason::kMalformed,
                            fields.Path("keyids") + ": key id " + id + " listed twice");
    }
  }
  return keyids;
}

RoleKeys ParseRoleKeys(const Json& value, const std::string& where, Problems& problems) {
  RoleKeys role;
  if (!RequireObject(value, where, problems)) {
    return role;
  }
  Fields fields(value, where, problems);
  role.keyids = KeyIds(fields);
  role.threshold = fields.SmallInt("threshold", 1, 1 << 20);
  role.unknown_fields = fields.Unknown();
  return role;
}

std::map<std::string, std::string> ParseHashes(const Json& value,
                                               const std::string& where,
                                               Problems& problems) {
  std::map<std::string, std::string> hashes;
  if (!RequireObject(value, where, problems)) {
    return hashes;
  }
  if (value.empty()) {
    problems.Add(RejectReason::kMalformed, where + ": must list at least one hash");
  }
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (!it.value().is_string() || it.value().get_ref<const std::string&>().empty()) {
      problems.Add(RejectReason::kMalformed, where + "." + it.key() + ": expected a hex string");
      continue;
    }
    hashes.emplace(it.key(), it.value().get<std::string>());
  }
  return hashes;
}

MetaFile ParseMetaFile(const Json& value, const std::string& where, Problems& problems) {
  MetaFile meta;
  if (!RequireObject(value, where, problems)) {
    return meta;
  }
  Fields fields(value, where, problems);
  meta.version = fields.Int("version", 1);
  meta.length = fields.OptUint("length");
  if (const Json* hashes = fields.Object("hashes", false)) {
    meta.hashes = ParseHashes(*hashes, fields.Path("hashes"), problems);
  }
  meta.unknown_fields = fields.Unknown();
  return meta;
}

std::map<std::string, MetaFile> ParseMetaMap(const Json* object,
                                             const std::string& where,
                                             Problems& problems) {
  std::map<std::string, MetaFile> meta;
  if (object == nullptr) {
    return meta;
  }
  for (auto it = object->begin(); it != object->end(); ++it) {
    meta.emplace(it.key(), ParseMetaFile(it.value(), where + "." + it.key(), problems));
  }
  return meta;
}

TargetFile ParseTargetFile(const Json& value, const std::string& where, Problems& problems) {
  TargetFile target;
  if (!RequireObject(value, where, problems)) {
    return target;
  }
  Fields fields(value, where, problems);
  target.length = fields.OptUint("length", true).value_or(0);
  if (const Json* hashes = fields.Object("hashes", true)) {
    target.hashes = ParseHashes(*hashes, fields.Path("hashes"), problems);
  }
  if (const Json* custom = fields.Find("custom", false)) {
    target.custom_json = internal::CompactJson(*custom);
  }
  target.unknown_fields = fields.Unknown();
  return target;
}

bool IsTopLevelRoleName(std::string_view name) {
  return name == "root" || name == "timestamp" || name == "snapshot" || name == "targets";
}

DelegatedRole ParseDelegatedRole(const Json& value, const std::string& where, Problems& problems) {
  DelegatedRole role;
  if (!RequireObject(value, where, problems)) {
    return role;
  }
  Fields fields(value, where, problems);
  role.name = fields.String("name");
  role.keyids = KeyIds(fields);
  role.threshold = fields.SmallInt("threshold", 1, 1 << 20);
  role.terminating = fields.OptBool("terminating", true).value_or(false);
  role.paths = fields.OptStringArray("paths");
  role.path_hash_prefixes = fields.OptStringArray("path_hash_prefixes");
  if (role.paths && role.path_hash_prefixes) {
    problems.Add(RejectReason::kMalformed,
                 where + ": 'paths' and 'path_hash_prefixes' are mutually exclusive");
  }
  role.unknown_fields = fields.Unknown();
  return role;
}

SuccinctRoles ParseSuccinctRoles(const Json& value, const std::string& where, Problems& problems) {
  SuccinctRoles succinct;
  if (!RequireObject(value, where, problems)) {
    return succinct;
  }
  Fields fields(value, where, problems);
  succinct.bit_length = fields.SmallInt("bit_length", 1, 32);
  succinct.name_prefix = fields.String("name_prefix");
  succinct.keyids = KeyIds(fields);
  succinct.threshold = fields.SmallInt("threshold", 1, 1 << 20);
  succinct.unknown_fields = fields.Unknown();
  return succinct;
}

Delegations ParseDelegations(const Json& value, const std::string& where, Problems& problems) {
  Delegations delegations;
  if (!RequireObject(value, where, problems)) {
    return delegations;
  }
  Fields fields(value, where, problems);
  delegations.keys = ParseKeys(fields.Object("keys", true), fields.Path("keys"), problems);
  const Json* roles = fields.Array("roles", false);
  const Json* succinct = fields.Object("succinct_roles", false);
  if ((roles == nullptr) == (succinct == nullptr)) {
    problems.Add(RejectReason::kMalformed,
                 where + ": exactly one of 'roles' and 'succinct_roles' is required");
  }
  if (roles != nullptr) {
    std::set<std::string> names;
    std::size_t index = 0;
    for (const Json& item : *roles) {
      DelegatedRole role = ParseDelegatedRole(
          item, fields.Path("roles") + "[" + std::to_string(index++) + "]", problems);
      if (IsTopLevelRoleName(role.name)) {
        problems.Add(RejectReason::kMalformed,
                     where + ": a delegated role may not be named '" + role.name + "'");
      }
      if (!names.insert(role.name).second) {
        problems.Add(RejectReason::kMalformed,
                     where + ": delegated role '" + role.name + "' listed twice");
      }
      delegations.roles.push_back(std::move(role));
    }
  }
  if (succinct != nullptr) {
    delegations.succinct_roles =
        ParseSuccinctRoles(*succinct, fields.Path("succinct_roles"), problems);
  }
  delegations.unknown_fields = fields.Unknown();
  return delegations;
}

void ParseCommon(Fields& fields, SignedCommon& common) {
  fields.Find("_type", true);  // Checked by the caller; marked as known here.
  common.spec_version = fields.String("spec_version");
  common.version = fields.Int("version", 1);
  const std::string expires = fields.String("expires");
  if (fields.problems().ok()) {
    Result<TimePoint> time = ParseUtc(expires);
    if (!time) {
      fields.problems().Add(RejectReason::kMalformed,
                            fields.Path("expires") + ": not a UTC date-time: " + expires);
    } else {
      common.expires = *time;
    }
  }
}

void ParseBody(Fields& fields, Root& root) {
  ParseCommon(fields, root);
  root.consistent_snapshot = fields.OptBool("consistent_snapshot").value_or(false);
  root.keys = ParseKeys(fields.Object("keys", true), fields.Path("keys"), fields.problems());
  if (const Json* roles = fields.Object("roles", true)) {
    for (auto it = roles->begin(); it != roles->end(); ++it) {
      if (!IsTopLevelRoleName(it.key())) {
        fields.problems().Add(RejectReason::kMalformed,
                              fields.Path("roles") + ": unknown role '" + it.key() + "'");
      }
      root.roles.emplace(it.key(), ParseRoleKeys(it.value(), fields.Path("roles") + "." + it.key(),
                                                 fields.problems()));
    }
    for (const char* name : {"root", "timestamp", "snapshot", "targets"}) {
      if (root.roles.count(name) == 0) {
        fields.problems().Add(RejectReason::kMalformed,
                              fields.Path("roles") + "." + name + ": missing");
      }
    }
  }
  root.unknown_fields = fields.Unknown();
}

void ParseBody(Fields& fields, Timestamp& timestamp) {
  ParseCommon(fields, timestamp);
  if (const Json* meta = fields.Object("meta", true)) {
    const auto it = meta->find("snapshot.json");
    if (it == meta->end()) {
      fields.problems().Add(RejectReason::kMalformed,
                            fields.Path("meta") + ".snapshot.json: missing");
    } else {
      timestamp.snapshot_meta =
          ParseMetaFile(*it, fields.Path("meta") + ".snapshot.json", fields.problems());
    }
  }
  timestamp.unknown_fields = fields.Unknown();
}

void ParseBody(Fields& fields, Snapshot& snapshot) {
  ParseCommon(fields, snapshot);
  snapshot.meta = ParseMetaMap(fields.Object("meta", true), fields.Path("meta"), fields.problems());
  snapshot.unknown_fields = fields.Unknown();
}

void ParseBody(Fields& fields, Targets& targets) {
  ParseCommon(fields, targets);
  if (const Json* files = fields.Object("targets", true)) {
    for (auto it = files->begin(); it != files->end(); ++it) {
      targets.targets.emplace(
          it.key(),
          ParseTargetFile(it.value(), fields.Path("targets") + "." + it.key(), fields.problems()));
    }
  }
  if (const Json* delegations = fields.Object("delegations", false)) {
    targets.delegations =
        ParseDelegations(*delegations, fields.Path("delegations"), fields.problems());
  }
  targets.unknown_fields = fields.Unknown();
}

// ---- Writing ----

using internal::Style;

std::string HashesJson(const std::map<std::string, std::string>& hashes, Style style) {
  ObjectWriter writer(style);
  for (const auto& [algorithm, hex] : hashes) {
    writer.String(algorithm, hex);
  }
  return writer.Finish();
}

std::string KeysJson(const std::map<std::string, Key>& keys, Style style) {
  ObjectWriter writer(style);
  for (const auto& [id, key] : keys) {
    writer.Raw(id, internal::KeyObjectJson(key, style));
  }
  return writer.Finish();
}

std::string MetaFileJson(const MetaFile& meta, Style style) {
  ObjectWriter writer(style);
  writer.Int("version", meta.version);
  if (meta.length) {
    writer.Uint("length", *meta.length);
  }
  if (!meta.hashes.empty()) {
    writer.Raw("hashes", HashesJson(meta.hashes, style));
  }
  return writer.Unknown(meta.unknown_fields).Finish();
}

// FormatUtc with the year always four digits (strftime's %Y writes year 27
// as "27", which ParseUtc, like every TUF client, refuses).
std::string FormatExpires(TimePoint expires) {
  std::string text = FormatUtc(expires);
  const std::size_t dash = text.find('-');
  if (dash != std::string::npos && dash > 0 && dash < 4 && text[0] != '-') {
    text.insert(0, 4 - dash, '0');
  }
  return text;
}

void WriteCommon(ObjectWriter& writer, std::string_view type, const SignedCommon& common) {
  writer.String("_type", type)
      .String("spec_version", common.spec_version)
      .Int("version", common.version)
      .String("expires", FormatExpires(common.expires));
}

std::string BodyJson(const Root& root, Style style) {
  ObjectWriter writer(style);
  WriteCommon(writer, Root::kType, root);
  writer.Bool("consistent_snapshot", root.consistent_snapshot)
      .Raw("keys", KeysJson(root.keys, style));
  ObjectWriter roles(style);
  for (const auto& [name, role] : root.roles) {
    roles.Raw(name, ObjectWriter(style)
                        .StringArray("keyids", role.keyids)
                        .Int("threshold", role.threshold)
                        .Unknown(role.unknown_fields)
                        .Finish());
  }
  writer.Raw("roles", roles.Finish());
  return writer.Unknown(root.unknown_fields).Finish();
}

std::string BodyJson(const Timestamp& timestamp, Style style) {
  ObjectWriter writer(style);
  WriteCommon(writer, Timestamp::kType, timestamp);
  writer.Raw("meta", ObjectWriter(style)
                         .Raw("snapshot.json", MetaFileJson(timestamp.snapshot_meta, style))
                         .Finish());
  return writer.Unknown(timestamp.unknown_fields).Finish();
}

std::string BodyJson(const Snapshot& snapshot, Style style) {
  ObjectWriter writer(style);
  WriteCommon(writer, Snapshot::kType, snapshot);
  ObjectWriter meta(style);
  for (const auto& [name, file] : snapshot.meta) {
    meta.Raw(name, MetaFileJson(file, style));
  }
  writer.Raw("meta", meta.Finish());
  return writer.Unknown(snapshot.unknown_fields).Finish();
}

std::string DelegatedRoleJson(const DelegatedRole& role, Style style) {
  ObjectWriter writer(style);
  writer.String("name", role.name)
      .StringArray("keyids", role.keyids)
      .Int("threshold", role.threshold)
      .Bool("terminating", role.terminating);
  if (role.paths) {
    writer.StringArray("paths", *role.paths);
  }
  if (role.path_hash_prefixes) {
    writer.StringArray("path_hash_prefixes", *role.path_hash_prefixes);
  }
  return writer.Unknown(role.unknown_fields).Finish();
}

std::string DelegationsJson(const Delegations& delegations, Style style) {
  ObjectWriter writer(style);
  writer.Raw("keys", KeysJson(delegations.keys, style));
  if (delegations.succinct_roles) {
    const SuccinctRoles& succinct = *delegations.succinct_roles;
    writer.Raw("succinct_roles", ObjectWriter(style)
                                     .Int("bit_length", succinct.bit_length)
                                     .String("name_prefix", succinct.name_prefix)
                                     .StringArray("keyids", succinct.keyids)
                                     .Int("threshold", succinct.threshold)
                                     .Unknown(succinct.unknown_fields)
                                     .Finish());
  } else {
    std::string roles = "[";
    for (std::size_t i = 0; i < delegations.roles.size(); ++i) {
      if (i > 0) {
        roles += ',';
      }
      roles += DelegatedRoleJson(delegations.roles[i], style);
    }
    roles += ']';
    writer.Raw("roles", std::move(roles));
  }
  return writer.Unknown(delegations.unknown_fields).Finish();
}

std::string BodyJson(const Targets& targets, Style style) {
  ObjectWriter writer(style);
  WriteCommon(writer, Targets::kType, targets);
  ObjectWriter files(style);
  for (const auto& [path, file] : targets.targets) {
    ObjectWriter entry(style);
    entry.Uint("length", file.length).Raw("hashes", HashesJson(file.hashes, style));
    if (file.custom_json) {
      entry.Raw("custom", internal::StoredJsonIn(*file.custom_json, style));
    }
    files.Raw(path, entry.Unknown(file.unknown_fields).Finish());
  }
  writer.Raw("targets", files.Finish());
  if (targets.delegations) {
    writer.Raw("delegations", DelegationsJson(*targets.delegations, style));
  }
  return writer.Unknown(targets.unknown_fields).Finish();
}

}  // namespace

bool IsSupportedSpecVersion(std::string_view spec_version) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = spec_version.find('.', start);
    parts.push_back(spec_version.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) {
      break;
    }
    start = dot + 1;
  }
  if (parts.size() < 1 || parts.size() > 3) {
    return false;
  }
  for (std::string_view part : parts) {
    if (part.empty() ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
  }
  return parts[0] == "1";
}

std::string SuccinctRoleForTarget(const SuccinctRoles& succinct, std::string_view target_path) {
  const std::string digest = Sha256Hex(target_path);
  // The first 8 hex digits are the first 32 bits of the hash.
  std::uint32_t prefix = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    const char c = digest[i];
    const std::uint32_t nibble =
        c <= '9' ? static_cast<std::uint32_t>(c - '0') : static_cast<std::uint32_t>(c - 'a' + 10);
    prefix = (prefix << 4) | nibble;
  }
  const int bits = std::clamp(succinct.bit_length, 1, 32);
  const std::uint32_t bin = bits == 32 ? prefix : prefix >> (32 - bits);
  const std::size_t width = static_cast<std::size_t>((bits + 3) / 4);
  std::string hex =
      HexEncode(std::string{static_cast<char>(bin >> 24), static_cast<char>(bin >> 16),
                            static_cast<char>(bin >> 8), static_cast<char>(bin)});
  return succinct.name_prefix + "-" + hex.substr(hex.size() - width);
}

std::vector<std::string> SuccinctRoleNames(const SuccinctRoles& succinct) {
  const int bits = std::clamp(succinct.bit_length, 1, 32);
  const std::size_t width = static_cast<std::size_t>((bits + 3) / 4);
  const std::uint64_t count = std::uint64_t{1} << bits;
  std::vector<std::string> names;
  names.reserve(static_cast<std::size_t>(count));
  for (std::uint64_t bin = 0; bin < count; ++bin) {
    const auto b = static_cast<std::uint32_t>(bin);
    std::string hex = HexEncode(std::string{static_cast<char>(b >> 24), static_cast<char>(b >> 16),
                                            static_cast<char>(b >> 8), static_cast<char>(b)});
    names.push_back(succinct.name_prefix + "-" + hex.substr(hex.size() - width));
  }
  return names;
}

Checked<std::string> PeekMetadataType(std::string_view bytes) {
  Result<formats::Document> doc = formats::ParseJson(bytes, "metadata");
  if (!doc) {
    return Reject(RejectReason::kMalformed, doc.error().message());
  }
  const Json& value = doc->value;
  if (!value.is_object()) {
    return Reject(RejectReason::kMalformed, "metadata is not a JSON object");
  }
  const auto signed_it = value.find("signed");
  if (signed_it == value.end() || !signed_it->is_object()) {
    return Reject(RejectReason::kMalformed, "metadata has no 'signed' object");
  }
  const auto type_it = signed_it->find("_type");
  if (type_it == signed_it->end() || !type_it->is_string()) {
    return Reject(RejectReason::kMalformed, "signed._type: missing or not a string");
  }
  return type_it->get<std::string>();
}

template <typename T>
Checked<Metadata<T>> ParseMetadata(std::string_view bytes) {
  const std::string name = std::string(T::kType) + ".json";
  Result<formats::Document> doc = formats::ParseJson(bytes, name);
  if (!doc) {
    return Reject(RejectReason::kMalformed, doc.error().message());
  }
  const Json& value = doc->value;
  if (!value.is_object()) {
    return Reject(RejectReason::kMalformed, name + ": expected a JSON object");
  }
  if (internal::ContainsFloat(value)) {
    return Reject(RejectReason::kMalformed, name + ": floating-point numbers are not allowed");
  }
  Problems problems;
  Fields envelope(value, name, problems);
  const Json* signed_object = envelope.Object("signed", true);
  const Json* signatures = envelope.Array("signatures", true);
  if (!problems.ok()) {
    return Reject(problems.first());
  }
  const auto type_it = signed_object->find("_type");
  if (type_it == signed_object->end() || !type_it->is_string()) {
    return Reject(RejectReason::kMalformed, name + ": signed._type: missing or not a string");
  }
  if (type_it->get_ref<const std::string&>() != T::kType) {
    return Reject(RejectReason::kWrongType, name + ": _type is '" + type_it->get<std::string>() +
                                                "', expected '" + std::string(T::kType) + "'");
  }
  const auto spec_it = signed_object->find("spec_version");
  if (spec_it != signed_object->end() && spec_it->is_string() &&
      !IsSupportedSpecVersion(spec_it->get_ref<const std::string&>())) {
    return Reject(RejectReason::kSpecVersion,
                  name + ": unsupported spec_version '" + spec_it->get<std::string>() + "'");
  }

  Metadata<T> metadata;
  Fields body(*signed_object, name + ": signed", problems);
  ParseBody(body, metadata.body);

  std::set<std::string> signer_ids;
  std::size_t index = 0;
  for (const Json& item : *signatures) {
    const std::string where = name + ": signatures[" + std::to_string(index++) + "]";
    if (!RequireObject(item, where, problems)) {
      continue;
    }
    Fields fields(item, where, problems);
    Signature signature;
    signature.keyid = fields.String("keyid");
    signature.sig = fields.String("sig");
    signature.unknown_fields = fields.Unknown();
    if (!signer_ids.insert(signature.keyid).second) {
      problems.Add(RejectReason::kMalformed,
                   where + ": a second signature by key id " + signature.keyid);
    }
    metadata.signatures.push_back(std::move(signature));
  }
  metadata.unknown_fields = envelope.Unknown();
  if (!problems.ok()) {
    return Reject(problems.first());
  }
  metadata.signed_encodings.push_back(internal::Canonical(*signed_object, KeyOrder::kCodePoint));
  if (internal::MayDependOnKeyOrder(*signed_object)) {
    std::string utf16 = internal::Canonical(*signed_object, KeyOrder::kUtf16);
    if (utf16 != metadata.signed_encodings.front()) {
      metadata.signed_encodings.push_back(std::move(utf16));
    }
  }
  metadata.raw_bytes = std::string(bytes);
  return metadata;
}

template <typename T>
std::string CanonicalSigned(const T& body) {
  return BodyJson(body, internal::Style::kCanonical);
}

template <typename T>
std::vector<std::string> SigningInputs(const Metadata<T>& metadata) {
  if (!metadata.signed_encodings.empty()) {
    return metadata.signed_encodings;
  }
  return {CanonicalSigned(metadata.body)};
}

template <typename T>
Result<void> SignMetadata(Metadata<T>& metadata, const KeyPair& key) {
  Result<std::string> sig = key.Sign(CanonicalSigned(metadata.body));
  if (!sig) {
    return Fail(sig.error());
  }
  auto existing = std::find_if(metadata.signatures.begin(), metadata.signatures.end(),
                               [&](const Signature& s) { return s.keyid == key.key_id(); });
  if (existing != metadata.signatures.end()) {
    existing->sig = std::move(*sig);
    existing->unknown_fields.clear();
  } else {
    metadata.signatures.push_back(Signature{key.key_id(), std::move(*sig), {}});
  }
  metadata.raw_bytes.clear();
  metadata.signed_encodings.clear();
  return {};
}

template <typename T>
std::string SerializeMetadata(const Metadata<T>& metadata) {
  const internal::Style style = internal::Style::kJson;
  std::string signatures = "[";
  for (std::size_t i = 0; i < metadata.signatures.size(); ++i) {
    if (i > 0) {
      signatures += ',';
    }
    const Signature& s = metadata.signatures[i];
    signatures += ObjectWriter(style)
                      .String("keyid", s.keyid)
                      .String("sig", s.sig)
                      .Unknown(s.unknown_fields)
                      .Finish();
  }
  signatures += ']';
  return ObjectWriter(style)
      .Raw("signatures", std::move(signatures))
      .Raw("signed", BodyJson(metadata.body, style))
      .Unknown(metadata.unknown_fields)
      .Finish();
}

#define PROVISIO_TUF_INSTANTIATE(T)                                                  \
  template Checked<Metadata<T>> ParseMetadata<T>(std::string_view bytes);            \
  template std::string CanonicalSigned<T>(const T& body);                            \
  template std::vector<std::string> SigningInputs<T>(const Metadata<T>& metadata);   \
  template Result<void> SignMetadata<T>(Metadata<T> & metadata, const KeyPair& key); \
  template std::string SerializeMetadata<T>(const Metadata<T>& metadata);

PROVISIO_TUF_INSTANTIATE(Root)
PROVISIO_TUF_INSTANTIATE(Timestamp)
PROVISIO_TUF_INSTANTIATE(Snapshot)
PROVISIO_TUF_INSTANTIATE(Targets)
#undef PROVISIO_TUF_INSTANTIATE

}  // namespace provisio::tuf
