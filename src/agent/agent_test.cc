#include "provisio/agent/agent.h"

#include <unistd.h>

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"

namespace provisio::agent {
namespace {

namespace fs = std::filesystem;

// Serves images from memory; what it returns counts as verified.
class FakeUpdateSource final : public UpdateSource {
 public:
  void Publish(const std::string& version,
               std::uint64_t security_version,
               std::string hardware_id = "plug",
               bool security = false) {
    AvailableUpdate u;
    u.target_name = "fw-" + version + ".img";
    u.hardware_id = std::move(hardware_id);
    u.version = version;
    u.security_version = security_version;
    u.security_update = security;
    images_[u.target_name] = "image " + version;
    u.length = images_[u.target_name].size();
    u.sha256 = Sha256Hex(images_[u.target_name]);
    updates_.push_back(u);
  }
  void FailDownloads(bool fail) { fail_downloads_ = fail; }

  Result<std::vector<AvailableUpdate>> Refresh() override { return updates_; }
  Result<void> Download(const AvailableUpdate& update, const fs::path& destination) override {
    if (fail_downloads_) {
      return Fail(ErrorCode::kVerification, "hash mismatch for " + update.target_name);
    }
    return WriteFileAtomically(destination, images_.at(update.target_name));
  }

 private:
  std::vector<AvailableUpdate> updates_;
  std::map<std::string, std::string> images_;
  bool fail_downloads_ = false;
};

class ScriptedHealth final : public HealthCheck {
 public:
  Result<bool> Run(Slot, const SlotContents& contents) override {
    return unhealthy_version_ != contents.version;
  }
  std::string unhealthy_version_;
};

class RecordingEvents final : public EventSink {
 public:
  void Report(const AgentEvent& event) override { events.push_back(event); }
  bool Saw(const std::string& name) const {
    for (const AgentEvent& e : events) {
      if (e.event == name) {
        return true;
      }
    }
    return false;
  }
  std::vector<AgentEvent> events;
};

class AgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("provisio_agent_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.hardware_id = "plug";
    config_.slots = {dir_ / "slot-a.img", dir_ / "slot-b.img"};
    config_.state_dir = dir_ / "state";
    config_.anti_rollback_path = dir_ / "arc";
    config_.policy_path = dir_ / "policy.json";
    config_.max_boot_attempts = 2;
    ASSERT_TRUE(WriteFileAtomically(config_.slots.a, "image 1.0.0").has_value());
    counter_ = FileAntiRollbackCounter(config_.anti_rollback_path);
    agent_ = std::make_unique<Agent>(
        config_, AgentServices{clock_, source_, counter_, health_, events_, crash_});
    SlotContents factory;
    factory.version = "1.0.0";
    factory.security_version = 1;
    factory.target_name = "factory";
    ASSERT_TRUE(agent_->Initialize(Slot::kA, factory).has_value());
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Install, reboot and confirm; returns the confirm outcome.
  Result<std::string> InstallAndConfirm() {
    Result<std::string> installed = agent_->Install(true);
    if (!installed) {
      return installed;
    }
    Result<std::string> booted = agent_->Boot();
    if (!booted) {
      return booted;
    }
    return agent_->Confirm();
  }

  fs::path dir_;
  AgentConfig config_;
  FixedClock clock_{*ParseUtc("2026-03-01T12:00:00Z")};
  FakeUpdateSource source_;
  FileAntiRollbackCounter counter_{""};
  ScriptedHealth health_;
  RecordingEvents events_;
  NoCrashPoints crash_;
  std::unique_ptr<Agent> agent_;
};

TEST_F(AgentTest, InstallsIntoTheInactiveSlotAndCommitsAfterConfirmation) {
  source_.Publish("2.0.0", 2);

  Result<std::string> installed = agent_->Install(true);
  ASSERT_TRUE(installed.has_value()) << installed.error().message();
  DeviceState pending = *agent_->Status();
  EXPECT_TRUE(pending.pending.has_value());
  EXPECT_EQ(*ReadFile(config_.slots.b), "image 2.0.0");
  EXPECT_EQ(*ReadFile(config_.slots.a), "image 1.0.0");  // The running slot is untouched.
  ASSERT_TRUE(agent_->Boot().has_value());
  Result<std::string> confirmed = agent_->Confirm();

  ASSERT_TRUE(confirmed.has_value()) << confirmed.error().message();
  DeviceState state = *agent_->Status();
  EXPECT_EQ(state.confirmed, Slot::kB);
  EXPECT_EQ(state.booted, Slot::kB);
  EXPECT_FALSE(state.pending.has_value());
}

TEST_F(AgentTest, RefusesDowngradesAndOtherHardware) {
  source_.Publish("0.9.0", 1);
  source_.Publish("5.0.0", 9, "camera");

  Result<CheckResult> check = agent_->Check();

  ASSERT_TRUE(check.has_value()) << check.error().message();
  EXPECT_FALSE(check->candidate.has_value());
  EXPECT_EQ(check->rejections.size(), 1u);
  EXPECT_TRUE(events_.Saw("rejected"));
}

TEST_F(AgentTest, RefusesImagesBelowTheAntiRollbackCounter) {
  source_.Publish("3.0.0", 0);

  Result<CheckResult> check = agent_->Check();

  ASSERT_TRUE(check.has_value());
  EXPECT_FALSE(check->candidate.has_value());
  EXPECT_NE(check->summary.find("below the anti-rollback counter"), std::string::npos);
}

TEST_F(AgentTest, InstallAndRunFailWhenTheNewestUpdateIsRefused) {
  // `install` and `run --once` exit 1 on a refused update (docs/agent.md):
  // the library reports the refusal as a failure, not as a summary.
  struct Case {
    std::string version;
    std::uint64_t security_version;
    std::string why;
  };
  const std::vector<Case> cases = {{"3.0.0", 0, "below the anti-rollback counter"},
                                   {"0.9.0", 1, "downgrade refused"}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.version);
    source_ = FakeUpdateSource();
    source_.Publish(c.version, c.security_version);

    Result<std::string> installed = agent_->Install(false);
    Result<std::string> round = agent_->RunOnce();

    ASSERT_FALSE(installed.has_value()) << *installed;
    EXPECT_EQ(installed.error().code(), ErrorCode::kVerification);
    EXPECT_NE(installed.error().message().find(c.why), std::string::npos)
        << installed.error().message();
    ASSERT_FALSE(round.has_value()) << *round;
    EXPECT_EQ(round.error().code(), ErrorCode::kVerification);
    EXPECT_FALSE(agent_->Status()->pending.has_value());
  }
}

TEST_F(AgentTest, NothingNewIsNotAFailure) {
  source_.Publish("1.0.0", 1);
  source_.Publish("5.0.0", 9, "camera");

  Result<std::string> installed = agent_->Install(false);

  ASSERT_TRUE(installed.has_value()) << installed.error().message();
  EXPECT_NE(installed->find("up to date"), std::string::npos) << *installed;
}

TEST_F(AgentTest, FailedHealthCheckRollsBackAndKeepsTheCounter) {
  source_.Publish("2.0.0", 5);
  health_.unhealthy_version_ = "2.0.0";

  Result<std::string> confirmed = InstallAndConfirm();

  ASSERT_FALSE(confirmed.has_value());
  EXPECT_EQ(confirmed.error().code(), ErrorCode::kVerification);
  DeviceState state = *agent_->Status();
  EXPECT_EQ(state.confirmed, Slot::kA);
  EXPECT_EQ(state.booted, Slot::kA);
  EXPECT_FALSE(state.b.bootable);
  EXPECT_TRUE(events_.Saw("rolled-back"));
}

TEST_F(AgentTest, UnconfirmedSlotRollsBackAfterMaxBootAttempts) {
  source_.Publish("2.0.0", 2);
  ASSERT_TRUE(agent_->Install(true).has_value());

  ASSERT_TRUE(agent_->Boot().has_value());  // Trial 1: never confirmed.
  ASSERT_TRUE(agent_->Boot().has_value());  // Trial 2.
  Result<std::string> third = agent_->Boot();

  ASSERT_TRUE(third.has_value());
  EXPECT_NE(third->find("rolled back"), std::string::npos) << *third;
  EXPECT_EQ(agent_->Status()->booted, Slot::kA);
}

TEST_F(AgentTest, FailedDownloadMarksNothingBootable) {
  source_.Publish("2.0.0", 2);
  source_.FailDownloads(true);

  Result<std::string> installed = agent_->Install(true);

  ASSERT_FALSE(installed.has_value());
  DeviceState state = *agent_->Status();
  EXPECT_FALSE(state.pending.has_value());
  EXPECT_FALSE(state.b.bootable);
  EXPECT_TRUE(events_.Saw("rejected"));
}

TEST_F(AgentTest, PostponementHoldsFeatureUpdatesButNotSecurityUpdates) {
  UpdatePolicy policy;
  policy.postpone_until = *ParseUtc("2026-04-01T00:00:00Z");
  ASSERT_TRUE(SavePolicy(config_.policy_path, policy).has_value());
  source_.Publish("1.1.0", 1);

  Result<std::string> feature = agent_->Install(true);
  ASSERT_TRUE(feature.has_value());
  EXPECT_NE(feature->find("postponed"), std::string::npos) << *feature;
  EXPECT_FALSE(agent_->Status()->pending.has_value());

  source_.Publish("1.2.0", 2, "plug", true);
  Result<std::string> security = agent_->Install(true);
  ASSERT_TRUE(security.has_value());
  EXPECT_TRUE(agent_->Status()->pending.has_value()) << *security;
}

TEST_F(AgentTest, UserRollbackRespectsTheCounter) {
  source_.Publish("2.0.0", 2);
  ASSERT_TRUE(InstallAndConfirm().has_value());

  Result<std::string> rolled = agent_->Rollback();

  ASSERT_FALSE(rolled.has_value());
  EXPECT_NE(rolled.error().message().find("below the anti-rollback counter"), std::string::npos);
}

TEST(CompareVersionsTest, ComparesNumerically) {
  EXPECT_LT(CompareVersions("1.9.3", "1.10.0"), 0);
  EXPECT_EQ(CompareVersions("2.0.0", "2.0.0"), 0);
  EXPECT_GT(CompareVersions("10", "9"), 0);
  EXPECT_LT(CompareVersions("1.0.0-rc1", "1.0.0-rc2"), 0);
}

}  // namespace
}  // namespace provisio::agent

namespace provisio::agent {
namespace {

TEST_F(AgentTest, AnImageThatFailedItsTrialIsNotRetried) {
  source_.Publish("2.0.0", 2);
  health_.unhealthy_version_ = "2.0.0";
  ASSERT_FALSE(InstallAndConfirm().has_value());

  Result<CheckResult> check = agent_->Check();

  ASSERT_TRUE(check.has_value());
  EXPECT_FALSE(check->candidate.has_value());
  ASSERT_EQ(check->rejections.size(), 1u);
  EXPECT_NE(check->rejections[0].find("failed its trial boot"), std::string::npos);
}

}  // namespace
}  // namespace provisio::agent
