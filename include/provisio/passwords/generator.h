// Password generation for factory provisioning (EN 303 645 5.1-1, 5.1-2):
// every character or word is drawn from a cryptographically secure random
// source with unbiased sampling; nothing about the device (serial number, MAC)
// is an input. Two policies: a printed-label password from an alphabet without
// look-alike characters, or a passphrase of words from a word list.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/random.h"
#include "provisio/core/result.h"

namespace provisio::passwords {

// 56 characters: digits without 0 and 1, letters without I, O, l and o.
inline constexpr std::string_view kLabelAlphabet =
    "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz";

enum class PolicyKind {
  kLabel,       // `length` characters of kLabelAlphabet.
  kPassphrase,  // `words` words of the word list joined by `separator`.
};

std::string_view ToString(PolicyKind kind);  // "label", "passphrase"

struct PasswordPolicy {
  static constexpr int kMinLength = 8;  // Label characters; below this the policy is refused.
  static constexpr int kMaxLength = 128;
  static constexpr int kMinWords = 3;
  static constexpr int kMaxWords = 32;

  PolicyKind kind = PolicyKind::kLabel;
  int length = 12;       // kLabel: characters (12 x log2(56) = 69.7 bits).
  int words = 6;         // kPassphrase: words (6 x 12 bits = 72 bits with the bundled list).
  char separator = '-';  // kPassphrase: between words.
};

// A list of distinct words for passphrases.
class WordList {
 public:
  // Parses one word per line (blank lines and lines starting with '#' are
  // skipped). Fails with kParse, naming source and line, on a duplicate word,
  // a word with whitespace or the separator '-', or fewer than 2 words.
  static Result<WordList> Parse(std::string_view text, std::string_view source_name);

  // The bundled list (data/wordlists/provisio-words.txt, compiled in):
  // 4096 common English words, 12 bits each. Parsed on each call (cheap).
  static WordList Bundled();

  std::size_t size() const { return words_.size(); }
  const std::string& operator[](std::size_t i) const { return words_[i]; }

 private:
  std::vector<std::string> words_;
};

// Entropy in bits of one password drawn under `policy`: length x log2(56) for
// labels, words x log2(word list size) for passphrases.
double EntropyBits(const PasswordPolicy& policy, std::size_t wordlist_size);

// Checks the policy's bounds. Fails with kInvalidArgument.
Result<void> ValidatePolicy(const PasswordPolicy& policy, std::size_t wordlist_size);

// Draws one password. Fails with kInvalidArgument for a policy outside its
// bounds and passes on the random source's failure with context.
Result<std::string> GeneratePassword(const PasswordPolicy& policy,
                                     const WordList& words,
                                     RandomSource& random);

// Returns a uniform value in [0, bound) with no modulo bias. Draws one byte
// per attempt when bound <= 256 (rejecting the incomplete last block), else
// uses RandomSource::Uniform. REQUIRES: bound > 0.
Result<std::uint32_t> UniformIndex(RandomSource& random, std::uint32_t bound);

// Serves Fill() from a buffer refilled in large blocks from `source`, so that
// drawing millions of small values costs few system calls. The buffer is
// wiped when refilled and on destruction. REQUIRES: `source` outlives this.
class BufferedRandom final : public RandomSource {
 public:
  explicit BufferedRandom(RandomSource& source, std::size_t block_bytes = 64 * 1024);
  ~BufferedRandom() override;
  BufferedRandom(const BufferedRandom&) = delete;
  BufferedRandom& operator=(const BufferedRandom&) = delete;

  Result<void> Fill(std::span<std::uint8_t> out) override;

 private:
  RandomSource& source_;
  std::vector<std::uint8_t> buffer_;
  std::size_t next_;
};

}  // namespace provisio::passwords
