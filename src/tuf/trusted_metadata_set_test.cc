#include "provisio/tuf/trusted_metadata_set.h"

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tuf/test_repository.h"

namespace provisio::tuf {
namespace {

using testing::NewKey;
using testing::Sign;
using testing::TestNow;
using testing::TestRepository;

// Asserts that `result` failed with `reason`.
template <typename T>
void ExpectRejected(const Checked<T>& result, RejectReason reason) {
  ASSERT_FALSE(result.has_value()) << "expected " << ToString(reason);
  EXPECT_EQ(result.error().reason(), reason)
      << ToString(result.error().reason()) << ": " << result.error().message();
}

class TrustedMetadataSetTest : public ::testing::Test {
 protected:
  TrustedMetadataSet Load() {
    Checked<TrustedMetadataSet> set = TrustedMetadataSet::Create(repo_.RootBytes(), clock_);
    PROVISIO_CHECK(set.has_value());
    return std::move(*set);
  }

  // Loads root, timestamp and snapshot as a client would.
  TrustedMetadataSet LoadThroughSnapshot() {
    TrustedMetadataSet set = Load();
    PROVISIO_CHECK(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());
    PROVISIO_CHECK(set.UpdateSnapshot(repo_.SnapshotBytes()).has_value());
    return set;
  }

