#include "tuf/test_repository.h"

#include <chrono>

#include <openssl/evp.h>

#include "provisio/core/sha256.h"
#include "provisio/tuf/target_verifier.h"

namespace provisio::tuf::testing {
namespace {

std::string Sha512Hex(const std::string& content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha512(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

MetaFile Describe(const std::string& bytes, std::int64_t version) {
  MetaFile meta;
  meta.version = version;
  meta.length = bytes.size();
  meta.hashes["sha256"] = Sha256Hex(bytes);
  return meta;
}

}  // namespace

TimePoint TestNow() {
  Result<TimePoint> now = ParseUtc("2030-01-01T00:00:00Z");
  PROVISIO_CHECK(now.has_value());
  return *now;
}

KeyPair NewKey(KeyType type) {
  Result<KeyPair> key = KeyPair::Generate(type);
  PROVISIO_CHECK(key.has_value());
  return *key;
}

TestRepository::TestRepository(KeyType type) {
  const TimePoint expires = TestNow() + std::chrono::days(365);
  root.body.expires = expires;
  root.body.consistent_snapshot = true;
  for (const char* role : {"root", "timestamp", "snapshot", "targets"}) {
    SetRoleKeys(role, {NewKey(type)}, 1);
  }
  targets.body.expires = expires;
  snapshot.body.expires = expires;
  timestamp.body.expires = expires;
  Refresh();
}

void TestRepository::SetRoleKeys(const std::string& role,
                                 const std::vector<KeyPair>& keys,
                                 int threshold) {
  RoleKeys& entry = root.body.roles[role];
  entry.keyids.clear();
  for (const KeyPair& key : keys) {
    root.body.keys[key.key_id()] = key.public_key();
    entry.keyids.push_back(key.key_id());
  }
  entry.threshold = threshold;
  signers[role] = keys;
}

DelegatedRole& TestRepository::Delegate(const std::string& parent,
                                        const std::string& name,
                                        std::vector<std::string> paths,
                                        bool terminating) {
  Metadata<Targets>& delegator = parent == "targets" ? targets : delegated.at(parent);
  if (!delegator.body.delegations) {
    delegator.body.delegations.emplace();
  }
  KeyPair key = NewKey();
  delegator.body.delegations->keys[key.key_id()] = key.public_key();
  DelegatedRole role;
  role.name = name;
  role.keyids = {key.key_id()};
  role.threshold = 1;
  role.terminating = terminating;
  role.paths = std::move(paths);
  delegator.body.delegations->roles.push_back(role);
  signers[name] = {key};
  Metadata<Targets>& child = delegated[name];
  child.body.expires = targets.body.expires;
  return delegator.body.delegations->roles.back();
}

void TestRepository::AddTarget(const std::string& role,
                               const std::string& path,
                               const std::string& content) {
  Metadata<Targets>& metadata = role == "targets" ? targets : delegated.at(role);
  TargetFile file;
  file.length = content.size();
  file.hashes["sha256"] = Sha256Hex(content);
  file.hashes["sha512"] = Sha512Hex(content);
  metadata.body.targets[path] = file;
}

std::string TestRepository::TargetsBytes(const std::string& role) const {
  if (role == "targets") {
    return Cached(targets, signers.at("targets"));
  }
  return Cached(delegated.at(role), signers.at(role));
}

void TestRepository::Refresh() {
  snapshot.body.meta.clear();
  snapshot.body.meta["targets.json"] = Describe(TargetsBytes(), targets.body.version);
  for (const auto& [name, role] : delegated) {
    snapshot.body.meta[name + ".json"] = Describe(TargetsBytes(name), role.body.version);
  }
  timestamp.body.snapshot_meta = Describe(SnapshotBytes(), snapshot.body.version);
}

void TestRepository::Bump(const std::string& role) {
  if (role == "root") {
    ++root.body.version;
  } else if (role == "timestamp") {
    ++timestamp.body.version;
  } else if (role == "snapshot") {
    ++snapshot.body.version;
  } else if (role == "targets") {
    ++targets.body.version;
  } else {
    ++delegated.at(role).body.version;
  }
}

}  // namespace provisio::tuf::testing
