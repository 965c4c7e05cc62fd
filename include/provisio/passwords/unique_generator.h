// Draws passwords that are unique within a run and, with a registry, across
// every batch ever registered, and that are on no blocklist. Memory is
// bounded by the run's size: one 64-bit keyed hash (KeyedHash64 under a
// random per-run key) per password in an open-addressing set (at most 16
// bytes per password with the table's spare room), never the passwords
// themselves. With a registry each candidate's HMAC-SHA-256 fingerprint is
// also looked up.
//
// Exactness: equal passwords always have equal hashes, so a repeat is always
// caught. A candidate whose hash equals an earlier password's is treated as a
// repeat and drawn again even if the two passwords differ: that costs a draw
// (about n^2 / 2^65 times in a run of n: 3e-6 for ten million) and never lets
// a duplicate through.
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

// A set of 64-bit keys (keyed hashes) with linear probing.
class FingerprintSet {
 public:
  explicit FingerprintSet(std::size_t expected_size = 1024);

  // Inserts `key`; returns false if it was already present.
  bool Insert(std::uint64_t key);
  bool Contains(std::uint64_t key) const;

  // Asks the CPU to start loading the slot where `key` would go, so that a
  // later Insert or Contains of it finds the line in cache. Only a hint.
  void Prefetch(std::uint64_t key) const {
    __builtin_prefetch(slots_.get() + (static_cast<std::size_t>(key) & (capacity_ - 1)), 1);
  }

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

// The per-run key of the in-run uniqueness hash: 256 random bits.
using UniquenessKey = std::array<std::uint64_t, 4>;

// A fast keyed 64-bit hash for the in-run set (a few 64x64->128-bit
// multiplications; not a MAC). Equal inputs give equal outputs; for the
// random passwords hashed here, different inputs collide with probability
// about 2^-64 under a random key.
std::uint64_t KeyedHash64(const UniquenessKey& key, std::string_view data);

// The hash UniqueGenerator uses for its in-run set. Tests inject colliding
// ones to check that a hash match is always treated as a repeat.
using UniquenessHash = std::uint64_t (*)(const UniquenessKey& key, std::string_view password);

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
  // per-run hash key from `random`. For label policies the blocklist entries
  // that could ever match (the policy's length, label characters only) are
  // read once here: entries added to `blocklist` later are not seen. All
  // references must outlive the generator. `hash` is for tests.
  static Result<UniqueGenerator> Create(const PasswordPolicy& policy,
                                        const WordList& words,
                                        const Blocklist& blocklist,
                                        PasswordRegistry* registry,
                                        RandomSource& random,
                                        std::size_t expected_count,
                                        UniquenessHash hash = KeyedHash64);

  // Returns the next accepted password. With a registry, stores its
  // fingerprint in `*fingerprint` when that is not null. Fails with
  // kConflict when the policy space is exhausted, or passes on random-source
  // and registry failures.
  //
  // Candidates are drawn kLookahead at a time (random bytes in blocks of
  // kRandomBlock for labels) and their slots in the set prefetched; each is
  // then checked in order exactly as if drawn one by one. Candidates drawn
  // but not issued are discarded, never reused.
  Result<std::string> Next(Fingerprint* fingerprint = nullptr);

  // Wipes the random bytes and candidates it still holds.
  ~UniqueGenerator();
  UniqueGenerator(UniqueGenerator&&) noexcept;
  UniqueGenerator& operator=(UniqueGenerator&&) = delete;

  const GeneratorStats& stats() const { return stats_; }
  std::size_t memory_bytes() const { return seen_.memory_bytes(); }

  static constexpr std::size_t kLookahead = 256;
  static constexpr std::size_t kRandomBlock = 16 * 1024;

 private:
  struct Candidate {
    std::string password;
    std::uint64_t hash = 0;
    bool blocked = false;
  };

  UniqueGenerator(const PasswordPolicy& policy,
                  const WordList& words,
                  const Blocklist& blocklist,
                  PasswordRegistry* registry,
                  RandomSource& random,
                  std::size_t expected_count,
                  const UniquenessKey& key,
                  UniquenessHash hash);

  Result<void> DrawCandidates();
  Result<void> DrawLabel(std::string& out);

  PasswordPolicy policy_;
  const WordList* words_;
  const Blocklist* blocklist_;
  PasswordRegistry* registry_;
  RandomSource* random_;
  UniquenessKey key_;
  UniquenessHash hash_;
  FingerprintSet seen_;
  GeneratorStats stats_;
  // Label policies: hashes of the blocklist entries that could match, sorted.
  // A candidate with one of these hashes is treated as listed.
  std::vector<std::uint64_t> blocked_hashes_;
  // Label policies: random bytes, consumed from random_next_.
  std::vector<std::uint8_t> random_bytes_;
  std::size_t random_next_ = 0;
  // Passphrase policies: a buffer over `random` for GeneratePassword.
  std::unique_ptr<BufferedRandom> buffered_;
  std::vector<Candidate> lookahead_;
  std::size_t lookahead_next_ = 0;
};

}  // namespace provisio::passwords
