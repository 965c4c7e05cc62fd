// The uniqueness registry: one keyed fingerprint per password ever issued,
// across every batch (EN 303 645 5.1-1 "unique per device", proven at scale).
//
// A fingerprint is HMAC-SHA-256(manufacturer secret, password). Without the
// secret the registry reveals nothing testable about a password (no
// plaintext, no unkeyed hash to run a dictionary against). The registry also
// stores a check value, HMAC(secret, fixed label), so opening it with a
// different secret fails instead of silently starting a second, disjoint
// fingerprint space in which duplicates could no longer be seen.
//
// Storage: a SQLite file (WAL, numbered migrations) by default, or a shared
// PostgreSQL database named by a postgresql:// URI (several factory hosts
// issuing batches against one registry). Only fingerprints, batch names and
// the check value are stored; the secret never is. A batch is registered in
// one transaction: all of its fingerprints or none. Writers are serialized,
// so concurrent processes registering different batches stay correct.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::passwords {

using Fingerprint = std::array<std::uint8_t, 32>;

// Minimum manufacturer secret length in bytes.
inline constexpr std::size_t kMinSecretBytes = 16;

// Computes HMAC-SHA-256 fingerprints with one key. Not thread-safe; movable.
class Fingerprinter {
 public:
  // Fails with kInvalidArgument if `secret` is shorter than kMinSecretBytes.
  static Result<Fingerprinter> Create(std::string_view secret);

  Fingerprinter(Fingerprinter&&) noexcept;
  Fingerprinter& operator=(Fingerprinter&&) noexcept;
  ~Fingerprinter();

  Fingerprint Of(std::string_view password) const;

  // HMAC(secret, "provisio password registry check v1"), lower-case hex.
  std::string CheckValue() const;

 private:
  struct Impl;
  explicit Fingerprinter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads a manufacturer secret file: its bytes with one trailing newline
// removed. Fails with kNotFound/kIo, or kInvalidArgument if shorter than
// kMinSecretBytes or readable by group/others (it must be 0600 or stricter).
Result<std::string> ReadSecretFile(const std::filesystem::path& path);

struct ProofReport {
  std::string location;  // File path or PostgreSQL URI with the password masked.
  int schema_version = 0;
  std::int64_t fingerprints = 0;  // Distinct passwords ever issued.
  std::int64_t batches = 0;
  std::int64_t duplicates = 0;  // Fingerprints stored more than once (0 by construction).
  std::int64_t batch_count_mismatches = 0;  // Batches whose declared count != stored rows.
  // SQLite's quick_check passed; on PostgreSQL, where the server owns page
  // integrity, true when the fingerprint PRIMARY KEY constraint is in place.
  bool integrity_ok = false;
  std::uint64_t size_bytes = 0;        // SQLite file (+ WAL), or PostgreSQL tables with indexes.
  std::string method;                  // How uniqueness is enforced, for the report.
  std::optional<bool> secret_matches;  // Set when a secret was given to check.
};

class PasswordRegistry {
 public:
  // Opens or creates the registry at `location`: a SQLite file path or a
  // postgresql:// URI (the database must exist; the tables are created).
  // Fails with kVerification if the registry was created with another
  // secret, kUnsupported if its schema is newer than this build, kIo
  // otherwise. REQUIRES: `clock` outlives the registry.
  static Result<PasswordRegistry> Open(const std::string& location,
                                       std::string_view secret,
                                       const Clock& clock);

  PasswordRegistry(PasswordRegistry&&) noexcept;
  PasswordRegistry& operator=(PasswordRegistry&&) noexcept;
  ~PasswordRegistry();

  const Fingerprinter& fingerprinter() const;

  // Where the registry lives, safe for messages and evidence (a PostgreSQL
  // password is masked).
  std::string Describe() const;

  // True if a password with this fingerprint was ever issued.
  Result<bool> Contains(const Fingerprint& fingerprint);

  // True if a batch with this id was registered.
  Result<bool> HasBatch(std::string_view batch_id);

  // Registers all fingerprints of a batch in one transaction. Fails with
  // kConflict, registering nothing, if the batch id exists or any fingerprint
  // was issued before (or repeats inside the batch).
  Result<void> RegisterBatch(std::string_view batch_id, std::span<const Fingerprint> fingerprints);

  // The proof report for this registry.
  Result<ProofReport> Prove();

 private:
  struct Impl;
  explicit PasswordRegistry(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Proves an existing registry (file path or postgresql:// URI) without
// changing it. With `secret`, also says whether it is the registry's secret.
// Fails with kNotFound if there is no registry at `location`, kUnsupported for
// a newer schema.
Result<ProofReport> ProveRegistry(const std::string& location,
                                  std::optional<std::string_view> secret);

// How the registry enforces uniqueness, in one paragraph (report and docs).
std::string_view RegistryMethod();

}  // namespace provisio::passwords
