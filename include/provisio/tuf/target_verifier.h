// Checking bytes against what metadata says about them: length and EVERY
// listed hash. Supported algorithms: sha224, sha256, sha384, sha512; any other
// listed algorithm is a failure (kHashMismatch), never silently skipped.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "provisio/tuf/metadata.h"
#include "provisio/tuf/rejection.h"

namespace provisio::tuf {

// Checks a whole buffer (metadata files, small targets). `length` and
// `hashes` may be absent/empty (MetaFile makes both optional): then only what
// is listed is checked. Fails with kLengthMismatch or kHashMismatch.
Checked<void> VerifyLengthAndHashes(std::string_view bytes,
                                    std::optional<std::uint64_t> length,
                                    const std::map<std::string, std::string>& hashes);

// Streaming verification of a target: feed the bytes in chunks as they
// arrive (e.g. from a download), then Finish(). Constant memory. Update()
// fails as soon as more than the expected length arrives, so a caller that
// stops on failure never reads past the length (endless-data attack).
class TargetHasher {
 public:
  // Fails with kMalformed when `hashes` is empty, kHashMismatch when an
  // algorithm is unsupported.
  static Checked<TargetHasher> Create(std::uint64_t expected_length,
                                      const std::map<std::string, std::string>& hashes);

  TargetHasher(TargetHasher&&) noexcept;
  TargetHasher& operator=(TargetHasher&&) noexcept;
  ~TargetHasher();

  // Fails with kLengthMismatch when the total exceeds the expected length.
  Checked<void> Update(std::string_view chunk);
  // Fails with kLengthMismatch when fewer bytes arrived, kHashMismatch when a
  // listed hash differs. REQUIRES: called once.
  Checked<void> Finish();

  std::uint64_t bytes_seen() const;

 private:
  struct State;
  explicit TargetHasher(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

struct FileVerifyOptions {
  std::size_t chunk_size = std::size_t{256} << 10;  // Read size; memory is at most 16 chunks.
  // With two or more listed hashes, hash them on separate threads (the
  // reading thread computes one, a worker per other hash the rest), so
  // sha256 + sha512 use both cores. One hash is always read and hashed on
  // the calling thread.
  bool parallel = true;
};

// Verifies the file at `path` against `target`: reads at most length + 1
// bytes (a longer file fails with kLengthMismatch without reading the rest).
// Fails with kUnreadable, kLengthMismatch, kHashMismatch or kMalformed (no
// hashes listed).
Checked<void> VerifyTargetFile(const std::filesystem::path& path,
                               const TargetFile& target,
                               const FileVerifyOptions& options = {});

}  // namespace provisio::tuf
