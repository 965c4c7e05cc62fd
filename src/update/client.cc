// UpdateClient: the TUF client workflow over a Fetcher and a metadata dir.
#include "provisio/update/client.h"

#include <cstdio>
#include <system_error>
#include <utility>

#include "provisio/core/files.h"
#include "provisio/tuf/delegation.h"
#include "provisio/tuf/target_verifier.h"

namespace provisio::update {
namespace {

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

void AppendEscaped(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0x0F];
}

std::string JoinUrl(std::string_view base, std::string_view path) {
  std::string url(base);
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  url += '/';
  url += path;
  return url;
}

// Percent-encodes each segment of a target path, keeping the '/' between them.
std::string EncodeTargetPath(std::string_view path) {
  std::string out;
  for (const char ch : path) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '/' || IsUnreserved(c)) {
      out += ch;
    } else {
      AppendEscaped(out, c);
    }
  }
  return out;
}

std::string RoleFileName(std::string_view role) {
  return SafeFileName(role) + ".json";
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out += ch;
    } else {
      AppendEscaped(out, c);
    }
  }
  return out;
}

std::string SafeFileName(std::string_view name) {
  if (name.empty() || name == "." || name == "..") {
    std::string out;
    for (const char ch : name) {
      AppendEscaped(out, static_cast<unsigned char>(ch));
    }
    return out.empty() ? std::string("%") : out;
  }
  return PercentEncode(name);
}

UpdateClient::UpdateClient(UpdateClientOptions options, Fetcher& fetcher, const Clock& clock)
    : options_(std::move(options)), fetcher_(fetcher), clock_(clock) {
}

Result<void> UpdateClient::Initialize(const std::filesystem::path& metadata_dir,
                                      std::string_view root_bytes) {
  std::error_code ec;
  std::filesystem::create_directories(metadata_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "creating " + metadata_dir.string() + ": " + ec.message());
  }
  return WriteFileAtomically(metadata_dir / "root.json", root_bytes);
}

Error UpdateClient::Rejected(const tuf::Rejection& rejection, std::string_view context) {
  last_rejection_ = rejection.reason();
  return rejection.ToError().WithContext(context);
}

std::string UpdateClient::MetadataUrl(std::string_view file_name) const {
  return JoinUrl(options_.metadata_base_url, file_name);
}

Result<void> UpdateClient::Persist(std::string_view file_name, std::string_view bytes) {
  return WriteFileAtomically(options_.metadata_dir / std::string(file_name), bytes);
}

Result<void> UpdateClient::Refresh() {
  if (!refreshed_) {
    refreshed_ = RefreshOnce();
  }
  if (!*refreshed_) {
    return Fail(refreshed_->error());
  }
  return {};
}

Result<void> UpdateClient::RefreshOnce() {
  if (Result<void> root = LoadRoot(); !root) {
    return root;
  }
  if (Result<void> timestamp = LoadTimestamp(); !timestamp) {
    return timestamp;
  }
  if (Result<void> snapshot = LoadSnapshot(); !snapshot) {
    return snapshot;
  }
  return LoadTargets("targets", "root");
}

