// Draws passwords that are unique within a run and, with a registry, across
// every batch ever registered, and that are on no blocklist. Memory is
// bounded by the run's size: one 64-bit keyed hash (SipHash-2-4 under a
// random per-run key) per password in an open-addressing set (about 16 bytes
// per password with the table's spare room), never the passwords themselves.
// With a registry each candidate's HMAC-SHA-256 fingerprint is also looked up.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/random.h"
#include "provisio/core/result.h"
#include "provisio/passwords/blocklist.h"
#include "provisio/passwords/generator.h"
#include "provisio/passwords/registry.h"

namespace provisio::passwords {

// A set of 64-bit keys (keyed hashes) with linear probing. A collision of two
// different passwords' hashes (probability about n^2 / 2^65: 3e-6 for ten
// million) only makes the generator draw again.
class FingerprintSet {
 public:
  explicit FingerprintSet(std::size_t expected_size = 1024);

  // Inserts `key`; returns false if it was already present.
  bool Insert(std::uint64_t key);
  bool Contains(std::uint64_t key) const;

  std::size_t size() const { return size_; }
  std::size_t memory_bytes() const { return capacity_ * sizeof(std::uint64_t); }

 private:
  // Anonymous memory mapped with transparent huge pages requested: probes
  // land anywhere in the table, and 2 MiB pages spare most TLB misses.
  struct Unmap {
    std::size_t bytes;  // Mapping size; value-initialised to 0 when empty.
    void operator()(std::uint64_t* slots) const;
  };
  using Slots = std::unique_ptr<std::uint64_t, Unmap>;
  static Slots Allocate(std::size_t capacity);
  void Grow();

  Slots slots_;  // 0 marks an empty slot; key 0 is kept in has_zero_.
  std::size_t capacity_ = 0;
  std::size_t size_ = 0;
  bool has_zero_ = false;
};

// SipHash-2-4 of `data` under a 16-byte key (Aumasson and Bernstein).
std::uint64_t SipHash24(const std::array<std::uint8_t, 16>& key, std::string_view data);

struct GeneratorStats {
  std::int64_t issued = 0;
  std::int64_t rejected_blocklist = 0;  // Candidate equal to a blocklist entry.
  std::int64_t rejected_repeat = 0;     // Candidate already drawn in this run.
  std::int64_t rejected_registry = 0;   // Candidate issued in an earlier batch.
};

class UniqueGenerator {
 public:
  // Gives up after this many consecutive rejected candidates: the policy's
  // space is (nearly) exhausted.
  static constexpr int kMaxConsecutiveRejections = 1000;

  // `registry` may be null (uniqueness within the run only). Draws the
  // per-run hash key from `random`. All references must outlive the generator.
  static Result<UniqueGenerator> Create(const PasswordPolicy& policy,
                                        const WordList& words,
                                        const Blocklist& blocklist,
                                        PasswordRegistry* registry,
                                        RandomSource& random,
                                        std::size_t expected_count);

  // Returns the next accepted password. With a registry, stores its
  // fingerprint in `*fingerprint` when that is not null. Fails with
  // kConflict when the policy space is exhausted, or passes on random-source
  // and registry failures.
  Result<std::string> Next(Fingerprint* fingerprint = nullptr);

  const GeneratorStats& stats() const { return stats_; }
  std::size_t memory_bytes() const { return seen_.memory_bytes(); }

 private:
  UniqueGenerator(const PasswordPolicy& policy,
                  const WordList& words,
                  const Blocklist& blocklist,
                  PasswordRegistry* registry,
                  RandomSource& random,
                  std::size_t expected_count,
                  const std::array<std::uint8_t, 16>& key);

  PasswordPolicy policy_;
  const WordList* words_;
  const Blocklist* blocklist_;
  PasswordRegistry* registry_;
  RandomSource* random_;
  std::array<std::uint8_t, 16> key_;
  FingerprintSet seen_;
  GeneratorStats stats_;
};

}  // namespace provisio::passwords
