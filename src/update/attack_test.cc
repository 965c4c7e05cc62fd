// End-to-end attacks from the TUF threat model against UpdateClient over
// loopback HTTP: a repository published with Repository, then a server that
// lies (scripted answers) or metadata re-signed by the test with the
// repository's own keys where an attack needs valid signatures.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"
#include "provisio/tuf/keys.h"
#include "provisio/tuf/metadata.h"
#include "update/update_test_support.h"

namespace provisio::update {
namespace {

namespace fs = std::filesystem;
using testing::Behaviour;
using testing::RepositoryFixture;
using tuf::RejectReason;

class AttackTest : public RepositoryFixture {
 protected:
  // Publishes a repository with one target and lets the client trust it.
  void PublishAndTrust(const RepositoryInitOptions& options = {}) {
    repository_.emplace(InitRepository(options));
    AddTargetOptions add;
    add.name = "fw/image.bin";
    ASSERT_TRUE(repository_->AddTarget(MakeFile("image.bin", "genuine firmware"), add));
    ASSERT_TRUE(repository_->Publish().has_value());
    InitClient();
    ASSERT_TRUE(Refresh().has_value());
  }

  void Republish() {
    clock_.Advance(std::chrono::seconds(60));
    ASSERT_TRUE(repository_->AddTarget(MakeFile("n.txt", "n" + std::to_string(++counter_)), {}));
    ASSERT_TRUE(repository_->Publish().has_value());
  }

  std::string Published(const std::string& name) {
    return ReadFile(repo_dir() / "metadata" / name).value_or("");
  }

  template <typename T>
  tuf::Metadata<T> Parse(const std::string& bytes) {
    auto parsed = tuf::ParseMetadata<T>(bytes);
    PROVISIO_CHECK(parsed.has_value());
    return *parsed;
  }

  // The repository's private keys for a top-level role.
  std::vector<tuf::KeyPair> KeysOf(const std::string& role) {
    tuf::Metadata<tuf::Root> root = Parse<tuf::Root>(Published("root.json"));
    std::vector<tuf::KeyPair> keys;
    for (const std::string& keyid : root.body.roles[role].keyids) {
      Result<std::string> pem = ReadFile(repo_dir() / "keys" / (keyid + ".pem"));
      PROVISIO_CHECK(pem.has_value());
      Result<tuf::KeyPair> key = tuf::KeyPair::FromPrivateKeyPem(*pem);
      PROVISIO_CHECK(key.has_value());
      keys.push_back(*key);
    }
    return keys;
  }

  template <typename T>
  std::string Sign(tuf::Metadata<T> metadata, const std::vector<tuf::KeyPair>& keys) {
    metadata.signatures.clear();
    metadata.raw_bytes.clear();
    metadata.signed_encodings.clear();
    for (const tuf::KeyPair& key : keys) {
      PROVISIO_CHECK(tuf::SignMetadata(metadata, key).has_value());
    }
    return tuf::SerializeMetadata(metadata);
  }

  // A timestamp (next version) that names `snapshot_bytes` as `version`.
  std::string TimestampFor(const std::string& snapshot_bytes, std::int64_t version) {
    auto timestamp = Parse<tuf::Timestamp>(Published("timestamp.json"));
    timestamp.body.version += 1;
    timestamp.body.snapshot_meta.version = version;
    timestamp.body.snapshot_meta.length = snapshot_bytes.size();
    timestamp.body.snapshot_meta.hashes = {{"sha256", Sha256Hex(snapshot_bytes)}};
    return Sign(timestamp, KeysOf("timestamp"));
  }

  // Expects a fresh client's refresh to fail for `reason` and the trusted
  // metadata files to stay as they were.
  void ExpectRefreshRejected(RejectReason reason, bool timestamp_may_change = false) {
    const std::string trusted_timestamp = ReadFile(metadata_dir() / "timestamp.json").value_or("");
    const std::string trusted_snapshot = ReadFile(metadata_dir() / "snapshot.json").value_or("");
    auto fetcher = Fetcher();
    UpdateClient client(ClientOptions(), *fetcher, clock_);

    Result<void> refreshed = client.Refresh();

    ASSERT_FALSE(refreshed.has_value());
    ASSERT_TRUE(client.last_rejection().has_value()) << refreshed.error().message();
    EXPECT_EQ(*client.last_rejection(), reason) << refreshed.error().message();
    if (!timestamp_may_change) {
      EXPECT_EQ(ReadFile(metadata_dir() / "timestamp.json").value_or(""), trusted_timestamp);
    }
    EXPECT_EQ(ReadFile(metadata_dir() / "snapshot.json").value_or(""), trusted_snapshot);
  }

