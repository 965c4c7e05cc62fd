// The repository tool and the client together over loopback HTTP: what a
// manufacturer publishes, a device can verify and download.
#include "provisio/update/repository.h"

#include <atomic>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/files.h"
#include "provisio/tuf/keys.h"
#include "update/update_test_support.h"

namespace provisio::update {
namespace {

namespace fs = std::filesystem;
using testing::RepositoryFixture;

// File name -> contents of a directory (to show a failed publish changed nothing).
std::map<std::string, std::string> Snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    files[entry.path().filename().string()] = ReadFile(entry.path()).value_or("");
  }
  return files;
}

class RepositoryTest : public RepositoryFixture {};

TEST_F(RepositoryTest, PublishedTargetIsDownloadedAndVerifiedForEveryKeyType) {
  // RSA (slow key generation) is covered by tests/interop/tuf against tuf-js.
  for (tuf::KeyType type : {tuf::KeyType::kEd25519, tuf::KeyType::kEcdsaP256}) {
    SCOPED_TRACE(std::string(tuf::ToString(type)));
    fs::remove_all(repo_dir());
    fs::remove_all(temp_.path() / "client");
    RepositoryInitOptions options;
    options.key_type = type;
    Repository repository = InitRepository(options);
    AddTargetOptions add;
    add.name = "firmware/router-1.0.bin";
    add.custom.hardware_id = "router-a";
    add.custom.security_version = 3;
    ASSERT_TRUE(repository.AddTarget(MakeFile("fw.bin", "firmware one"), add).has_value());
    ASSERT_TRUE(repository.Publish().has_value());
    InitClient();

    Result<fs::path> file = Download("firmware/router-1.0.bin");

    ASSERT_TRUE(file.has_value()) << file.error().message();
    EXPECT_EQ(ReadFile(*file).value_or(""), "firmware one");
    for (const char* name : {"root.json", "timestamp.json", "snapshot.json", "targets.json"}) {
      EXPECT_TRUE(fs::exists(metadata_dir() / name)) << name;
    }
  }
}

TEST_F(RepositoryTest, StoresTrustedMetadataAsTheExactBytesServed) {
  Repository repository = InitRepository();
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();

  ASSERT_TRUE(Refresh().has_value());

  EXPECT_EQ(ReadFile(metadata_dir() / "timestamp.json").value_or("a"),
            ReadFile(repo_dir() / "metadata" / "timestamp.json").value_or("b"));
  EXPECT_EQ(ReadFile(metadata_dir() / "snapshot.json").value_or("a"),
            ReadFile(repo_dir() / "metadata" / "1.snapshot.json").value_or("b"));
}

TEST_F(RepositoryTest, DoesNotDownloadATargetThatIsAlreadyPresent) {
  Repository repository = InitRepository();
  ASSERT_TRUE(repository.AddTarget(MakeFile("a.txt", "alpha"), {}).has_value());
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();
  ASSERT_TRUE(Download("a.txt").has_value());
  const std::size_t before = server_.requests().size();

  Result<fs::path> again = Download("a.txt");

  ASSERT_TRUE(again.has_value()) << again.error().message();
  for (std::size_t i = before; i < server_.requests().size(); ++i) {
    EXPECT_EQ(server_.requests()[i].find("/targets/"), std::string::npos) << server_.requests()[i];
  }
}

TEST_F(RepositoryTest, FindsTargetsThroughDelegationsAndHashBins) {
  Repository repository = InitRepository();
  ASSERT_TRUE(repository.DelegateHashBins(16, 1, 1).has_value());
  std::map<std::string, std::string> files;
  for (int i = 0; i < 8; ++i) {
    files["pkg/file-" + std::to_string(i) + ".txt"] = "content " + std::to_string(i);
  }
  for (const auto& [name, content] : files) {
    AddTargetOptions add;
    add.name = name;
    Result<std::string> role = repository.AddTarget(MakeFile(name, content), add);
    ASSERT_TRUE(role.has_value()) << role.error().message();
    EXPECT_EQ(role->rfind("bin-", 0), 0u) << *role;
  }
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();

  for (const auto& [name, content] : files) {
    SCOPED_TRACE(name);
    Result<fs::path> file = Download(name);
    ASSERT_TRUE(file.has_value()) << file.error().message();
    EXPECT_EQ(ReadFile(*file).value_or(""), content);
  }
}

TEST_F(RepositoryTest, RoutesTargetsToTheDelegatedRoleThatMatchesTheirPath) {
  Repository repository = InitRepository();
  DelegationOptions delegation;
  delegation.paths = {"fw/*"};
  delegation.terminating = true;
  ASSERT_TRUE(repository.Delegate("firmware", delegation).has_value());
  AddTargetOptions in_fw;
  in_fw.name = "fw/image.bin";
  AddTargetOptions elsewhere;
  elsewhere.name = "docs/readme.txt";

  Result<std::string> fw_role = repository.AddTarget(MakeFile("image.bin", "img"), in_fw);
  Result<std::string> doc_role = repository.AddTarget(MakeFile("readme.txt", "doc"), elsewhere);
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();

  ASSERT_TRUE(fw_role.has_value());
  EXPECT_EQ(*fw_role, "firmware");
  EXPECT_EQ(*doc_role, "targets");
  EXPECT_TRUE(Download("fw/image.bin").has_value());
  EXPECT_TRUE(Download("docs/readme.txt").has_value());
  EXPECT_TRUE(fs::exists(metadata_dir() / "firmware.json"));
}

