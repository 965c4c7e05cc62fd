#include "provisio/passwords/generator.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <unordered_set>

#include "passwords/bundled_data.h"
#include "passwords/label_table.h"

namespace provisio::passwords {

std::string_view ToString(PolicyKind kind) {
  return kind == PolicyKind::kLabel ? "label" : "passphrase";
}

Result<WordList> WordList::Parse(std::string_view text, std::string_view source_name) {
  WordList list;
  std::unordered_set<std::string_view> seen;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::string where = std::string(source_name) + ":" + std::to_string(line_number);
    if (line.find_first_of(" \t-") != std::string_view::npos) {
      return Fail(ErrorCode::kParse, where + ": a word must not contain spaces or '-'");
    }
    if (!seen.insert(line).second) {
      return Fail(ErrorCode::kParse, where + ": duplicate word '" + std::string(line) +
                                         "' (duplicates would overstate the entropy)");
    }
    list.words_.emplace_back(line);
  }
  if (list.words_.size() < 2) {
    return Fail(ErrorCode::kParse,
                std::string(source_name) + ": a word list needs at least 2 words");
  }
  return list;
}

WordList WordList::Bundled() {
  Result<WordList> parsed = Parse(internal::BundledWordListText(), "bundled word list");
  PROVISIO_CHECK(parsed.has_value());  // Checked in by us; a unit test parses it too.
  return std::move(*parsed);
}

double EntropyBits(const PasswordPolicy& policy, std::size_t wordlist_size) {
  if (policy.kind == PolicyKind::kLabel) {
    return policy.length * std::log2(static_cast<double>(kLabelAlphabet.size()));
  }
  return wordlist_size < 2 ? 0.0 : policy.words * std::log2(static_cast<double>(wordlist_size));
}

Result<void> ValidatePolicy(const PasswordPolicy& policy, std::size_t wordlist_size) {
  if (policy.kind == PolicyKind::kLabel) {
    if (policy.length < PasswordPolicy::kMinLength || policy.length > PasswordPolicy::kMaxLength) {
      return Fail(ErrorCode::kInvalidArgument,
                  "label length must be " + std::to_string(PasswordPolicy::kMinLength) + ".." +
                      std::to_string(PasswordPolicy::kMaxLength));
    }
    return {};
  }
  if (policy.words < PasswordPolicy::kMinWords || policy.words > PasswordPolicy::kMaxWords) {
    return Fail(ErrorCode::kInvalidArgument, "passphrase words must be " +
                                                 std::to_string(PasswordPolicy::kMinWords) + ".." +
                                                 std::to_string(PasswordPolicy::kMaxWords));
  }
  // One device record per line: a line break (or any control character)
  // between words would split it.
  const auto separator = static_cast<unsigned char>(policy.separator);
  if (separator < 0x20 || separator == 0x7f) {
    return Fail(ErrorCode::kInvalidArgument,
                "the passphrase separator must be a printable character, not a control character");
  }
  if (wordlist_size < 2 || wordlist_size > UINT32_MAX) {
    return Fail(ErrorCode::kInvalidArgument, "the word list must hold at least 2 words");
  }
  return {};
}

Result<std::uint32_t> UniformIndex(RandomSource& random, std::uint32_t bound) {
  PROVISIO_CHECK(bound > 0);
  if (bound > 256) {
    return random.Uniform(bound);
  }
  // Accept bytes below the largest multiple of `bound`: every residue equally likely.
  const std::uint32_t limit = 256 - (256 % bound);
  for (;;) {
    std::uint8_t byte = 0;
    Result<void> filled = random.Fill(std::span<std::uint8_t>(&byte, 1));
    if (!filled) {
      return Fail(filled.error());
    }
    if (byte < limit) {
      return byte % bound;
    }
  }
}

Result<std::string> GeneratePassword(const PasswordPolicy& policy,
                                     const WordList& words,
                                     RandomSource& random) {
  Result<void> valid = ValidatePolicy(policy, words.size());
  if (!valid) {
    return Fail(valid.error());
  }
  std::string password;
  if (policy.kind == PolicyKind::kLabel) {
    // Draw bytes in bulk (one Fill per password in the common case) and keep
    // those below the largest multiple of the alphabet size: no modulo bias.
    const auto length = static_cast<std::size_t>(policy.length);
    password.resize(length);
    std::array<std::uint8_t, PasswordPolicy::kMaxLength + PasswordPolicy::kMaxLength / 4 + 8>
        bytes{};
    std::size_t filled = 0;
    while (filled < length) {
      const std::size_t missing = length - filled;
      const std::span<std::uint8_t> draw(bytes.data(), missing + missing / 4 + 2);
      Result<void> result = random.Fill(draw);
      if (!result) {
        std::fill(bytes.begin(), bytes.end(), std::uint8_t{0});
        return Fail(result.error().WithContext("generating password"));
      }
      std::size_t next = 0;
      internal::MapLabelBytes(draw.data(), draw.size(), &next, password.data(), length, &filled);
    }
    std::fill(bytes.begin(), bytes.end(), std::uint8_t{0});
    return password;
  }
  for (int i = 0; i < policy.words; ++i) {
    Result<std::uint32_t> index = UniformIndex(random, static_cast<std::uint32_t>(words.size()));
    if (!index) {
      return Fail(index.error().WithContext("generating password"));
    }
    if (i > 0) {
      password += policy.separator;
    }
    password += words[*index];
  }
  return password;
}

BufferedRandom::BufferedRandom(RandomSource& source, std::size_t block_bytes)
    : source_(source), buffer_(std::max<std::size_t>(block_bytes, 64)), next_(buffer_.size()) {
}

BufferedRandom::~BufferedRandom() {
  std::fill(buffer_.begin(), buffer_.end(), std::uint8_t{0});
  // Keep the wipe from being optimised away.
  volatile std::uint8_t* p = buffer_.data();
  (void)p[0];
}

Result<void> BufferedRandom::Fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    if (next_ == buffer_.size()) {
      Result<void> refilled = source_.Fill(buffer_);
      if (!refilled) {
        return refilled;
      }
      next_ = 0;
    }
    const std::size_t n = std::min(out.size() - done, buffer_.size() - next_);
    std::copy_n(buffer_.begin() + static_cast<std::ptrdiff_t>(next_), n,
                out.begin() + static_cast<std::ptrdiff_t>(done));
    std::fill_n(buffer_.begin() + static_cast<std::ptrdiff_t>(next_), n, std::uint8_t{0});
    next_ += n;
    done += n;
  }
  return {};
}

}  // namespace provisio::passwords
