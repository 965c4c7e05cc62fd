// What the device knows about its two slots, persisted as one JSON file that
// is replaced atomically, so a power cut leaves either the old or the new
// state and never a mixture.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::agent {

enum class Slot { kA, kB };
std::string_view ToString(Slot slot);  // "a" or "b"
inline Slot Other(Slot slot) {
  return slot == Slot::kA ? Slot::kB : Slot::kA;
}

struct SlotContents {
  bool bootable = false;  // Holds a verified image.
  std::string target_name;
  std::string version;
  std::uint64_t security_version = 0;
  std::string sha256;
  std::uint64_t length = 0;
};

// A verified image written to the inactive slot and waiting to prove itself.
struct PendingUpdate {
  Slot slot = Slot::kB;
  int boot_attempts = 0;  // Boots of `slot` so far without confirmation.
};

struct DeviceState {
  Slot confirmed = Slot::kA;  // The slot the bootloader falls back to.
  Slot booted = Slot::kA;     // The slot running now.
  SlotContents a;
  SlotContents b;
  std::optional<PendingUpdate> pending;
  std::string last_event;  // One line: what happened last, for `status`.
  // SHA-256 of images that failed their trial; never installed again.
  std::vector<std::string> failed_images;

  SlotContents& contents(Slot slot) { return slot == Slot::kA ? a : b; }
  const SlotContents& contents(Slot slot) const { return slot == Slot::kA ? a : b; }
};

// Reads the state file; kNotFound if the device was never initialised.
Result<DeviceState> LoadDeviceState(const std::filesystem::path& path);

// Replaces the state file atomically.
Result<void> SaveDeviceState(const std::filesystem::path& path, const DeviceState& state);

// JSON form, also used by `provisio-agent status --json`.
std::string DeviceStateToJson(const DeviceState& state, int indent = 2);

}  // namespace provisio::agent
