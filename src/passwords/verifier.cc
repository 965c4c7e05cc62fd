#include "provisio/passwords/verifier.h"

#include <array>
#include <charconv>
#include <cstring>
#include <optional>
#include <vector>

#include <argon2.h>

namespace provisio::passwords {
namespace {

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Result<void> CheckCost(const Argon2Cost& cost) {
  if (cost.parallelism < 1 || cost.parallelism > 64) {
    return Fail(ErrorCode::kInvalidArgument, "argon2 parallelism must be 1..64");
  }
  if (cost.iterations < 1) {
    return Fail(ErrorCode::kInvalidArgument, "argon2 time cost must be at least 1");
  }
  if (cost.memory_kib < 8 * cost.parallelism || cost.memory_kib > kMaxVerifierMemoryKib) {
    return Fail(ErrorCode::kInvalidArgument, "argon2 memory must be between 8*parallelism and " +
                                                 std::to_string(kMaxVerifierMemoryKib) + " KiB");
  }
  return {};
}

// Decodes unpadded standard base64 (the PHC alphabet). nullopt on bad input.
std::optional<std::vector<std::uint8_t>> DecodeBase64(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const std::size_t value = kBase64.find(c);
    if (value == std::string_view::npos) {
      return std::nullopt;
    }
    buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<std::uint8_t>((buffer >> bits) & 0xFF));
    }
  }
  // A length of 1 mod 4 cannot come from whole bytes; leftover bits must be 0.
  if (text.size() % 4 == 1 || (buffer & ((1u << bits) - 1)) != 0) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::uint32_t> ParseNumber(std::string_view text) {
  std::uint32_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty() ||
      (text.size() > 1 && text[0] == '0')) {
    return std::nullopt;
  }
  return value;
}

struct ParsedVerifier {
  Argon2Cost cost;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

// "$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>"
Result<ParsedVerifier> ParsePhc(std::string_view phc) {
  auto bad = [](std::string_view why) {
    return Fail(ErrorCode::kParse, "not an Argon2id verifier: " + std::string(why));
  };
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= phc.size()) {
    const std::size_t end = phc.find('$', start);
    if (end == std::string_view::npos) {
      parts.push_back(phc.substr(start));
      break;
    }
    parts.push_back(phc.substr(start, end - start));
    start = end + 1;
  }
  if (parts.size() != 6 || !parts[0].empty()) {
    return bad("expected $argon2id$v=19$m=...,t=...,p=...$salt$hash");
  }
  if (parts[1] != "argon2id") {
    return bad("algorithm is '" + std::string(parts[1]) + "'");
  }
  if (parts[2] != "v=19") {
    return bad("only version 19 is supported");
  }
  ParsedVerifier parsed;
  std::string_view params = parts[3];
  const char* names = "mtp";
  std::uint32_t* fields[] = {&parsed.cost.memory_kib, &parsed.cost.iterations,
                             &parsed.cost.parallelism};
  for (int i = 0; i < 3; ++i) {
    const std::size_t comma = params.find(',');
    std::string_view item = params.substr(0, comma);
    params = comma == std::string_view::npos ? std::string_view() : params.substr(comma + 1);
    if (item.size() < 3 || item[0] != names[i] || item[1] != '=') {
      return bad("parameters must be m=<KiB>,t=<passes>,p=<lanes>");
    }
    std::optional<std::uint32_t> value = ParseNumber(item.substr(2));
    if (!value) {
      return bad("parameter '" + std::string(item) + "' is not a number");
    }
    *fields[i] = *value;
  }
  if (!params.empty()) {
    return bad("unexpected parameters after p=");
  }
  std::optional<std::vector<std::uint8_t>> salt = DecodeBase64(parts[4]);
  std::optional<std::vector<std::uint8_t>> hash = DecodeBase64(parts[5]);
  if (!salt || !hash) {
    return bad("salt or hash is not base64");
  }
  if (salt->size() < ARGON2_MIN_SALT_LENGTH || hash->size() < ARGON2_MIN_OUTLEN ||
      hash->size() > 1024) {
    return bad("salt or hash has an invalid length");
  }
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

}  // namespace

Result<std::string> MakeVerifier(std::string_view password,
                                 std::span<const std::uint8_t> salt,
                                 const Argon2Cost& cost) {
  Result<void> valid = CheckCost(cost);
  if (!valid) {
    return Fail(valid.error());
  }
  if (salt.size() < ARGON2_MIN_SALT_LENGTH) {
    return Fail(ErrorCode::kInvalidArgument, "argon2 salt must be at least 8 bytes");
  }
  constexpr std::uint32_t kHashBytes = 32;
  std::string encoded(
      argon2_encodedlen(cost.iterations, cost.memory_kib, cost.parallelism,
                        static_cast<std::uint32_t>(salt.size()), kHashBytes, Argon2_id),
      '\0');
  const int rc = argon2id_hash_encoded(cost.iterations, cost.memory_kib, cost.parallelism,
                                       password.data(), password.size(), salt.data(), salt.size(),
                                       kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) {
    return Fail(ErrorCode::kInternal, std::string("argon2id: ") + argon2_error_message(rc));
  }
  encoded.resize(std::strlen(encoded.c_str()));
  return encoded;
}

Result<std::string> MakeVerifier(std::string_view password,
                                 RandomSource& random,
                                 const Argon2Cost& cost) {
  std::array<std::uint8_t, kSaltBytes> salt{};
  Result<void> filled = random.Fill(salt);
  if (!filled) {
    return Fail(filled.error().WithContext("drawing a verifier salt"));
  }
  return MakeVerifier(password, salt, cost);
}

Result<bool> VerifyPassword(std::string_view password, std::string_view phc) {
  Result<ParsedVerifier> parsed = ParsePhc(phc);
  if (!parsed) {
    return Fail(parsed.error());
  }
  Result<void> valid = CheckCost(parsed->cost);
  if (!valid) {
    return Fail(valid.error().WithContext("verifier cost out of range"));
  }
  std::vector<std::uint8_t> computed(parsed->hash.size());
  const int rc = argon2id_hash_raw(
      parsed->cost.iterations, parsed->cost.memory_kib, parsed->cost.parallelism, password.data(),
      password.size(), parsed->salt.data(), parsed->salt.size(), computed.data(), computed.size());
  if (rc != ARGON2_OK) {
    return Fail(ErrorCode::kInternal, std::string("argon2id: ") + argon2_error_message(rc));
  }
  return ConstantTimeEquals(computed, parsed->hash);
}

bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  if (a.size() != b.size()) {
    return false;
  }
  // Accumulate every difference; no early exit. volatile keeps the compiler
  // from turning the loop back into a short-circuiting comparison.
  volatile std::uint8_t difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    difference = static_cast<std::uint8_t>(difference | (a[i] ^ b[i]));
  }
  return difference == 0;
}

}  // namespace provisio::passwords