Result<void> UpdateClient::LoadRoot() {
  Result<std::string> local = ReadFile(options_.metadata_dir / "root.json");
  if (!local) {
    return Fail(local.error().WithContext("loading the trusted root"));
  }
  tuf::Checked<tuf::TrustedMetadataSet> set =
      tuf::TrustedMetadataSet::Create(*local, clock_, options_.verify);
  if (!set) {
    return Fail(Rejected(set.error(), "trusted root.json"));
  }
  trusted_.emplace(std::move(*set));

  for (int i = 0; i < options_.max_root_rotations; ++i) {
    const std::int64_t next = trusted_->root().body.version + 1;
    const std::string name = std::to_string(next) + ".root.json";
    Result<std::string> bytes = fetcher_.Fetch(MetadataUrl(name), options_.root_max_length);
    if (!bytes) {
      if (bytes.error().code() == ErrorCode::kNotFound) {
        break;
      }
      return Fail(bytes.error().WithContext("fetching " + name));
    }
    tuf::Checked<void> updated = trusted_->UpdateRoot(*bytes);
    if (!updated) {
      return Fail(Rejected(updated.error(), name));
    }
    if (Result<void> stored = Persist("root.json", *bytes); !stored) {
      return stored;
    }
  }
  // Spec 5.3.11: after a rotation of timestamp or snapshot keys the stored
  // copies can no longer be verified; drop them (fast-forward recovery).
  std::error_code ignored;
  if (trusted_->timestamp_keys_rotated() || trusted_->snapshot_keys_rotated()) {
    std::filesystem::remove(options_.metadata_dir / "timestamp.json", ignored);
  }
  if (trusted_->snapshot_keys_rotated()) {
    std::filesystem::remove(options_.metadata_dir / "snapshot.json", ignored);
  }
  tuf::Checked<void> fresh = trusted_->CheckRootNotExpired();
  if (!fresh) {
    return Fail(Rejected(fresh.error(), "root.json"));
  }
  return {};
}

Result<void> UpdateClient::LoadTimestamp() {
  if (Result<std::string> local = ReadFile(options_.metadata_dir / "timestamp.json"); local) {
    // A stored copy only serves as the reference for rollback checks.
    (void)trusted_->UpdateTimestamp(*local);
  }
  Result<std::string> bytes =
      fetcher_.Fetch(MetadataUrl("timestamp.json"), options_.timestamp_max_length);
  if (!bytes) {
    return Fail(bytes.error().WithContext("fetching timestamp.json"));
  }
  tuf::Checked<tuf::UpdateOutcome> outcome = trusted_->UpdateTimestamp(*bytes);
  if (!outcome) {
    return Fail(Rejected(outcome.error(), "timestamp.json"));
  }
  if (*outcome == tuf::UpdateOutcome::kAccepted) {
    return Persist("timestamp.json", *bytes);
  }
  return {};
}

Result<void> UpdateClient::LoadSnapshot() {
  if (Result<std::string> local = ReadFile(options_.metadata_dir / "snapshot.json"); local) {
    if (trusted_->UpdateSnapshot(*local, /*from_local_storage=*/true)) {
      return {};  // The stored snapshot is still the one the timestamp names.
    }
  }
  const tuf::MetaFile& meta = trusted_->timestamp()->body.snapshot_meta;
  const std::string name = trusted_->root().body.consistent_snapshot
                               ? std::to_string(meta.version) + ".snapshot.json"
                               : std::string("snapshot.json");
  const std::uint64_t max_bytes = meta.length.value_or(options_.snapshot_max_length);
  Result<std::string> bytes = fetcher_.Fetch(MetadataUrl(name), max_bytes);
  if (!bytes) {
    return Fail(bytes.error().WithContext("fetching " + name));
  }
  tuf::Checked<void> updated = trusted_->UpdateSnapshot(*bytes);
  if (!updated) {
    return Fail(Rejected(updated.error(), name));
  }
  return Persist("snapshot.json", *bytes);
}

Result<void> UpdateClient::LoadTargets(const std::string& role, const std::string& parent) {
  const std::string file_name = RoleFileName(role);
  if (Result<std::string> local = ReadFile(options_.metadata_dir / file_name); local) {
    if (trusted_->UpdateDelegatedTargets(*local, role, parent)) {
      return {};
    }
  }
  const tuf::Snapshot& snapshot = trusted_->snapshot()->body;
  auto listed = snapshot.meta.find(role + ".json");
  if (listed == snapshot.meta.end()) {
    return Fail(Rejected(
        tuf::Rejection(tuf::RejectReason::kUnknownRole, "snapshot does not list " + role + ".json"),
        "loading role " + role));
  }
  const tuf::MetaFile& meta = listed->second;
  const std::string encoded = PercentEncode(role) + ".json";
  const std::string name = trusted_->root().body.consistent_snapshot
                               ? std::to_string(meta.version) + "." + encoded
                               : encoded;
  const std::uint64_t max_bytes = meta.length.value_or(options_.targets_max_length);
  Result<std::string> bytes = fetcher_.Fetch(MetadataUrl(name), max_bytes);
  if (!bytes) {
    return Fail(bytes.error().WithContext("fetching " + name));
  }
  tuf::Checked<void> updated = trusted_->UpdateDelegatedTargets(*bytes, role, parent);
  if (!updated) {
    return Fail(Rejected(updated.error(), name));
  }
  return Persist(file_name, *bytes);
}

