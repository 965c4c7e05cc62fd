// Passwords that must never be issued and that an audit reports: known
// defaults (Mirai, SecLists default credentials) and common passwords
// (SecLists top 10,000), bundled in the binary, plus any list files the user adds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::passwords {

class Blocklist {
 public:
  // An empty list.
  Blocklist() = default;

  // The bundled lists (data/blocklists/*.txt, compiled in).
  static Blocklist Bundled();

  // Adds one password per line of `text` (a trailing '\r' is dropped; empty
  // lines are skipped; every other line counts, including ones starting with '#').
  void AddText(std::string_view text, std::string_view list_name);

  // Adds a list file. Fails with kNotFound or kIo.
  Result<void> AddFile(const std::filesystem::path& path);

  // Exact match.
  bool Contains(std::string_view password) const;

  // Match ignoring ASCII case ("ADMIN" matches "admin").
  bool ContainsIgnoringCase(std::string_view password) const;

  std::size_t size() const { return exact_.size(); }
  // Names of the lists added, in order ("mirai-defaults", "/path/to/mine.txt").
  const std::vector<std::string>& sources() const { return sources_; }

 private:
  static constexpr std::size_t kFilterBits = std::size_t{1} << 20;

  // One-hash filter in front of exact_: most candidates are answered
  // "not listed" without building a string or touching the hash table.
  std::vector<std::uint64_t> filter_ = std::vector<std::uint64_t>(kFilterBits / 64, 0);
  std::unordered_set<std::string> exact_;
  std::unordered_set<std::string> lower_;
  std::vector<std::string> sources_;
};

// ASCII lower case.
std::string ToLowerAscii(std::string_view text);

}  // namespace provisio::passwords
