// Repository: staged TUF metadata, keys and targets in a directory, and the
// atomic publish of consistent-snapshot metadata.
#include "provisio/update/repository.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <system_error>
#include <utility>

#include <openssl/evp.h>

#include "formats/document.h"
#include "provisio/core/files.h"
#include "provisio/core/sha256.h"
#include "provisio/tuf/canonical_json.h"
#include "provisio/tuf/delegation.h"
#include "provisio/tuf/metadata.h"
#include "provisio/tuf/signatures.h"

namespace provisio::update {
namespace {

namespace fs = std::filesystem;
using formats::Json;

constexpr std::string_view kSettingsFormat = "provisio.update.repository/v1";
const char* const kTopLevelRoles[] = {"root", "targets", "snapshot", "timestamp"};

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// An flock on DIR/.lock held for one whole read-modify-write of the staged
// state, so that concurrent `repo add`, `sign`, `publish`... (other
// processes, or other Repository handles in this one) run one after the
// other instead of overwriting each other's staged roles.
class RepositoryLock {
 public:
  static Result<RepositoryLock> Acquire(const fs::path& dir) {
    const fs::path path = dir / ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return Fail(ErrorCode::kIo, "opening lock file " + path.string() + ": " + ErrnoText(errno));
    }
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR) {
        const int error = errno;
        ::close(fd);
        return Fail(ErrorCode::kIo, "locking " + path.string() + ": " + ErrnoText(error));
      }
    }
    return RepositoryLock(fd);
  }
  RepositoryLock(RepositoryLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  RepositoryLock(const RepositoryLock&) = delete;
  RepositoryLock& operator=(const RepositoryLock&) = delete;
  RepositoryLock& operator=(RepositoryLock&&) = delete;
  ~RepositoryLock() {
    if (fd_ >= 0) {
      ::close(fd_);  // Releases the lock.
    }
  }

 private:
  explicit RepositoryLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

Error FromRejection(const tuf::Rejection& rejection, std::string_view context) {
  return rejection.ToError().WithContext(context);
}

bool IsSafeRoleName(std::string_view name) {
  if (name.empty() || name.size() > 200 || name[0] == '.') {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

bool IsTopLevel(std::string_view role) {
  return std::any_of(std::begin(kTopLevelRoles), std::end(kTopLevelRoles),
                     [role](const char* name) { return role == name; });
}

// Target paths must be relative, with no empty, "." or ".." segments, so
// that they map to files inside DIR/targets.
Result<void> CheckTargetPath(std::string_view path) {
  if (path.empty() || path.front() == '/' || path.back() == '/') {
    return Fail(ErrorCode::kInvalidArgument,
                "target name '" + std::string(path) + "' must be a relative path to a file");
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return Fail(ErrorCode::kInvalidArgument,
                  "target name '" + std::string(path) + "' has an empty, '.' or '..' segment");
    }
    start = end + 1;
  }
  return {};
}

// tuf-js sorts object keys by UTF-16 code unit, the TUF specification (and
// provisio's signer) by code point. The orders differ only for a pair of keys
// whose first differing characters are one in U+E000..U+FFFF and one beyond
// U+FFFF; a role listing such a pair would carry a signature that tuf-js
// clients cannot verify. Refuses `name` when it sorts differently from a
// neighbour in `targets` (which then holds it; the rest of the list agrees in
// both orders, so checking the neighbours is enough).
Result<void> CheckKeyOrdersAgree(const std::map<std::string, tuf::TargetFile>& targets,
                                 const std::string& name,
                                 const std::string& role) {
  auto it = targets.find(name);
  if (it == targets.end()) {
    return {};
  }
  const std::string* clash = nullptr;
  if (it != targets.begin() && !tuf::KeyLess(std::prev(it)->first, name, tuf::KeyOrder::kUtf16)) {
    clash = &std::prev(it)->first;
  } else if (std::next(it) != targets.end() &&
             !tuf::KeyLess(name, std::next(it)->first, tuf::KeyOrder::kUtf16)) {
    clash = &std::next(it)->first;
  }
  if (clash == nullptr) {
    return {};
  }
  return Fail(ErrorCode::kInvalidArgument,
              "target name '" + name + "' sorts differently from '" + *clash + "' in role " + role +
                  " by UTF-16 code unit (tuf-js) than by code point (the TUF specification), so "
                  "tuf-js clients could not verify the role's signature; rename one of them "
                  "(characters U+E000..U+FFFF next to characters beyond U+FFFF)");
}

// sha256 and sha512 of a file, streamed, plus its length.
struct FileHashes {
  std::uint64_t length = 0;
  std::string sha256;
  std::string sha512;
};

Result<FileHashes> HashFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Fail(ErrorCode::kNotFound, path.string() + ": cannot open for reading");
  }
  EVP_MD_CTX* ctx256 = EVP_MD_CTX_new();
  EVP_MD_CTX* ctx512 = EVP_MD_CTX_new();
  bool ok = ctx256 != nullptr && ctx512 != nullptr &&
            EVP_DigestInit_ex(ctx256, EVP_sha256(), nullptr) == 1 &&
            EVP_DigestInit_ex(ctx512, EVP_sha512(), nullptr) == 1;
  FileHashes hashes;
  std::string buffer(1 << 16, '\0');
  while (ok && in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) {
      break;
    }
    hashes.length += n;
    ok = EVP_DigestUpdate(ctx256, buffer.data(), n) == 1 &&
         EVP_DigestUpdate(ctx512, buffer.data(), n) == 1;
  }
  const bool read_failed = in.bad();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (ok && EVP_DigestFinal_ex(ctx256, digest, &size) == 1) {
    hashes.sha256 = HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
  } else {
    ok = false;
  }
  if (ok && EVP_DigestFinal_ex(ctx512, digest, &size) == 1) {
    hashes.sha512 = HexEncode(std::string_view(reinterpret_cast<const char*>(digest), size));
  } else {
    ok = false;
  }
  EVP_MD_CTX_free(ctx256);
  EVP_MD_CTX_free(ctx512);
  if (read_failed) {
    return Fail(ErrorCode::kIo, path.string() + ": read failed");
  }
  if (!ok) {
    return Fail(ErrorCode::kInternal, "OpenSSL failed to hash " + path.string());
  }
  return hashes;
}

