// Our own parsers for the two firmware headers no packaged library reads:
// U-Boot legacy uImage and Broadcom TRX. Both only look at the bytes they
// are given; they never read past `data` and never allocate per input byte.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::firmware {

// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320) as zlib computes it
// when `state` starts at 0 and the result is final-xored; CrcUpdate is the
// raw register update (no pre/post inversion).
std::uint32_t CrcUpdate(std::uint32_t state, std::string_view data);
std::uint32_t Crc32(std::string_view data);

inline constexpr std::uint32_t kUImageMagic = 0x27051956;
inline constexpr std::size_t kUImageHeaderSize = 64;

enum class UImageCompression { kNone, kGzip, kBzip2, kLzma, kLzo, kLz4, kZstd, kUnknown };

struct UImageHeader {
  std::uint32_t header_crc = 0;
  std::uint32_t time = 0;
  std::uint32_t data_size = 0;
  std::uint32_t load_address = 0;
  std::uint32_t entry_point = 0;
  std::uint32_t data_crc = 0;
  std::uint8_t os = 0;
  std::uint8_t arch = 0;
  std::uint8_t type = 0;  // 2 kernel, 3 ramdisk, 4 multi-file, 5 firmware, 6 script, 7 filesystem
  UImageCompression compression = UImageCompression::kNone;
  std::string name;  // Up to 32 bytes, NUL stripped, non-printable bytes replaced by '?'.
  // A damaged header is still evidence worth scanning: see ParseUImage.
  bool header_crc_ok = false;
  std::uint32_t computed_header_crc = 0;
  bool data_crc_ok = false;
  std::uint32_t computed_data_crc = 0;  // Of the payload bytes present.
  bool truncated = false;               // The payload extends past the end of the input.
  // For multi-file images (type 4): the sub-images' offsets and sizes,
  // relative to the start of the header.
  std::vector<std::pair<std::uint64_t, std::uint64_t>> parts;
};

// Parses the header at the start of `data`. Fails with kParse when the magic
// is wrong, or when the header CRC is wrong and the header does not look like
// a damaged uImage either: a non-empty payload present in full, and a
// matching data CRC or every field in its known range (OS, architecture,
// type, compression, a printable name). A wrong header or
// data CRC or a truncated payload is otherwise not a failure: see
// header_crc_ok, data_crc_ok and truncated.
Result<UImageHeader> ParseUImage(std::string_view data);

// "none", "gzip", ...
std::string_view ToString(UImageCompression compression);

inline constexpr std::uint32_t kTrxMagic = 0x30524448;  // "HDR0" little-endian

struct TrxHeader {
  std::uint32_t length = 0;  // Whole image including the header.
  std::uint32_t crc = 0;
  std::uint16_t flags = 0;
  std::uint16_t version = 0;  // 1 (three partitions) or 2 (four).
  std::size_t header_size = 0;
  bool crc_ok = false;
  std::uint32_t computed_crc = 0;  // Set when not truncated.
  bool truncated = false;
  // Partitions as (offset, size) relative to the header, in order, empty
  // partitions left out; each lies inside [header_size, length).
  std::vector<std::pair<std::uint64_t, std::uint64_t>> partitions;
};

// Parses a TRX header at the start of `data`. Fails with kParse when the
// magic, version, length or partition offsets are inconsistent.
Result<TrxHeader> ParseTrx(std::string_view data);

// The CRC TRX stores: the CRC register started at 0xFFFFFFFF over the bytes
// from flag_version to `length`, without the final inversion.
std::uint32_t TrxCrc(std::string_view from_flag_version);

}  // namespace provisio::firmware
