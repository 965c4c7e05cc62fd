#include "provisio/passwords/unique_generator.h"

#include <sys/mman.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <type_traits>

#include "passwords/label_table.h"

namespace provisio::passwords {

void FingerprintSet::Unmap::operator()(std::uint64_t* slots) const {
  if (slots != nullptr) {
    ::munmap(slots, bytes);
  }
}

FingerprintSet::Slots FingerprintSet::Allocate(std::size_t capacity) {
  const std::size_t bytes = capacity * sizeof(std::uint64_t);
  void* memory = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  PROVISIO_CHECK(memory != MAP_FAILED);           // Out of memory: nothing sensible to return.
  (void)::madvise(memory, bytes, MADV_HUGEPAGE);  // A hint; fine if refused.
  return Slots(static_cast<std::uint64_t*>(memory), Unmap{bytes});  // Zero-filled.
}

FingerprintSet::FingerprintSet(std::size_t expected_size)
    : capacity_(std::bit_ceil(std::max<std::size_t>(16, expected_size + expected_size / 2))) {
  slots_ = Allocate(capacity_);
}

bool FingerprintSet::Contains(std::uint64_t key) const {
  if (key == 0) {
    return has_zero_;
  }
  const std::uint64_t* slots = slots_.get();
  const std::size_t mask = capacity_ - 1;
  for (std::size_t i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
    if (slots[i] == key) {
      return true;
    }
    if (slots[i] == 0) {
      return false;
    }
  }
}

bool FingerprintSet::Insert(std::uint64_t key) {
  if (key == 0) {
    const bool inserted = !has_zero_;
    has_zero_ = true;
    size_ += inserted ? 1 : 0;
    return inserted;
  }
  // Keep the load factor below 3/4 so probes stay short.
  if ((size_ + 1) * 4 > capacity_ * 3) {
    Grow();
  }
  std::uint64_t* slots = slots_.get();
  const std::size_t mask = capacity_ - 1;
  // Keys are keyed-hash output, so their low bits are already uniform.
  for (std::size_t i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
    if (slots[i] == key) {
      return false;
    }
    if (slots[i] == 0) {
      slots[i] = key;
      ++size_;
      return true;
    }
  }
}

void FingerprintSet::Grow() {
  Slots old = std::move(slots_);
  const std::size_t old_capacity = capacity_;
  capacity_ *= 2;
  slots_ = Allocate(capacity_);
  std::uint64_t* slots = slots_.get();
  const std::size_t mask = capacity_ - 1;
  for (std::size_t k = 0; k < old_capacity; ++k) {
    const std::uint64_t key = old.get()[k];
    if (key == 0) {
      continue;
    }
    std::size_t i = static_cast<std::size_t>(key) & mask;
    while (slots[i] != 0) {
      i = (i + 1) & mask;
    }
    slots[i] = key;
  }
}

namespace {

__extension__ using Uint128 = unsigned __int128;

// The 128-bit product of a and b, its halves xor-ed together.
std::uint64_t FoldedMultiply(std::uint64_t a, std::uint64_t b) {
  const Uint128 product = static_cast<Uint128>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
}

std::uint64_t Load64(const unsigned char* p) {
  std::uint64_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::uint64_t Load32(const unsigned char* p) {
  std::uint32_t v = 0;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename T>
void WipeVector(std::vector<T>& items) {
  if constexpr (std::is_same_v<T, std::uint8_t>) {
    std::fill(items.begin(), items.end(), std::uint8_t{0});
    if (!items.empty()) {
      // Keep the wipe from being optimised away.
      volatile std::uint8_t* p = items.data();
      (void)p[0];
    }
  } else {
    for (T& item : items) {
      std::fill(item.password.begin(), item.password.end(), '\0');
      if (!item.password.empty()) {
        volatile char* p = item.password.data();
        (void)p[0];
      }
    }
  }
}

}  // namespace

std::uint64_t KeyedHash64(const UniquenessKey& key, std::string_view data) {
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t n = data.size();
  // The length enters through a multiplication: xor-ing it in would let
  // a length difference cancel a byte difference.
  std::uint64_t state = FoldedMultiply(key[0] ^ n, key[3] | 1);
  // (a, b) determine the last (up to) 16 bytes given n; longer inputs fold
  // their leading 16-byte blocks into `state` first.
  std::uint64_t a = 0;
  std::uint64_t b = 0;
  if (n > 16) {
    for (std::size_t i = 0; n - i > 16; i += 16) {
      state = FoldedMultiply(Load64(p + i) ^ key[1], Load64(p + i + 8) ^ key[2] ^ state);
    }
    a = Load64(p + n - 16);
    b = Load64(p + n - 8);
  } else if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else if (n > 0) {
    a = (std::uint64_t{p[0]} << 16) | (std::uint64_t{p[n / 2]} << 8) | p[n - 1];
  }
  state = FoldedMultiply(a ^ key[1], b ^ key[2] ^ state);
  return FoldedMultiply(state ^ key[3], key[0] ^ 0x9E3779B97F4A7C15ULL);
}

Result<UniqueGenerator> UniqueGenerator::Create(const PasswordPolicy& policy,
                                                const WordList& words,
                                                const Blocklist& blocklist,
                                                PasswordRegistry* registry,
                                                RandomSource& random,
                                                std::size_t expected_count,
                                                UniquenessHash hash) {
  Result<void> valid = ValidatePolicy(policy, words.size());
  if (!valid) {
    return Fail(valid.error());
  }
  std::array<std::uint8_t, sizeof(UniquenessKey)> bytes{};
  Result<void> filled = random.Fill(bytes);
  if (!filled) {
    return Fail(filled.error().WithContext("drawing the uniqueness key"));
  }
  UniquenessKey key{};
  std::memcpy(key.data(), bytes.data(), bytes.size());
  std::fill(bytes.begin(), bytes.end(), std::uint8_t{0});
  return UniqueGenerator(policy, words, blocklist, registry, random, expected_count, key, hash);
}

UniqueGenerator::UniqueGenerator(const PasswordPolicy& policy,
                                 const WordList& words,
                                 const Blocklist& blocklist,
                                 PasswordRegistry* registry,
                                 RandomSource& random,
                                 std::size_t expected_count,
                                 const UniquenessKey& key,
                                 UniquenessHash hash)
    : policy_(policy),
      words_(&words),
      blocklist_(&blocklist),
      registry_(registry),
      random_(&random),
      key_(key),
      hash_(hash),
      seen_(expected_count),
      lookahead_(kLookahead),
      lookahead_next_(kLookahead) {
  if (policy_.kind == PolicyKind::kLabel) {
    // Only entries of the label's length made of label characters can ever
    // equal a candidate (usually a handful, often none).
    const auto length = static_cast<std::size_t>(policy_.length);
    for (std::string_view entry : blocklist.EntriesOfLength(length)) {
      if (entry.find_first_not_of(kLabelAlphabet) == std::string_view::npos) {
        blocked_hashes_.push_back(hash_(key_, entry));
      }
    }
    std::sort(blocked_hashes_.begin(), blocked_hashes_.end());
    random_bytes_.resize(kRandomBlock);
    random_next_ = random_bytes_.size();
  } else {
    buffered_ = std::make_unique<BufferedRandom>(random, 4096);
  }
}

UniqueGenerator::~UniqueGenerator() {
  WipeVector(random_bytes_);
  WipeVector(lookahead_);
}

UniqueGenerator::UniqueGenerator(UniqueGenerator&&) noexcept = default;

Result<void> UniqueGenerator::DrawLabel(std::string& out) {
  const auto length = static_cast<std::size_t>(policy_.length);
  out.resize(length);
  std::size_t filled = 0;
  for (;;) {
    internal::MapLabelBytes(random_bytes_.data(), random_bytes_.size(), &random_next_, out.data(),
                            length, &filled);
    if (filled == length) {
      return {};
    }
    Result<void> refilled = random_->Fill(random_bytes_);
    if (!refilled) {
      return Fail(refilled.error().WithContext("generating password"));
    }
    random_next_ = 0;
  }
}

Result<void> UniqueGenerator::DrawCandidates() {
  const bool label = policy_.kind == PolicyKind::kLabel;
  for (Candidate& candidate : lookahead_) {
    if (label) {
      Result<void> drawn = DrawLabel(candidate.password);
      if (!drawn) {
        return drawn;
      }
      candidate.hash = hash_(key_, candidate.password);
      candidate.blocked =
          !blocked_hashes_.empty() &&
          std::binary_search(blocked_hashes_.begin(), blocked_hashes_.end(), candidate.hash);
    } else {
      Result<std::string> drawn = GeneratePassword(policy_, *words_, *buffered_);
      if (!drawn) {
        return Fail(drawn.error());
      }
      std::fill(candidate.password.begin(), candidate.password.end(), '\0');
      candidate.password = std::move(*drawn);
      candidate.hash = hash_(key_, candidate.password);
      candidate.blocked = blocklist_->Contains(candidate.password);
    }
    seen_.Prefetch(candidate.hash);
  }
  lookahead_next_ = 0;
  return {};
}

Result<std::string> UniqueGenerator::Next(Fingerprint* fingerprint) {
  for (int attempt = 0; attempt < kMaxConsecutiveRejections; ++attempt) {
    if (lookahead_next_ == lookahead_.size()) {
      Result<void> drawn = DrawCandidates();
      if (!drawn) {
        return Fail(drawn.error());
      }
    }
    const Candidate& candidate = lookahead_[lookahead_next_++];
    if (candidate.blocked) {
      ++stats_.rejected_blocklist;
      continue;
    }
    if (registry_ == nullptr) {
      if (!seen_.Insert(candidate.hash)) {
        ++stats_.rejected_repeat;
        continue;
      }
    } else {
      if (seen_.Contains(candidate.hash)) {
        ++stats_.rejected_repeat;
        continue;
      }
      const Fingerprint keyed = registry_->fingerprinter().Of(candidate.password);
      Result<bool> issued = registry_->Contains(keyed);
      if (!issued) {
        return Fail(issued.error().WithContext("checking the registry"));
      }
      if (*issued) {
        ++stats_.rejected_registry;
        continue;
      }
      if (fingerprint != nullptr) {
        *fingerprint = keyed;
      }
      seen_.Insert(candidate.hash);
    }
    ++stats_.issued;
    return candidate.password;
  }
  return Fail(ErrorCode::kConflict,
              "gave up after " + std::to_string(kMaxConsecutiveRejections) +
                  " rejected candidates in a row: the policy's password space is exhausted "
                  "(use longer passwords)");
}

}  // namespace provisio::passwords