Result<void> SyncDirectory(const fs::path& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "opening " + dir.string() + ": " + ErrnoText(errno));
  }
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) {
    return Fail(ErrorCode::kIo, "syncing " + dir.string() + ": " + ErrnoText(error));
  }
  return {};
}

// ---- staged and published metadata ------------------------------------

fs::path StagedPath(const fs::path& dir, std::string_view role) {
  return dir / "staged" / (std::string(role) + ".json");
}

template <typename T>
Result<tuf::Metadata<T>> ReadMetadata(const fs::path& path) {
  Result<std::string> bytes = ReadFile(path);
  if (!bytes) {
    return Fail(bytes.error());
  }
  tuf::Checked<tuf::Metadata<T>> parsed = tuf::ParseMetadata<T>(*bytes);
  if (!parsed) {
    return Fail(FromRejection(parsed.error(), path.string()));
  }
  return std::move(*parsed);
}

template <typename T>
Result<void> WriteStaged(const fs::path& dir, std::string_view role, tuf::Metadata<T>& metadata) {
  return WriteFileAtomically(StagedPath(dir, role), tuf::SerializeMetadata(metadata));
}

// Every staged targets role (top-level "targets" and delegated roles).
Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> ReadStagedTargets(const fs::path& dir) {
  std::map<std::string, tuf::Metadata<tuf::Targets>> roles;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir / "staged", ec)) {
    const std::string file = entry.path().filename().string();
    if (file.size() <= 5 || file.substr(file.size() - 5) != ".json" || file[0] == '.') {
      continue;
    }
    const std::string role = file.substr(0, file.size() - 5);
    if (role == "root") {
      continue;
    }
    Result<tuf::Metadata<tuf::Targets>> metadata = ReadMetadata<tuf::Targets>(entry.path());
    if (!metadata) {
      return Fail(metadata.error());
    }
    roles.emplace(role, std::move(*metadata));
  }
  if (ec) {
    return Fail(ErrorCode::kIo, "reading " + (dir / "staged").string() + ": " + ec.message());
  }
  if (roles.count("targets") == 0) {
    return Fail(ErrorCode::kNotFound, (dir / "staged").string() + ": no targets.json");
  }
  return roles;
}

struct Published {
  std::optional<tuf::Metadata<tuf::Root>> root;
  std::optional<tuf::Metadata<tuf::Timestamp>> timestamp;
  std::optional<tuf::Metadata<tuf::Snapshot>> snapshot;

  std::int64_t RoleVersion(const std::string& role) const {
    if (role == "root") {
      return root ? root->body.version : 0;
    }
    if (!snapshot) {
      return 0;
    }
    auto it = snapshot->body.meta.find(role + ".json");
    return it == snapshot->body.meta.end() ? 0 : it->second.version;
  }
};

Result<Published> ReadPublished(const fs::path& dir) {
  Published published;
  const fs::path metadata = dir / "metadata";
  std::error_code ec;
  if (!fs::exists(metadata / "timestamp.json", ec)) {
    return published;
  }
  Result<tuf::Metadata<tuf::Root>> root = ReadMetadata<tuf::Root>(metadata / "root.json");
  if (!root) {
    return Fail(root.error());
  }
  published.root = std::move(*root);
  Result<tuf::Metadata<tuf::Timestamp>> timestamp =
      ReadMetadata<tuf::Timestamp>(metadata / "timestamp.json");
  if (!timestamp) {
    return Fail(timestamp.error());
  }
  const std::string snapshot_name =
      std::to_string(timestamp->body.snapshot_meta.version) + ".snapshot.json";
  published.timestamp = std::move(*timestamp);
  Result<tuf::Metadata<tuf::Snapshot>> snapshot =
      ReadMetadata<tuf::Snapshot>(metadata / snapshot_name);
  if (!snapshot) {
    return Fail(snapshot.error());
  }
  published.snapshot = std::move(*snapshot);
  return published;
}

// Marks `metadata` as changed: a version newer than the published one, a
// fresh expiry, and no signatures (they no longer cover the body).
template <typename T>
void Touch(tuf::Metadata<T>& metadata,
           std::int64_t published_version,
           TimePoint now,
           std::chrono::seconds period) {
  if (metadata.body.version <= published_version) {
    metadata.body.version = published_version + 1;
  }
  metadata.body.expires = std::chrono::time_point_cast<std::chrono::seconds>(now + period);
  metadata.signatures.clear();
  metadata.raw_bytes.clear();
  metadata.signed_encodings.clear();
}

// A role is renewed by `publish` once less than this much validity is
// left: the snapshot lifetime (so a valid snapshot never points at an
// expired role), or a tenth of the role's own lifetime if that is longer.
std::chrono::seconds RenewalWindow(const ExpiryPolicy& expiry, std::chrono::seconds period) {
  return std::max(expiry.snapshot, period / 10);
}

// ---- keys ----------------------------------------------------------------

Result<std::map<std::string, tuf::KeyPair>> ReadKeys(const fs::path& dir) {
  std::map<std::string, tuf::KeyPair> keys;
  std::error_code ec;
  const fs::path key_dir = dir / "keys";
  if (!fs::exists(key_dir, ec)) {
    return keys;
  }
  for (const fs::directory_entry& entry : fs::directory_iterator(key_dir, ec)) {
    if (entry.path().extension() != ".pem") {
      continue;
    }
    Result<std::string> pem = ReadFile(entry.path());
    if (!pem) {
      return Fail(pem.error());
    }
    Result<tuf::KeyPair> key = tuf::KeyPair::FromPrivateKeyPem(*pem);
    if (!key) {
      return Fail(key.error().WithContext(entry.path().string()));
    }
    keys.emplace(key->key_id(), *key);
  }
  if (ec) {
    return Fail(ErrorCode::kIo, "reading " + key_dir.string() + ": " + ec.message());
  }
  return keys;
}

Result<tuf::KeyPair> NewStoredKey(const fs::path& dir, tuf::KeyType type) {
  Result<tuf::KeyPair> key = tuf::KeyPair::Generate(type);
  if (!key) {
    return Fail(key.error());
  }
  Result<std::string> pem = key->PrivateKeyPem();
  if (!pem) {
    return Fail(pem.error());
  }
  std::error_code ec;
  fs::create_directories(dir / "keys", ec);
  fs::permissions(dir / "keys", fs::perms::owner_all, fs::perm_options::replace, ec);
  WriteOptions secret;
  secret.mode = 0600;
  Result<void> written = WriteFileAtomically(dir / "keys" / (key->key_id() + ".pem"), *pem, secret);
  if (!written) {
    return Fail(written.error());
  }
  return *key;
}

