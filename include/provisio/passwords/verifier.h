// Password verifiers for the device image (EN 303 645 5.1-1, 5.1-4): Argon2id
// in the PHC string format, "$argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>"
// (base64 without padding), as libargon2 and most other tools write it.
//
// Part of the small device-side target provisio::passwords_device: it links
// only provisio::core and libargon2 (no database, no YAML), so firmware can
// verify a login without the factory tooling.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "provisio/core/random.h"
#include "provisio/core/result.h"

namespace provisio::passwords {

// Argon2id cost. The defaults follow RFC 9106's second recommended option
// (64 MiB, 3 passes); about 0.1 s per verifier on one core of a current PC.
struct Argon2Cost {
  std::uint32_t memory_kib = 65536;  // m: memory in KiB (>= 8 * parallelism).
  std::uint32_t iterations = 3;      // t: passes over memory (>= 1).
  std::uint32_t parallelism = 1;     // p: lanes; 1 because batches use one core per verifier.
};

// Largest memory cost VerifyPassword accepts from a PHC string (1 GiB), so a
// tampered verifier cannot make a device allocate without bound.
inline constexpr std::uint32_t kMaxVerifierMemoryKib = 1u << 20;

// Salt bytes MakeVerifier draws from the random source.
inline constexpr std::size_t kSaltBytes = 16;

// Hashes `password` with `salt` (>= 8 bytes) and returns the PHC string.
// Fails with kInvalidArgument for a bad cost or salt, kInternal if libargon2 fails.
Result<std::string> MakeVerifier(std::string_view password,
                                 std::span<const std::uint8_t> salt,
                                 const Argon2Cost& cost);

// As above with a fresh kSaltBytes salt from `random`.
Result<std::string> MakeVerifier(std::string_view password,
                                 RandomSource& random,
                                 const Argon2Cost& cost);

// Returns true if `password` matches `phc`, false if not. The hash is
// recomputed with the verifier's own parameters and compared in constant time.
// Fails with kParse if `phc` is not an Argon2id v19 PHC string and with
// kInvalidArgument if its cost is out of range.
Result<bool> VerifyPassword(std::string_view password, std::string_view phc);

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b);

}  // namespace provisio::passwords
