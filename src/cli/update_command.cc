#include "cli/update_command.h"

#include <charconv>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "cli/exit_codes.h"
#include "formats/document.h"
#include "provisio/core/files.h"
#include "provisio/evidence/evidence_record.h"
#include "provisio/tuf/keys.h"
#include "provisio/update/repository.h"

namespace provisio::cli {
namespace {

namespace fs = std::filesystem;
using formats::Json;

int Report(std::ostream& err, std::string_view command, const Error& error) {
  err << "provisio update repo " << command << ": " << error.message() << '\n';
  return kExitFailure;
}

// Parses "role=N" pairs.
Result<std::map<std::string, int>> ParsePairs(const std::vector<std::string>& pairs,
                                              std::string_view flag) {
  std::map<std::string, int> parsed;
  for (const std::string& pair : pairs) {
    const std::size_t eq = pair.find('=');
    int value = 0;
    const char* begin = pair.data() + (eq == std::string::npos ? 0 : eq + 1);
    const char* end = pair.data() + pair.size();
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (eq == std::string::npos || eq == 0 || ec != std::errc() || ptr != end || value < 1) {
      return Fail(ErrorCode::kInvalidArgument,
                  std::string(flag) + " '" + pair + "': expected ROLE=N with N >= 1");
    }
    parsed[pair.substr(0, eq)] = value;
  }
  return parsed;
}

Result<void> ApplyExpiry(const std::vector<std::string>& pairs, update::ExpiryPolicy& policy) {
  Result<std::map<std::string, int>> days = ParsePairs(pairs, "--expires");
  if (!days) {
    return Fail(days.error());
  }
  for (const auto& [role, count] : *days) {
    const std::chrono::seconds period = std::chrono::hours(24) * count;
    if (role == "root") {
      policy.root = period;
    } else if (role == "targets") {
      policy.targets = period;
    } else if (role == "snapshot") {
      policy.snapshot = period;
    } else if (role == "timestamp") {
      policy.timestamp = period;
    } else {
      return Fail(ErrorCode::kInvalidArgument,
                  "--expires '" + role + "': role must be root, targets, snapshot or timestamp");
    }
  }
  return {};
}

std::string Days(std::chrono::seconds period) {
  const auto days = period.count() / 86400;
  const auto rest = period.count() % 86400;
  return rest == 0 ? std::to_string(days) + "d" : std::to_string(period.count()) + "s";
}

}  // namespace

int RunUpdateInit(const UpdateInitOptions& options,
                  const Clock& clock,
                  std::ostream& out,
                  std::ostream& err) {
  Result<tuf::KeyType> type = tuf::ParseKeyType(options.key_type);
  if (!type) {
    return Report(err, "init", type.error());
  }
  update::RepositoryInitOptions init;
  init.key_type = *type;
  Result<std::map<std::string, int>> thresholds = ParsePairs(options.thresholds, "--threshold");
  Result<std::map<std::string, int>> keys = ParsePairs(options.keys, "--keys");
  if (!thresholds || !keys) {
    return Report(err, "init", !thresholds ? thresholds.error() : keys.error());
  }
  init.thresholds = *thresholds;
  init.key_counts = *keys;
  for (const auto& [role, threshold] : init.thresholds) {
    if (init.key_counts.count(role) == 0) {
      init.key_counts[role] = threshold;  // --threshold root=2 alone means 2 keys.
    }
  }
  if (Result<void> expiry = ApplyExpiry(options.expires, init.expiry); !expiry) {
    return Report(err, "init", expiry.error());
  }
  Result<update::Repository> repository = update::Repository::Init(options.dir, init, clock);
  if (!repository) {
    return Report(err, "init", repository.error());
  }
  out << "initialised " << options.dir << " (" << tuf::ToString(*type)
      << " keys in keys/, mode 0600); add targets, then publish\n";
  return kExitOk;
}

int RunUpdateAdd(const UpdateAddOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err) {
  Result<update::Repository> repository = update::Repository::Open(options.dir, clock);
  if (!repository) {
    return Report(err, "add", repository.error());
  }
  if (options.files.size() > 1 || !options.base_dir.empty()) {
    if (!options.name.empty() || !options.hardware_id.empty() || !options.version.empty() ||
        options.security_version || !options.release_notes.empty()) {
      return Report(err, "add",
                    Error(ErrorCode::kInvalidArgument,
                          "--name and custom metadata apply to one file at a time"));
    }
    std::vector<fs::path> files(options.files.begin(), options.files.end());
    const fs::path base =
        options.base_dir.empty() ? fs::current_path() : fs::path(options.base_dir);
    Result<std::size_t> added = repository->AddTargets(files, base);
    if (!added) {
      return Report(err, "add", added.error());
    }
    out << "staged " << *added << " targets\n";
    return kExitOk;
  }
  update::AddTargetOptions add;
  add.name = options.name;
  if (!options.hardware_id.empty()) {
    add.custom.hardware_id = options.hardware_id;
  }
  if (!options.version.empty()) {
    add.custom.version = options.version;
  }
  add.custom.security_version = options.security_version;
  if (!options.release_notes.empty()) {
    add.custom.release_notes_url = options.release_notes;
  }
  Result<std::string> role = repository->AddTarget(options.files.front(), add);
  if (!role) {
    return Report(err, "add", role.error());
  }
  out << "staged "
      << (options.name.empty() ? fs::path(options.files.front()).filename().string() : options.name)
      << " in role " << *role << '\n';
  return kExitOk;
}

int RunUpdateDelegate(const UpdateDelegateOptions& options,
                      const Clock& clock,
                      std::ostream& out,
                      std::ostream& err) {
  Result<update::Repository> repository = update::Repository::Open(options.dir, clock);
  if (!repository) {
    return Report(err, "delegate", repository.error());
  }
  if (options.hash_bins > 0) {
    Result<void> done =
        repository->DelegateHashBins(options.hash_bins, options.keys, options.threshold);
    if (!done) {
      return Report(err, "delegate", done.error());
    }
    out << "staged " << options.hash_bins << " hash-bin roles delegated by targets\n";
    return kExitOk;
  }
  if (options.role.empty() || options.paths.empty()) {
    return Report(err, "delegate",
                  Error(ErrorCode::kInvalidArgument, "give ROLE and --paths, or --hash-bins N"));
  }
  update::DelegationOptions delegation;
  delegation.parent = options.parent;
  delegation.paths = options.paths;
  delegation.key_count = options.keys;
  delegation.threshold = options.threshold;
  delegation.terminating = options.terminating;
  if (Result<void> done = repository->Delegate(options.role, delegation); !done) {
    return Report(err, "delegate", done.error());
  }
  out << "staged role " << options.role << " delegated by " << options.parent << '\n';
  return kExitOk;
}

int RunUpdateSign(const UpdateSignOptions& options,
                  const Clock& clock,
                  std::ostream& out,
                  std::ostream& err) {
  Result<update::Repository> repository = update::Repository::Open(options.dir, clock);
  if (!repository) {
    return Report(err, "sign", repository.error());
  }
  Result<std::string> pem = ReadFile(options.key_file);
  if (!pem) {
    return Report(err, "sign", pem.error());
  }
  Result<tuf::KeyPair> key = tuf::KeyPair::FromPrivateKeyPem(*pem);
  if (!key) {
    return Report(err, "sign", key.error().WithContext(options.key_file));
  }
  if (Result<void> done = repository->Sign(options.role, *key); !done) {
    return Report(err, "sign", done.error());
  }
  out << "signed staged " << options.role << " with key " << key->key_id() << '\n';
  return kExitOk;
}

int RunUpdateRotateRoot(const UpdateRotateRootOptions& options,
                        const Clock& clock,
                        std::ostream& out,
                        std::ostream& err) {
  Result<update::Repository> repository = update::Repository::Open(options.dir, clock);
  if (!repository) {
    return Report(err, "rotate-root", repository.error());
  }
  const int threshold = options.threshold == 0 ? options.new_keys : options.threshold;
  if (Result<void> done = repository->RotateRoot(options.new_keys, threshold); !done) {
    return Report(err, "rotate-root", done.error());
  }
  out << "staged a new root with " << options.new_keys << " new keys (threshold " << threshold
      << "); publish signs it with the old and the new keys\n";
  return kExitOk;
}

int RunUpdatePublish(const UpdatePublishOptions& options,
                     const Clock& clock,
                     std::ostream& out,
                     std::ostream& err) {
  Result<update::Repository> repository = update::Repository::Open(options.dir, clock);
  if (!repository) {
    return Report(err, "publish", repository.error());
  }
  if (!options.expires.empty()) {
    update::ExpiryPolicy policy = repository->expiry();
    if (Result<void> expiry = ApplyExpiry(options.expires, policy); !expiry) {
      return Report(err, "publish", expiry.error());
    }
    repository->set_expiry(policy);
    if (Result<void> saved = repository->SaveSettings(); !saved) {
      return Report(err, "publish", saved.error());
    }
  }
  Result<update::PublishResult> published = repository->Publish();
  if (!published) {
    return Report(err, "publish", published.error());
  }
  for (const std::string& warning : published->warnings) {
    err << "provisio update repo publish: warning: " << warning << '\n';
  }
  if (options.json) {
    Json json = {{"root_version", published->root_version},
                 {"snapshot_version", published->snapshot_version},
                 {"timestamp_version", published->timestamp_version},
                 {"published_roles", published->published_roles},
                 {"warnings", published->warnings}};
    out << formats::DumpJson(json) << '\n';
    return kExitOk;
  }
  out << "published " << (fs::path(options.dir) / "metadata").string() << ": root v"
      << published->root_version << ", snapshot v" << published->snapshot_version << ", timestamp v"
      << published->timestamp_version;
  if (!published->published_roles.empty()) {
    out << "; new versions of";
    for (const std::string& role : published->published_roles) {
      out << ' ' << role;
    }
  }
  out << '\n';
  return kExitOk;
}

int RunUpdateEvidence(const UpdateEvidenceOptions& options,
                      const Clock& clock,
                      std::ostream& out,
                      std::ostream& err) {
  auto fail = [&err](const Error& error) {
    err << "provisio update evidence: " << error.message() << '\n';
    return kExitFailure;
  };
  Result<update::Repository> repository = update::Repository::Open(options.dir, clock);
  if (!repository) {
    return fail(repository.error());
  }
  Result<update::RepositoryFacts> facts = repository->Describe();
  if (!facts) {
    return fail(facts.error());
  }
  Result<evidence::EvidenceRecord> record = evidence::MakeRecord("update.repository", clock);
  if (!record) {
    return fail(record.error());
  }
  record->title = "TUF update repository configuration";
  record->tool.command = "provisio update evidence";
  record->product.manufacturer = options.manufacturer;
  record->product.model = options.model;
  record->product.software_version = options.software_version;

  Json roles = Json::array();
  std::set<std::string> schemes;
  bool multi_key_root = false;
  for (const auto& role : facts->roles) {
    roles.push_back({{"name", role.name},
                     {"threshold", role.threshold},
                     {"keys", role.schemes.size()},
                     {"schemes", role.schemes},
                     {"expiry_seconds", role.expiry_period.count()}});
    schemes.insert(role.schemes.begin(), role.schemes.end());
    if (role.name == "root" && role.threshold >= 2) {
      multi_key_root = true;
    }
  }
  Json details = {{"framework", "TUF 1.0 (The Update Framework)"},
                  {"consistent_snapshot", facts->consistent_snapshot},
                  {"published_root_version", facts->published_root_version},
                  {"roles", roles},
                  {"signature_schemes", std::vector<std::string>(schemes.begin(), schemes.end())},
                  {"target_hash_algorithms", facts->hash_algorithms},
                  {"targets", facts->target_count},
                  {"targets_with_security_version", facts->targets_with_security_version},
                  {"targets_with_version", facts->targets_with_version},
                  {"targets_with_hardware_id", facts->targets_with_hardware_id}};
  record->details_json = formats::DumpJson(details, -1);

  const bool published = facts->published_root_version > 0;
  std::string scheme_list;
  for (const std::string& scheme : schemes) {
    scheme_list += (scheme_list.empty() ? "" : ", ") + scheme;
  }
  record->provisions.push_back(
      {"5.3-7", published ? evidence::Outcome::kPass : evidence::Outcome::kInconclusive,
       "Update metadata is signed with " + scheme_list +
           " under TUF role separation (root, targets, snapshot, timestamp)" +
           (multi_key_root ? " with a multi-key root threshold" : "") +
           (published ? "." : "; the repository has not been published yet.")});
  record->provisions.push_back(
      {"5.3-10", published ? evidence::Outcome::kPass : evidence::Outcome::kInconclusive,
       "Each target is listed with its length, " +
           std::string(facts->hash_algorithms.empty() ? "no hashes" : "sha256/sha512 hashes") +
           " in signed targets metadata; devices verify it through a trust relationship "
           "anchored in the shipped root.json before use."});
  record->provisions.push_back(
      {"5.3-9", evidence::Outcome::kInfo,
       "Freshness is bounded by expiry periods (timestamp " + Days(repository->expiry().timestamp) +
           ", snapshot " + Days(repository->expiry().snapshot) + ", targets " +
           Days(repository->expiry().targets) + ", root " + Days(repository->expiry().root) +
           ") and version checks reject rollback of every role."});
  const bool anti_rollback =
      facts->target_count > 0 && facts->targets_with_security_version == facts->target_count;
  record->provisions.push_back(
      {"5.3-2", anti_rollback ? evidence::Outcome::kPass : evidence::Outcome::kInconclusive,
       std::to_string(facts->targets_with_security_version) + " of " +
           std::to_string(facts->target_count) +
           " targets carry a security_version for device-side anti-rollback."});
  std::error_code ec;
  if (fs::exists(fs::path(options.dir) / "metadata" / "root.json", ec)) {
    Result<evidence::FileReference> root = evidence::DescribeFile(
        fs::path(options.dir) / "metadata" / "root.json", "metadata/root.json", "input");
    if (root) {
      record->files.push_back(*root);
    }
  }
  if (Result<void> written = evidence::WriteEvidenceRecord(options.out, *record); !written) {
    return fail(written.error());
  }
  out << "wrote " << options.out << '\n';
  return kExitOk;
}

void AddUpdateCommands(CLI::App& app, CommandContext& context) {
  CLI::App* update = app.add_subcommand(
      "update", "Signed software updates (EN 303 645 5.3): a TUF repository and its evidence");
  update->require_subcommand(1);
  CLI::App* repo = update->add_subcommand(
      "repo",
      "Manage a TUF repository directory. Flow: init -> add -> publish; serve DIR/metadata and "
      "DIR/targets as static files. Devices run provisio-tuf-client.");
  repo->require_subcommand(1);
  static const SystemClock kClock;

  auto init_options = std::make_shared<UpdateInitOptions>();
  CLI::App* init = repo->add_subcommand(
      "init",
      "Create a repository: keys (Ed25519 by default) for root, targets, snapshot and "
      "timestamp, stored 0600 in DIR/keys");
  init->add_option("dir", init_options->dir, "Repository directory")->required();
  init->add_option("--key-type", init_options->key_type, "ed25519 (default), ecdsa or rsa");
  init->add_option("--threshold", init_options->thresholds,
                   "Signatures required, e.g. root=2 (repeatable)");
  init->add_option("--keys", init_options->keys, "Keys generated, e.g. root=3 (repeatable)");
  init->add_option("--expires", init_options->expires,
                   "Expiry in days, e.g. timestamp=1 snapshot=7 targets=90 root=365");
  init->callback([init_options, &context] {
    context.status = RunUpdateInit(*init_options, kClock, context.out, context.err);
  });

  auto add_options = std::make_shared<UpdateAddOptions>();
  CLI::App* add = repo->add_subcommand(
      "add", "Stage target files (length, sha256, sha512 and custom metadata)");
  add->add_option("dir", add_options->dir, "Repository directory")->required();
  add->add_option("files", add_options->files, "File(s) to add")->required();
  add->add_option("--name", add_options->name, "Target path (default: the file name)");
  add->add_option("--base-dir", add_options->base_dir,
                  "With several files: target paths relative to this directory");
  add->add_option("--hardware-id", add_options->hardware_id, "custom.hardware_id");
  add->add_option("--version", add_options->version, "custom.version");
  add->add_option("--security-version", add_options->security_version,
                  "custom.security_version: devices refuse lower values (anti-rollback)");
  add->add_option("--release-notes", add_options->release_notes, "custom.release_notes URL");
  add->callback([add_options, &context] {
    context.status = RunUpdateAdd(*add_options, kClock, context.out, context.err);
  });

  auto delegate_options = std::make_shared<UpdateDelegateOptions>();
  CLI::App* delegate = repo->add_subcommand(
      "delegate",
      "Delegate paths to a new role with its own keys, or split targets into hash bins");
  delegate->add_option("dir", delegate_options->dir, "Repository directory")->required();
  delegate->add_option("role", delegate_options->role, "New role name");
  delegate->add_option("--parent", delegate_options->parent, "Delegating role (default targets)");
  delegate->add_option("--paths", delegate_options->paths, "Path patterns, e.g. 'fw/*'");
  delegate->add_option("--keys", delegate_options->keys, "Keys generated for the role");
  delegate->add_option("--threshold", delegate_options->threshold, "Signatures required");
  delegate->add_flag("--terminating", delegate_options->terminating,
                     "Stop the search at this role for matching paths");
  delegate->add_option("--hash-bins", delegate_options->hash_bins,
                       "Create N hash-bin roles (power of two) instead of a named role");
  delegate->callback([delegate_options, &context] {
    context.status = RunUpdateDelegate(*delegate_options, kClock, context.out, context.err);
  });

  auto sign_options = std::make_shared<UpdateSignOptions>();
  CLI::App* sign = repo->add_subcommand(
      "sign", "Add one signature with an offline key to a staged role (repeat per key)");
  sign->add_option("dir", sign_options->dir, "Repository directory")->required();
  sign->add_option("role", sign_options->role, "root, targets or a delegated role")->required();
  sign->add_option("--key", sign_options->key_file, "PKCS#8 PEM private key file")->required();
  sign->callback([sign_options, &context] {
    context.status = RunUpdateSign(*sign_options, kClock, context.out, context.err);
  });

  auto rotate_options = std::make_shared<UpdateRotateRootOptions>();
  CLI::App* rotate = repo->add_subcommand(
      "rotate-root", "Stage a new root with fresh root keys, signed by old and new thresholds");
  rotate->add_option("dir", rotate_options->dir, "Repository directory")->required();
  rotate->add_option("--new-keys", rotate_options->new_keys, "Number of new root keys");
  rotate->add_option("--threshold", rotate_options->threshold,
                     "New root threshold (default: all new keys)");
  rotate->callback([rotate_options, &context] {
    context.status = RunUpdateRotateRoot(*rotate_options, kClock, context.out, context.err);
  });

  auto publish_options = std::make_shared<UpdatePublishOptions>();
  CLI::App* publish = repo->add_subcommand(
      "publish",
      "Sign staged roles with the keys in DIR/keys, write a new snapshot and timestamp, and swap "
      "DIR/metadata atomically (a failure leaves it unchanged)");
  publish->add_option("dir", publish_options->dir, "Repository directory")->required();
  publish->add_option("--expires", publish_options->expires,
                      "New expiry policy in days, e.g. timestamp=1 (saved)");
  publish->add_flag("--json", publish_options->json, "Print the result as JSON");
  publish->callback([publish_options, &context] {
    context.status = RunUpdatePublish(*publish_options, kClock, context.out, context.err);
  });

  auto evidence_options = std::make_shared<UpdateEvidenceOptions>();
  CLI::App* evidence = update->add_subcommand(
      "evidence", "Write an evidence record for provisions 5.3-x from the repository's settings");
  evidence->add_option("dir", evidence_options->dir, "Repository directory")->required();
  evidence->add_option("--out", evidence_options->out, "Evidence record file")->required();
  evidence->add_option("--manufacturer", evidence_options->manufacturer, "Product manufacturer");
  evidence->add_option("--model", evidence_options->model, "Product model");
  evidence->add_option("--software-version", evidence_options->software_version,
                       "Software version the record speaks for");
  evidence->callback([evidence_options, &context] {
    context.status = RunUpdateEvidence(*evidence_options, kClock, context.out, context.err);
  });
}

}  // namespace provisio::cli
