// Where library code gets randomness. Production passes OsRandom (the kernel
// CSPRNG); tests pass a scripted fake so that every output is predictable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "provisio/core/result.h"

namespace provisio {

class RandomSource {
 public:
  virtual ~RandomSource() = default;

  // Fills `out` with random bytes. Fails with kIo if the source is exhausted
  // or unavailable.
  virtual Result<void> Fill(std::span<std::uint8_t> out) = 0;

  // Returns a uniformly distributed value in [0, bound) without modulo bias
  // (rejection sampling over Fill()). REQUIRES: bound > 0.
  Result<std::uint32_t> Uniform(std::uint32_t bound);
};

// Reads the kernel CSPRNG through getrandom(2).
class OsRandom final : public RandomSource {
 public:
  Result<void> Fill(std::span<std::uint8_t> out) override;
};

}  // namespace provisio