  TestRepository repo_;
  FixedClock clock_{TestNow()};
};

TEST(TrustedMetadataSetFlowTest, AcceptsAFullRefreshWithEveryKeyType) {
  for (KeyType type : {KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kRsaPss}) {
    SCOPED_TRACE(std::string(ToString(type)));
    TestRepository repo(type);
    repo.Delegate("targets", "apps", {"apps/*"});
    repo.AddTarget("apps", "apps/a.bin", "a");
    repo.Refresh();
    FixedClock clock(TestNow());

    Checked<TrustedMetadataSet> set = TrustedMetadataSet::Create(repo.RootBytes(), clock);
    ASSERT_TRUE(set.has_value()) << set.error().message();
    Checked<UpdateOutcome> timestamp = set->UpdateTimestamp(repo.TimestampBytes());
    Checked<void> snapshot = set->UpdateSnapshot(repo.SnapshotBytes());
    Checked<void> targets = set->UpdateTargets(repo.TargetsBytes());
    Checked<void> apps = set->UpdateDelegatedTargets(repo.TargetsBytes("apps"), "apps", "targets");

    ASSERT_TRUE(timestamp.has_value()) << timestamp.error().message();
    EXPECT_EQ(*timestamp, UpdateOutcome::kAccepted);
    ASSERT_TRUE(snapshot.has_value()) << snapshot.error().message();
    ASSERT_TRUE(targets.has_value()) << targets.error().message();
    ASSERT_TRUE(apps.has_value()) << apps.error().message();
    ASSERT_NE(set->targets("apps"), nullptr);
    EXPECT_EQ(set->targets("apps")->raw_bytes, repo.TargetsBytes("apps"));
    EXPECT_EQ(set->timestamp()->raw_bytes, repo.TimestampBytes());
  }
}

// ---- Trusted root ----

TEST_F(TrustedMetadataSetTest, RefusesATrustedRootNotSignedByItsOwnRootKeys) {
  const std::string root = Sign(repo_.root, {NewKey()});

  ExpectRejected(TrustedMetadataSet::Create(root, clock_), RejectReason::kThresholdNotMet);
}

TEST_F(TrustedMetadataSetTest, RefusesSomethingElseAsTrustedRoot) {
  ExpectRejected(TrustedMetadataSet::Create(repo_.TimestampBytes(), clock_),
                 RejectReason::kWrongType);
  ExpectRejected(TrustedMetadataSet::Create("not json", clock_), RejectReason::kMalformed);
}

TEST_F(TrustedMetadataSetTest, StopsAtAnExpiredRootThatNoNewerRootReplaces) {
  clock_.Set(repo_.root.body.expires);
  TrustedMetadataSet set = Load();

  ExpectRejected(set.CheckRootNotExpired(), RejectReason::kExpired);
  ExpectRejected(set.UpdateTimestamp(repo_.TimestampBytes()), RejectReason::kExpired);
}

TEST_F(TrustedMetadataSetTest, RecoversFromAnExpiredLocalRootWithANewerRoot) {
  const std::string expired_root = repo_.RootBytes();
  clock_.Set(repo_.root.body.expires + std::chrono::hours(1));
  repo_.Bump("root");
  repo_.root.body.expires = clock_.Now() + std::chrono::days(30);
  repo_.timestamp.body.expires = clock_.Now() + std::chrono::days(1);
  Checked<TrustedMetadataSet> set = TrustedMetadataSet::Create(expired_root, clock_);
  ASSERT_TRUE(set.has_value());

  ASSERT_TRUE(set->UpdateRoot(repo_.RootBytes()).has_value());

  EXPECT_TRUE(set->CheckRootNotExpired().has_value());
  EXPECT_TRUE(set->UpdateTimestamp(repo_.TimestampBytes()).has_value());
}

// ---- Root rotation ----

TEST_F(TrustedMetadataSetTest, RotatesAOneOfOneRootKeyWhenOldAndNewKeySign) {
  TrustedMetadataSet set = Load();
  const KeyPair old_key = repo_.signers["root"][0];
  const KeyPair new_key = NewKey();
  repo_.Bump("root");
  repo_.SetRoleKeys("root", {new_key}, 1);

  ExpectRejected(set.UpdateRoot(Sign(repo_.root, {new_key})), RejectReason::kThresholdNotMet);
  ExpectRejected(set.UpdateRoot(Sign(repo_.root, {old_key})), RejectReason::kThresholdNotMet);
  ASSERT_TRUE(set.UpdateRoot(Sign(repo_.root, {old_key, new_key})).has_value());
  EXPECT_EQ(set.root().body.version, 2);

  // The next root needs only the new key.
  repo_.Bump("root");
  EXPECT_TRUE(set.UpdateRoot(Sign(repo_.root, {new_key})).has_value());
  EXPECT_EQ(set.root().body.version, 3);
}

TEST_F(TrustedMetadataSetTest, RotatesAnMOfNRootOnlyWithBothThresholds) {
  const std::vector<KeyPair> old_keys = {NewKey(), NewKey(), NewKey()};
  repo_.SetRoleKeys("root", old_keys, 2);
  TrustedMetadataSet set = Load();
  const std::vector<KeyPair> new_keys = {NewKey(), NewKey(), NewKey()};
  repo_.Bump("root");
  repo_.root.body.keys.clear();
  for (const char* role : {"timestamp", "snapshot", "targets"}) {
    repo_.SetRoleKeys(role, repo_.signers[role], 1);
  }
  repo_.SetRoleKeys("root", new_keys, 2);
  struct Case {
    const char* name;
    std::vector<KeyPair> signers;
    std::optional<RejectReason> rejected;
  };
  const Case cases[] = {
      {"one old, two new", {old_keys[0], new_keys[0], new_keys[1]}, RejectReason::kThresholdNotMet},
      {"two old, one new", {old_keys[0], old_keys[2], new_keys[2]}, RejectReason::kThresholdNotMet},
      {"new keys only", {new_keys[0], new_keys[1], new_keys[2]}, RejectReason::kThresholdNotMet},
      // Two signature entries by one key: the spec forbids it, so it is malformed.
      {"one old key twice, two new",
       {old_keys[0], new_keys[0], new_keys[1]},
       RejectReason::kMalformed},
      {"two old, two new", {old_keys[1], old_keys[2], new_keys[0], new_keys[2]}, std::nullopt},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Metadata<Root> root = repo_.root;
    for (const KeyPair& key : c.signers) {
      ASSERT_TRUE(SignMetadata(root, key).has_value());
    }
    if (std::string(c.name) == "one old key twice, two new") {
      root.signatures.push_back(root.signatures.front());  // A duplicated signature entry.
    }

    Checked<void> result = set.UpdateRoot(SerializeMetadata(root));

    if (c.rejected) {
      ExpectRejected(result, *c.rejected);
    } else {
      EXPECT_TRUE(result.has_value()) << result.error().message();
    }
  }
  EXPECT_EQ(set.root().body.version, 2);
}

TEST_F(TrustedMetadataSetTest, RequiresRootVersionsOneByOne) {
  TrustedMetadataSet set = Load();
  const std::vector<KeyPair> root_keys = repo_.signers["root"];

  ExpectRejected(set.UpdateRoot(repo_.RootBytes()), RejectReason::kRollback);
  repo_.root.body.version = 3;
  ExpectRejected(set.UpdateRoot(repo_.RootBytes()), RejectReason::kWrongVersion);
  ExpectRejected(set.UpdateRoot(repo_.TimestampBytes()), RejectReason::kWrongType);
  EXPECT_EQ(set.root().body.version, 1);
}

TEST_F(TrustedMetadataSetTest, RefusesRootUpdatesAfterTheTimestamp) {
  TrustedMetadataSet set = Load();
  ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());
  repo_.Bump("root");

