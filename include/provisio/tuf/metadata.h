// The TUF 1.0.x metadata model: the four top-level roles, delegations, and the
// signed envelope. Parsing keeps what verification needs (the canonical bytes
// of the "signed" object exactly as received, unknown fields included) and
// what storage needs (the raw bytes received); writing produces the
// canonical bytes that signatures cover.
//
// The model is plain data: builders of a repository fill the structs, call
// SignMetadata() once per key (offline threshold signing works one key at a
// time) and write SerializeMetadata(). Nothing here reads files or the clock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"
#include "provisio/tuf/keys.h"
#include "provisio/tuf/rejection.h"

namespace provisio::tuf {

// The spec_version written into new metadata.
inline constexpr std::string_view kSpecVersion = "1.0.31";

// True for "1", "1.x" and "1.x.y" (numbers only): the major version we read.
bool IsSupportedSpecVersion(std::string_view spec_version);

// Fields common to every role ("_type" is implied by the struct).
struct SignedCommon {
  std::string spec_version = std::string(kSpecVersion);
  std::int64_t version = 1;  // >= 1.
  TimePoint expires{};       // Serialized as "YYYY-MM-DDTHH:MM:SSZ".
  UnknownFields unknown_fields;
};

// Keys and threshold of a top-level role, as listed in root.json.
struct RoleKeys {
  std::vector<std::string> keyids;  // Order kept; duplicates are counted once.
  int threshold = 1;                // >= 1.
  UnknownFields unknown_fields;
};

struct Root : SignedCommon {
  static constexpr std::string_view kType = "root";
  bool consistent_snapshot = true;
  std::map<std::string, Key> keys;  // By key id.
  std::map<std::string, RoleKeys>
      roles;  // "root", "timestamp", "snapshot", "targets" (all four required).
};

// A line of timestamp.json's or snapshot.json's "meta".
struct MetaFile {
  std::int64_t version = 1;                   // >= 1.
  std::optional<std::uint64_t> length;        // Optional in TUF.
  std::map<std::string, std::string> hashes;  // Algorithm -> lower-case hex; may be empty.
  UnknownFields unknown_fields;
};

struct Timestamp : SignedCommon {
  static constexpr std::string_view kType = "timestamp";
  MetaFile snapshot_meta;  // meta["snapshot.json"] (other entries are dropped on read).
};

struct Snapshot : SignedCommon {
  static constexpr std::string_view kType = "snapshot";
  std::map<std::string, MetaFile>
      meta;  // "targets.json" and "<role>.json" for every delegated role.
};

// A line of targets.json's "targets".
struct TargetFile {
  std::uint64_t length = 0;
  std::map<std::string, std::string> hashes;  // At least one; e.g. "sha256", "sha512" -> hex.
  std::optional<std::string> custom_json;     // JSON text of "custom" (no floats), if present.
  UnknownFields unknown_fields;
};

struct DelegatedRole {
  std::string name;
  std::vector<std::string> keyids;
  int threshold = 1;
  bool terminating = false;
  // At most one of the two is set (neither: the role matches no path).
  std::optional<std::vector<std::string>> paths;               // Shell-style patterns.
  std::optional<std::vector<std::string>> path_hash_prefixes;  // Hex prefixes of sha256(path).
  UnknownFields unknown_fields;
};

// TUF 1.0.30+ "succinct_roles" (TAP 15 hash bins): 2^bit_length roles named
// "<name_prefix>-<bin in lower-case hex, zero-padded>", all with the same keys.
struct SuccinctRoles {
  int bit_length = 8;  // 1..32.
  std::string name_prefix;
  std::vector<std::string> keyids;
  int threshold = 1;
  UnknownFields unknown_fields;
};

// Name of the bin that `target_path` falls into (first bit_length bits of
// sha256(target_path)), e.g. "bins-3f".
std::string SuccinctRoleForTarget(const SuccinctRoles& succinct, std::string_view target_path);
// All bin names, in bin order. REQUIRES: 1 <= bit_length <= 32 (callers should keep it small).
std::vector<std::string> SuccinctRoleNames(const SuccinctRoles& succinct);

struct Delegations {
  std::map<std::string, Key> keys;  // By key id.
  // Exactly one of `roles` (possibly empty) and `succinct_roles` is written:
  // `succinct_roles` when set, else `roles`.
  std::vector<DelegatedRole> roles;
  std::optional<SuccinctRoles> succinct_roles;
  UnknownFields unknown_fields;
};

struct Targets : SignedCommon {
  static constexpr std::string_view kType = "targets";
  std::map<std::string, TargetFile> targets;  // By target path.
  std::optional<Delegations> delegations;
};

struct Signature {
  std::string keyid;
  std::string sig;  // Lower-case hex.
  UnknownFields unknown_fields;
};

// The envelope {"signatures": [...], "signed": {...}}.
template <typename T>
struct Metadata {
  T body;  // The "signed" object.
  std::vector<Signature> signatures;
  UnknownFields unknown_fields;  // Other envelope members.
  // Filled by ParseMetadata, empty for metadata built in memory:
  std::string raw_bytes;  // The exact bytes parsed; store these, never a re-serialization.
  // Canonical encodings of the received "signed" object, code-point order
  // first, then UTF-16 order if it differs. A signature over any of them is
  // accepted (see canonical_json.h).
  std::vector<std::string> signed_encodings;
};

// Parses `bytes` as metadata of role type T. Fails with kMalformed (invalid
// JSON, a float, a missing or mistyped field, a bad date, negative numbers,
// an empty hashes object, a threshold < 1, duplicate key ids in a role or in
// the signatures, a delegated role named like a top-level role), kWrongType
// ("_type" is another role) or kSpecVersion (not 1.x.y). Unknown fields are
// kept in unknown_fields and in signed_encodings.
template <typename T>
Checked<Metadata<T>> ParseMetadata(std::string_view bytes);

// Returns the "_type" of a metadata document ("root", "targets", ...).
// Fails with kMalformed.
Checked<std::string> PeekMetadataType(std::string_view bytes);

// Canonical JSON of `body` as the "signed" object (with "_type"): the bytes a
// signature covers when the metadata is written by us.
template <typename T>
std::string CanonicalSigned(const T& body);

// The byte strings a signature of `metadata` may cover: signed_encodings when
// parsed, else {CanonicalSigned(metadata.body)}.
template <typename T>
std::vector<std::string> SigningInputs(const Metadata<T>& metadata);

// Signs CanonicalSigned(metadata.body) with `key` and appends the signature,
// replacing an earlier signature with the same key id. Clears raw_bytes and
// signed_encodings (the envelope is now ours). Call once per key for a
// threshold; each call may run in a different process with its own key.
// Fails with kInternal when the key fails to sign.
template <typename T>
Result<void> SignMetadata(Metadata<T>& metadata, const KeyPair& key);

// The envelope {"signatures":[...],"signed":{...}} as sorted compact JSON:
// the canonical form except that control characters in strings (the newlines
// of PEM keys) are escaped, so the file is valid JSON. This is what a
// repository writes; clients store the bytes they receive.
template <typename T>
std::string SerializeMetadata(const Metadata<T>& metadata);

}  // namespace provisio::tuf