Result<std::vector<tuf::KeyPair>> NewStoredKeys(const fs::path& dir, tuf::KeyType type, int count) {
  std::vector<tuf::KeyPair> keys;
  for (int i = 0; i < count; ++i) {
    Result<tuf::KeyPair> key = NewStoredKey(dir, type);
    if (!key) {
      return Fail(key.error());
    }
    keys.push_back(*key);
  }
  return keys;
}

// ---- settings ------------------------------------------------------------

Json ExpiryToJson(const ExpiryPolicy& expiry) {
  Json json = Json::object();
  json["root"] = expiry.root.count();
  json["targets"] = expiry.targets.count();
  json["snapshot"] = expiry.snapshot.count();
  json["timestamp"] = expiry.timestamp.count();
  return json;
}

// Who may sign `role` and how many must: the delegator's view of it.
struct Authority {
  std::vector<std::string> keyids;
  int threshold = 1;
  std::map<std::string, tuf::Key> keys;
};

Result<Authority> AuthorityFor(const std::string& role,
                               const tuf::Root& root,
                               const std::map<std::string, tuf::Metadata<tuf::Targets>>& roles) {
  if (IsTopLevel(role)) {
    auto it = root.roles.find(role);
    if (it == root.roles.end()) {
      return Fail(ErrorCode::kParse, "root does not define role " + role);
    }
    return Authority{it->second.keyids, it->second.threshold, root.keys};
  }
  for (const auto& [name, metadata] : roles) {
    if (!metadata.body.delegations) {
      continue;
    }
    for (const tuf::DelegatedRole& delegated : metadata.body.delegations->roles) {
      if (delegated.name == role) {
        return Authority{delegated.keyids, delegated.threshold, metadata.body.delegations->keys};
      }
    }
  }
  return Fail(ErrorCode::kNotFound, "no role delegates " + role);
}

// Signs with every available authorised key not yet present.
template <typename T>
Result<void> SignWithAvailable(tuf::Metadata<T>& metadata,
                               const std::vector<std::string>& keyids,
                               const std::map<std::string, tuf::KeyPair>& available) {
  for (const std::string& keyid : keyids) {
    auto key = available.find(keyid);
    if (key == available.end()) {
      continue;
    }
    const bool present =
        std::any_of(metadata.signatures.begin(), metadata.signatures.end(),
                    [&keyid](const tuf::Signature& s) { return s.keyid == keyid; });
    if (present) {
      continue;
    }
    Result<void> signed_ok = tuf::SignMetadata(metadata, key->second);
    if (!signed_ok) {
      return signed_ok;
    }
  }
  return {};
}

template <typename T>
tuf::Checked<void> CheckThreshold(std::string_view role,
                                  const tuf::Metadata<T>& metadata,
                                  const Authority& authority) {
  return tuf::VerifyThreshold(role, authority.keyids, authority.threshold, authority.keys,
                              metadata.signatures, tuf::SigningInputs(metadata));
}

// Gives `metadata` (not changed since it was published) a new version and
// expiry and signs it, if the keys online reach `authority`'s threshold.
// Leaves it alone and returns false otherwise.
template <typename T>
Result<bool> RenewIfSignable(tuf::Metadata<T>& metadata,
                             std::string_view role,
                             const std::vector<const Authority*>& authorities,
                             const std::map<std::string, tuf::KeyPair>& keys,
                             TimePoint now,
                             std::chrono::seconds period) {
  tuf::Metadata<T> renewed = metadata;
  Touch(renewed, metadata.body.version, now, period);
  for (const Authority* authority : authorities) {
    if (Result<void> s = SignWithAvailable(renewed, authority->keyids, keys); !s) {
      return Fail(s.error());
    }
  }
  for (const Authority* authority : authorities) {
    if (!CheckThreshold(role, renewed, *authority)) {
      return false;
    }
  }
  metadata = std::move(renewed);
  return true;
}

// Renews root and every targets role that is unchanged since publishing and
// would expire within its renewal window, so a `publish` from cron keeps
// them alive. A role whose keys are offline is not renewed (that would stop
// the timestamp refresh too); a warning says so instead.
Result<void> RenewExpiring(const Published& published,
                           const ExpiryPolicy& expiry,
                           tuf::Metadata<tuf::Root>& root,
                           std::map<std::string, tuf::Metadata<tuf::Targets>>& roles,
                           const std::map<std::string, tuf::KeyPair>& keys,
                           TimePoint now,
                           std::vector<std::string>* warnings) {
  auto renew = [&](auto& metadata, const std::string& role,
                   const std::vector<const Authority*>& authorities,
                   std::chrono::seconds period) -> Result<void> {
    const bool unchanged = published.root && metadata.body.version == published.RoleVersion(role);
    if (!unchanged || metadata.body.expires - now >= RenewalWindow(expiry, period)) {
      return {};
    }
    Result<bool> renewed = RenewIfSignable(metadata, role, authorities, keys, now, period);
    if (!renewed) {
      return Fail(renewed.error());
    }
    if (!*renewed) {
      warnings->push_back(role + " expires " + FormatUtc(metadata.body.expires) +
                          " and is not renewed: its keys in keys/ do not reach its threshold "
                          "(publish with them present once, or stage a change and sign it "
                          "offline with `provisio update repo sign`)");
    }
    return {};
  };
  tuf::Root& body = root.body;
  const Authority root_authority{body.roles["root"].keyids, body.roles["root"].threshold,
                                 body.keys};
  if (Result<void> r = renew(root, "root", {&root_authority}, expiry.root); !r) {
    return r;
  }
  for (auto& [name, metadata] : roles) {
    Result<Authority> authority = AuthorityFor(name, root.body, roles);
    if (!authority) {
      return Fail(authority.error());
    }
    if (Result<void> r = renew(metadata, name, {&*authority}, expiry.targets); !r) {
      return r;
    }
  }
  return {};
}

// The role a new target belongs in: follow the first matching delegation
// from "targets" down, as a client's search would find it.
std::string RouteTarget(const std::map<std::string, tuf::Metadata<tuf::Targets>>& roles,
                        const std::string& path) {
  std::string current = "targets";
  for (int depth = 0; depth < 32; ++depth) {
    auto it = roles.find(current);
    if (it == roles.end() || !it->second.body.delegations) {
      break;
    }
    std::vector<std::pair<std::string, bool>> next =
        tuf::RolesForTarget(*it->second.body.delegations, path);
    if (next.empty() || roles.count(next.front().first) == 0) {
      break;
    }
    current = next.front().first;
  }
  return current;
}