  ExpectRejected(set.UpdateRoot(repo_.RootBytes()), RejectReason::kOutOfOrder);
}

// ---- Timestamp ----

TEST_F(TrustedMetadataSetTest, RefusesATimestampWithoutAValidThreshold) {
  TrustedMetadataSet set = Load();
  Metadata<Timestamp> tampered = repo_.timestamp;
  ASSERT_TRUE(SignMetadata(tampered, repo_.signers["timestamp"][0]).has_value());
  tampered.body.version = 7;  // Changed after signing.

  ExpectRejected(set.UpdateTimestamp(Sign(repo_.timestamp, repo_.signers["snapshot"])),
                 RejectReason::kThresholdNotMet);
  ExpectRejected(set.UpdateTimestamp(SerializeMetadata(tampered)), RejectReason::kBadSignature);
  ExpectRejected(set.UpdateTimestamp(Sign(repo_.timestamp, {})), RejectReason::kThresholdNotMet);
  EXPECT_EQ(set.timestamp(), nullptr);
}

TEST_F(TrustedMetadataSetTest, RefusesARootListingAKeyIdTwiceInARole) {
  const KeyPair key = NewKey();
  repo_.SetRoleKeys("timestamp", {key, NewKey()}, 2);
  repo_.root.body.roles["timestamp"].keyids = {key.key_id(), key.key_id()};
  // Root itself refuses a role listing a key id twice; the threshold rule is
  // also covered directly in signatures_test.cc.
  ExpectRejected(TrustedMetadataSet::Create(repo_.RootBytes(), clock_), RejectReason::kMalformed);
}

TEST_F(TrustedMetadataSetTest, RefusesTimestampRollbacksAndKeepsAnEqualVersion) {
  TrustedMetadataSet set = Load();
  const std::string version1 = repo_.TimestampBytes();
  repo_.Bump("timestamp");
  ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());

  ExpectRejected(set.UpdateTimestamp(version1), RejectReason::kRollback);
  Checked<UpdateOutcome> same = set.UpdateTimestamp(repo_.TimestampBytes());
  ASSERT_TRUE(same.has_value());
  EXPECT_EQ(*same, UpdateOutcome::kUnchanged);
  EXPECT_EQ(set.timestamp()->body.version, 2);
}

TEST_F(TrustedMetadataSetTest, RefusesATimestampThatRollsBackTheSnapshotVersion) {
  repo_.Bump("snapshot");
  repo_.Refresh();
  TrustedMetadataSet set = Load();
  ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());
  repo_.Bump("timestamp");
  repo_.timestamp.body.snapshot_meta.version = 1;

  ExpectRejected(set.UpdateTimestamp(repo_.TimestampBytes()), RejectReason::kRollback);
  EXPECT_EQ(set.timestamp()->body.version, 1);
}