Result<std::optional<TargetInfo>> UpdateClient::GetTargetInfo(std::string_view target_path) {
  if (Result<void> refreshed = Refresh(); !refreshed) {
    return Fail(refreshed.error());
  }
  tuf::TargetSearchOptions search;
  search.max_roles = options_.max_delegations;
  Result<std::optional<tuf::FoundTarget>> found = tuf::FindTarget(
      *trusted_, target_path,
      [this](const std::string& role, const std::string& parent) {
        return LoadTargets(role, parent);
      },
      search);
  if (!found) {
    return Fail(found.error().WithContext("searching for " + std::string(target_path)));
  }
  if (!*found) {
    return std::optional<TargetInfo>();
  }
  TargetInfo info;
  info.path = std::string(target_path);
  info.role = (*found)->role;
  info.file = (*found)->file;
  return std::optional<TargetInfo>(std::move(info));
}

Result<std::filesystem::path> UpdateClient::DownloadTarget(const TargetInfo& target) {
  std::error_code ec;
  std::filesystem::create_directories(options_.target_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "creating " + options_.target_dir.string() + ": " + ec.message());
  }
  const std::filesystem::path local = options_.target_dir / SafeFileName(target.path);
  if (std::filesystem::is_regular_file(local, ec) && tuf::VerifyTargetFile(local, target.file)) {
    return local;  // Already here and verified: no download.
  }
  if (target.file.hashes.empty()) {
    return Fail(Rejected(tuf::Rejection(tuf::RejectReason::kMalformed, "no hashes listed"),
                         "target " + target.path));
  }

  std::string remote = target.path;
  if (!trusted_ || trusted_->root().body.consistent_snapshot) {
    const std::size_t slash = remote.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : remote.substr(0, slash + 1);
    const std::string base = slash == std::string::npos ? remote : remote.substr(slash + 1);
    remote = dir + target.file.hashes.begin()->second + "." + base;
  }
  const std::string url = JoinUrl(options_.target_base_url, EncodeTargetPath(remote));

  tuf::Checked<tuf::TargetHasher> hasher =
      tuf::TargetHasher::Create(target.file.length, target.file.hashes);
  if (!hasher) {
    return Fail(Rejected(hasher.error(), "target " + target.path));
  }
  std::optional<tuf::Rejection> rejection;
  Result<std::filesystem::path> temporary =
      DownloadToTemporaryFile(fetcher_, url, target.file.length, options_.target_dir,
                              [&](std::string_view chunk) -> Result<void> {
                                tuf::Checked<void> fed = hasher->Update(chunk);
                                if (!fed) {
                                  rejection = fed.error();
                                  return Fail(fed.error().ToError());
                                }
                                return {};
                              });
  if (!temporary) {
    if (rejection) {
      return Fail(Rejected(*rejection, "target " + target.path));
    }
    return Fail(temporary.error().WithContext("downloading target " + target.path));
  }
  tuf::Checked<void> finished = hasher->Finish();
  if (!finished) {
    std::filesystem::remove(*temporary, ec);
    return Fail(Rejected(finished.error(), "target " + target.path));
  }
  std::filesystem::rename(*temporary, local, ec);
  if (ec) {
    std::error_code ignored;
    std::filesystem::remove(*temporary, ignored);
    return Fail(ErrorCode::kIo, "moving target into " + local.string() + ": " + ec.message());
  }
  return local;
}

}  // namespace provisio::update