  std::optional<Repository> repository_;
  int counter_ = 0;
};

TEST_F(AttackTest, RejectsMetadataWithABadSignature) {
  PublishAndTrust();
  auto timestamp = Parse<tuf::Timestamp>(Published("timestamp.json"));
  timestamp.body.version += 5;  // Changed after signing: the signature no longer covers it.
  server_.Script("/metadata/timestamp.json", Behaviour::Body(tuf::SerializeMetadata(timestamp)));

  ExpectRefreshRejected(RejectReason::kBadSignature);
}

TEST_F(AttackTest, RejectsMetadataSignedByAnUnknownKey) {
  PublishAndTrust();
  auto timestamp = Parse<tuf::Timestamp>(Published("timestamp.json"));
  timestamp.body.version += 1;
  Result<tuf::KeyPair> attacker = tuf::KeyPair::Generate(tuf::KeyType::kEd25519);
  ASSERT_TRUE(attacker.has_value());
  server_.Script("/metadata/timestamp.json", Behaviour::Body(Sign(timestamp, {*attacker})));

  ExpectRefreshRejected(RejectReason::kThresholdNotMet);
}

TEST_F(AttackTest, RejectsTargetsBelowThresholdEvenWithDuplicatedSignatures) {
  RepositoryInitOptions options;
  options.key_counts["targets"] = 2;
  options.thresholds["targets"] = 2;
  PublishAndTrust(options);
  auto targets = Parse<tuf::Targets>(Published("1.targets.json"));
  targets.body.version = 2;
  const std::vector<tuf::KeyPair> keys = KeysOf("targets");
  tuf::Metadata<tuf::Targets> signed_once = Parse<tuf::Targets>(Sign(targets, {keys[0]}));
  // The same key's signature twice must count once.
  signed_once.signatures.push_back(signed_once.signatures.front());
  signed_once.raw_bytes.clear();
  const std::string targets_bytes = tuf::SerializeMetadata(signed_once);
  auto snapshot = Parse<tuf::Snapshot>(Published("1.snapshot.json"));
  snapshot.body.version = 2;
  snapshot.body.meta["targets.json"] = tuf::MetaFile{2, targets_bytes.size(), {}, {}};
  const std::string snapshot_bytes = Sign(snapshot, KeysOf("snapshot"));
  server_.Script("/metadata/2.targets.json", Behaviour::Body(targets_bytes));
  server_.Script("/metadata/2.snapshot.json", Behaviour::Body(snapshot_bytes));
  server_.Script("/metadata/timestamp.json", Behaviour::Body(TimestampFor(snapshot_bytes, 2)));

  auto fetcher = Fetcher();
  UpdateClient client(ClientOptions(), *fetcher, clock_);
  Result<void> refreshed = client.Refresh();

  ASSERT_FALSE(refreshed.has_value());
  ASSERT_TRUE(client.last_rejection().has_value());
  EXPECT_TRUE(*client.last_rejection() == RejectReason::kThresholdNotMet ||
              *client.last_rejection() == RejectReason::kMalformed)
      << refreshed.error().message();
  EXPECT_NE(ReadFile(metadata_dir() / "targets.json").value_or(""), targets_bytes);
}

TEST_F(AttackTest, RejectsARollbackOfTheTimestamp) {
  PublishAndTrust();
  const std::string old_timestamp = Published("timestamp.json");
  Republish();
  ASSERT_TRUE(Refresh().has_value());
  server_.Script("/metadata/timestamp.json", Behaviour::Body(old_timestamp));

  ExpectRefreshRejected(RejectReason::kRollback);
}

TEST_F(AttackTest, RejectsARollbackOfTheSnapshot) {
  PublishAndTrust();
  const std::string old_snapshot = Published("1.snapshot.json");
  Republish();
  ASSERT_TRUE(Refresh().has_value());
  // A validly signed timestamp that points back at snapshot version 1.
  server_.Script("/metadata/timestamp.json", Behaviour::Body(TimestampFor(old_snapshot, 1)));

  ExpectRefreshRejected(RejectReason::kRollback);
}

TEST_F(AttackTest, RejectsARollbackOfTargets) {
  PublishAndTrust();
  Republish();
  ASSERT_TRUE(Refresh().has_value());
  auto snapshot = Parse<tuf::Snapshot>(Published("2.snapshot.json"));
  snapshot.body.version = 3;
  snapshot.body.meta["targets.json"] =
      Parse<tuf::Snapshot>(Published("1.snapshot.json")).body.meta["targets.json"];
  const std::string snapshot_bytes = Sign(snapshot, KeysOf("snapshot"));
  server_.Script("/metadata/3.snapshot.json", Behaviour::Body(snapshot_bytes));
  server_.Script("/metadata/timestamp.json", Behaviour::Body(TimestampFor(snapshot_bytes, 3)));

  // The new timestamp is genuine and may be kept; the snapshot must not be.
  ExpectRefreshRejected(RejectReason::kRollback, /*timestamp_may_change=*/true);
}

TEST_F(AttackTest, RejectsARollbackOfTheRoot) {
  PublishAndTrust();
  ASSERT_TRUE(repository_->RotateRoot(1, 1).has_value());
  ASSERT_TRUE(repository_->Publish().has_value());
  ASSERT_TRUE(Refresh().has_value());
  // Version 3 is served with the (validly signed) version-2 content.
  server_.Script("/metadata/3.root.json", Behaviour::Body(Published("2.root.json")));

  ExpectRefreshRejected(RejectReason::kRollback);
}

TEST_F(AttackTest, RejectsMetadataFrozenPastItsExpiry) {
  PublishAndTrust();
  clock_.Advance(std::chrono::hours(25));  // Timestamps last one day.

  ExpectRefreshRejected(RejectReason::kExpired);
}

TEST_F(AttackTest, RecoversFromAnExpiredLocalRootThroughARefresh) {
  RepositoryInitOptions options;
  options.expiry.root = std::chrono::hours(48);
  PublishAndTrust(options);
  clock_.Advance(std::chrono::hours(72));
  ASSERT_TRUE(Refresh().has_value() == false);  // Root and timestamp have expired.

  ASSERT_TRUE(repository_->RotateRoot(1, 1).has_value());
  ASSERT_TRUE(repository_->Publish().has_value());
  Result<void> refreshed = Refresh();

  ASSERT_TRUE(refreshed.has_value()) << refreshed.error().message();
  EXPECT_EQ(ReadFile(metadata_dir() / "root.json").value_or(""), Published("2.root.json"));
}

TEST_F(AttackTest, RejectsMixAndMatchOfTargetsFromAnotherSnapshot) {
  PublishAndTrust();
  const std::string old_targets = Published("1.targets.json");
  Republish();
  server_.Script("/metadata/2.targets.json", Behaviour::Body(old_targets));

  auto fetcher = Fetcher();
  UpdateClient client(ClientOptions(), *fetcher, clock_);
  Result<void> refreshed = client.Refresh();

  ASSERT_FALSE(refreshed.has_value());
  ASSERT_TRUE(client.last_rejection().has_value()) << refreshed.error().message();
  EXPECT_TRUE(*client.last_rejection() == RejectReason::kLengthMismatch ||
              *client.last_rejection() == RejectReason::kWrongVersion ||
              *client.last_rejection() == RejectReason::kHashMismatch)
      << refreshed.error().message();
}

TEST_F(AttackTest, StopsEndlessMetadataAtTheConfiguredMaximum) {
  PublishAndTrust();
  server_.Script("/metadata/timestamp.json", Behaviour::Endless());
  auto fetcher = Fetcher();
  UpdateClient client(ClientOptions(), *fetcher, clock_);

  Result<void> refreshed = client.Refresh();

  ASSERT_FALSE(refreshed.has_value());
  EXPECT_EQ(refreshed.error().code(), ErrorCode::kVerification) << refreshed.error().message();
}

TEST_F(AttackTest, StopsAnEndlessTargetAtItsListedLength) {
  PublishAndTrust();
  auto fetcher = Fetcher();
  UpdateClient client(ClientOptions(), *fetcher, clock_);
  Result<std::optional<TargetInfo>> info = client.GetTargetInfo("fw/image.bin");
  ASSERT_TRUE(info.has_value() && info->has_value());
  const std::string remote = "/targets/fw/" + (*info)->file.hashes.at("sha256") + ".image.bin";
  server_.Script(remote, Behaviour::Endless());

  Result<fs::path> file = client.DownloadTarget(**info);

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kVerification);
  EXPECT_TRUE(fs::is_empty(target_dir()));
}

TEST_F(AttackTest, GivesUpOnASlowRetrievalWithinTheTimeouts) {
  PublishAndTrust();
  server_.Script("/metadata/timestamp.json",
                 Behaviour::Trickle(Published("timestamp.json"), std::chrono::milliseconds(400)));
  CurlFetcherOptions slow_guard;
  slow_guard.low_speed_limit = 100;
  slow_guard.low_speed_time = std::chrono::seconds(1);
  auto fetcher = Fetcher(slow_guard);
  UpdateClient client(ClientOptions(), *fetcher, clock_);
  const auto start = std::chrono::steady_clock::now();

  Result<void> refreshed = client.Refresh();

  ASSERT_FALSE(refreshed.has_value());
  EXPECT_EQ(refreshed.error().code(), ErrorCode::kNetwork);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST_F(AttackTest, RejectsATargetFromAMaliciousMirror) {
  struct Case {
    const char* name;
    std::string body;
  };
  const Case cases[] = {{"wrong hash", "GENUINE FIRMWARE"},  // Same length.
                        {"too short", "genuine"},
                        {"too long", "genuine firmware plus a backdoor"}};
  PublishAndTrust();
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    auto fetcher = Fetcher();
    UpdateClient client(ClientOptions(), *fetcher, clock_);
    Result<std::optional<TargetInfo>> info = client.GetTargetInfo("fw/image.bin");
    ASSERT_TRUE(info.has_value() && info->has_value());
    server_.Script("/targets/fw/" + (*info)->file.hashes.at("sha256") + ".image.bin",
                   Behaviour::Body(c.body));

    Result<fs::path> file = client.DownloadTarget(**info);

    ASSERT_FALSE(file.has_value());
    EXPECT_EQ(file.error().code(), ErrorCode::kVerification) << file.error().message();
    EXPECT_FALSE(fs::exists(target_dir()) && !fs::is_empty(target_dir()));
  }
}

TEST_F(AttackTest, RejectsARootRotationNotSignedByTheOldRootKeys) {
  PublishAndTrust();
  auto root = Parse<tuf::Root>(Published("1.root.json"));
  root.body.version = 2;
  Result<tuf::KeyPair> attacker = tuf::KeyPair::Generate(tuf::KeyType::kEd25519);
  ASSERT_TRUE(attacker.has_value());
  root.body.keys[attacker->key_id()] = attacker->public_key();
  root.body.roles["root"].keyids = {attacker->key_id()};
  server_.Script("/metadata/2.root.json", Behaviour::Body(Sign(root, {*attacker})));

  ExpectRefreshRejected(RejectReason::kThresholdNotMet);
}

TEST_F(AttackTest, HandlesHostileDelegatedRoleNamesSafely) {
  for (const std::string role : {"?", "#", "/delegatedrole", "../delegatedrole"}) {
    SCOPED_TRACE(role);
    fs::remove_all(repo_dir());
    fs::remove_all(temp_.path() / "client");
    PublishAndTrust();
    Result<tuf::KeyPair> role_key = tuf::KeyPair::Generate(tuf::KeyType::kEd25519);
    ASSERT_TRUE(role_key.has_value());
    auto targets = Parse<tuf::Targets>(Published("1.targets.json"));
    targets.body.version = 2;
    tuf::Delegations delegations;
    delegations.keys[role_key->key_id()] = role_key->public_key();
    tuf::DelegatedRole delegated;
    delegated.name = role;
    delegated.keyids = {role_key->key_id()};
    delegated.paths = std::vector<std::string>{"*"};
    delegations.roles.push_back(delegated);
    targets.body.delegations = delegations;
    tuf::Metadata<tuf::Targets> role_metadata;
    role_metadata.body.expires = testing::TestNow() + std::chrono::hours(24 * 30);
    const std::string targets_bytes = Sign(targets, KeysOf("targets"));
    const std::string role_bytes = Sign(role_metadata, {*role_key});
    auto snapshot = Parse<tuf::Snapshot>(Published("1.snapshot.json"));
    snapshot.body.version = 2;
    snapshot.body.meta["targets.json"] = tuf::MetaFile{2, targets_bytes.size(), {}, {}};
    snapshot.body.meta[role + ".json"] = tuf::MetaFile{1, role_bytes.size(), {}, {}};
    const std::string snapshot_bytes = Sign(snapshot, KeysOf("snapshot"));
    server_.Script("/metadata/2.targets.json", Behaviour::Body(targets_bytes));
    server_.Script("/metadata/1." + role + ".json", Behaviour::Body(role_bytes));
    server_.Script("/metadata/2.snapshot.json", Behaviour::Body(snapshot_bytes));
    server_.Script("/metadata/timestamp.json", Behaviour::Body(TimestampFor(snapshot_bytes, 2)));
    auto fetcher = Fetcher();
    UpdateClient client(ClientOptions(), *fetcher, clock_);

    Result<std::optional<TargetInfo>> info = client.GetTargetInfo("nonexistent target");

    ASSERT_TRUE(info.has_value()) << info.error().message();
    EXPECT_FALSE(info->has_value());
    EXPECT_EQ(server_.CountRequests("/metadata/1." + role + ".json"), 1u);
    EXPECT_TRUE(fs::exists(metadata_dir() / (PercentEncode(role) + ".json")));
    std::size_t files = 0;
    for (const fs::directory_entry& entry :
         fs::recursive_directory_iterator(temp_.path() / "client")) {
      files += entry.is_regular_file() ? 1u : 0u;
    }
    EXPECT_EQ(files, 5u);  // root, timestamp, snapshot, targets, the role: nothing elsewhere.
    server_.ClearScript("/metadata/1." + role + ".json");
    for (const char* path :
         {"/metadata/2.targets.json", "/metadata/2.snapshot.json", "/metadata/timestamp.json"}) {
      server_.ClearScript(path);
    }
  }
}

}  // namespace
}  // namespace provisio::update
