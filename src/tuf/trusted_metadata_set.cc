#include "provisio/tuf/trusted_metadata_set.h"

#include <set>
#include <utility>

#include "provisio/tuf/target_verifier.h"

namespace provisio::tuf {
namespace {

std::string VersionText(std::int64_t version) {
  return std::to_string(version);
}

bool IsExpired(const SignedCommon& body, TimePoint reference_time) {
  return reference_time >= body.expires;
}

Rejection ExpiredRejection(std::string_view role, const SignedCommon& body) {
  return Rejection(RejectReason::kExpired, std::string(role) + " v" + VersionText(body.version) +
                                               " expired at " + FormatUtc(body.expires));
}

// The keys (by value) and threshold a role is verified with.
std::set<std::string> RoleKeyValues(const Root& root, std::string_view role_name) {
  std::set<std::string> values;
  const auto role = root.roles.find(std::string(role_name));
  if (role == root.roles.end()) {
    return values;
  }
  values.insert("threshold=" + std::to_string(role->second.threshold));
  for (const std::string& id : role->second.keyids) {
    const auto key = root.keys.find(id);
    if (key != root.keys.end()) {
      values.insert(CanonicalKeyJson(key->second));
    }
  }
  return values;
}

// True when `role_name` is one of the bins `succinct` defines.
bool IsSuccinctBin(const SuccinctRoles& succinct, std::string_view role_name) {
  const std::string prefix = succinct.name_prefix + "-";
  if (role_name.substr(0, prefix.size()) != prefix) {
    return false;
  }
  const std::string_view suffix = role_name.substr(prefix.size());
  const auto width = static_cast<std::size_t>((succinct.bit_length + 3) / 4);
  if (suffix.size() != width) {
    return false;
  }
  std::uint64_t bin = 0;
  for (const char c : suffix) {
    std::uint64_t nibble = 0;
    if (c >= '0' && c <= '9') {
      nibble = static_cast<std::uint64_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      nibble = static_cast<std::uint64_t>(c - 'a' + 10);
    } else {
      return false;
    }
    bin = (bin << 4) | nibble;
  }
  return bin < (std::uint64_t{1} << succinct.bit_length);
}

}  // namespace

TrustedMetadataSet::TrustedMetadataSet(Metadata<Root> root,
                                       TimePoint reference_time,
                                       const VerifyOptions& options)
    : root_(std::move(root)), reference_time_(reference_time), options_(options) {
  initial_timestamp_role_ = root_.body.roles["timestamp"];
  initial_snapshot_role_ = root_.body.roles["snapshot"];
  initial_keys_ = root_.body.keys;
}

Checked<TrustedMetadataSet> TrustedMetadataSet::Create(std::string_view root_bytes,
                                                       const Clock& clock,
                                                       const VerifyOptions& options) {
  Checked<Metadata<Root>> root = ParseMetadata<Root>(root_bytes);
  if (!root) {
    return Reject(root.error().WithContext("trusted root"));
  }
  Checked<void> signed_by_self = VerifyRoleSignatures(*root, root->body, "root", options);
  if (!signed_by_self) {
    return Reject(signed_by_self.error().WithContext("trusted root"));
  }
  return TrustedMetadataSet(std::move(*root), clock.Now(), options);
}

Checked<void> TrustedMetadataSet::UpdateRoot(std::string_view bytes) {
  if (timestamp_) {
    return Reject(RejectReason::kOutOfOrder, "root cannot be updated after timestamp");
  }
  Checked<Metadata<Root>> root = ParseMetadata<Root>(bytes);
  if (!root) {
    return Reject(root.error().WithContext("new root"));
  }
  const std::string label = "root v" + VersionText(root->body.version);
  Checked<void> by_trusted = VerifyRoleSignatures(*root, root_.body, "root", options_);
  if (!by_trusted) {
    return Reject(by_trusted.error().WithContext(label + " (keys of trusted root v" +
                                                 VersionText(root_.body.version) + ")"));
  }
  const std::int64_t expected = root_.body.version + 1;
  if (root->body.version != expected) {
    return Reject(
        root->body.version < expected ? RejectReason::kRollback : RejectReason::kWrongVersion,
        label + ": expected version " + VersionText(expected));
  }
  Checked<void> by_itself = VerifyRoleSignatures(*root, root->body, "root", options_);
  if (!by_itself) {
    return Reject(by_itself.error().WithContext(label + " (its own keys)"));
  }
  root_ = std::move(*root);
  return {};
}

Checked<void> TrustedMetadataSet::CheckRootNotExpired() const {
  if (IsExpired(root_.body, reference_time_)) {
    return Reject(ExpiredRejection("root", root_.body));
  }
  return {};
}

Checked<UpdateOutcome> TrustedMetadataSet::UpdateTimestamp(std::string_view bytes) {
  if (snapshot_) {
    return Reject(RejectReason::kOutOfOrder, "timestamp cannot be updated after snapshot");
  }
  Checked<void> root_ok = CheckRootNotExpired();
  if (!root_ok) {
    return Reject(root_ok.error());
  }
  Checked<Metadata<Timestamp>> timestamp = ParseMetadata<Timestamp>(bytes);
  if (!timestamp) {
    return Reject(timestamp.error());
  }
  const std::string label = "timestamp v" + VersionText(timestamp->body.version);
  Checked<void> signatures = VerifyRoleSignatures(*timestamp, root_.body, "timestamp", options_);
  if (!signatures) {
    return Reject(signatures.error().WithContext(label));
  }
  if (timestamp_) {
    const Timestamp& trusted = timestamp_->body;
    if (timestamp->body.version < trusted.version) {
      return Reject(RejectReason::kRollback,
                    label + ": older than trusted v" + VersionText(trusted.version));
    }
    if (timestamp->body.version == trusted.version) {
      return UpdateOutcome::kUnchanged;
    }
    if (timestamp->body.snapshot_meta.version < trusted.snapshot_meta.version) {
      return Reject(RejectReason::kRollback,
                    label + ": snapshot version " +
                        VersionText(timestamp->body.snapshot_meta.version) +
                        " older than trusted " + VersionText(trusted.snapshot_meta.version));
    }
  }
  timestamp_ = std::move(*timestamp);
  if (IsExpired(timestamp_->body, reference_time_)) {
    return Reject(ExpiredRejection("timestamp", timestamp_->body));
  }
  return UpdateOutcome::kAccepted;
}

Checked<void> TrustedMetadataSet::CheckTimestampUsable() const {
  if (!timestamp_) {
    return Reject(RejectReason::kOutOfOrder, "no trusted timestamp");
  }
  if (IsExpired(timestamp_->body, reference_time_)) {
    return Reject(ExpiredRejection("timestamp", timestamp_->body));
  }
  return {};
}

Checked<void> TrustedMetadataSet::UpdateSnapshot(std::string_view bytes, bool from_local_storage) {
  if (!targets_.empty()) {
    return Reject(RejectReason::kOutOfOrder, "snapshot cannot be updated after targets");
  }
  Checked<void> timestamp_ok = CheckTimestampUsable();
  if (!timestamp_ok) {
    return timestamp_ok;
  }
  const MetaFile& expected = timestamp_->body.snapshot_meta;
  if (!from_local_storage) {
    Checked<void> matches = VerifyLengthAndHashes(bytes, expected.length, expected.hashes);
    if (!matches) {
      return Reject(matches.error().WithContext("snapshot (as listed by timestamp)"));
    }
  }
  Checked<Metadata<Snapshot>> snapshot = ParseMetadata<Snapshot>(bytes);
  if (!snapshot) {
    return Reject(snapshot.error());
  }
  const std::string label = "snapshot v" + VersionText(snapshot->body.version);
  Checked<void> signatures = VerifyRoleSignatures(*snapshot, root_.body, "snapshot", options_);
  if (!signatures) {
    return Reject(signatures.error().WithContext(label));
  }
  if (snapshot_) {
    for (const auto& [name, trusted] : snapshot_->body.meta) {
      const auto it = snapshot->body.meta.find(name);
      if (it == snapshot->body.meta.end()) {
        return Reject(RejectReason::kRemovedRole,
                      label + ": no longer lists " + name + " (trusted snapshot v" +
                          VersionText(snapshot_->body.version) + " did)");
      }
      if (it->second.version < trusted.version) {
        return Reject(RejectReason::kRollback,
                      label + ": " + name + " version " + VersionText(it->second.version) +
                          " older than trusted " + VersionText(trusted.version));
      }
    }
  }
  snapshot_ = std::move(*snapshot);
  return CheckSnapshotUsable();
}

Checked<void> TrustedMetadataSet::CheckSnapshotUsable() const {
  if (!snapshot_) {
    return Reject(RejectReason::kOutOfOrder, "no trusted snapshot");
  }
  const std::string label = "snapshot v" + VersionText(snapshot_->body.version);
  if (IsExpired(snapshot_->body, reference_time_)) {
    return Reject(ExpiredRejection("snapshot", snapshot_->body));
  }
  const std::int64_t expected = timestamp_->body.snapshot_meta.version;
  if (snapshot_->body.version != expected) {
    return Reject(
        snapshot_->body.version < expected ? RejectReason::kRollback : RejectReason::kWrongVersion,
        label + ": timestamp lists version " + VersionText(expected));
  }
  return {};
}

Checked<void> TrustedMetadataSet::UpdateTargets(std::string_view bytes) {
  return UpdateDelegatedTargets(bytes, "targets", "root");
}

Checked<void> TrustedMetadataSet::UpdateDelegatedTargets(std::string_view bytes,
                                                         std::string_view role_name,
                                                         std::string_view delegator_name) {
  const std::string role(role_name);
  Checked<void> snapshot_ok = CheckSnapshotUsable();
  if (!snapshot_ok) {
    return snapshot_ok;
  }
  if (targets_.count(role) != 0) {
    return Reject(RejectReason::kOutOfOrder, role + " is already trusted");
  }

  // Who may sign this role.
  const std::vector<std::string>* keyids = nullptr;
  int threshold = 1;
  const std::map<std::string, Key>* keys = nullptr;
  if (delegator_name == "root") {
    if (role != "targets") {
      return Reject(RejectReason::kUnknownRole, "root delegates only 'targets', not " + role);
    }
    const auto targets_role = root_.body.roles.find("targets");
    PROVISIO_CHECK(targets_role != root_.body.roles.end());  // ParseMetadata<Root> requires it.
    keyids = &targets_role->second.keyids;
    threshold = targets_role->second.threshold;
    keys = &root_.body.keys;
  } else {
    const auto delegator = targets_.find(delegator_name);
    if (delegator == targets_.end()) {
      return Reject(RejectReason::kOutOfOrder,
                    "delegator " + std::string(delegator_name) + " is not trusted yet");
    }
    const std::optional<Delegations>& delegations = delegator->second.body.delegations;
    if (delegations) {
      keys = &delegations->keys;
      for (const DelegatedRole& child : delegations->roles) {
        if (child.name == role) {
          keyids = &child.keyids;
          threshold = child.threshold;
          break;
        }
      }
      if (keyids == nullptr && delegations->succinct_roles &&
          IsSuccinctBin(*delegations->succinct_roles, role)) {
        keyids = &delegations->succinct_roles->keyids;
        threshold = delegations->succinct_roles->threshold;
      }
    }
    if (keyids == nullptr) {
      return Reject(RejectReason::kUnknownRole,
                    std::string(delegator_name) + " does not delegate to " + role);
    }
  }

  const auto meta = snapshot_->body.meta.find(role + ".json");
  if (meta == snapshot_->body.meta.end()) {
    return Reject(RejectReason::kUnknownRole, "snapshot does not list " + role + ".json");
  }
  Checked<void> matches = VerifyLengthAndHashes(bytes, meta->second.length, meta->second.hashes);
  if (!matches) {
    return Reject(matches.error().WithContext(role + " (as listed by snapshot)"));
  }
  Checked<Metadata<Targets>> targets = ParseMetadata<Targets>(bytes);
  if (!targets) {
    return Reject(targets.error().WithContext(role));
  }
  const std::string label = role + " v" + VersionText(targets->body.version);
  Checked<void> signatures = VerifyThreshold(role, *keyids, threshold, *keys, targets->signatures,
                                             SigningInputs(*targets), options_);
  if (!signatures) {
    return Reject(signatures.error().WithContext(label));
  }
  if (targets->body.version != meta->second.version) {
    return Reject(targets->body.version < meta->second.version ? RejectReason::kRollback
                                                               : RejectReason::kWrongVersion,
                  label + ": snapshot lists version " + VersionText(meta->second.version));
  }
  if (IsExpired(targets->body, reference_time_)) {
    return Reject(ExpiredRejection(role, targets->body));
  }
  targets_.emplace(role, std::move(*targets));
  return {};
}

const Metadata<Root>& TrustedMetadataSet::root() const {
  return root_;
}

const Metadata<Timestamp>* TrustedMetadataSet::timestamp() const {
  return timestamp_ ? &*timestamp_ : nullptr;
}

const Metadata<Snapshot>* TrustedMetadataSet::snapshot() const {
  return snapshot_ ? &*snapshot_ : nullptr;
}

const Metadata<Targets>* TrustedMetadataSet::targets(std::string_view role_name) const {
  const auto it = targets_.find(role_name);
  return it == targets_.end() ? nullptr : &it->second;
}

bool TrustedMetadataSet::timestamp_keys_rotated() const {
  Root initial;
  initial.keys = initial_keys_;
  initial.roles["timestamp"] = initial_timestamp_role_;
  return RoleKeyValues(initial, "timestamp") != RoleKeyValues(root_.body, "timestamp");
}

bool TrustedMetadataSet::snapshot_keys_rotated() const {
  Root initial;
  initial.keys = initial_keys_;
  initial.roles["snapshot"] = initial_snapshot_role_;
  return RoleKeyValues(initial, "snapshot") != RoleKeyValues(root_.body, "snapshot");
}

}  // namespace provisio::tuf
