// The client's trusted metadata and every rule for admitting new metadata
// into it: TUF specification 1.0.x §5 "detailed client workflow", steps 5.2
// to 5.6, without any I/O. The update client downloads bytes, hands them to
// the Update* methods in workflow order, and persists exactly those bytes
// (Metadata::raw_bytes) when an update succeeds. Nothing unverified ever
// enters the set.
//
// Workflow (what the caller does):
//   1. Create() from the locally trusted root.json.
//   2. UpdateRoot() with root N+1, N+2, ... until the repository has none
//      (cap the number of attempts, e.g. 32).
//   3. If a local timestamp.json exists, UpdateTimestamp() with it and ignore
//      a failure; then UpdateTimestamp() with the downloaded one. Same for
//      snapshot: UpdateSnapshot(local, /*from_local_storage=*/true), ignore
//      failure, then the download. Local metadata is verified against the
//      final root, so after a root rotation that changed the timestamp or
//      snapshot keys the old local copies are refused and drop out: this is
//      the fast-forward-attack recovery of spec 5.3.11 (timestamp_keys_rotated()
//      and snapshot_keys_rotated() tell the caller to delete the files too).
//   4. UpdateTargets(), then UpdateDelegatedTargets() as the delegation search
//      needs roles (delegation.h).
//
// Expired metadata (python-tuf's behaviour, kept for rollback protection): a
// new timestamp or snapshot that is valid except for being expired is kept as
// the reference for later rollback checks, but the call fails with kExpired
// and every later step fails too, so the caller must not persist it.
//
// Time: the reference time is read once from the Clock given to Create(), so
// one refresh judges all expiry against the same instant.
//
// Not thread-safe; movable.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "provisio/core/clock.h"
#include "provisio/tuf/metadata.h"
#include "provisio/tuf/rejection.h"
#include "provisio/tuf/signatures.h"

namespace provisio::tuf {

enum class UpdateOutcome {
  kAccepted,   // The new metadata is now trusted: persist its raw bytes.
  kUnchanged,  // Same version as the trusted one: the trusted one stays; nothing to persist.
};

class TrustedMetadataSet {
 public:
  // Trusts `root_bytes` (the root shipped with the device or stored by an
  // earlier refresh). It must parse as root, have spec_version 1.x, and be
  // signed by a threshold of its own root keys. It may be expired: a refresh
  // can replace it; UpdateTimestamp() refuses to go on with an expired root.
  // Reads clock.Now() once as the reference time.
  static Checked<TrustedMetadataSet> Create(std::string_view root_bytes,
                                            const Clock& clock,
                                            const VerifyOptions& options = {});

  // Spec 5.3.4-5.3.9: admits root version N+1. Checks type, spec_version,
  // threshold of the TRUSTED root's root role, threshold of the NEW root's
  // root role, version == N+1 (lower: kRollback; higher: kWrongVersion).
  // Expiry is not checked here (intermediate roots may be expired).
  // Fails with kOutOfOrder once a timestamp was loaded.
  Checked<void> UpdateRoot(std::string_view bytes);

  // Spec 5.3.10: fails with kExpired when the trusted root has expired.
  Checked<void> CheckRootNotExpired() const;

  // Spec 5.4: checks root not expired, type, spec_version, threshold of the
  // root's timestamp role; against a trusted timestamp: version lower ->
  // kRollback, equal -> kUnchanged (new bytes discarded), snapshot version
  // lower than the trusted timestamp's -> kRollback; then expiry -> kExpired
  // (the new timestamp is kept as rollback reference, see above).
  // Fails with kOutOfOrder once a snapshot was loaded.
  Checked<UpdateOutcome> UpdateTimestamp(std::string_view bytes);

  // Spec 5.5: REQUIRES a trusted, unexpired timestamp (else kOutOfOrder /
  // kExpired). Unless `from_local_storage`, the bytes must match the length
  // and every hash the timestamp lists (kLengthMismatch, kHashMismatch).
  // Checks type, spec_version, threshold of the root's snapshot role; against
  // a trusted snapshot: every role it lists must still be listed
  // (kRemovedRole) with a version not lower (kRollback). The snapshot is then
  // kept; it must be unexpired (kExpired) and its version must equal the
  // timestamp's snapshot version (kWrongVersion) — a local snapshot that
  // fails only these two still serves as rollback reference.
  // Fails with kOutOfOrder once targets were loaded.
  Checked<void> UpdateSnapshot(std::string_view bytes, bool from_local_storage = false);

  // UpdateDelegatedTargets(bytes, "targets", "root").
  Checked<void> UpdateTargets(std::string_view bytes);

  // Spec 5.6 / 5.6.7: REQUIRES a trusted, valid snapshot and a trusted
  // `delegator_name` ("root" for "targets", otherwise a loaded targets role
  // that delegates `role_name`, by name or through succinct_roles:
  // kUnknownRole otherwise). snapshot.meta["<role>.json"] must exist
  // (kUnknownRole); the bytes must match its length and hashes when listed;
  // type targets, spec_version; threshold of the delegator's keys for the
  // role; version == the snapshot's listed version (lower: kRollback, else
  // kWrongVersion); unexpired (kExpired). A role name is loaded once: a
  // second call for a loaded role fails with kOutOfOrder.
  Checked<void> UpdateDelegatedTargets(std::string_view bytes,
                                       std::string_view role_name,
                                       std::string_view delegator_name);

  // The trusted root (always present).
  const Metadata<Root>& root() const;
  // Trusted metadata or nullptr when not loaded.
  const Metadata<Timestamp>* timestamp() const;
  const Metadata<Snapshot>* snapshot() const;
  const Metadata<Targets>* targets(std::string_view role_name = "targets") const;

  // True when the final root's timestamp (snapshot) keys or threshold differ
  // from those of the root given to Create(): the caller should delete its
  // stored timestamp.json (and snapshot.json), spec 5.3.11.
  bool timestamp_keys_rotated() const;
  bool snapshot_keys_rotated() const;

  TimePoint reference_time() const { return reference_time_; }
  const VerifyOptions& options() const { return options_; }

 private:
  TrustedMetadataSet(Metadata<Root> root, TimePoint reference_time, const VerifyOptions& options);

  Checked<void> CheckTimestampUsable() const;
  Checked<void> CheckSnapshotUsable() const;

  Metadata<Root> root_;
  RoleKeys initial_timestamp_role_;
  RoleKeys initial_snapshot_role_;
  std::map<std::string, Key> initial_keys_;
  std::optional<Metadata<Timestamp>> timestamp_;
  std::optional<Metadata<Snapshot>> snapshot_;
  std::map<std::string, Metadata<Targets>, std::less<>> targets_;
  TimePoint reference_time_;
  VerifyOptions options_;
};

}  // namespace provisio::tuf