std::string HexPrefix(std::uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(static_cast<std::size_t>(digits), '0');
  for (int i = digits - 1; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[value & 0xF];
    value >>= 4;
  }
  return out;
}

// Copies `source` into DIR/targets as <dir>/<sha256>.<name>, with a hard
// link <dir>/<sha512>.<name> (a copy where links are not possible).
Result<void> StoreTarget(const fs::path& dir,
                         const fs::path& source,
                         const std::string& target_path,
                         const FileHashes& hashes) {
  const std::size_t slash = target_path.rfind('/');
  const std::string sub = slash == std::string::npos ? "" : target_path.substr(0, slash);
  const std::string base = slash == std::string::npos ? target_path : target_path.substr(slash + 1);
  const fs::path target_dir = sub.empty() ? dir / "targets" : dir / "targets" / sub;
  std::error_code ec;
  fs::create_directories(target_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "creating " + target_dir.string() + ": " + ec.message());
  }
  const fs::path by_sha256 = target_dir / (hashes.sha256 + "." + base);
  const fs::path by_sha512 = target_dir / (hashes.sha512 + "." + base);
  if (!fs::exists(by_sha256, ec)) {
    const fs::path temporary = target_dir / (".incoming-" + hashes.sha256);
    fs::copy_file(source, temporary, fs::copy_options::overwrite_existing, ec);
    if (!ec) {
      fs::rename(temporary, by_sha256, ec);
    }
    if (ec) {
      fs::remove(temporary, ec);
      return Fail(ErrorCode::kIo, "storing " + source.string() + ": " + ec.message());
    }
  }
  if (!fs::exists(by_sha512, ec)) {
    fs::create_hard_link(by_sha256, by_sha512, ec);
    if (ec) {
      ec.clear();
      fs::copy_file(by_sha256, by_sha512, ec);
      if (ec) {
        return Fail(ErrorCode::kIo, "storing " + by_sha512.string() + ": " + ec.message());
      }
    }
  }
  return {};
}

Result<std::string> CustomJson(const TargetCustom& custom) {
  Json json = Json::object();
  if (custom.hardware_id) {
    json["hardware_id"] = *custom.hardware_id;
  }
  if (custom.version) {
    json["version"] = *custom.version;
  }
  if (custom.security_version) {
    json["security_version"] = *custom.security_version;
  }
  if (custom.release_notes_url) {
    json["release_notes"] = *custom.release_notes_url;
  }
  Result<std::string> canonical = tuf::CanonicalizeJson(formats::DumpJson(json, -1));
  if (!canonical) {
    return Fail(canonical.error());
  }
  return *canonical;
}

}  // namespace

Repository::Repository(fs::path dir, const Clock& clock) : dir_(std::move(dir)), clock_(&clock) {
}

Result<void> Repository::SaveSettings() const {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  return WriteSettings();
}

Result<void> Repository::WriteSettings() const {
  Json json = Json::object();
  json["format"] = std::string(kSettingsFormat);
  json["key_type"] = std::string(tuf::ToString(key_type_));
  json["expiry_seconds"] = ExpiryToJson(expiry_);
  return WriteFileAtomically(dir_ / "repository.json", formats::DumpJson(json, 2) + "\n");
}

Result<Repository> Repository::Init(const fs::path& dir,
                                    const RepositoryInitOptions& options,
                                    const Clock& clock) {
  for (const auto& [role, count] : options.key_counts) {
    if (!IsTopLevel(role) || count < 1) {
      return Fail(ErrorCode::kInvalidArgument, "keys: '" + role + "=" + std::to_string(count) +
                                                   "' needs a top-level role and a count >= 1");
    }
  }
  for (const auto& [role, threshold] : options.thresholds) {
    if (!IsTopLevel(role) || threshold < 1) {
      return Fail(ErrorCode::kInvalidArgument, "threshold: '" + role + "=" +
                                                   std::to_string(threshold) +
                                                   "' needs a top-level role and a value >= 1");
    }
  }
  std::error_code ec;
  fs::create_directories(dir / "staged", ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "creating " + dir.string() + ": " + ec.message());
  }
  // Two concurrent inits of one directory: the second sees the first's
  // repository.json.
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir);
  if (!lock) {
    return Fail(lock.error());
  }
  if (fs::exists(dir / "repository.json", ec)) {
    return Fail(ErrorCode::kConflict, dir.string() + " already holds a repository");
  }
  Repository repository(dir, clock);
  repository.key_type_ = options.key_type;
  repository.expiry_ = options.expiry;
  const TimePoint now = clock.Now();

  tuf::Metadata<tuf::Root> root;
  root.body.consistent_snapshot = true;
  for (const char* role : kTopLevelRoles) {
    auto count_it = options.key_counts.find(role);
    auto threshold_it = options.thresholds.find(role);
    const int count = count_it == options.key_counts.end() ? 1 : count_it->second;
    const int threshold = threshold_it == options.thresholds.end() ? 1 : threshold_it->second;
    if (threshold > count) {
      return Fail(ErrorCode::kInvalidArgument, std::string(role) + ": threshold " +
                                                   std::to_string(threshold) + " exceeds " +
                                                   std::to_string(count) + " keys");
    }
    Result<std::vector<tuf::KeyPair>> keys = NewStoredKeys(dir, options.key_type, count);
    if (!keys) {
      return Fail(keys.error());
    }
    tuf::RoleKeys role_keys;
    role_keys.threshold = threshold;
    for (const tuf::KeyPair& key : *keys) {
      root.body.keys[key.key_id()] = key.public_key();
      role_keys.keyids.push_back(key.key_id());
    }
    root.body.roles[role] = role_keys;
  }
  Touch(root, 0, now, options.expiry.root);
  tuf::Metadata<tuf::Targets> targets;
  Touch(targets, 0, now, options.expiry.targets);

  if (Result<void> saved = WriteStaged(dir, "root", root); !saved) {
    return Fail(saved.error());
  }
  if (Result<void> saved = WriteStaged(dir, "targets", targets); !saved) {
    return Fail(saved.error());
  }
  if (Result<void> saved = repository.WriteSettings(); !saved) {
    return Fail(saved.error());
  }
  return repository;
}

