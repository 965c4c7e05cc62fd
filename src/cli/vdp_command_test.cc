#include "cli/vdp_command.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "provisio/core/files.h"

namespace provisio::cli {
namespace {

namespace fs = std::filesystem;

class VdpCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("provisio-vdp-cli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  fs::path dir_;
  FixedClock clock_{TimePoint{std::chrono::sys_days{std::chrono::year{2026} / 11 / 28}}};
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(VdpCommandTest, InitRenderCheckRoundTrip) {
  ASSERT_EQ(RunVdpInit({.dir = dir_.string()}, out_, err_), kExitOk) << err_.str();
  VdpRenderOptions render;
  render.policy_path = (dir_ / "vdp.yaml").string();
  render.out_dir = (dir_ / "public").string();

  const int rendered = RunVdpRender(render, clock_, out_, err_);

  ASSERT_EQ(rendered, kExitOk) << err_.str();
  EXPECT_TRUE(fs::exists(dir_ / "public/policy.html"));
  EXPECT_TRUE(fs::exists(dir_ / "public/policy.md"));
  VdpCheckOptions check;
  check.file = (dir_ / "public/security.txt").string();
  check.url = "https://example.com/.well-known/security.txt";
  std::ostringstream check_out;
  EXPECT_EQ(RunVdpCheck(check, clock_, check_out, err_), kExitOk) << check_out.str();
  EXPECT_NE(check_out.str().find(": valid (0 errors, 0 warnings; unsigned, LF line endings)"),
            std::string::npos)
      << check_out.str();
}

TEST_F(VdpCommandTest, InitRefusesToOverwriteWithoutForce) {
  ASSERT_EQ(RunVdpInit({.dir = dir_.string()}, out_, err_), kExitOk);

  const int again = RunVdpInit({.dir = dir_.string()}, out_, err_);
  const int forced = RunVdpInit({.dir = dir_.string(), .force = true}, out_, err_);

  EXPECT_EQ(again, kExitFailure);
  EXPECT_NE(err_.str().find("already exists"), std::string::npos);
  EXPECT_EQ(forced, kExitOk);
}

TEST_F(VdpCommandTest, CheckReportsFindingsWithLineNumbersAndExitsThree) {
  const fs::path file = dir_ / "security.txt";
  ASSERT_TRUE(
      WriteFileAtomically(file, "Contact: http://example.com/\nExpires: 2020-01-01T00:00:00Z\n")
          .has_value());
  VdpCheckOptions check;
  check.file = file.string();

  const int status = RunVdpCheck(check, clock_, out_, err_);

  EXPECT_EQ(status, kExitFindings);
  EXPECT_NE(
      out_.str().find(file.string() + ":1: error: Contact: web URIs must begin with https://"),
      std::string::npos)
      << out_.str();
  EXPECT_NE(out_.str().find(file.string() + ":2: error: the file expired on 2020-01-01T00:00:00Z"),
            std::string::npos)
      << out_.str();
}

TEST_F(VdpCommandTest, CheckJsonListsFindingsAndFields) {
  const fs::path file = dir_ / "security.txt";
  ASSERT_TRUE(WriteFileAtomically(file, "Contact: mailto:a@b.example\n").has_value());
  VdpCheckOptions check;
  check.file = file.string();
  check.json = true;

  const int status = RunVdpCheck(check, clock_, out_, err_);

  EXPECT_EQ(status, kExitFindings);
  EXPECT_NE(out_.str().find("\"code\": \"expires-missing\""), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("\"value\": \"mailto:a@b.example\""), std::string::npos);
}

TEST_F(VdpCommandTest, CheckOfAMissingFileExitsOne) {
  VdpCheckOptions check;
  check.file = (dir_ / "nope.txt").string();

  EXPECT_EQ(RunVdpCheck(check, clock_, out_, err_), kExitFailure);
  EXPECT_EQ(out_.str(), "");
  EXPECT_NE(err_.str().find("provisio vdp check: cannot read"), std::string::npos);
}

TEST_F(VdpCommandTest, RenderOfAnInvalidPolicyFailsWithItsPosition) {
  const fs::path policy = dir_ / "vdp.yaml";
  ASSERT_TRUE(
      WriteFileAtomically(policy, "organization: A\ncontacts: [http://x.example]\n").has_value());
  VdpRenderOptions render;
  render.policy_path = policy.string();
  render.out_dir = (dir_ / "out").string();

  EXPECT_EQ(RunVdpRender(render, clock_, out_, err_), kExitFailure);
  EXPECT_NE(err_.str().find("vdp.yaml:2:"), std::string::npos) << err_.str();
  EXPECT_FALSE(fs::exists(dir_ / "out/security.txt"));
}

}  // namespace
}  // namespace provisio::cli