TEST_F(RepositoryTest, FailedPublishLeavesThePublishedRepositoryUnchanged) {
  RepositoryInitOptions options;
  options.key_counts["targets"] = 2;
  options.thresholds["targets"] = 2;
  Repository repository = InitRepository(options);
  ASSERT_TRUE(repository.Publish().has_value());
  const auto before = Snapshot(repo_dir() / "metadata");
  // Take one targets key offline.
  Result<std::string> staged_root = ReadFile(repo_dir() / "staged" / "root.json");
  ASSERT_TRUE(staged_root.has_value());
  auto root = tuf::ParseMetadata<tuf::Root>(*staged_root);
  ASSERT_TRUE(root.has_value());
  const std::string offline = root->body.roles["targets"].keyids[1];
  fs::rename(repo_dir() / "keys" / (offline + ".pem"), temp_.path() / "offline.pem");
  ASSERT_TRUE(repository.AddTarget(MakeFile("b.txt", "beta"), {}).has_value());

  Result<PublishResult> failed = repository.Publish();

  ASSERT_FALSE(failed.has_value());
  EXPECT_EQ(failed.error().code(), ErrorCode::kVerification);
  EXPECT_EQ(Snapshot(repo_dir() / "metadata"), before);

  // The offline key signs, then publishing works.
  Result<std::string> pem = ReadFile(temp_.path() / "offline.pem");
  Result<tuf::KeyPair> key = tuf::KeyPair::FromPrivateKeyPem(*pem);
  ASSERT_TRUE(key.has_value());
  ASSERT_TRUE(repository.Sign("targets", *key).has_value());
  Result<PublishResult> published = repository.Publish();
  ASSERT_TRUE(published.has_value()) << published.error().message();
  InitClient();
  EXPECT_TRUE(Download("b.txt").has_value());
}

TEST_F(RepositoryTest, PublishRenewsRolesBeforeTheyExpire) {
  Repository repository = InitRepository();
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();
  ASSERT_TRUE(Refresh().has_value());

  // 80 of targets' 90 days later nothing needs renewing yet; at 85 days
  // (inside the 9-day window) a plain publish renews targets.
  clock_.Advance(std::chrono::hours(24 * 80));
  Result<PublishResult> early = repository.Publish();
  ASSERT_TRUE(early.has_value()) << early.error().message();
  EXPECT_TRUE(early->published_roles.empty());
  clock_.Advance(std::chrono::hours(24 * 5));
  Result<PublishResult> renewed = repository.Publish();
  ASSERT_TRUE(renewed.has_value()) << renewed.error().message();
  EXPECT_EQ(renewed->published_roles, std::vector<std::string>{"targets"});
  EXPECT_TRUE(renewed->warnings.empty());

  // Past the old expiry a client still refreshes: the renewed role is valid.
  clock_.Advance(std::chrono::hours(24 * 6));
  ASSERT_TRUE(repository.Publish().has_value());
  EXPECT_TRUE(Refresh().has_value());
  // Root is renewed the same way near the end of its year.
  clock_.Advance(std::chrono::hours(24 * 249));  // day 340 of 365
  Result<PublishResult> late = repository.Publish();
  ASSERT_TRUE(late.has_value()) << late.error().message();
  EXPECT_EQ(late->root_version, 2);
  Result<void> refreshed = Refresh();
  EXPECT_TRUE(refreshed.has_value()) << refreshed.error().message();
}

TEST_F(RepositoryTest, PublishWarnsInsteadOfFailingWhenAnExpiringRoleHasOfflineKeys) {
  Repository repository = InitRepository();
  ASSERT_TRUE(repository.Publish().has_value());
  Result<std::string> staged_root = ReadFile(repo_dir() / "staged" / "root.json");
  ASSERT_TRUE(staged_root.has_value());
  auto root = tuf::ParseMetadata<tuf::Root>(*staged_root);
  ASSERT_TRUE(root.has_value());
  const std::string offline = root->body.roles["targets"].keyids[0];
  fs::rename(repo_dir() / "keys" / (offline + ".pem"), temp_.path() / "offline.pem");
  clock_.Advance(std::chrono::hours(24 * 85));

  Result<PublishResult> published = repository.Publish();

  ASSERT_TRUE(published.has_value()) << published.error().message();
  EXPECT_TRUE(published->published_roles.empty());
  ASSERT_EQ(published->warnings.size(), 1U);
  EXPECT_EQ(published->warnings[0].rfind("targets expires ", 0), 0U) << published->warnings[0];
}

