// Fixed-width unsigned integers read from raw image bytes in a stated byte
// order, for the firmware format readers (uImage, TRX, JFFS2, UBI, UBIFS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace provisio::firmware {

// The bytes of `data` from `offset` as unsigned char, for C libraries
// (zlib, LZO) and CRCs that take them that way.
// REQUIRES: offset <= data.size().
inline const unsigned char* UnsignedBytes(std::string_view data, std::size_t offset = 0) {
  return reinterpret_cast<const unsigned char*>(data.data()) + offset;
}

// The Load* functions read the integer stored at `offset` in `data`. They do
// not check bounds: REQUIRES: offset + width <= data.size(), where width is
// the integer's size in bytes (2, 4 or 8).

inline std::uint16_t LoadBe16(std::string_view data, std::size_t offset) {
  const unsigned char* p = UnsignedBytes(data, offset);
  return static_cast<std::uint16_t>((std::uint32_t{p[0]} << 8) | std::uint32_t{p[1]});
}

inline std::uint32_t LoadBe32(std::string_view data, std::size_t offset) {
  const unsigned char* p = UnsignedBytes(data, offset);
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         std::uint32_t{p[3]};
}

inline std::uint64_t LoadBe64(std::string_view data, std::size_t offset) {
  return (std::uint64_t{LoadBe32(data, offset)} << 32) | LoadBe32(data, offset + 4);
}

inline std::uint16_t LoadLe16(std::string_view data, std::size_t offset) {
  const unsigned char* p = UnsignedBytes(data, offset);
  return static_cast<std::uint16_t>(std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8));
}

inline std::uint32_t LoadLe32(std::string_view data, std::size_t offset) {
  const unsigned char* p = UnsignedBytes(data, offset);
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}

inline std::uint64_t LoadLe64(std::string_view data, std::size_t offset) {
  return std::uint64_t{LoadLe32(data, offset)} | (std::uint64_t{LoadLe32(data, offset + 4)} << 32);
}

}  // namespace provisio::firmware
