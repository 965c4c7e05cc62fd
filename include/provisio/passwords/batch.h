// One production batch of unique per-device passwords (EN 303 645 5.1-1,
// 5.1-2), from drawing to the files the factory needs:
//   <out>/<batch>.records.csv[.enc]  serial,password per device (0600;
//                                    AES-256-GCM with a key when asked)
//   <out>/<batch>.verifiers.csv      serial,Argon2id PHC string for the
//                                    device image (0600)
//   <out>/<batch>.evidence.json      evidence record, kind "passwords.batch"
// Serial numbers only label the records; they never feed a password.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/random.h"
#include "provisio/core/result.h"
#include "provisio/passwords/blocklist.h"
#include "provisio/passwords/generator.h"
#include "provisio/passwords/registry.h"
#include "provisio/passwords/unique_generator.h"
#include "provisio/passwords/verifier.h"

namespace provisio::passwords {

inline constexpr double kDefaultMinEntropyBits = 64.0;

struct BatchOptions {
  std::string batch_id;              // [A-Za-z0-9._-], 1..64 characters.
  std::int64_t count = 0;            // Devices; with serials, must equal serials.size().
  std::vector<std::string> serials;  // Labels; empty means "<batch>-000001", ...
  PasswordPolicy policy;
  double min_entropy_bits = kDefaultMinEntropyBits;
  bool force_weak = false;        // Issue below min_entropy_bits anyway...
  std::string weak_reason;        // ...with this reason, recorded in the evidence.
  std::filesystem::path out_dir;  // Created if missing; existing batch files are not replaced.
  std::optional<std::string> record_key;  // 32 bytes: encrypt the records file.
  bool write_verifiers = true;
  Argon2Cost verifier_cost;
  unsigned threads = 0;        // Verifier threads; 0 = every core.
  std::string registry_label;  // How the evidence names the registry (path); may be empty.
  std::vector<std::string> blocklist_sources;  // For the evidence.
};

struct BatchProgress {
  std::string_view stage;  // "generate", "verifiers", "register", "write"
  std::int64_t done = 0;
  std::int64_t total = 0;
};
using ProgressCallback = std::function<void(const BatchProgress&)>;

struct BatchResult {
  std::int64_t count = 0;
  double entropy_bits = 0;
  GeneratorStats stats;
  std::filesystem::path records_path;
  std::filesystem::path verifiers_path;  // Empty without verifiers.
  std::filesystem::path evidence_path;
  std::optional<ProofReport> registry_proof;  // After registration.
};

// Checks the options without doing anything. Fails with kInvalidArgument,
// naming the option, or with kConflict if the batch's files already exist.
Result<void> ValidateBatch(const BatchOptions& options, const WordList& words);

// Runs the batch: draws `count` passwords (unique in the batch, in no
// blocklist and, with `registry`, never issued before), computes verifiers
// on `threads` cores, registers the batch's fingerprints in one transaction,
// then writes the files. Nothing is registered when an earlier step fails; if
// writing fails after registration, those passwords are burnt (never issued),
// which keeps uniqueness. `registry` may be null (uniqueness within the
// batch only). `progress` may be empty; it is called from
// worker threads, one call at a time.
Result<BatchResult> RunBatch(const BatchOptions& options,
                             const WordList& words,
                             const Blocklist& blocklist,
                             PasswordRegistry* registry,
                             RandomSource& random,
                             const Clock& clock,
                             const ProgressCallback& progress);

}  // namespace provisio::passwords