Result<Repository> Repository::Open(const fs::path& dir, const Clock& clock) {
  Result<formats::Document> settings = formats::ReadJsonFile(dir / "repository.json");
  if (!settings) {
    if (settings.error().code() == ErrorCode::kNotFound) {
      return Fail(ErrorCode::kNotFound,
                  dir.string() + " is not a repository (no repository.json): run `init` first");
    }
    return Fail(settings.error());
  }
  const Json& json = settings->value;
  if (!json.is_object() || !json.contains("format") || !json["format"].is_string() ||
      json["format"].get<std::string>() != kSettingsFormat) {
    return Fail(ErrorCode::kParse,
                settings->Where("/format") + ": expected format " + std::string(kSettingsFormat));
  }
  Repository repository(dir, clock);
  if (json.contains("key_type") && json["key_type"].is_string()) {
    Result<tuf::KeyType> type = tuf::ParseKeyType(json["key_type"].get<std::string>());
    if (!type) {
      return Fail(type.error().WithContext(settings->Where("/key_type")));
    }
    repository.key_type_ = *type;
  }
  if (json.contains("expiry_seconds") && json["expiry_seconds"].is_object()) {
    const Json& expiry = json["expiry_seconds"];
    auto read = [&expiry](const char* role, std::chrono::seconds& out) {
      if (expiry.contains(role) && expiry[role].is_number_integer()) {
        out = std::chrono::seconds(expiry[role].get<std::int64_t>());
      }
    };
    read("root", repository.expiry_.root);
    read("targets", repository.expiry_.targets);
    read("snapshot", repository.expiry_.snapshot);
    read("timestamp", repository.expiry_.timestamp);
  }
  return repository;
}