TEST_F(TrustedMetadataSetTest, RefusesAnExpiredTimestampAndEverythingAfterIt) {
  TrustedMetadataSet set = Load();
  repo_.timestamp.body.expires = TestNow();

  ExpectRejected(set.UpdateTimestamp(repo_.TimestampBytes()), RejectReason::kExpired);
  ExpectRejected(set.UpdateSnapshot(repo_.SnapshotBytes()), RejectReason::kExpired);
}

TEST_F(TrustedMetadataSetTest, RefusesATimestampOfAnotherSpecVersion) {
  TrustedMetadataSet set = Load();
  repo_.timestamp.body.spec_version = "2.0.0";

  ExpectRejected(set.UpdateTimestamp(repo_.TimestampBytes()), RejectReason::kSpecVersion);
}

TEST_F(TrustedMetadataSetTest, ToleratesUnknownFieldsInSignedMetadata) {
  TrustedMetadataSet set = Load();
  repo_.timestamp.body.unknown_fields["x-future"] = R"({"new":[1,2,3]})";
  repo_.timestamp.body.snapshot_meta.unknown_fields["x-size-hint"] = "12";

  Checked<UpdateOutcome> result = set.UpdateTimestamp(repo_.TimestampBytes());

  ASSERT_TRUE(result.has_value()) << result.error().message();
  EXPECT_EQ(set.timestamp()->body.unknown_fields.at("x-future"), R"({"new":[1,2,3]})");
}

// ---- Snapshot ----

TEST_F(TrustedMetadataSetTest, RefusesASnapshotThatDoesNotMatchTheTimestamp) {
  const std::string listed = repo_.SnapshotBytes();
  repo_.snapshot.body.unknown_fields["x"] = "1";  // Same version, other bytes.
  const std::string other = repo_.SnapshotBytes();
  TrustedMetadataSet set = Load();
  ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());

  ExpectRejected(set.UpdateSnapshot(listed + " "), RejectReason::kLengthMismatch);
  ExpectRejected(set.UpdateSnapshot(other.substr(0, listed.size())), RejectReason::kHashMismatch);
  EXPECT_EQ(set.snapshot(), nullptr);
  EXPECT_TRUE(set.UpdateSnapshot(listed).has_value());
}

TEST_F(TrustedMetadataSetTest, RefusesASnapshotWhoseVersionIsNotTheTimestamps) {
  // Mix-and-match: a validly signed snapshot of another version.
  const std::string version1 = repo_.SnapshotBytes();
  repo_.Bump("snapshot");
  const std::string version3 = [&] {
    repo_.Bump("snapshot");
    return repo_.SnapshotBytes();
  }();
  repo_.timestamp.body.snapshot_meta.version = 2;
  repo_.timestamp.body.snapshot_meta.length.reset();
  repo_.timestamp.body.snapshot_meta.hashes.clear();

  for (const auto& [bytes, reason] : {std::pair{version1, RejectReason::kRollback},
                                      std::pair{version3, RejectReason::kWrongVersion}}) {
    TrustedMetadataSet set = Load();
    ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());

    ExpectRejected(set.UpdateSnapshot(bytes), reason);
    ExpectRejected(set.UpdateTargets(repo_.TargetsBytes()), reason);
  }
}

TEST_F(TrustedMetadataSetTest, RefusesASnapshotWithoutTheSnapshotKeys) {
  TrustedMetadataSet set = Load();
  const std::string forged = Sign(repo_.snapshot, repo_.signers["targets"]);
  repo_.timestamp.body.snapshot_meta.hashes.clear();
  repo_.timestamp.body.snapshot_meta.length.reset();
  ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());

  ExpectRejected(set.UpdateSnapshot(forged), RejectReason::kThresholdNotMet);
}

TEST_F(TrustedMetadataSetTest, RefusesAnExpiredSnapshot) {
  repo_.snapshot.body.expires = TestNow() - std::chrono::seconds(1);
  repo_.Refresh();
  TrustedMetadataSet set = Load();
  ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());

  ExpectRejected(set.UpdateSnapshot(repo_.SnapshotBytes()), RejectReason::kExpired);
  ExpectRejected(set.UpdateTargets(repo_.TargetsBytes()), RejectReason::kExpired);
}