TEST_F(RepositoryTest, KeepsPrivateKeysOwnerOnly) {
  InitRepository();

  std::size_t keys = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator(repo_dir() / "keys")) {
    ++keys;
    const fs::perms perms = fs::status(entry.path()).permissions();
    EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
  }
  EXPECT_EQ(keys, 4u);
}

TEST_F(RepositoryTest, RotatedRootIsAcceptedByAClientThatTrustsTheOldOne) {
  RepositoryInitOptions options;
  options.key_counts["root"] = 3;
  options.thresholds["root"] = 2;
  Repository repository = InitRepository(options);
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();
  ASSERT_TRUE(Refresh().has_value());

  ASSERT_TRUE(repository.RotateRoot(2, 2).has_value());
  Result<PublishResult> published = repository.Publish();

  ASSERT_TRUE(published.has_value()) << published.error().message();
  EXPECT_EQ(published->root_version, 2);
  ASSERT_TRUE(Refresh().has_value());
  Result<std::string> trusted = ReadFile(metadata_dir() / "root.json");
  EXPECT_EQ(trusted.value_or(""), ReadFile(repo_dir() / "metadata" / "2.root.json").value_or("x"));
}

TEST_F(RepositoryTest, RejectsUnsafeNames) {
  Repository repository = InitRepository();

  EXPECT_FALSE(repository.Delegate("../evil", {}).has_value());
  EXPECT_FALSE(repository.Delegate("root", {}).has_value());
  AddTargetOptions add;
  add.name = "../escape.bin";
  EXPECT_FALSE(repository.AddTarget(MakeFile("x", "x"), add).has_value());
}

TEST_F(RepositoryTest, RefusesTargetNamesThatTufJsWouldSortDifferently) {
  // U+FF5E sorts before U+1F600 by code point but after it by UTF-16 code
  // unit (0xFF5E > 0xD83D): tuf-js would canonicalize the role differently.
  const std::string bmp_high = "fw/\xEF\xBD\x9E.bin";
  const std::string astral = "fw/\xF0\x9F\x98\x80.bin";
  Repository repository = InitRepository();
  AddTargetOptions first;
  first.name = bmp_high;
  ASSERT_TRUE(repository.AddTarget(MakeFile("a", "a"), first).has_value());
  AddTargetOptions ascii;
  ascii.name = "fw/plain.bin";
  ASSERT_TRUE(repository.AddTarget(MakeFile("b", "b"), ascii).has_value());

  AddTargetOptions second;
  second.name = astral;
  Result<std::string> refused = repository.AddTarget(MakeFile("c", "c"), second);

  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.error().message().find("tuf-js"), std::string::npos);
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();
  EXPECT_TRUE(Download(bmp_high).has_value());
  EXPECT_FALSE(Download(astral).has_value());
}

TEST_F(RepositoryTest, BatchAddOfADirectoryListsEveryFileBelowIt) {
  const fs::path base = temp_.path() / "release";
  fs::create_directories(base / "fw" / "a");
  ASSERT_TRUE(WriteFileAtomically(base / "fw" / "a" / "one.bin", "one").has_value());
  ASSERT_TRUE(WriteFileAtomically(base / "fw" / "two.bin", "two").has_value());
  Repository repository = InitRepository();

  Result<std::size_t> added = repository.AddTargets({base / "fw"}, base);

  ASSERT_TRUE(added.has_value()) << added.error().message();
  EXPECT_EQ(*added, 2U);
  ASSERT_TRUE(repository.Publish().has_value());
  InitClient();
  Result<fs::path> file = Download("fw/a/one.bin");
  ASSERT_TRUE(file.has_value()) << file.error().message();
  EXPECT_EQ(ReadFile(*file).value_or(""), "one");
}

TEST_F(RepositoryTest, ConcurrentAddsFromSeparateHandlesKeepEveryTarget) {
  // Each thread opens the repository itself, as separate `repo add`
  // processes do; without the repository lock, later writes of the staged
  // targets role drop earlier threads' entries.
  InitRepository();
  constexpr int kWriters = 8;
  std::vector<fs::path> files;
  for (int i = 0; i < kWriters; ++i) {
    files.push_back(MakeFile("c" + std::to_string(i) + ".bin",
                             std::string(64 * 1024, static_cast<char>('a' + i))));
  }
  std::atomic<bool> go{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] {
      while (!go.load()) {
        std::this_thread::yield();
      }
      Result<Repository> repository = Repository::Open(repo_dir(), clock_);
      if (!repository || !repository->AddTarget(files[static_cast<std::size_t>(i)], {})) {
        ++failures;
      }
    });
  }
  go = true;
  for (std::thread& writer : writers) {
    writer.join();
  }

  ASSERT_EQ(failures.load(), 0);
  Result<Repository> repository = Repository::Open(repo_dir(), clock_);
  ASSERT_TRUE(repository.has_value());
  Result<RepositoryFacts> facts = repository->Describe();
  ASSERT_TRUE(facts.has_value()) << facts.error().message();
  EXPECT_EQ(facts->target_count, static_cast<std::size_t>(kWriters));
}

}  // namespace
}  // namespace provisio::update
