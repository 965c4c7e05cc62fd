#include "provisio/passwords/unique_generator.h"

#include <sys/mman.h>

#include <bit>
#include <cstring>

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

std::uint64_t Rotl(std::uint64_t x, int b) {
  return (x << b) | (x >> (64 - b));
}

void SipRound(std::uint64_t& v0, std::uint64_t& v1, std::uint64_t& v2, std::uint64_t& v3) {
  v0 += v1;
  v1 = Rotl(v1, 13);
  v1 ^= v0;
  v0 = Rotl(v0, 32);
  v2 += v3;
  v3 = Rotl(v3, 16);
  v3 ^= v2;
  v0 += v3;
  v3 = Rotl(v3, 21);
  v3 ^= v0;
  v2 += v1;
  v1 = Rotl(v1, 17);
  v1 ^= v2;
  v2 = Rotl(v2, 32);
}

std::uint64_t LoadLittleEndian(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= std::uint64_t{p[i]} << (8 * i);
  }
  return v;
}

}  // namespace

std::uint64_t SipHash24(const std::array<std::uint8_t, 16>& key, std::string_view data) {
  const std::uint64_t k0 = LoadLittleEndian(key.data(), 8);
  const std::uint64_t k1 = LoadLittleEndian(key.data() + 8, 8);
  std::uint64_t v0 = k0 ^ 0x736f6d6570736575ULL;
  std::uint64_t v1 = k1 ^ 0x646f72616e646f6dULL;
  std::uint64_t v2 = k0 ^ 0x6c7967656e657261ULL;
  std::uint64_t v3 = k1 ^ 0x7465646279746573ULL;
  const auto* p = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t whole = data.size() / 8 * 8;
  for (std::size_t i = 0; i < whole; i += 8) {
    const std::uint64_t m = LoadLittleEndian(p + i, 8);
    v3 ^= m;
    SipRound(v0, v1, v2, v3);
    SipRound(v0, v1, v2, v3);
    v0 ^= m;
  }
  const std::uint64_t last =
      (std::uint64_t{data.size() & 0xFF} << 56) | LoadLittleEndian(p + whole, data.size() - whole);
  v3 ^= last;
  SipRound(v0, v1, v2, v3);
  SipRound(v0, v1, v2, v3);
  v0 ^= last;
  v2 ^= 0xFF;
  for (int i = 0; i < 4; ++i) {
    SipRound(v0, v1, v2, v3);
  }
  return v0 ^ v1 ^ v2 ^ v3;
}

Result<UniqueGenerator> UniqueGenerator::Create(const PasswordPolicy& policy,
                                                const WordList& words,
                                                const Blocklist& blocklist,
                                                PasswordRegistry* registry,
                                                RandomSource& random,
                                                std::size_t expected_count) {
  std::array<std::uint8_t, 16> key{};
  Result<void> filled = random.Fill(key);
  if (!filled) {
    return Fail(filled.error().WithContext("drawing the uniqueness key"));
  }
  return UniqueGenerator(policy, words, blocklist, registry, random, expected_count, key);
}

UniqueGenerator::UniqueGenerator(const PasswordPolicy& policy,
                                 const WordList& words,
                                 const Blocklist& blocklist,
                                 PasswordRegistry* registry,
                                 RandomSource& random,
                                 std::size_t expected_count,
                                 const std::array<std::uint8_t, 16>& key)
    : policy_(policy),
      words_(&words),
      blocklist_(&blocklist),
      registry_(registry),
      random_(&random),
      key_(key),
      seen_(expected_count) {
}

Result<std::string> UniqueGenerator::Next(Fingerprint* fingerprint) {
  for (int attempt = 0; attempt < kMaxConsecutiveRejections; ++attempt) {
    Result<std::string> candidate = GeneratePassword(policy_, *words_, *random_);
    if (!candidate) {
      return candidate;
    }
    if (blocklist_->Contains(*candidate)) {
      ++stats_.rejected_blocklist;
      continue;
    }
    const std::uint64_t hash = SipHash24(key_, *candidate);
    if (seen_.Contains(hash)) {
      ++stats_.rejected_repeat;
      continue;
    }
    if (registry_ != nullptr) {
      const Fingerprint keyed = registry_->fingerprinter().Of(*candidate);
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
    }
    seen_.Insert(hash);
    ++stats_.issued;
    return candidate;
  }
  return Fail(ErrorCode::kConflict,
              "gave up after " + std::to_string(kMaxConsecutiveRejections) +
                  " rejected candidates in a row: the policy's password space is exhausted "
                  "(use longer passwords)");
}

}  // namespace provisio::passwords