TEST_F(TrustedMetadataSetTest, UsesTheLocalSnapshotAsRollbackReference) {
  repo_.Delegate("targets", "apps", {"apps/*"});
  repo_.Bump("targets");
  repo_.Refresh();
  const std::string local_snapshot = repo_.SnapshotBytes();  // targets v2, apps listed.
  struct Case {
    const char* name;
    std::function<void()> change;
    RejectReason reason;
  };
  const Case cases[] = {
      {"targets version rolled back", [&] { repo_.snapshot.body.meta["targets.json"].version = 1; },
       RejectReason::kRollback},
      {"delegated role removed", [&] { repo_.snapshot.body.meta.erase("apps.json"); },
       RejectReason::kRemovedRole},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestRepository saved = repo_;
    c.change();
    repo_.Bump("snapshot");
    repo_.timestamp.body.snapshot_meta.version = repo_.snapshot.body.version;
    repo_.timestamp.body.snapshot_meta.length = repo_.SnapshotBytes().size();
    repo_.timestamp.body.snapshot_meta.hashes.clear();
    repo_.Bump("timestamp");
    TrustedMetadataSet set = Load();
    ASSERT_TRUE(set.UpdateTimestamp(repo_.TimestampBytes()).has_value());
    // The local copy is older than the timestamp's: kept as reference, not usable.
    ExpectRejected(set.UpdateSnapshot(local_snapshot, /*from_local_storage=*/true),
                   RejectReason::kRollback);

    ExpectRejected(set.UpdateSnapshot(repo_.SnapshotBytes()), c.reason);
    repo_ = saved;
  }
}

TEST_F(TrustedMetadataSetTest, RefusesSnapshotUpdatesAfterTargets) {
  TrustedMetadataSet set = LoadThroughSnapshot();
  ASSERT_TRUE(set.UpdateTargets(repo_.TargetsBytes()).has_value());

  ExpectRejected(set.UpdateSnapshot(repo_.SnapshotBytes()), RejectReason::kOutOfOrder);
  ExpectRejected(set.UpdateTimestamp(repo_.TimestampBytes()), RejectReason::kOutOfOrder);
}

// ---- Targets ----

TEST_F(TrustedMetadataSetTest, RefusesTargetsThatDoNotMatchTheSnapshot) {
  const std::string listed = repo_.TargetsBytes();
  repo_.AddTarget("targets", "evil.bin", "malware");  // Same version, other content.
  const std::string other = repo_.TargetsBytes();
  TrustedMetadataSet set = LoadThroughSnapshot();

  ExpectRejected(set.UpdateTargets(other), RejectReason::kLengthMismatch);
  ExpectRejected(set.UpdateTargets(other.substr(0, listed.size())), RejectReason::kHashMismatch);
  EXPECT_EQ(set.targets(), nullptr);
  EXPECT_TRUE(set.UpdateTargets(listed).has_value());
}

TEST_F(TrustedMetadataSetTest, RefusesTargetsOfAnotherVersionThanTheSnapshotLists) {
  // Mix-and-match: validly signed targets of another version than listed.
  const std::string version1 = repo_.TargetsBytes();
  repo_.Bump("targets");
  const std::string version2 = repo_.TargetsBytes();
  repo_.snapshot.body.meta["targets.json"] = MetaFile{2, std::nullopt, {}, {}};
  repo_.timestamp.body.snapshot_meta = MetaFile{1, std::nullopt, {}, {}};
  TrustedMetadataSet set = LoadThroughSnapshot();

  ExpectRejected(set.UpdateTargets(version1), RejectReason::kRollback);
  repo_.Bump("targets");
  ExpectRejected(set.UpdateTargets(repo_.TargetsBytes()), RejectReason::kWrongVersion);
  EXPECT_TRUE(set.UpdateTargets(version2).has_value());
}

