// The manufacturer side of signed updates: a TUF repository kept in a
// directory and published as static files that any web server or CDN can
// serve.
//
// Layout of a repository directory DIR:
//   DIR/repository.json   settings: key type, expiry policy, hash bins
//   DIR/keys/<keyid>.pem  private keys (0600), never printed; move offline
//                         keys (root) elsewhere and sign with `sign`
//   DIR/staged/<role>.json the next version of root, targets and every
//                         delegated role, possibly partly signed
//   DIR/metadata/         what clients fetch: N.root.json, root.json,
//                         V.snapshot.json, V.targets.json, V.<role>.json,
//                         timestamp.json (consistent snapshots)
//   DIR/targets/          target files as <dir>/<sha256>.<name> and
//                         <dir>/<sha512>.<name> (hard links)
//
// A role is "staged" when DIR/staged holds a version newer than the
// published one. Publish() signs staged roles with every key it finds in
// DIR/keys, refuses (changing nothing in DIR/metadata) if any staged role
// lacks its threshold, then writes a new snapshot and timestamp. The new
// metadata directory is built beside the old one and swapped in with one
// atomic rename, so a failed publish leaves the published repository
// exactly as it was.
//
// Every method that changes the repository holds an exclusive flock on
// DIR/.lock from its first read to its last write, so concurrent commands
// on one directory (several processes, or several Repository objects) run
// one after the other and lose nothing. Describe() takes no lock.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"
#include "provisio/tuf/keys.h"

namespace provisio::update {

// How long each role's metadata stays valid after it is signed.
struct ExpiryPolicy {
  std::chrono::seconds root = std::chrono::hours(24 * 365);
  std::chrono::seconds targets = std::chrono::hours(24 * 90);  // Also delegated roles.
  std::chrono::seconds snapshot = std::chrono::hours(24 * 7);
  std::chrono::seconds timestamp = std::chrono::hours(24);
};

struct RepositoryInitOptions {
  tuf::KeyType key_type = tuf::KeyType::kEd25519;
  // Number of keys and threshold per top-level role ("root", "targets",
  // "snapshot", "timestamp"); missing roles get 1 and 1.
  std::map<std::string, int> key_counts;
  std::map<std::string, int> thresholds;
  ExpiryPolicy expiry;
};

// Custom metadata of a target (written under "custom"), used by devices for
// anti-rollback and compatibility decisions.
struct TargetCustom {
  std::optional<std::string> hardware_id;
  std::optional<std::string> version;
  std::optional<std::int64_t> security_version;
  std::optional<std::string> release_notes_url;
};

struct AddTargetOptions {
  std::string name;  // Target path; empty: the file's base name.
  TargetCustom custom;
};

struct DelegationOptions {
  std::string parent = "targets";  // The delegating role.
  std::vector<std::string> paths;  // Shell-style patterns ('*' stops at '/').
  int key_count = 1;
  int threshold = 1;
  bool terminating = false;
};

struct PublishResult {
  std::int64_t root_version = 0;
  std::int64_t snapshot_version = 0;
  std::int64_t timestamp_version = 0;
  std::vector<std::string> published_roles;  // Roles with a new version in this publish.
  // Roles close to expiry that could not be renewed because their keys are
  // not all online, each with what to do ("targets expires ...").
  std::vector<std::string> warnings;
};

// Facts for evidence and `provisio update repo` status output.
struct RepositoryFacts {
  struct Role {
    std::string name;
    int threshold = 1;
    std::vector<std::string> schemes;  // One per key, e.g. "ed25519".
    std::chrono::seconds expiry_period{0};
  };
  std::vector<Role> roles;  // Top-level roles, then delegated roles.
  bool consistent_snapshot = true;
  std::int64_t published_root_version = 0;  // 0: never published.
  std::size_t target_count = 0;
  std::size_t targets_with_security_version = 0;
  std::size_t targets_with_version = 0;
  std::size_t targets_with_hardware_id = 0;
  std::vector<std::string> hash_algorithms;  // Listed for targets, e.g. sha256, sha512.
};

class Repository {
 public:
  // Creates a new repository in `dir` (created; must be empty or missing):
  // keys, root and empty targets, staged and unpublished. Fails with
  // kConflict if `dir` already holds a repository.
  static Result<Repository> Init(const std::filesystem::path& dir,
                                 const RepositoryInitOptions& options,
                                 const Clock& clock);

  // Opens an existing repository. Fails with kNotFound or kParse.
  static Result<Repository> Open(const std::filesystem::path& dir, const Clock& clock);

  // Copies `file` into the targets store and lists it (length, sha256,
  // sha512, custom) in the role that the delegations route its path to.
  // Returns that role's name.
  Result<std::string> AddTarget(const std::filesystem::path& file, const AddTargetOptions& options);

  // Adds many files at once (one load and save of each role): each file is
  // listed under its path relative to `base_dir`, without custom metadata.
  // A directory in `files` adds every regular file below it.
  // Returns the number of targets added.
  Result<std::size_t> AddTargets(const std::vector<std::filesystem::path>& files,
                                 const std::filesystem::path& base_dir);

  // Delegates `options.paths` from `options.parent` to a new role `role`
  // with fresh keys. Role names: letters, digits, '-', '_', '.', not
  // starting with '.'.
  Result<void> Delegate(const std::string& role, const DelegationOptions& options);

  // Splits targets into `bins` hash-bin roles ("bin-<prefix>") delegated by
  // "targets" through path_hash_prefixes, all sharing `key_count` fresh keys.
  // REQUIRES: bins is a power of two between 2 and 65536. Targets added
  // later go to their bin.
  Result<void> DelegateHashBins(int bins, int key_count, int threshold);

  // Adds one signature with `key` to the staged `role` (offline signing).
  // Fails with kInvalidArgument if the key is not authorised for the role,
  // kNotFound if the role is not staged.
  Result<void> Sign(const std::string& role, const tuf::KeyPair& key);

  // Replaces the root keys with `new_key_count` fresh keys and `threshold`.
  // The new root is staged; Publish() signs it with the old and new keys
  // (both thresholds must be met).
  Result<void> RotateRoot(int new_key_count, int threshold);

  // Publishes every staged role plus a new snapshot and timestamp. Fails
  // with kVerification (naming the roles short of signatures) without
  // touching DIR/metadata; signatures added from DIR/keys are kept staged.
  Result<PublishResult> Publish();

  // Settings and counts read from the repository's own metadata.
  Result<RepositoryFacts> Describe() const;

  const std::filesystem::path& dir() const { return dir_; }
  const ExpiryPolicy& expiry() const { return expiry_; }
  void set_expiry(const ExpiryPolicy& expiry) { expiry_ = expiry; }
  // Writes the settings (expiry policy) back to repository.json.
  Result<void> SaveSettings() const;

 private:
  Repository(std::filesystem::path dir, const Clock& clock);
  // SaveSettings() without taking the lock (for Init, which holds it).
  Result<void> WriteSettings() const;

  std::filesystem::path dir_;
  const Clock* clock_;
  tuf::KeyType key_type_ = tuf::KeyType::kEd25519;
  ExpiryPolicy expiry_;
};

}  // namespace provisio::update