Result<std::string> Repository::AddTarget(const fs::path& file, const AddTargetOptions& options) {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  const std::string name = options.name.empty() ? file.filename().string() : options.name;
  if (Result<void> valid = CheckTargetPath(name); !valid) {
    return Fail(valid.error());
  }
  Result<FileHashes> hashes = HashFile(file);
  if (!hashes) {
    return Fail(hashes.error());
  }
  Result<std::string> custom = CustomJson(options.custom);
  if (!custom) {
    return Fail(custom.error());
  }
  Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> roles = ReadStagedTargets(dir_);
  if (!roles) {
    return Fail(roles.error());
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  const std::string role = RouteTarget(*roles, name);
  tuf::Metadata<tuf::Targets>& metadata = roles->at(role);
  tuf::TargetFile entry;
  entry.length = hashes->length;
  entry.hashes = {{"sha256", hashes->sha256}, {"sha512", hashes->sha512}};
  if (*custom != "{}") {
    entry.custom_json = *custom;
  }
  metadata.body.targets[name] = entry;
  if (Result<void> agree = CheckKeyOrdersAgree(metadata.body.targets, name, role); !agree) {
    return Fail(agree.error());
  }
  if (Result<void> stored = StoreTarget(dir_, file, name, *hashes); !stored) {
    return Fail(stored.error());
  }
  Touch(metadata, published->RoleVersion(role), clock_->Now(), expiry_.targets);
  if (Result<void> saved = WriteStaged(dir_, role, metadata); !saved) {
    return Fail(saved.error());
  }
  return role;
}

Result<std::size_t> Repository::AddTargets(const std::vector<fs::path>& files,
                                           const fs::path& base_dir) {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> roles = ReadStagedTargets(dir_);
  if (!roles) {
    return Fail(roles.error());
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  // A directory stands for every regular file below it (sorted, so the
  // result does not depend on the file system's listing order).
  std::vector<fs::path> expanded;
  for (const fs::path& file : files) {
    std::error_code ec;
    if (!fs::is_directory(file, ec)) {
      expanded.push_back(file);
      continue;
    }
    std::vector<fs::path> found;
    for (fs::recursive_directory_iterator it(file, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) {
        found.push_back(it->path());
      }
    }
    if (ec) {
      return Fail(ErrorCode::kIo, "listing " + file.string() + ": " + ec.message());
    }
    std::sort(found.begin(), found.end());
    expanded.insert(expanded.end(), found.begin(), found.end());
  }
  std::set<std::string> touched;
  for (const fs::path& file : expanded) {
    const std::string name = file.lexically_relative(base_dir).generic_string();
    if (Result<void> valid = CheckTargetPath(name); !valid) {
      return Fail(valid.error());
    }
    Result<FileHashes> hashes = HashFile(file);
    if (!hashes) {
      return Fail(hashes.error());
    }
    const std::string role = RouteTarget(*roles, name);
    tuf::TargetFile entry;
    entry.length = hashes->length;
    entry.hashes = {{"sha256", hashes->sha256}, {"sha512", hashes->sha512}};
    std::map<std::string, tuf::TargetFile>& listed = roles->at(role).body.targets;
    listed[name] = entry;
    if (Result<void> agree = CheckKeyOrdersAgree(listed, name, role); !agree) {
      return Fail(agree.error());
    }
    if (Result<void> stored = StoreTarget(dir_, file, name, *hashes); !stored) {
      return Fail(stored.error());
    }
    touched.insert(role);
  }
  for (const std::string& role : touched) {
    tuf::Metadata<tuf::Targets>& metadata = roles->at(role);
    Touch(metadata, published->RoleVersion(role), clock_->Now(), expiry_.targets);
    if (Result<void> saved = WriteStaged(dir_, role, metadata); !saved) {
      return Fail(saved.error());
    }
  }
  return expanded.size();
}

Result<void> Repository::Delegate(const std::string& role, const DelegationOptions& options) {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  if (!IsSafeRoleName(role) || IsTopLevel(role)) {
    return Fail(ErrorCode::kInvalidArgument,
                "role name '" + role +
                    "' must use letters, digits, '-', '_', '.' (not first) and not be a "
                    "top-level role");
  }
  if (options.key_count < 1 || options.threshold < 1 || options.threshold > options.key_count) {
    return Fail(ErrorCode::kInvalidArgument, "delegation needs 1 <= threshold <= keys");
  }
  Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> roles = ReadStagedTargets(dir_);
  if (!roles) {
    return Fail(roles.error());
  }
  if (roles->count(role) != 0) {
    return Fail(ErrorCode::kConflict, "role " + role + " already exists");
  }
  auto parent = roles->find(options.parent);
  if (parent == roles->end()) {
    return Fail(ErrorCode::kNotFound, "no targets role " + options.parent + " to delegate from");
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  Result<std::vector<tuf::KeyPair>> keys = NewStoredKeys(dir_, key_type_, options.key_count);
  if (!keys) {
    return Fail(keys.error());
  }
  tuf::Metadata<tuf::Targets>& delegator = parent->second;
  if (!delegator.body.delegations) {
    delegator.body.delegations = tuf::Delegations{};
  }
  tuf::DelegatedRole entry;
  entry.name = role;
  entry.threshold = options.threshold;
  entry.terminating = options.terminating;
  entry.paths = options.paths;
  for (const tuf::KeyPair& key : *keys) {
    delegator.body.delegations->keys[key.key_id()] = key.public_key();
    entry.keyids.push_back(key.key_id());
  }
  delegator.body.delegations->roles.push_back(entry);
  const TimePoint now = clock_->Now();
  Touch(delegator, published->RoleVersion(options.parent), now, expiry_.targets);
  tuf::Metadata<tuf::Targets> created;
  Touch(created, published->RoleVersion(role), now, expiry_.targets);
  if (Result<void> saved = WriteStaged(dir_, role, created); !saved) {
    return saved;
  }
  return WriteStaged(dir_, options.parent, delegator);
}

Result<void> Repository::DelegateHashBins(int bins, int key_count, int threshold) {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  if (bins < 2 || bins > 65536 || (bins & (bins - 1)) != 0) {
    return Fail(ErrorCode::kInvalidArgument, "--hash-bins must be a power of two in 2..65536");
  }
  if (key_count < 1 || threshold < 1 || threshold > key_count) {
    return Fail(ErrorCode::kInvalidArgument, "hash bins need 1 <= threshold <= keys");
  }
  Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> roles = ReadStagedTargets(dir_);
  if (!roles) {
    return Fail(roles.error());
  }
  tuf::Metadata<tuf::Targets>& targets = roles->at("targets");
  if (targets.body.delegations && !targets.body.delegations->roles.empty()) {
    return Fail(ErrorCode::kConflict, "targets already delegates; hash bins must come first");
  }
  if (!targets.body.targets.empty()) {
    return Fail(ErrorCode::kConflict, "targets already lists files; create hash bins first");
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  Result<std::vector<tuf::KeyPair>> keys = NewStoredKeys(dir_, key_type_, key_count);
  if (!keys) {
    return Fail(keys.error());
  }
  int bits = 0;
  while ((1 << bits) < bins) {
    ++bits;
  }
  const int digits = (bits + 3) / 4;
  const std::uint64_t prefixes = std::uint64_t{1} << (4 * digits);
  const std::uint64_t per_bin = prefixes / static_cast<std::uint64_t>(bins);

  tuf::Delegations delegations;
  std::vector<std::string> keyids;
  for (const tuf::KeyPair& key : *keys) {
    delegations.keys[key.key_id()] = key.public_key();
    keyids.push_back(key.key_id());
  }
  const TimePoint now = clock_->Now();
  for (std::uint64_t bin = 0; bin < static_cast<std::uint64_t>(bins); ++bin) {
    tuf::DelegatedRole role;
    role.name = "bin-" + HexPrefix(bin * per_bin, digits);
    role.keyids = keyids;
    role.threshold = threshold;
    std::vector<std::string> bin_prefixes;
    for (std::uint64_t p = bin * per_bin; p < (bin + 1) * per_bin; ++p) {
      bin_prefixes.push_back(HexPrefix(p, digits));
    }
    role.path_hash_prefixes = bin_prefixes;
    tuf::Metadata<tuf::Targets> created;
    Touch(created, published->RoleVersion(role.name), now, expiry_.targets);
    if (Result<void> saved = WriteStaged(dir_, role.name, created); !saved) {
      return saved;
    }
    delegations.roles.push_back(std::move(role));
  }
  targets.body.delegations = std::move(delegations);
  Touch(targets, published->RoleVersion("targets"), now, expiry_.targets);
  return WriteStaged(dir_, "targets", targets);
}

Result<void> Repository::Sign(const std::string& role, const tuf::KeyPair& key) {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  if (role == "snapshot" || role == "timestamp") {
    return Fail(ErrorCode::kInvalidArgument,
                role +
                    " is signed at publish time with its online key; sign root, targets or a "
                    "delegated role");
  }
  if (!IsTopLevel(role) && !IsSafeRoleName(role)) {
    return Fail(ErrorCode::kInvalidArgument, "no such role: " + role);
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  Result<tuf::Metadata<tuf::Root>> root = ReadMetadata<tuf::Root>(StagedPath(dir_, "root"));
  if (!root) {
    return Fail(root.error());
  }
  if (role == "root") {
    if (root->body.version <= published->RoleVersion("root")) {
      return Fail(ErrorCode::kNotFound, "root has no staged change to sign");
    }
    std::vector<std::string> allowed = root->body.roles["root"].keyids;
    if (published->root) {
      const auto& old = published->root->body.roles["root"].keyids;
      allowed.insert(allowed.end(), old.begin(), old.end());
    }
    if (std::find(allowed.begin(), allowed.end(), key.key_id()) == allowed.end()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "key " + key.key_id() + " is not a root key of the old or new root");
    }
    if (Result<void> signed_ok = tuf::SignMetadata(*root, key); !signed_ok) {
      return signed_ok;
    }
    return WriteStaged(dir_, "root", *root);
  }
  Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> roles = ReadStagedTargets(dir_);
  if (!roles) {
    return Fail(roles.error());
  }
  auto it = roles->find(role);
  if (it == roles->end()) {
    return Fail(ErrorCode::kNotFound, "no staged role " + role);
  }
  if (it->second.body.version <= published->RoleVersion(role)) {
    return Fail(ErrorCode::kNotFound, role + " has no staged change to sign");
  }
  Result<Authority> authority = AuthorityFor(role, root->body, *roles);
  if (!authority) {
    return Fail(authority.error());
  }
  if (std::find(authority->keyids.begin(), authority->keyids.end(), key.key_id()) ==
      authority->keyids.end()) {
    return Fail(ErrorCode::kInvalidArgument,
                "key " + key.key_id() + " is not authorised to sign " + role);
  }
  if (Result<void> signed_ok = tuf::SignMetadata(it->second, key); !signed_ok) {
    return signed_ok;
  }
  return WriteStaged(dir_, role, it->second);
}

Result<void> Repository::RotateRoot(int new_key_count, int threshold) {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  if (new_key_count < 1 || threshold < 1 || threshold > new_key_count) {
    return Fail(ErrorCode::kInvalidArgument, "rotate-root needs 1 <= threshold <= new keys");
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  Result<tuf::Metadata<tuf::Root>> root = ReadMetadata<tuf::Root>(StagedPath(dir_, "root"));
  if (!root) {
    return Fail(root.error());
  }
  Result<std::vector<tuf::KeyPair>> keys = NewStoredKeys(dir_, key_type_, new_key_count);
  if (!keys) {
    return Fail(keys.error());
  }
  tuf::RoleKeys& role = root->body.roles["root"];
  std::set<std::string> still_used;
  for (const auto& [name, keys_of_role] : root->body.roles) {
    if (name != "root") {
      still_used.insert(keys_of_role.keyids.begin(), keys_of_role.keyids.end());
    }
  }
  for (const std::string& keyid : role.keyids) {
    if (still_used.count(keyid) == 0) {
      root->body.keys.erase(keyid);
    }
  }
  role.keyids.clear();
  role.threshold = threshold;
  for (const tuf::KeyPair& key : *keys) {
    root->body.keys[key.key_id()] = key.public_key();
    role.keyids.push_back(key.key_id());
  }
  Touch(*root, published->RoleVersion("root"), clock_->Now(), expiry_.root);
  return WriteStaged(dir_, "root", *root);
}

Result<PublishResult> Repository::Publish() {
  Result<RepositoryLock> lock = RepositoryLock::Acquire(dir_);
  if (!lock) {
    return Fail(lock.error());
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  Result<tuf::Metadata<tuf::Root>> root = ReadMetadata<tuf::Root>(StagedPath(dir_, "root"));
  if (!root) {
    return Fail(root.error());
  }
  Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> roles = ReadStagedTargets(dir_);
  if (!roles) {
    return Fail(roles.error());
  }
  Result<std::map<std::string, tuf::KeyPair>> keys = ReadKeys(dir_);
  if (!keys) {
    return Fail(keys.error());
  }
  const TimePoint now = clock_->Now();
  PublishResult result;
  std::vector<std::string> short_of_signatures;
  // Renew what would otherwise expire before the next publish is likely:
  // a cron job that only refreshes the timestamp keeps every role alive.
  if (Result<void> renewed =
          RenewExpiring(*published, expiry_, *root, *roles, *keys, now, &result.warnings);
      !renewed) {
    return Fail(renewed.error());
  }

  // Root: signed by the new root's keys and, after the first version, by a
  // threshold of the previous root's keys too.
  const bool root_staged = root->body.version > published->RoleVersion("root");
  if (root_staged) {
    Authority fresh{root->body.roles["root"].keyids, root->body.roles["root"].threshold,
                    root->body.keys};
    if (Result<void> s = SignWithAvailable(*root, fresh.keyids, *keys); !s) {
      return Fail(s.error());
    }
    bool enough = static_cast<bool>(CheckThreshold("root", *root, fresh));
    if (published->root) {
      tuf::Root& old = published->root->body;
      Authority previous{old.roles["root"].keyids, old.roles["root"].threshold, old.keys};
      if (Result<void> s = SignWithAvailable(*root, previous.keyids, *keys); !s) {
        return Fail(s.error());
      }
      enough = enough && static_cast<bool>(CheckThreshold("root", *root, previous));
    }
    if (Result<void> saved = WriteStaged(dir_, "root", *root); !saved) {
      return Fail(saved.error());
    }
    if (!enough) {
      short_of_signatures.push_back("root");
    } else {
      result.published_roles.push_back("root");
    }
  }
  for (auto& [name, metadata] : *roles) {
    if (metadata.body.version <= published->RoleVersion(name)) {
      continue;
    }
    Result<Authority> authority = AuthorityFor(name, root->body, *roles);
    if (!authority) {
      return Fail(authority.error());
    }
    if (Result<void> s = SignWithAvailable(metadata, authority->keyids, *keys); !s) {
      return Fail(s.error());
    }
    if (Result<void> saved = WriteStaged(dir_, name, metadata); !saved) {
      return Fail(saved.error());
    }
    if (!CheckThreshold(name, metadata, *authority)) {
      short_of_signatures.push_back(name);
    } else {
      result.published_roles.push_back(name);
    }
  }
  if (!short_of_signatures.empty()) {
    std::string list;
    for (const std::string& name : short_of_signatures) {
      list += (list.empty() ? "" : ", ") + name;
    }
    return Fail(ErrorCode::kVerification,
                "not published: " + list +
                    " lacks its signature threshold; add offline signatures with `provisio "
                    "update repo sign DIR ROLE --key FILE`, then publish again");
  }

  // Snapshot and timestamp, signed with the online keys.
  tuf::Metadata<tuf::Snapshot> snapshot;
  snapshot.body.version = published->snapshot ? published->snapshot->body.version + 1 : 1;
  snapshot.body.expires =
      std::chrono::time_point_cast<std::chrono::seconds>(now + expiry_.snapshot);
  std::map<std::string, std::string> new_files;
  if (root_staged) {
    new_files[std::to_string(root->body.version) + ".root.json"] = tuf::SerializeMetadata(*root);
    new_files["root.json"] = new_files[std::to_string(root->body.version) + ".root.json"];
  }
  for (auto& [name, metadata] : *roles) {
    tuf::MetaFile meta;
    if (metadata.body.version > published->RoleVersion(name)) {
      std::string bytes = tuf::SerializeMetadata(metadata);
      meta.version = metadata.body.version;
      meta.length = bytes.size();
      new_files[std::to_string(metadata.body.version) + "." + name + ".json"] = std::move(bytes);
    } else {
      meta = published->snapshot->body.meta.at(name + ".json");
    }
    snapshot.body.meta[name + ".json"] = meta;
  }
  for (const char* role : {"snapshot", "timestamp"}) {
    for (const std::string& keyid : root->body.roles[role].keyids) {
      if (keys->count(keyid) == 0) {
        return Fail(ErrorCode::kVerification, std::string("not published: the ") + role + " key " +
                                                  keyid + " is not in " + (dir_ / "keys").string() +
                                                  " (snapshot and timestamp keys stay online)");
      }
    }
  }
  if (Result<void> s = SignWithAvailable(snapshot, root->body.roles["snapshot"].keyids, *keys);
      !s) {
    return Fail(s.error());
  }
  const std::string snapshot_bytes = tuf::SerializeMetadata(snapshot);
  new_files[std::to_string(snapshot.body.version) + ".snapshot.json"] = snapshot_bytes;

  tuf::Metadata<tuf::Timestamp> timestamp;
  timestamp.body.version = published->timestamp ? published->timestamp->body.version + 1 : 1;
  timestamp.body.expires =
      std::chrono::time_point_cast<std::chrono::seconds>(now + expiry_.timestamp);
  timestamp.body.snapshot_meta.version = snapshot.body.version;
  timestamp.body.snapshot_meta.length = snapshot_bytes.size();
  timestamp.body.snapshot_meta.hashes["sha256"] = Sha256Hex(snapshot_bytes);
  if (Result<void> s = SignWithAvailable(timestamp, root->body.roles["timestamp"].keyids, *keys);
      !s) {
    return Fail(s.error());
  }
  new_files["timestamp.json"] = tuf::SerializeMetadata(timestamp);

  // Build the new metadata directory beside the old one, then swap.
  std::string staging_name = (dir_ / ".metadata-new-XXXXXX").string();
  if (::mkdtemp(staging_name.data()) == nullptr) {
    return Fail(ErrorCode::kIo,
                "creating a staging directory in " + dir_.string() + ": " + ErrnoText(errno));
  }
  const fs::path staging(staging_name);
  const fs::path live = dir_ / "metadata";
  auto abandon = [&staging](Error error) -> Result<PublishResult> {
    std::error_code ignored;
    fs::remove_all(staging, ignored);
    return Fail(std::move(error));
  };
  std::error_code ec;
  ::chmod(staging.c_str(), 0755);
  if (fs::exists(live, ec)) {
    for (const fs::directory_entry& entry : fs::directory_iterator(live, ec)) {
      const std::string file = entry.path().filename().string();
      if (new_files.count(file) != 0) {
        continue;
      }
      fs::create_hard_link(entry.path(), staging / file, ec);
      if (ec) {
        return abandon(
            Error(ErrorCode::kIo, "linking " + entry.path().string() + ": " + ec.message()));
      }
    }
    if (ec) {
      return abandon(Error(ErrorCode::kIo, "reading " + live.string() + ": " + ec.message()));
    }
  }
  for (const auto& [file, bytes] : new_files) {
    if (Result<void> written = WriteFileAtomically(staging / file, bytes); !written) {
      return abandon(written.error());
    }
  }
  if (Result<void> synced = SyncDirectory(staging); !synced) {
    return abandon(synced.error());
  }
  if (fs::exists(live, ec)) {
    if (::renameat2(AT_FDCWD, staging.c_str(), AT_FDCWD, live.c_str(), RENAME_EXCHANGE) != 0) {
      return abandon(
          Error(ErrorCode::kIo, "swapping in " + live.string() + ": " + ErrnoText(errno)));
    }
    fs::remove_all(staging, ec);  // Now the previous metadata.
  } else if (::rename(staging.c_str(), live.c_str()) != 0) {
    return abandon(Error(ErrorCode::kIo, "creating " + live.string() + ": " + ErrnoText(errno)));
  }
  if (Result<void> synced = SyncDirectory(dir_); !synced) {
    return Fail(synced.error());
  }
  result.root_version = root->body.version;
  result.snapshot_version = snapshot.body.version;
  result.timestamp_version = timestamp.body.version;
  return result;
}

Result<RepositoryFacts> Repository::Describe() const {
  Result<tuf::Metadata<tuf::Root>> root = ReadMetadata<tuf::Root>(StagedPath(dir_, "root"));
  if (!root) {
    return Fail(root.error());
  }
  Result<std::map<std::string, tuf::Metadata<tuf::Targets>>> roles = ReadStagedTargets(dir_);
  if (!roles) {
    return Fail(roles.error());
  }
  Result<Published> published = ReadPublished(dir_);
  if (!published) {
    return Fail(published.error());
  }
  RepositoryFacts facts;
  facts.consistent_snapshot = root->body.consistent_snapshot;
  facts.published_root_version = published->RoleVersion("root");
  auto schemes_of = [](const std::vector<std::string>& keyids,
                       const std::map<std::string, tuf::Key>& keys) {
    std::vector<std::string> schemes;
    for (const std::string& keyid : keyids) {
      auto it = keys.find(keyid);
      schemes.push_back(it == keys.end() ? "unknown" : it->second.scheme);
    }
    return schemes;
  };
  const std::map<std::string, std::chrono::seconds> periods = {{"root", expiry_.root},
                                                               {"targets", expiry_.targets},
                                                               {"snapshot", expiry_.snapshot},
                                                               {"timestamp", expiry_.timestamp}};
  for (const char* name : kTopLevelRoles) {
    const tuf::RoleKeys& keys = root->body.roles[name];
    facts.roles.push_back(
        {name, keys.threshold, schemes_of(keys.keyids, root->body.keys), periods.at(name)});
  }
  std::set<std::string> algorithms;
  for (const auto& [name, metadata] : *roles) {
    if (metadata.body.delegations) {
      for (const tuf::DelegatedRole& delegated : metadata.body.delegations->roles) {
        facts.roles.push_back({delegated.name, delegated.threshold,
                               schemes_of(delegated.keyids, metadata.body.delegations->keys),
                               expiry_.targets});
      }
    }
    for (const auto& [path, target] : metadata.body.targets) {
      ++facts.target_count;
      for (const auto& [algorithm, digest] : target.hashes) {
        algorithms.insert(algorithm);
      }
      if (!target.custom_json) {
        continue;
      }
      Result<formats::Document> custom = formats::ParseJson(*target.custom_json, "custom");
      if (!custom || !custom->value.is_object()) {
        continue;
      }
      facts.targets_with_security_version += custom->value.contains("security_version") ? 1u : 0u;
      facts.targets_with_version += custom->value.contains("version") ? 1u : 0u;
      facts.targets_with_hardware_id += custom->value.contains("hardware_id") ? 1u : 0u;
    }
  }
  facts.hash_algorithms.assign(algorithms.begin(), algorithms.end());
  return facts;
}

}  // namespace provisio::update
