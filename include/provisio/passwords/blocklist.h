// Passwords that must never be issued and that an audit reports: known
// defaults (Mirai, SecLists default credentials) and common passwords
// (SecLists top 10,000), bundled in the binary, plus any list files the user adds.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
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

  // Exact match. Answers most passwords from a length mask and a one-hash
  // filter without building a string or touching the hash table.
  bool Contains(std::string_view password) const;

  // The entries exactly `length` bytes long, in no particular order (for
  // callers that only ever test passwords of one length).
  std::vector<std::string_view> EntriesOfLength(std::size_t length) const;

  // Match ignoring ASCII case ("ADMIN" matches "admin").
  bool ContainsIgnoringCase(std::string_view password) const;

  std::size_t size() const { return exact_.size(); }
  // Names of the lists added, in order ("mirai-defaults", "/path/to/mine.txt").
  const std::vector<std::string>& sources() const { return sources_; }

 private:
  static constexpr std::size_t kFilterBits = std::size_t{1} << 20;

  // Heterogeneous lookup: find a std::string_view without copying it.
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Bit L (L < 63) set: some entry is L bytes long; bit 63: some entry is 63 or longer.
  std::uint64_t length_mask_ = 0;
  // One-hash filter in front of exact_.
  std::vector<std::uint64_t> filter_ = std::vector<std::uint64_t>(kFilterBits / 64, 0);
  std::unordered_set<std::string, StringHash, std::equal_to<>> exact_;
  std::unordered_set<std::string> lower_;
  std::vector<std::string> sources_;
};

}  // namespace provisio::passwords
