// Test-only helper: an in-memory TUF repository signed with real keys, so
// verification tests build exactly the metadata each attack needs.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/tuf/keys.h"
#include "provisio/tuf/metadata.h"

namespace provisio::tuf::testing {

// 2030-01-01T00:00:00Z: the "now" of every test; metadata expires a year later.
TimePoint TestNow();

// A fresh key; RSA keys come round-robin from three fixed test keys (so at
// most three distinct RSA keys per process). Aborts if OpenSSL fails.
KeyPair NewKey(KeyType type = KeyType::kEd25519);

// Signs a copy of `metadata` with each key in order and serializes it.
template <typename T>
std::string Sign(Metadata<T> metadata, const std::vector<KeyPair>& keys) {
  metadata.signatures.clear();
  for (const KeyPair& key : keys) {
    Result<void> signed_ok = SignMetadata(metadata, key);
    PROVISIO_CHECK(signed_ok.has_value());
  }
  return SerializeMetadata(metadata);
}

// Top-level roles with one key each (by default), version 1 everywhere.
class TestRepository {
 public:
  explicit TestRepository(KeyType type = KeyType::kEd25519);

  // Keys that sign each role ("root", "timestamp", "snapshot", "targets",
  // or a delegated role name).
  std::map<std::string, std::vector<KeyPair>> signers;

  Metadata<Root> root;
  Metadata<Targets> targets;
  std::map<std::string, Metadata<Targets>> delegated;  // By role name.
  Metadata<Snapshot> snapshot;
  Metadata<Timestamp> timestamp;

  // Makes `keys` the keys of a top-level role in root (threshold as given).
  void SetRoleKeys(const std::string& role, const std::vector<KeyPair>& keys, int threshold);

  // Adds a delegation from `parent` ("targets" or a delegated role) to
  // `name` with fresh keys; the new role starts empty.
  DelegatedRole& Delegate(const std::string& parent,
                          const std::string& name,
                          std::vector<std::string> paths,
                          bool terminating = false);

  // Adds a target file to `role` with correct sha256/sha512 of `content`.
  void AddTarget(const std::string& role, const std::string& path, const std::string& content);

  // Serialized, signed bytes of each role as it stands. ECDSA and RSA-PSS
  // signatures are randomized, so bytes are cached per content and signers:
  // asking twice for unchanged metadata gives the same bytes.
  std::string RootBytes() const { return Cached(root, signers.at("root")); }
  std::string TargetsBytes(const std::string& role = "targets") const;
  std::string SnapshotBytes() const { return Cached(snapshot, signers.at("snapshot")); }
  std::string TimestampBytes() const { return Cached(timestamp, signers.at("timestamp")); }

  // Recomputes snapshot meta (version, length, hashes of every targets role)
  // and timestamp meta from the current bytes. Does not bump versions.
  void Refresh();

  // Bumps the version of `role`; for targets roles and snapshot, Refresh()
  // afterwards to update the listing roles.
  void Bump(const std::string& role);

 private:
  template <typename T>
  std::string Cached(const Metadata<T>& metadata, const std::vector<KeyPair>& keys) const {
    std::string cache_key = CanonicalSigned(metadata.body);
    for (const KeyPair& key : keys) {
      cache_key += '\n' + key.key_id();
    }
    auto it = cache_.find(cache_key);
    if (it == cache_.end()) {
      it = cache_.emplace(cache_key, Sign(metadata, keys)).first;
    }
    return it->second;
  }

  mutable std::map<std::string, std::string> cache_;
};

}  // namespace provisio::tuf::testing
