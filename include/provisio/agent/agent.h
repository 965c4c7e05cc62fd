// The device side of EN 303 645 5.3: keeps the software current without ever
// bricking the device or accepting a downgrade.
//
// Install pipeline: refresh verified metadata -> choose the newest target for
// this hardware id -> refuse it if its security_version is below the
// anti-rollback counter or its version is not newer than the running one ->
// download and verify length and hashes -> mark the inactive slot unbootable,
// write it, fsync, verify it again -> mark it pending. At the next boot the
// pending slot gets a trial; Confirm() runs the health check and only then
// raises the anti-rollback counter and makes the slot the confirmed one. A
// slot not confirmed within max_boot_attempts boots is rolled back.
//
// Every state change is one atomic file replacement, ordered so that a power
// cut at any point leaves the device on a verified, bootable slot.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/agent/anti_rollback.h"
#include "provisio/agent/config.h"
#include "provisio/agent/device_state.h"
#include "provisio/agent/events.h"
#include "provisio/agent/policy.h"
#include "provisio/agent/update_source.h"
#include "provisio/core/clock.h"

namespace provisio::agent {

// Decides whether a freshly booted slot works.
class HealthCheck {
 public:
  virtual ~HealthCheck() = default;
  // True when healthy. Fails only when the check itself cannot run.
  virtual Result<bool> Run(Slot slot, const SlotContents& contents) = 0;
};

// Runs the configured command; exit status 0 means healthy. The command gets
// PROVISIO_SLOT, PROVISIO_SLOT_PATH and PROVISIO_VERSION in its environment.
class CommandHealthCheck final : public HealthCheck {
 public:
  CommandHealthCheck(std::vector<std::string> argv, SlotLayout slots)
      : argv_(std::move(argv)), slots_(std::move(slots)) {}
  Result<bool> Run(Slot slot, const SlotContents& contents) override;

 private:
  std::vector<std::string> argv_;
  SlotLayout slots_;
};

// Fault injection for the crash-safety tests: Reached() is called after each
// durable step. The production program uses EnvironmentCrashPoints, which
// kills the process with SIGKILL at the step named in PROVISIO_AGENT_KILL_AT
// and does nothing when the variable is unset.
class CrashPoints {
 public:
  virtual ~CrashPoints() = default;
  virtual void Reached(std::string_view step) = 0;
};

class NoCrashPoints final : public CrashPoints {
 public:
  void Reached(std::string_view) override {}
};

class EnvironmentCrashPoints final : public CrashPoints {
 public:
  EnvironmentCrashPoints();
  void Reached(std::string_view step) override;

 private:
  std::string kill_at_;
};

// The crash points in pipeline order, for tests that kill at each.
const std::vector<std::string>& AllCrashPoints();

struct AgentServices {
  const Clock& clock;
  UpdateSource& source;
  AntiRollbackCounter& counter;
  HealthCheck& health;
  EventSink& events;
  CrashPoints& crash;
};

struct CheckResult {
  std::optional<AvailableUpdate> candidate;  // Acceptable and newer than running.
  std::string summary;                       // "up to date", "2.0.0 available", ...
  std::vector<std::string> rejections;       // Targets refused, with reasons.
  // The newest target for this hardware was refused (older than the running
  // version, or its security_version is below the anti-rollback counter).
  bool refused = false;
  bool security_update = false;
};

class Agent {
 public:
  Agent(AgentConfig config, AgentServices services)
      : config_(std::move(config)), services_(services) {}

  // First start: records the factory image in `running` and creates the
  // anti-rollback counter at its security version. Fails with kConflict if
  // the device is already initialised.
  Result<void> Initialize(Slot running, const SlotContents& factory_image);

  Result<DeviceState> Status() const;

  // Self-test: hashes the running slot and compares it with the image the
  // state records. Returns a description of the check; fails with
  // kVerification when the slot does not hold the recorded image.
  Result<std::string> VerifyRunningSlot() const;

  // Refreshes metadata and picks an acceptable update; installs nothing.
  Result<CheckResult> Check();

  // Installs the candidate into the inactive slot and marks it pending.
  // With `respect_policy`, the user's policy may postpone or forbid it
  // (returns the reason); without, the user asked explicitly. Returns a
  // summary when there is nothing newer; fails with kVerification when the
  // newest target was refused (CheckResult::refused) or fails verification.
  Result<std::string> Install(bool respect_policy);

  // The (simulated) bootloader at power-on: gives a pending slot a trial
  // boot, or rolls back when it used up its attempts.
  Result<std::string> Boot();

  // Runs the health check on a trial-booted slot and commits it; a failing
  // check rolls back at once. Fails with kVerification when rolled back.
  Result<std::string> Confirm();

  // Returns to the other slot on the user's request, if it holds a bootable
  // image the anti-rollback counter still allows.
  Result<std::string> Rollback();

  // One round of the service loop: confirm a trial boot, then check and
  // install as the policy allows.
  Result<std::string> RunOnce();

 private:
  Result<DeviceState> LoadState() const;
  Result<void> Save(DeviceState& state, std::string last_event);
  Result<void> WriteSlot(Slot slot, const std::filesystem::path& image, std::uint64_t length);
  Result<std::string> RollBackPending(DeviceState& state, const std::string& why);
  void Report(std::string event,
              std::string reason,
              std::map<std::string, std::string> fields,
              bool notify);

  AgentConfig config_;
  AgentServices services_;
};

}  // namespace provisio::agent
