#include "firmware/headers.h"

#include <algorithm>

#include "firmware/bytes.h"

namespace provisio::firmware {
namespace {

constexpr std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) {
      c = (c & 1U) != 0 ? 0xEDB88320U ^ (c >> 1) : c >> 1;
    }
    table[i] = c;
  }
  return table;
}

constexpr std::array<std::uint32_t, 256> kCrcTable = MakeCrcTable();

UImageCompression CompressionFromByte(std::uint8_t value) {
  switch (value) {
    case 0:
      return UImageCompression::kNone;
    case 1:
      return UImageCompression::kGzip;
    case 2:
      return UImageCompression::kBzip2;
    case 3:
      return UImageCompression::kLzma;
    case 4:
      return UImageCompression::kLzo;
    case 5:
      return UImageCompression::kLz4;
    case 6:
      return UImageCompression::kZstd;
    default:
      return UImageCompression::kUnknown;
  }
}

}  // namespace

std::uint32_t CrcUpdate(std::uint32_t state, std::string_view data) {
  for (const char ch : data) {
    state = kCrcTable[(state ^ static_cast<unsigned char>(ch)) & 0xFFU] ^ (state >> 8);
  }
  return state;
}

std::uint32_t Crc32(std::string_view data) {
  return ~CrcUpdate(0xFFFFFFFFU, data);
}

std::uint32_t TrxCrc(std::string_view from_flag_version) {
  return CrcUpdate(0xFFFFFFFFU, from_flag_version);
}

std::string_view ToString(UImageCompression compression) {
  switch (compression) {
    case UImageCompression::kNone:
      return "none";
    case UImageCompression::kGzip:
      return "gzip";
    case UImageCompression::kBzip2:
      return "bzip2";
    case UImageCompression::kLzma:
      return "lzma";
    case UImageCompression::kLzo:
      return "lzo";
    case UImageCompression::kLz4:
      return "lz4";
    case UImageCompression::kZstd:
      return "zstd";
    case UImageCompression::kUnknown:
      break;
  }
  return "unknown";
}

Result<UImageHeader> ParseUImage(std::string_view data) {
  if (data.size() < kUImageHeaderSize) {
    return Fail(ErrorCode::kParse, "uImage: shorter than the 64-byte header");
  }
  if (LoadBe32(data, 0) != kUImageMagic) {
    return Fail(ErrorCode::kParse, "uImage: bad magic");
  }
  UImageHeader header;
  header.header_crc = LoadBe32(data, 4);
  std::string copy(data.substr(0, kUImageHeaderSize));
  std::fill(copy.begin() + 4, copy.begin() + 8, '\0');
  header.computed_header_crc = Crc32(copy);
  header.header_crc_ok = header.computed_header_crc == header.header_crc;
  header.time = LoadBe32(data, 8);
  header.data_size = LoadBe32(data, 12);
  header.load_address = LoadBe32(data, 16);
  header.entry_point = LoadBe32(data, 20);
  header.data_crc = LoadBe32(data, 24);
  header.os = static_cast<std::uint8_t>(data[28]);
  header.arch = static_cast<std::uint8_t>(data[29]);
  header.type = static_cast<std::uint8_t>(data[30]);
  header.compression = CompressionFromByte(static_cast<std::uint8_t>(data[31]));
  bool printable_name = true;
  for (std::size_t i = 32; i < kUImageHeaderSize && data[i] != '\0'; ++i) {
    const auto c = static_cast<unsigned char>(data[i]);
    printable_name = printable_name && c >= 0x20 && c < 0x7F;
    header.name.push_back(c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '?');
  }
  const std::uint64_t available = data.size() - kUImageHeaderSize;
  header.truncated = header.data_size > available;
  const std::string_view payload =
      data.substr(kUImageHeaderSize,
                  static_cast<std::size_t>(std::min<std::uint64_t>(header.data_size, available)));
  header.computed_data_crc = Crc32(payload);
  header.data_crc_ok = !header.truncated && header.computed_data_crc == header.data_crc;
  if (!header.header_crc_ok) {
    // The magic alone is not enough (U-Boot's own code holds it as a
    // constant; a zeroed header has a "matching" CRC of its empty payload):
    // a damaged header must still describe a payload that is there. The
    // ranges are wider than U-Boot's tables (IH_OS_*, IH_ARCH_*, IH_TYPE_*;
    // 0 is "invalid" in each).
    const bool plausible = header.os >= 1 && header.os <= 40 && header.arch >= 1 &&
                           header.arch <= 40 && header.type >= 1 && header.type <= 64 &&
                           header.compression != UImageCompression::kUnknown && printable_name;
    if (header.truncated || header.data_size == 0 || (!header.data_crc_ok && !plausible)) {
      return Fail(ErrorCode::kParse, "uImage: header CRC mismatch and implausible header fields");
    }
  }

  if (header.type == 4) {
    // Multi-file: a zero-terminated table of big-endian sizes, then the
    // sub-images, each padded to 4 bytes.
    std::vector<std::uint64_t> sizes;
    std::size_t at = 0;
    while (at + 4 <= payload.size()) {
      const std::uint32_t size = LoadBe32(payload, at);
      at += 4;
      if (size == 0)
        break;
      sizes.push_back(size);
      if (sizes.size() > 64)
        break;
    }
    std::uint64_t offset = kUImageHeaderSize + at;
    for (const std::uint64_t size : sizes) {
      if (offset + size > kUImageHeaderSize + payload.size())
        break;
      header.parts.emplace_back(offset, size);
      offset += (size + 3) & ~std::uint64_t{3};
    }
  } else {
    header.parts.emplace_back(kUImageHeaderSize, payload.size());
  }
  return header;
}

