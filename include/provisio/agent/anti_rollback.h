// The device's anti-rollback counter: the lowest security_version it will
// still install. It only ever moves up, and only after a new slot confirmed
// itself. On real hardware this maps to a TPM NV counter or OTP fuses
// (docs/agent.md); FileAntiRollbackCounter is the file-backed form for
// development boards and tests.
#pragma once

#include <cstdint>
#include <filesystem>

#include "provisio/core/result.h"

namespace provisio::agent {

class AntiRollbackCounter {
 public:
  virtual ~AntiRollbackCounter() = default;

  // Returns the current value. Fails with kVerification if the stored value
  // is corrupt (the agent then refuses to install anything), kNotFound if the
  // counter was never created.
  virtual Result<std::uint64_t> Read() = 0;

  // Raises the counter to `value`. Lower or equal values leave it unchanged,
  // so the call is idempotent across a crash and retry.
  virtual Result<void> Advance(std::uint64_t value) = 0;
};

// Stores "value + SHA-256 check" in one file, replaced atomically, so a torn
// or edited file is detected rather than read as a smaller number.
class FileAntiRollbackCounter final : public AntiRollbackCounter {
 public:
  explicit FileAntiRollbackCounter(std::filesystem::path path) : path_(std::move(path)) {}

  // Creates the counter at `value` if it does not exist yet; fails with
  // kConflict if it already does.
  Result<void> Create(std::uint64_t value);

  Result<std::uint64_t> Read() override;
  Result<void> Advance(std::uint64_t value) override;

 private:
  Result<void> Write(std::uint64_t value);

  std::filesystem::path path_;
};

}  // namespace provisio::agent
