// Encryption of device-record files for transport to the production line:
// AES-256-GCM with a 32-byte key from a key file.
//
// File format ("PVPWREC1", all lengths fixed):
//   offset 0   8 bytes   magic "PVPWREC1"
//   offset 8  12 bytes   nonce (random, never reused: fresh per file)
//   offset 20  n bytes   ciphertext of the CSV (same length as the plaintext)
//   end-16    16 bytes   GCM authentication tag
// The 20-byte header (magic + nonce) is authenticated as additional data.
// Decrypt with `provisio passwords decrypt FILE --key KEYFILE`, or with any
// AES-256-GCM implementation given the layout above.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "provisio/core/random.h"
#include "provisio/core/result.h"

namespace provisio::passwords {

inline constexpr std::string_view kRecordMagic = "PVPWREC1";
inline constexpr std::size_t kRecordKeyBytes = 32;

// Reads a key file: exactly 32 raw bytes, or 64 hex digits (optionally
// followed by a newline), as `openssl rand -hex 32 > key` writes. Fails with
// kInvalidArgument otherwise, or if group/others may read it.
Result<std::string> ReadRecordKeyFile(const std::filesystem::path& path);

// Encrypts `plaintext` with a fresh nonce from `random`.
// REQUIRES: key.size() == kRecordKeyBytes.
Result<std::string> EncryptRecords(std::string_view plaintext,
                                   std::string_view key,
                                   RandomSource& random);

// Decrypts a file written by EncryptRecords. Fails with kParse for a wrong
// magic or a short file and kVerification if the key is wrong or any byte
// was changed.
Result<std::string> DecryptRecords(std::string_view file_bytes, std::string_view key);

}  // namespace provisio::passwords