Result<TrxHeader> ParseTrx(std::string_view data) {
  if (data.size() < 28) {
    return Fail(ErrorCode::kParse, "TRX: shorter than the 28-byte header");
  }
  if (LoadLe32(data, 0) != kTrxMagic) {
    return Fail(ErrorCode::kParse, "TRX: bad magic");
  }
  TrxHeader header;
  header.length = LoadLe32(data, 4);
  header.crc = LoadLe32(data, 8);
  const std::uint32_t flag_version = LoadLe32(data, 12);
  header.flags = static_cast<std::uint16_t>(flag_version & 0xFFFFU);
  header.version = static_cast<std::uint16_t>(flag_version >> 16);
  std::size_t count = 0;
  if (header.version == 1) {
    count = 3;
  } else if (header.version == 2) {
    count = 4;
  } else {
    return Fail(ErrorCode::kParse, "TRX: unknown version " + std::to_string(header.version));
  }
  header.header_size = 16 + 4 * count;
  if (data.size() < header.header_size) {
    return Fail(ErrorCode::kParse, "TRX: header truncated");
  }
  if (header.length < header.header_size) {
    return Fail(ErrorCode::kParse, "TRX: length shorter than the header");
  }
  header.truncated = header.length > data.size();
  const std::uint64_t end = std::min<std::uint64_t>(header.length, data.size());
  if (!header.truncated) {
    header.computed_crc = TrxCrc(data.substr(12, header.length - 12));
    header.crc_ok = header.computed_crc == header.crc;
  }
  std::vector<std::uint64_t> offsets;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t offset = LoadLe32(data, 16 + 4 * i);
    if (offset == 0)
      continue;
    if (offset < header.header_size || offset >= header.length) {
      return Fail(ErrorCode::kParse, "TRX: partition offset outside the image");
    }
    if (!offsets.empty() && offset <= offsets.back()) {
      return Fail(ErrorCode::kParse, "TRX: partition offsets not increasing");
    }
    offsets.push_back(offset);
  }
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const std::uint64_t next = i + 1 < offsets.size() ? offsets[i + 1] : header.length;
    if (offsets[i] >= end)
      break;
    header.partitions.emplace_back(offsets[i], std::min(next, end) - offsets[i]);
  }
  return header;
}

}  // namespace provisio::firmware
