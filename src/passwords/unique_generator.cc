#include "provisio/passwords/unique_generator.h"

#include <bit>
#include <cstring>

namespace provisio::passwords {

FingerprintSet::FingerprintSet(std::size_t expected_size)
    : slots_(std::bit_ceil(std::max<std::size_t>(16, expected_size + expected_size / 2)), 0) {
}

bool FingerprintSet::Contains(std::uint64_t key) const {
  if (key == 0) {
    return has_zero_;
  }
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) {
      return true;
    }
    if (slots_[i] == 0) {
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
  if ((size_ + 1) * 4 > slots_.size() * 3) {
    Grow();
  }
  const std::size_t mask = slots_.size() - 1;
  // Keys are HMAC output, so their low bits are already uniform.
  for (std::size_t i = static_cast<std::size_t>(key) & mask;; i = (i + 1) & mask) {
    if (slots_[i] == key) {
      return false;
    }
    if (slots_[i] == 0) {
      slots_[i] = key;
      ++size_;
      return true;
    }
  }
}

void FingerprintSet::Grow() {
  std::vector<std::uint64_t> old(slots_.size() * 2, 0);
  old.swap(slots_);
  const std::size_t mask = slots_.size() - 1;
  for (std::uint64_t key : old) {
    if (key == 0) {
      continue;
    }
    std::size_t i = static_cast<std::size_t>(key) & mask;
    while (slots_[i] != 0) {
      i = (i + 1) & mask;
    }
    slots_[i] = key;
  }
}

std::uint64_t FingerprintPrefix(const Fingerprint& fingerprint) {
  std::uint64_t prefix = 0;
  std::memcpy(&prefix, fingerprint.data(), sizeof(prefix));
  return prefix;
}

UniqueGenerator::UniqueGenerator(const PasswordPolicy& policy,
                                 const WordList& words,
                                 const Blocklist& blocklist,
                                 const Fingerprinter& fingerprinter,
                                 PasswordRegistry* registry,
                                 RandomSource& random,
                                 std::size_t expected_count)
    : policy_(policy),
      words_(words),
      blocklist_(blocklist),
      fingerprinter_(fingerprinter),
      registry_(registry),
      random_(random),
      seen_(expected_count) {
}

Result<std::string> UniqueGenerator::Next(Fingerprint& fingerprint) {
  for (int attempt = 0; attempt < kMaxConsecutiveRejections; ++attempt) {
    Result<std::string> candidate = GeneratePassword(policy_, words_, random_);
    if (!candidate) {
      return candidate;
    }
    if (blocklist_.Contains(*candidate)) {
      ++stats_.rejected_blocklist;
      continue;
    }
    fingerprint = fingerprinter_.Of(*candidate);
    const std::uint64_t prefix = FingerprintPrefix(fingerprint);
    if (seen_.Contains(prefix)) {
      ++stats_.rejected_repeat;
      continue;
    }
    if (registry_ != nullptr) {
      Result<bool> issued = registry_->Contains(fingerprint);
      if (!issued) {
        return Fail(issued.error().WithContext("checking the registry"));
      }
      if (*issued) {
        ++stats_.rejected_registry;
        continue;
      }
    }
    seen_.Insert(prefix);
    ++stats_.issued;
    return candidate;
  }
  return Fail(ErrorCode::kConflict,
              "gave up after " + std::to_string(kMaxConsecutiveRejections) +
                  " rejected candidates in a row: the policy's password space is exhausted "
                  "(use longer passwords)");
}

}  // namespace provisio::passwords