TEST_F(TrustedMetadataSetTest, RefusesTargetsWithoutTheTargetsKeysOrExpired) {
  repo_.snapshot.body.meta["targets.json"] = MetaFile{1, std::nullopt, {}, {}};
  repo_.timestamp.body.snapshot_meta = MetaFile{1, std::nullopt, {}, {}};
  TrustedMetadataSet set = LoadThroughSnapshot();

  ExpectRejected(set.UpdateTargets(Sign(repo_.targets, repo_.signers["snapshot"])),
                 RejectReason::kThresholdNotMet);
  ExpectRejected(set.UpdateTargets(repo_.SnapshotBytes()), RejectReason::kWrongType);
  repo_.targets.body.expires = TestNow();
  ExpectRejected(set.UpdateTargets(repo_.TargetsBytes()), RejectReason::kExpired);
}

TEST_F(TrustedMetadataSetTest, RefusesTargetsBeforeASnapshot) {
  TrustedMetadataSet set = Load();

  ExpectRejected(set.UpdateTargets(repo_.TargetsBytes()), RejectReason::kOutOfOrder);
}

TEST_F(TrustedMetadataSetTest, VerifiesDelegatedRolesWithTheDelegatorsKeys) {
  repo_.Delegate("targets", "apps", {"apps/*"});
  repo_.Delegate("apps", "apps-extra", {"apps/*"});
  repo_.Refresh();
  TrustedMetadataSet set = LoadThroughSnapshot();

  ExpectRejected(set.UpdateDelegatedTargets(repo_.TargetsBytes("apps"), "apps", "targets"),
                 RejectReason::kOutOfOrder);  // "targets" not loaded yet.
  ASSERT_TRUE(set.UpdateTargets(repo_.TargetsBytes()).has_value());
  ExpectRejected(
      set.UpdateDelegatedTargets(repo_.TargetsBytes("apps-extra"), "apps-extra", "targets"),
      RejectReason::kUnknownRole);  // Not delegated by "targets".
  ExpectRejected(set.UpdateDelegatedTargets(Sign(repo_.delegated["apps"], repo_.signers["targets"]),
                                            "apps", "targets"),
                 RejectReason::kHashMismatch);
  ASSERT_TRUE(
      set.UpdateDelegatedTargets(repo_.TargetsBytes("apps"), "apps", "targets").has_value());
  ExpectRejected(set.UpdateDelegatedTargets(repo_.TargetsBytes("apps"), "apps", "targets"),
                 RejectReason::kOutOfOrder);  // Loaded once.
  EXPECT_TRUE(set.UpdateDelegatedTargets(repo_.TargetsBytes("apps-extra"), "apps-extra", "apps")
                  .has_value());
}

TEST_F(TrustedMetadataSetTest, RefusesADelegatedRoleSignedByTheWrongKeys) {
  repo_.Delegate("targets", "apps", {"apps/*"});
  repo_.signers["apps"] = repo_.signers["targets"];  // Signed by the parent's key instead.
  repo_.Refresh();
  TrustedMetadataSet set = LoadThroughSnapshot();
  ASSERT_TRUE(set.UpdateTargets(repo_.TargetsBytes()).has_value());

  ExpectRejected(set.UpdateDelegatedTargets(repo_.TargetsBytes("apps"), "apps", "targets"),
                 RejectReason::kThresholdNotMet);
}

TEST_F(TrustedMetadataSetTest, RefusesADelegatedRoleTheSnapshotDoesNotList) {
  repo_.Delegate("targets", "apps", {"apps/*"});
  repo_.Refresh();
  repo_.snapshot.body.meta.erase("apps.json");
  repo_.timestamp.body.snapshot_meta = MetaFile{1, std::nullopt, {}, {}};
  TrustedMetadataSet set = LoadThroughSnapshot();
  ASSERT_TRUE(set.UpdateTargets(repo_.TargetsBytes()).has_value());

  ExpectRejected(set.UpdateDelegatedTargets(repo_.TargetsBytes("apps"), "apps", "targets"),
                 RejectReason::kUnknownRole);
}

