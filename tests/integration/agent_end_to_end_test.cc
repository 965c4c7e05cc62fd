// The device agent end to end: a repository made by `provisio update repo`,
// served on loopback, and the real provisio-agent program run as a child
// process (so it can be killed with SIGKILL at every step).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/run.h"
#include "provisio/agent/agent.h"
#include "provisio/core/files.h"
#include "provisio/core/sha256.h"
#include "update/testing/loopback_server.h"

namespace provisio {
namespace {

namespace fs = std::filesystem;

struct ProgramResult {
  int status = -1;  // Exit status, or 128 + signal.
  std::string out;
  std::string err;
};

// Runs the provisio-agent binary with `args`, capturing output.
ProgramResult RunAgent(const fs::path& work,
                       const std::vector<std::string>& args,
                       const std::string& kill_at = "") {
  const fs::path out_file = work / "agent.out";
  const fs::path err_file = work / "agent.err";
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<std::string> argv = {PROVISIO_BINARY_DIR "/src/agent/provisio-agent", "-c",
                                     (work / "agent.json").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    std::vector<char*> ptrs;
    for (std::string& a : argv) {
      ptrs.push_back(a.data());
    }
    ptrs.push_back(nullptr);
    if (!kill_at.empty()) {
      ::setenv("PROVISIO_AGENT_KILL_AT", kill_at.c_str(), 1);
    } else {
      ::unsetenv("PROVISIO_AGENT_KILL_AT");
    }
    if (!std::freopen(out_file.c_str(), "w", stdout) ||
        !std::freopen(err_file.c_str(), "w", stderr)) {
      ::_exit(126);
    }
    ::execv(ptrs[0], ptrs.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  ProgramResult result;
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(out_file).value_or("");
  result.err = ReadFile(err_file).value_or("");
  return result;
}

int RunProvisio(std::vector<std::string> args) {
  std::vector<const char*> argv = {"provisio"};
  for (const std::string& a : args) {
    argv.push_back(a.c_str());
  }
  std::ostringstream out;
  std::ostringstream err;
  const int status = cli::Run(static_cast<int>(argv.size()), argv.data(), out, err);
  EXPECT_EQ(status, 0) << err.str();
  return status;
}

class AgentEndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("provisio_agent_e2e_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
    repo_ = root_ / "repo";
    RunProvisio({"update", "repo", "init", repo_.string()});
    server_ = std::make_unique<update::testing::LoopbackServer>(repo_);
    ASSERT_TRUE(server_->Start().has_value());
  }
  void TearDown() override {
    server_.reset();
    fs::remove_all(root_);
  }

  // Adds an image for `hardware` and publishes the repository.
  void Publish(const std::string& version,
               int security_version,
               const std::string& hardware = "plug") {
    const fs::path image = root_ / ("fw-" + hardware + "-" + version + ".img");
    ASSERT_TRUE(WriteFileAtomically(image, "firmware " + hardware + " " + version + "\n"));
    RunProvisio({"update", "repo", "add", repo_.string(), image.string(), "--name",
                 "fw/" + image.filename().string(), "--hardware-id", hardware, "--version", version,
                 "--security-version", std::to_string(security_version)});
    RunProvisio({"update", "repo", "publish", repo_.string()});
  }

  // A fresh device in `work` running 1.0.0 (security version 1) in slot a.
  fs::path MakeDevice(const std::string& name, const std::string& failing_version = "") {
    const fs::path work = root_ / name;
    fs::create_directories(work);
    EXPECT_TRUE(WriteFileAtomically(work / "slot-a.img", "factory image 1.0.0\n"));
    fs::path trusted_root = repo_ / "metadata" / "1.root.json";
    if (!fs::exists(trusted_root)) {
      trusted_root = repo_ / "metadata" / "root.json";
    }
    nlohmann::json config = {
        {"metadata_url", server_->base_url() + "/metadata"},
        {"targets_url", server_->base_url() + "/targets"},
        {"metadata_dir", "trust"},
        {"trusted_root", trusted_root.string()},
        {"hardware_id", "plug"},
        {"slots", {{"a", "slot-a.img"}, {"b", "slot-b.img"}}},
        {"state_dir", "state"},
        {"anti_rollback_path", "arc"},
        {"max_boot_attempts", 2},
        {"health_check",
         {"/bin/sh", "-c", "test \"$PROVISIO_VERSION\" != '" + failing_version + "'"}}};
    EXPECT_TRUE(WriteFileAtomically(work / "agent.json", config.dump(2)));
    ProgramResult init = RunAgent(
        work, {"init", "--slot", "a", "--image-version", "1.0.0", "--security-version", "1"});
    EXPECT_EQ(init.status, 0) << init.err;
    return work;
  }

  nlohmann::json Status(const fs::path& work) {
    ProgramResult status = RunAgent(work, {"status", "--json"});
    EXPECT_EQ(status.status, 0) << status.err;
    return nlohmann::json::parse(status.out, nullptr, false);
  }

  // The slot the device runs holds exactly the image its state records.
  void ExpectOnVerifiedBootableSlot(const fs::path& work) {
    nlohmann::json state = Status(work);
    ASSERT_TRUE(state.is_object());
    const std::string booted = state["booted"];
    const nlohmann::json& slot = state["slots"][booted];
    EXPECT_TRUE(slot["bootable"].get<bool>()) << state.dump();
    const std::string contents = *ReadFile(work / ("slot-" + booted + ".img"));
    EXPECT_EQ(Sha256Hex(contents.substr(0, slot["length"].get<std::size_t>())),
              slot["sha256"].get<std::string>())
        << state.dump();
  }

  std::string RunningVersion(const fs::path& work) {
    nlohmann::json state = Status(work);
    return state["slots"][state["booted"].get<std::string>()]["version"];
  }

  void InstallBootConfirm(const fs::path& work, int expected_confirm = 0) {
    ProgramResult install = RunAgent(work, {"install"});
    ASSERT_EQ(install.status, 0) << install.err;
    ProgramResult boot = RunAgent(work, {"boot"});
    ASSERT_EQ(boot.status, 0) << boot.err;
    ProgramResult confirm = RunAgent(work, {"confirm"});
    ASSERT_EQ(confirm.status, expected_confirm) << confirm.out << confirm.err;
  }

  fs::path root_;
  fs::path repo_;
  std::unique_ptr<update::testing::LoopbackServer> server_;
};

TEST_F(AgentEndToEndTest, InstallsUpdatesAndRefusesWhatItMust) {
  Publish("1.1.0", 1);
  const fs::path device = MakeDevice("device", "3.0.0");

  ProgramResult round = RunAgent(device, {"run", "--once"});
  ASSERT_EQ(round.status, 0) << round.err;
  ASSERT_EQ(RunAgent(device, {"boot"}).status, 0);
  ASSERT_EQ(RunAgent(device, {"run", "--once"}).status, 0);  // Confirms the trial boot.
  EXPECT_EQ(RunningVersion(device), "1.1.0");

  Publish("2.0.0", 2);
  InstallBootConfirm(device);
  EXPECT_EQ(RunningVersion(device), "2.0.0");
  EXPECT_EQ(Status(device)["anti_rollback_counter"], 2);

  // A newer version number with an older security version is a downgrade.
  Publish("2.1.0", 1);
  // Refused: exit 1, as the help and docs/agent.md say.
  ProgramResult downgrade = RunAgent(device, {"install"});
  EXPECT_EQ(downgrade.status, 1);
  EXPECT_NE(downgrade.err.find("below the anti-rollback counter"), std::string::npos)
      << downgrade.err;
  EXPECT_TRUE(Status(device)["pending"].is_null());

  // A tampered image on the mirror is refused and nothing is marked bootable.
  Publish("2.2.0", 2);
  for (const auto& entry : fs::recursive_directory_iterator(repo_ / "targets")) {
    if (entry.path().filename().string().find("2.2.0") != std::string::npos) {
      ASSERT_TRUE(WriteFileAtomically(entry.path(), "firmware plug 2.2.0 TAMPERED\n"));
    }
  }
  ProgramResult tampered = RunAgent(device, {"install"});
  EXPECT_EQ(tampered.status, 1);
  EXPECT_TRUE(Status(device)["pending"].is_null());
  EXPECT_EQ(RunningVersion(device), "2.0.0");
  EXPECT_NE(ReadFile(device / "state" / "agent.log")->find("\"rejected\""), std::string::npos);

  // An image for other hardware is never a candidate.
  Publish("9.0.0", 9, "camera");
  Publish("2.3.0", 2);
  ProgramResult check = RunAgent(device, {"check"});
  EXPECT_NE(check.out.find("2.3.0 available"), std::string::npos) << check.out << check.err;
  InstallBootConfirm(device);
  EXPECT_EQ(RunningVersion(device), "2.3.0");

  // 3.0.0 fails its health check: rolled back, counter unchanged.
  Publish("3.0.0", 3);
  InstallBootConfirm(device, 1);
  EXPECT_EQ(RunningVersion(device), "2.3.0");
  EXPECT_EQ(Status(device)["anti_rollback_counter"], 2);
  ExpectOnVerifiedBootableSlot(device);

  // The evidence record comes from the real configuration and a self-test.
  ProgramResult evidence =
      RunAgent(device, {"evidence", "--out", (device / "evidence.json").string()});
  ASSERT_EQ(evidence.status, 0) << evidence.err;
  const std::string record = *ReadFile(device / "evidence.json");
  EXPECT_NE(record.find("\"self_test\": \"running slot"), std::string::npos) << record;
  EXPECT_EQ(record.find("\"outcome\": \"fail\""), std::string::npos) << record;
}

TEST_F(AgentEndToEndTest, PostponementHoldsFeatureUpdatesButNotSecurityUpdates) {
  Publish("1.0.0", 1);
  const fs::path device = MakeDevice("device");
  ASSERT_EQ(RunAgent(device, {"policy", "set", "--postpone-until", "2099-01-01T00:00:00Z"}).status,
            0);

  Publish("1.1.0", 1);  // Same security version: a feature update.
  ProgramResult feature = RunAgent(device, {"run", "--once"});
  EXPECT_EQ(feature.status, 0) << feature.err;
  EXPECT_NE(feature.out.find("postponed"), std::string::npos) << feature.out;
  EXPECT_TRUE(Status(device)["pending"].is_null());

  Publish("1.2.0", 2);  // Raises the security version: a security update.
  ProgramResult security = RunAgent(device, {"run", "--once"});
  EXPECT_EQ(security.status, 0) << security.err;
  EXPECT_FALSE(Status(device)["pending"].is_null()) << security.out;
}

TEST_F(AgentEndToEndTest, SurvivesAKillAtEveryStep) {
  Publish("1.1.0", 2);
  for (const std::string& step : agent::AllCrashPoints()) {
    SCOPED_TRACE(step);
    const bool rollback_step = step == "rollback-saved";
    const fs::path device = MakeDevice("device-" + step, rollback_step ? "1.1.0" : "");
    const std::vector<std::vector<std::string>> pipeline = {{"install"}, {"boot"}, {"confirm"}};

    bool killed = false;
    for (const auto& command : pipeline) {
      ProgramResult result = RunAgent(device, command, step);
      if (result.status == 128 + SIGKILL) {
        killed = true;
        break;
      }
    }
    EXPECT_TRUE(killed) << "never reached " << step;

    // Power comes back: the bootloader runs, the device is on a good slot.
    ASSERT_EQ(RunAgent(device, {"boot"}).status, 0);
    ExpectOnVerifiedBootableSlot(device);

    // And the update completes (or, for the failing image, stays rolled back).
    for (int round = 0; round < 4; ++round) {
      RunAgent(device, {"run", "--once"});
      RunAgent(device, {"boot"});
    }
    RunAgent(device, {"run", "--once"});
    ExpectOnVerifiedBootableSlot(device);
    EXPECT_EQ(RunningVersion(device), rollback_step ? "1.0.0" : "1.1.0");
  }
}

}  // namespace
}  // namespace provisio
