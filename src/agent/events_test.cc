#include "provisio/agent/events.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "provisio/core/files.h"

namespace provisio::agent {
namespace {

namespace fs = std::filesystem;

class EventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("provisio_events_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
  FixedClock clock_{*ParseUtc("2026-05-01T10:00:00Z")};
};

TEST_F(EventsTest, LogsOneJsonLinePerEvent) {
  LoggingEventSink sink(dir_ / "agent.log", {}, clock_, nullptr);

  sink.Report({"rejected", "bad signature", {{"target", "fw.img"}}, false});
  sink.Report({"installed", "ok", {}, false});

  const std::string log = *ReadFile(dir_ / "agent.log");
  EXPECT_EQ(log,
            "{\"event\":\"rejected\",\"reason\":\"bad signature\",\"target\":\"fw.img\","
            "\"time\":\"2026-05-01T10:00:00Z\"}\n"
            "{\"event\":\"installed\",\"reason\":\"ok\",\"time\":\"2026-05-01T10:00:00Z\"}\n");
}

TEST_F(EventsTest, NotifyCommandReceivesTheEventOnlyWhenAsked) {
  NotifyTargets notify;
  notify.command = {"/bin/sh", "-c", "cat >> \"$0\"", (dir_ / "notified").string()};
  LoggingEventSink sink(dir_ / "agent.log", notify, clock_, nullptr);

  sink.Report({"installed", "quiet", {}, false});
  sink.Report({"rolled-back", "health check failed", {{"version", "3.0.0"}}, true});

  const std::string notified = *ReadFile(dir_ / "notified");
  EXPECT_NE(notified.find("\"rolled-back\""), std::string::npos) << notified;
  EXPECT_EQ(notified.find("quiet"), std::string::npos) << notified;
}

TEST_F(EventsTest, AFailingHookIsLoggedAndDoesNotStopTheAgent) {
  NotifyTargets notify;
  notify.command = {"/bin/false"};
  notify.http_url = "http://127.0.0.1:1/unreachable";
  LoggingEventSink sink(dir_ / "agent.log", notify, clock_, nullptr);

  sink.Report({"rejected", "rollback attempt", {}, true});

  const std::string log = *ReadFile(dir_ / "agent.log");
  EXPECT_NE(log.find("notify command exited with 1"), std::string::npos) << log;
  EXPECT_NE(log.find("notify POST failed"), std::string::npos) << log;
}

TEST(RunProgramTest, ReportsExitStatusAndMissingPrograms) {
  EXPECT_EQ(*RunProgram({"/bin/sh", "-c", "exit 7"}, "", {}, 10), 7);
  EXPECT_EQ(*RunProgram({"/nonexistent/program"}, "", {}, 10), 127);
  EXPECT_EQ(*RunProgram({"/bin/sh", "-c", "test \"$X\" = y"}, "", {{"X", "y"}}, 10), 0);
}

}  // namespace
}  // namespace provisio::agent
