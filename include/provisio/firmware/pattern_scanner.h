// Multi-pattern matching over byte buffers. Two engines implement it:
// Hyperscan (when built with PROVISIO_WITH_HYPERSCAN) and a portable one that
// finds each pattern's required literal and confirms with a regex around it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::firmware {

struct Pattern {
  unsigned id = 0;
  // ECMAScript/PCRE-compatible subset: literals, classes, \x escapes,
  // quantifiers {m,n}, alternation. No back-references, no anchors.
  std::string regex;
  // A literal every match contains (used by the portable engine to find
  // candidates quickly). Must be non-empty.
  std::string literal;
  bool caseless = false;
  // Longest match the portable engine will look for around the literal.
  std::size_t max_length = 256;
};

struct Match {
  unsigned id = 0;
  std::uint64_t start = 0;  // Offset of the first byte of the match.
  std::uint64_t end = 0;    // One past the last byte.
};

// A compiled set of patterns. Thread-safe: Scan may run from many threads.
class PatternScanner {
 public:
  virtual ~PatternScanner() = default;

  // Calls `on_match` for the matches found in `data` (at most one match per
  // pattern and end offset; overlapping matches may both be reported).
  // Fails with kInternal if the engine fails.
  virtual Result<void> Scan(std::string_view data,
                            const std::function<void(const Match&)>& on_match) const = 0;

  // "hyperscan" or "portable".
  virtual std::string_view Engine() const = 0;
};

enum class ScannerEngine { kBest, kPortable };

// Compiles `patterns`. kBest picks Hyperscan when this build has it.
// Fails with kInvalidArgument when a pattern does not compile.
// With a non-empty `cache_dir`, a compiled Hyperscan database is kept there
// (named by a digest of the patterns, the Hyperscan version and the CPU
// features) and loaded instead of compiled next time: compiling costs about
// 0.1 s, loading a few milliseconds. Cache failures only cost the compile.
Result<std::unique_ptr<PatternScanner>> MakePatternScanner(
    const std::vector<Pattern>& patterns,
    ScannerEngine engine = ScannerEngine::kBest,
    const std::filesystem::path& cache_dir = {});

}  // namespace provisio::firmware
