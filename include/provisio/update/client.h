// The device side of signed updates: the TUF detailed client workflow
// (specification 1.0.x §5) over a Fetcher, with trusted metadata stored in a
// local directory. All verification rules live in tuf::TrustedMetadataSet;
// this class fetches bytes (always bounded), hands them over in workflow
// order and persists exactly the bytes that were accepted.
//
// Typical use:
//   UpdateClientOptions options;
//   options.metadata_dir = "/var/lib/device/tuf";
//   options.metadata_base_url = "https://updates.example.com/metadata";
//   options.target_base_url = "https://updates.example.com/targets";
//   options.target_dir = "/var/lib/device/downloads";
//   UpdateClient client(options, fetcher, clock);
//   auto info = client.GetTargetInfo("firmware/router-2.1.bin");   // refreshes first
//   if (info && *info) auto file = client.DownloadTarget(**info);
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"
#include "provisio/tuf/metadata.h"
#include "provisio/tuf/rejection.h"
#include "provisio/tuf/signatures.h"
#include "provisio/tuf/trusted_metadata_set.h"
#include "provisio/update/transport.h"

namespace provisio::update {

struct UpdateClientOptions {
  // Where trusted metadata lives: root.json (required before a refresh),
  // timestamp.json, snapshot.json, targets.json and <role>.json for
  // delegated roles (role names percent-encoded).
  std::filesystem::path metadata_dir;
  // Base URL of the repository's metadata ("…/metadata"), with or without a
  // trailing slash.
  std::string metadata_base_url;
  // Base URL of the targets ("…/targets") and where verified targets are
  // stored (file name: the target path, percent-encoded).
  std::string target_base_url;
  std::filesystem::path target_dir;

  // Upper bounds on downloads whose length metadata does not fix (TUF's
  // python-tuf defaults).
  int max_root_rotations = 32;
  std::uint64_t root_max_length = 512'000;
  std::uint64_t timestamp_max_length = 16'384;
  std::uint64_t snapshot_max_length = 2'000'000;
  std::uint64_t targets_max_length = 5'000'000;
  // Roles visited by one delegation search.
  std::size_t max_delegations = 32;
  // Verification settings passed to the trusted metadata set.
  tuf::VerifyOptions verify;
};

// A target found through the delegation search.
struct TargetInfo {
  std::string path;  // The TUF target path.
  std::string role;  // The targets role that listed it.
  tuf::TargetFile file;
};

class UpdateClient {
 public:
  // `fetcher` and `clock` must outlive the client.
  UpdateClient(UpdateClientOptions options, Fetcher& fetcher, const Clock& clock);

  // Writes `root_bytes` as the trusted root.json of a new metadata dir
  // (created if missing). No request is made and nothing is checked: the
  // first Refresh() verifies it (tuf-conformance's "init").
  static Result<void> Initialize(const std::filesystem::path& metadata_dir,
                                 std::string_view root_bytes);

  // Runs steps 5.2-5.6 of the client workflow for the top-level roles:
  // root rotation loop, timestamp, snapshot, targets. Fails with
  // kVerification (see last_rejection()), kNetwork, kNotFound (no trusted
  // root.json) or kIo. Each client refreshes at most once; later calls
  // return the first call's result.
  Result<void> Refresh();

  // Finds `target_path` through the delegation graph (refreshing first if
  // needed). Returns nullopt when no role lists it.
  Result<std::optional<TargetInfo>> GetTargetInfo(std::string_view target_path);

  // Returns the path of the verified target in target_dir: an existing
  // file whose length and hashes match is kept, otherwise the target is
  // downloaded (HASH.name when consistent snapshots are on) into a temporary
  // file, verified while streaming and renamed into place. Nothing that
  // fails verification is left behind.
  Result<std::filesystem::path> DownloadTarget(const TargetInfo& target);

  // The reason of the last verification failure, if the last failure was one.
  std::optional<tuf::RejectReason> last_rejection() const { return last_rejection_; }

 private:
  Result<void> RefreshOnce();
  Result<void> LoadRoot();
  Result<void> LoadTimestamp();
  Result<void> LoadSnapshot();
  Result<void> LoadTargets(const std::string& role, const std::string& parent);
  Result<void> Persist(std::string_view file_name, std::string_view bytes);
  Error Rejected(const tuf::Rejection& rejection, std::string_view context);
  std::string MetadataUrl(std::string_view file_name) const;

  UpdateClientOptions options_;
  Fetcher& fetcher_;
  const Clock& clock_;
  std::optional<tuf::TrustedMetadataSet> trusted_;
  std::optional<Result<void>> refreshed_;
  std::optional<tuf::RejectReason> last_rejection_;
};

// Percent-encodes every byte except A-Z a-z 0-9 - . _ ~ (Python's
// urllib.parse.quote(text, safe="")): role names in URLs and file names.
std::string PercentEncode(std::string_view text);

// A file name for a role's metadata or a target: PercentEncode(name), with
// "." and ".." encoded too so the result is never a directory reference.
std::string SafeFileName(std::string_view name);

}  // namespace provisio::update
