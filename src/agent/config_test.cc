#include "provisio/agent/config.h"

#include <gtest/gtest.h>

namespace provisio::agent {
namespace {

constexpr const char* kValid = R"({
  "metadata_url": "http://127.0.0.1:8080/metadata",
  "targets_url": "http://127.0.0.1:8080/targets",
  "metadata_dir": "trust",
  "hardware_id": "plug-v1",
  "slots": {"a": "slot-a.img", "b": "slot-b.img"},
  "state_dir": "state",
  "anti_rollback_path": "/var/lib/provisio/arc",
  "health_check": ["/usr/bin/true"],
  "max_boot_attempts": 2
})";

TEST(ParseAgentConfigTest, ReadsSettingsAndResolvesRelativePaths) {
  Result<AgentConfig> config = ParseAgentConfig(kValid, "agent.json", "/etc/provisio");

  ASSERT_TRUE(config.has_value()) << config.error().message();
  EXPECT_EQ(config->hardware_id, "plug-v1");
  EXPECT_EQ(config->slots.a, "/etc/provisio/slot-a.img");
  EXPECT_EQ(config->anti_rollback_path, "/var/lib/provisio/arc");
  EXPECT_EQ(config->policy_path, "/etc/provisio/state/policy.json");
  EXPECT_EQ(config->max_boot_attempts, 2);
}

TEST(ParseAgentConfigTest, ErrorsNameTheFieldAndPosition) {
  struct Case {
    const char* name;
    std::string from;
    std::string to;
    const char* message;
  };
  const Case cases[] = {
      {"empty hardware id", "\"plug-v1\"", "\"\"", "agent.json:5:3: 'hardware_id'"},
      {"bad url", "http://127.0.0.1:8080/metadata", "ftp://x",
       "agent.json:2:3: 'ftp://x' must be an http"},
      {"unknown slot", "\"b\": \"slot-b.img\"", "\"c\": \"slot-b.img\"",
       "agent.json:6:32: unknown setting 'c' in 'slots'"},
      {"same slots", "\"slot-b.img\"", "\"slot-a.img\"", "are the same path"},
      {"attempts range", "\"max_boot_attempts\": 2", "\"max_boot_attempts\": 0",
       "'max_boot_attempts' must be an integer from 1"},
      {"unknown key", "\"max_boot_attempts\"", "\"max_boot_atempts\"",
       "agent.json:10:3: unknown setting 'max_boot_atempts'"},
      {"bad json", "\"slots\": {", "\"slots\": [", "agent.json:6:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string text = kValid;
    text.replace(text.find(c.from), c.from.size(), c.to);

    Result<AgentConfig> config = ParseAgentConfig(text, "agent.json", "/etc/provisio");

    ASSERT_FALSE(config.has_value());
    EXPECT_NE(config.error().message().find(c.message), std::string::npos)
        << config.error().message();
  }
}

}  // namespace
}  // namespace provisio::agent
