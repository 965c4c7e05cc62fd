// The device agent's configuration file (JSON; docs/agent.md): where updates
// come from, what the device trusts, its slots, and how it is allowed to
// update. JSON rather than YAML so the device program links no YAML parser.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::agent {

struct SlotLayout {
  // Each slot is a file or block-device path. The running slot is never written.
  std::filesystem::path a;
  std::filesystem::path b;
};

struct NotifyTargets {
  // Executed (no shell) with the event as JSON on stdin and in PROVISIO_EVENT.
  std::vector<std::string> command;
  // Receives the event as a JSON POST body.
  std::string http_url;
};

struct AgentConfig {
  std::string metadata_url;  // TUF metadata base URL.
  std::string targets_url;   // TUF targets base URL.
  // TUF trust anchor: the trusted metadata folder. It lives outside both
  // slots, so rolling back a slot never undoes a root rotation.
  std::filesystem::path metadata_dir;
  // Initial root.json, copied into metadata_dir on first use only.
  std::filesystem::path trusted_root;
  std::string hardware_id;  // Targets for other hardware are refused.
  SlotLayout slots;
  std::filesystem::path state_dir;           // device state, downloads, log
  std::filesystem::path anti_rollback_path;  // file-backed security counter
  std::vector<std::string> health_check;     // argv; exit 0 = healthy
  int max_boot_attempts = 3;                 // Unconfirmed boots of a new slot before rollback.
  std::chrono::seconds check_interval{6 * 3600};
  std::chrono::seconds check_jitter{15 * 60};
  std::uint64_t max_target_bytes = 4ull << 30;
  NotifyTargets notify;
  std::filesystem::path policy_path;  // default: state_dir / "policy.json"
};

// Reads and validates the configuration. Errors name file:line:col and the
// field, e.g. "agent.json:4:3: 'hardware_id' must be a non-empty string".
// Relative paths are resolved against the configuration file's folder.
Result<AgentConfig> LoadAgentConfig(const std::filesystem::path& path);

// Parses configuration text; `base_dir` resolves relative paths.
Result<AgentConfig> ParseAgentConfig(std::string_view text,
                                     std::string_view source_name,
                                     const std::filesystem::path& base_dir);

}  // namespace provisio::agent
