// Where the agent learns about and fetches updates. The production source is
// the TUF client (tuf_update_source.h); tests pass a scripted fake. Whatever
// a source returns has been verified by it: metadata signatures, versions,
// expiry, and the target's length and hashes.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::agent {

struct AvailableUpdate {
  std::string target_name;             // TUF target path.
  std::string hardware_id;             // From the target's custom metadata.
  std::string version;                 // Software version, compared as dotted numbers.
  std::uint64_t security_version = 0;  // Anti-rollback level of this image.
  bool security_update = false;        // Marked as a security fix by the publisher.
  std::uint64_t length = 0;
  std::string sha256;
  std::string release_notes_url;
};

class UpdateSource {
 public:
  virtual ~UpdateSource() = default;

  // Refreshes trusted metadata and lists every target that carries update
  // metadata (any hardware id). Fails with kVerification on any TUF
  // rejection, kNetwork when the repository cannot be reached.
  virtual Result<std::vector<AvailableUpdate>> Refresh() = 0;

  // Downloads `update` into `destination`, verified against the trusted
  // metadata (length and every hash) before it returns. On failure nothing is
  // left at `destination`.
  virtual Result<void> Download(const AvailableUpdate& update,
                                const std::filesystem::path& destination) = 0;
};

// Compares dotted versions numerically ("1.10.0" > "1.9.3"); non-numeric
// parts compare as text. Returns <0, 0 or >0.
int CompareVersions(std::string_view left, std::string_view right);

}  // namespace provisio::agent
