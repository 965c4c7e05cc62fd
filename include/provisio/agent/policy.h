// The user's say over updates (EN 303 645 5.3-x): automatic updates are on
// by default; the user can switch them off, postpone them until a time or
// into a daily maintenance window, or ask only to be notified. Security
// updates are told apart from feature updates: a postponement of feature
// releases never holds back a security fix.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::agent {

struct MaintenanceWindow {
  int start_minute = 0;  // Minutes after 00:00 UTC.
  int end_minute = 0;    // May be smaller than start (window crosses midnight).
};

struct UpdatePolicy {
  bool automatic = true;                    // Install updates without asking.
  bool notify_only = false;                 // Tell the user about updates, install nothing.
  std::optional<TimePoint> postpone_until;  // Feature updates wait until then.
  std::optional<MaintenanceWindow> window;  // Feature updates only inside it.
};

enum class PolicyDecision { kInstall, kPostpone, kNotifyOnly, kDisabled };

struct PolicyOutcome {
  PolicyDecision decision = PolicyDecision::kInstall;
  std::string reason;
};

// Decides what to do now with an available update.
PolicyOutcome DecideUpdate(const UpdatePolicy& policy, bool security_update, TimePoint now);

// Policy file (JSON). A missing file is the default policy.
Result<UpdatePolicy> LoadPolicy(const std::filesystem::path& path);
Result<void> SavePolicy(const std::filesystem::path& path, const UpdatePolicy& policy);
std::string PolicyToJson(const UpdatePolicy& policy);

// Parses "HH:MM-HH:MM" (UTC). Fails with kParse.
Result<MaintenanceWindow> ParseWindow(std::string_view text);
std::string FormatWindow(const MaintenanceWindow& window);

}  // namespace provisio::agent
