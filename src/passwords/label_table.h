// Unbiased mapping of random bytes to label characters, shared by
// GeneratePassword and UniqueGenerator. PRIVATE to src/passwords.
#pragma once

#include <array>
#include <cstdint>

#include "provisio/passwords/generator.h"

namespace provisio::passwords::internal {

inline constexpr std::uint32_t kLabelAlphabetSize =
    static_cast<std::uint32_t>(kLabelAlphabet.size());

// Bytes below this (224 = 4 x 56) are accepted; the incomplete last block
// 224..255 is rejected, so each character comes from exactly 4 byte values.
inline constexpr std::uint32_t kLabelByteLimit = 256 - (256 % kLabelAlphabetSize);

// kLabelCharForByte[b] is kLabelAlphabet[b % 56] for b < 224 and '\0' (draw
// again) for the rest. The alphabet holds no '\0', so '\0' marks rejection.
inline constexpr std::array<char, 256> kLabelCharForByte = [] {
  std::array<char, 256> table{};
  for (std::uint32_t b = 0; b < kLabelByteLimit; ++b) {
    table[b] = kLabelAlphabet[b % kLabelAlphabetSize];
  }
  return table;
}();

// Appends label characters to out[*filled..length) from bytes[*next..size),
// skipping rejected bytes; advances both. Branch-free per byte.
inline void MapLabelBytes(const std::uint8_t* bytes,
                          std::size_t size,
                          std::size_t* next,
                          char* out,
                          std::size_t length,
                          std::size_t* filled) {
  std::size_t i = *next;
  std::size_t k = *filled;
  while (k < length && i < size) {
    const char c = kLabelCharForByte[bytes[i++]];
    out[k] = c;
    k += c != '\0' ? 1 : 0;
  }
  *next = i;
  *filled = k;
}

}  // namespace provisio::passwords::internal