TEST_F(TrustedMetadataSetTest, AcceptsSuccinctHashBinRoles) {
  repo_.targets.body.delegations.emplace();
  const KeyPair bins_key = NewKey();
  repo_.targets.body.delegations->keys[bins_key.key_id()] = bins_key.public_key();
  repo_.targets.body.delegations->succinct_roles =
      SuccinctRoles{4, "bins", {bins_key.key_id()}, 1, {}};
  const std::string bin =
      SuccinctRoleForTarget(*repo_.targets.body.delegations->succinct_roles, "fw/a.bin");
  repo_.delegated[bin].body.expires = repo_.targets.body.expires;
  repo_.signers[bin] = {bins_key};
  repo_.AddTarget(bin, "fw/a.bin", "a");
  repo_.delegated["bins-x"].body.expires = repo_.targets.body.expires;
  repo_.signers["bins-x"] = {bins_key};
  repo_.Refresh();
  TrustedMetadataSet set = LoadThroughSnapshot();
  ASSERT_TRUE(set.UpdateTargets(repo_.TargetsBytes()).has_value());

  EXPECT_TRUE(set.UpdateDelegatedTargets(repo_.TargetsBytes(bin), bin, "targets").has_value());
  ExpectRejected(set.UpdateDelegatedTargets(repo_.TargetsBytes("bins-x"), "bins-x", "targets"),
                 RejectReason::kUnknownRole);
}

// ---- Fast-forward recovery (spec 5.3.11) ----

TEST_F(TrustedMetadataSetTest, DropsATimestampSignedByRotatedAwayKeys) {
  // The attacker who held the old timestamp key pushed timestamp v99.
  repo_.timestamp.body.version = 99;
  const std::string fast_forwarded = repo_.TimestampBytes();
  repo_.timestamp.body.version = 1;
  const std::string root_v1 = repo_.RootBytes();
  // The repository rotates the timestamp key in root v2.
  repo_.Bump("root");
  repo_.SetRoleKeys("timestamp", {NewKey()}, 1);
  Checked<TrustedMetadataSet> set = TrustedMetadataSet::Create(root_v1, clock_);
  ASSERT_TRUE(set.has_value());
  ASSERT_TRUE(set->UpdateRoot(repo_.RootBytes()).has_value());

  EXPECT_TRUE(set->timestamp_keys_rotated());
  EXPECT_FALSE(set->snapshot_keys_rotated());
  ExpectRejected(set->UpdateTimestamp(fast_forwarded), RejectReason::kThresholdNotMet);
  Checked<UpdateOutcome> recovered = set->UpdateTimestamp(repo_.TimestampBytes());
  ASSERT_TRUE(recovered.has_value()) << recovered.error().message();
  EXPECT_EQ(set->timestamp()->body.version, 1);
}

TEST_F(TrustedMetadataSetTest, KeepsTheRollbackReferenceWhenKeysDidNotRotate) {
  repo_.timestamp.body.version = 99;
  const std::string local = repo_.TimestampBytes();
  repo_.timestamp.body.version = 1;
  TrustedMetadataSet set = Load();

  ASSERT_TRUE(set.UpdateTimestamp(local).has_value());

  EXPECT_FALSE(set.timestamp_keys_rotated());
  ExpectRejected(set.UpdateTimestamp(repo_.TimestampBytes()), RejectReason::kRollback);
}

TEST_F(TrustedMetadataSetTest, ReportsRotatedSnapshotKeysAndThresholds) {
  Checked<TrustedMetadataSet> set = TrustedMetadataSet::Create(repo_.RootBytes(), clock_);
  ASSERT_TRUE(set.has_value());
  repo_.Bump("root");
  repo_.root.body.roles["snapshot"].threshold = 2;
  repo_.SetRoleKeys("snapshot", {repo_.signers["snapshot"][0], NewKey()}, 2);

  ASSERT_TRUE(set->UpdateRoot(repo_.RootBytes()).has_value());

  EXPECT_TRUE(set->snapshot_keys_rotated());
  EXPECT_FALSE(set->timestamp_keys_rotated());
}

}  // namespace
}  // namespace provisio::tuf
