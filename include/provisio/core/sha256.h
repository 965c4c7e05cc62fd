// SHA-256 of byte strings and of files, streamed in constant memory.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio {

struct FileDigest {
  std::string sha256_hex;  // 64 lower-case hex digits.
  std::uint64_t size = 0;  // Bytes hashed.
};

// Returns the lower-case hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// Streams `path` through SHA-256. Fails with kNotFound or kIo.
Result<FileDigest> Sha256File(const std::filesystem::path& path);

// Lower-case hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

// Decodes hex (either case). Fails with kParse on odd length or a non-hex digit.
Result<std::string> HexDecode(std::string_view hex);

}  // namespace provisio
