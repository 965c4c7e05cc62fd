#include "provisio/passwords/batch.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <openssl/crypto.h>

#include "formats/document.h"
#include "passwords/csv.h"
#include "provisio/core/files.h"
#include "provisio/evidence/evidence_record.h"
#include "provisio/passwords/record_cipher.h"

namespace provisio::passwords {
namespace {

using formats::Json;

bool IsBatchIdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

struct BatchPaths {
  std::filesystem::path records;
  std::filesystem::path verifiers;
  std::filesystem::path evidence;
};

BatchPaths PathsFor(const BatchOptions& options) {
  const std::string base = options.batch_id;
  return BatchPaths{
      options.out_dir / (base + (options.record_key ? ".records.csv.enc" : ".records.csv")),
      options.out_dir / (base + ".verifiers.csv"),
      options.out_dir / (base + ".evidence.json"),
  };
}

std::string SerialFor(const BatchOptions& options, std::int64_t index) {
  if (!options.serials.empty()) {
    return options.serials[static_cast<std::size_t>(index)];
  }
  std::string number = std::to_string(index + 1);
  if (number.size() < 6) {
    number.insert(0, 6 - number.size(), '0');
  }
  return options.batch_id + "-" + number;
}

// Calls `progress` about a hundred times per stage, one call at a time.
class ProgressReporter {
 public:
  ProgressReporter(const ProgressCallback& callback, std::string_view stage, std::int64_t total)
      : callback_(callback),
        stage_(stage),
        total_(total),
        step_(std::max<std::int64_t>(1, total / 100)) {}

  void Advance() {
    const std::int64_t done = ++done_;
    if (callback_ && (done % step_ == 0 || done == total_)) {
      std::lock_guard<std::mutex> lock(mutex_);
      callback_(BatchProgress{stage_, done, total_});
    }
  }

 private:
  const ProgressCallback& callback_;
  std::string_view stage_;
  std::int64_t total_;
  std::int64_t step_;
  std::atomic<std::int64_t> done_{0};
  std::mutex mutex_;
};

Result<std::vector<std::string>> ComputeVerifiers(const BatchOptions& options,
                                                  const std::vector<std::string>& passwords,
                                                  RandomSource& random,
                                                  const ProgressCallback& progress) {
  // Salts come from the caller's random source on this thread; only the
  // (pure) hashing runs in parallel.
  std::vector<std::array<std::uint8_t, kSaltBytes>> salts(passwords.size());
  for (auto& salt : salts) {
    Result<void> filled = random.Fill(salt);
    if (!filled) {
      return Fail(filled.error().WithContext("drawing verifier salts"));
    }
  }
  std::vector<std::string> verifiers(passwords.size());
  unsigned threads = options.threads != 0 ? options.threads : std::thread::hardware_concurrency();
  threads = std::clamp<unsigned>(threads, 1,
                                 static_cast<unsigned>(std::max<std::size_t>(
                                     1, std::min<std::size_t>(passwords.size(), 256))));
  ProgressReporter reporter(progress, "verifiers", static_cast<std::int64_t>(passwords.size()));
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex error_mutex;
  std::optional<Error> first_error;
  auto work = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= passwords.size() || failed.load()) {
        return;
      }
      Result<std::string> verifier = MakeVerifier(passwords[i], salts[i], options.verifier_cost);
      if (!verifier) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!first_error) {
          first_error = verifier.error();
        }
        failed = true;
        return;
      }
      verifiers[i] = std::move(*verifier);
      reporter.Advance();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(threads - 1);
  for (unsigned t = 1; t < threads; ++t) {
    pool.emplace_back(work);
  }
  work();
  for (std::thread& thread : pool) {
    thread.join();
  }
  if (first_error) {
    return Fail(first_error->WithContext("computing verifiers"));
  }
  return verifiers;
}

void Wipe(std::string& secret) {
  OPENSSL_cleanse(secret.data(), secret.size());
}

}  // namespace

Result<void> ValidateBatch(const BatchOptions& options, const WordList& words) {
  if (options.batch_id.empty() || options.batch_id.size() > 64 ||
      !std::all_of(options.batch_id.begin(), options.batch_id.end(), IsBatchIdChar) ||
      options.batch_id.front() == '.') {
    return Fail(ErrorCode::kInvalidArgument,
                "--batch must be 1-64 characters of A-Z a-z 0-9 . _ - (not starting with '.')");
  }
  if (options.count < 1) {
    return Fail(ErrorCode::kInvalidArgument, "--count must be at least 1");
  }
  if (!options.serials.empty()) {
    if (static_cast<std::int64_t>(options.serials.size()) != options.count) {
      return Fail(ErrorCode::kInvalidArgument,
                  "--count is " + std::to_string(options.count) + " but the serials file lists " +
                      std::to_string(options.serials.size()) + " serial numbers");
    }
    std::unordered_set<std::string_view> seen;
    for (std::size_t i = 0; i < options.serials.size(); ++i) {
      const std::string& serial = options.serials[i];
      if (serial.empty() || serial.find_first_of(",\"\r\n") != std::string::npos) {
        return Fail(ErrorCode::kInvalidArgument,
                    "serial " + std::to_string(i + 1) +
                        " is empty or contains a comma, quote or line break");
      }
      if (!seen.insert(serial).second) {
        return Fail(ErrorCode::kInvalidArgument,
                    "serial " + std::to_string(i + 1) + " ('" + serial + "') is listed twice");
      }
    }
  }
  Result<void> policy = ValidatePolicy(options.policy, words.size());
  if (!policy) {
    return policy;
  }
  const double bits = EntropyBits(options.policy, words.size());
  if (bits < options.min_entropy_bits) {
    if (!options.force_weak) {
      return Fail(ErrorCode::kInvalidArgument,
                  "the policy gives " + std::to_string(static_cast<int>(bits)) +
                      " bits of entropy, below the minimum of " +
                      std::to_string(static_cast<int>(options.min_entropy_bits)) +
                      "; use a longer password, or --force-weak with --reason");
    }
    if (options.weak_reason.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "--force-weak needs a --reason to record");
    }
  }
  if (options.record_key && options.record_key->size() != kRecordKeyBytes) {
    return Fail(ErrorCode::kInvalidArgument, "the record key must be 32 bytes");
  }
  const BatchPaths paths = PathsFor(options);
  for (const auto& path : {paths.records, paths.verifiers, paths.evidence}) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      return Fail(ErrorCode::kConflict,
                  path.string() + " already exists; a batch's files are never replaced");
    }
  }
  return {};
}

Result<BatchResult> RunBatch(const BatchOptions& options,
                             const WordList& words,
                             const Blocklist& blocklist,
                             PasswordRegistry* registry,
                             RandomSource& random,
                             const Clock& clock,
                             const ProgressCallback& progress) {
  Result<void> valid = ValidateBatch(options, words);
  if (!valid) {
    return Fail(valid.error());
  }
  if (registry != nullptr) {
    Result<bool> exists = registry->HasBatch(options.batch_id);
    if (!exists) {
      return Fail(exists.error());
    }
    if (*exists) {
      return Fail(ErrorCode::kConflict,
                  "batch '" + options.batch_id + "' is already in the registry");
    }
  }
  std::error_code ec;
  std::filesystem::create_directories(options.out_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, options.out_dir.string() + ": " + ec.message());
  }

  BatchResult result;
  result.entropy_bits = EntropyBits(options.policy, words.size());
  const auto count = static_cast<std::size_t>(options.count);

  // 1. Draw.
  std::vector<std::string> passwords;
  std::vector<Fingerprint> fingerprints;
  passwords.reserve(count);
  fingerprints.reserve(registry != nullptr ? count : 0);
  {
    Result<UniqueGenerator> generator =
        UniqueGenerator::Create(options.policy, words, blocklist, registry, random, count);
    if (!generator) {
      return Fail(generator.error());
    }
    ProgressReporter reporter(progress, "generate", options.count);
    for (std::size_t i = 0; i < count; ++i) {
      Fingerprint fingerprint{};
      Result<std::string> password = generator->Next(&fingerprint);
      if (!password) {
        return Fail(password.error().WithContext("drawing password " + std::to_string(i + 1)));
      }
      passwords.push_back(std::move(*password));
      if (registry != nullptr) {
        fingerprints.push_back(fingerprint);
      }
      reporter.Advance();
    }
    result.stats = generator->stats();
  }
  auto wipe_all = [&passwords] {
    for (std::string& p : passwords) {
      Wipe(p);
    }
  };

  // 2. Verifiers (the slow part: hours for a million devices at full cost).
  std::vector<std::string> verifiers;
  if (options.write_verifiers) {
    Result<std::vector<std::string>> computed =
        ComputeVerifiers(options, passwords, random, progress);
    if (!computed) {
      wipe_all();
      return Fail(computed.error());
    }
    verifiers = std::move(*computed);
  }

  // 3. Register: all or nothing.
  if (registry != nullptr) {
    if (progress) {
      progress(BatchProgress{"register", 0, options.count});
    }
    Result<void> registered = registry->RegisterBatch(options.batch_id, fingerprints);
    if (!registered) {
      wipe_all();
      return Fail(registered.error().WithContext("registering batch"));
    }
    Result<ProofReport> proof = registry->Prove();
    if (!proof) {
      wipe_all();
      return Fail(proof.error());
    }
    result.registry_proof = *proof;
  }

  // 4. Files.
  const BatchPaths paths = PathsFor(options);
  const WriteOptions secret_file{0600};
  std::string records = "serial,password\n";
  records.reserve(records.size() + count * (passwords.empty() ? 0 : passwords[0].size() + 24));
  for (std::size_t i = 0; i < count; ++i) {
    // RFC 4180: a passphrase joined with ',' or '"' is quoted.
    AppendCsvField(records, SerialFor(options, static_cast<std::int64_t>(i)));
    records += ',';
    AppendCsvField(records, passwords[i]);
    records += '\n';
  }
  wipe_all();
  if (options.record_key) {
    Result<std::string> sealed = EncryptRecords(records, *options.record_key, random);
    Wipe(records);
    if (!sealed) {
      return Fail(sealed.error().WithContext("encrypting records"));
    }
    records = std::move(*sealed);
  }
  Result<void> written = WriteFileAtomically(paths.records, records, secret_file);
  Wipe(records);
  if (!written) {
    return Fail(written.error().WithContext("writing device records"));
  }
  result.records_path = paths.records;
  if (options.write_verifiers) {
    std::string text = "serial,verifier\n";
    for (std::size_t i = 0; i < count; ++i) {
      // PHC strings hold commas ("m=65536,t=3,p=4"): quoted (RFC 4180).
      AppendCsvField(text, SerialFor(options, static_cast<std::int64_t>(i)));
      text += ',';
      AppendCsvField(text, verifiers[i]);
      text += '\n';
    }
    Result<void> saved = WriteFileAtomically(paths.verifiers, text, secret_file);
    if (!saved) {
      return Fail(saved.error().WithContext("writing verifiers"));
    }
    result.verifiers_path = paths.verifiers;
  }
  result.count = options.count;

  // 5. Evidence.
  Result<evidence::EvidenceRecord> record = evidence::MakeRecord("passwords.batch", clock);
  if (!record) {
    return Fail(record.error());
  }
  record->title = "Unique per-device passwords, batch " + options.batch_id;
  record->tool.command = "provisio passwords generate";
  const bool weak = result.entropy_bits < options.min_entropy_bits;
  std::array<char, 32> bits_text{};
  std::snprintf(bits_text.data(), bits_text.size(), "%.1f", result.entropy_bits);
  const std::string bits = bits_text.data();
  std::string uniqueness = std::to_string(result.count) + " passwords, unique within the batch";
  if (result.registry_proof) {
    uniqueness += " and against all " + std::to_string(result.registry_proof->fingerprints) +
                  " passwords of " + std::to_string(result.registry_proof->batches) +
                  " registered batches (registry duplicates: " +
                  std::to_string(result.registry_proof->duplicates) + ")";
  } else {
    uniqueness += " (no registry given: earlier batches were not checked)";
  }
  uniqueness += "; none equals an entry of the blocklists (" + std::to_string(blocklist.size()) +
                " entries).";
  record->provisions.push_back(evidence::ProvisionResult{
      "5.1-1", result.registry_proof ? evidence::Outcome::kPass : evidence::Outcome::kInfo,
      uniqueness});
  record->provisions.push_back(evidence::ProvisionResult{
      "5.1-2", weak ? evidence::Outcome::kFail : evidence::Outcome::kPass,
      "Each password drawn from the operating-system CSPRNG with unbiased sampling, " + bits +
          " bits of entropy (minimum " +
          std::to_string(static_cast<int>(options.min_entropy_bits)) +
          "); serial numbers label the records only and feed no password." +
          (weak ? " Issued below the minimum on request: " + options.weak_reason : "")});

  Json details = Json::object();
  details["batch_id"] = options.batch_id;
  details["count"] = result.count;
  Json policy = Json::object();
  policy["kind"] = std::string(ToString(options.policy.kind));
  if (options.policy.kind == PolicyKind::kLabel) {
    policy["length"] = options.policy.length;
    policy["alphabet"] = std::string(kLabelAlphabet);
    policy["alphabet_size"] = kLabelAlphabet.size();
  } else {
    policy["words"] = options.policy.words;
    policy["separator"] = std::string(1, options.policy.separator);
    policy["wordlist_size"] = words.size();
  }
  details["policy"] = policy;
  details["entropy_bits"] = result.entropy_bits;
  details["min_entropy_bits"] = options.min_entropy_bits;
  details["forced_weak"] = weak;
  if (weak) {
    details["weak_reason"] = options.weak_reason;
  }
  details["random_source"] = "operating-system CSPRNG (getrandom), rejection sampling";
  details["serials_feed_passwords"] = false;
  details["serials_given"] = !options.serials.empty();
  details["blocklists"] = options.blocklist_sources;
  details["blocklist_entries"] = blocklist.size();
  details["rejected_candidates"] = Json{{"blocklist", result.stats.rejected_blocklist},
                                        {"repeat_in_batch", result.stats.rejected_repeat},
                                        {"issued_before", result.stats.rejected_registry}};
  if (result.registry_proof) {
    const ProofReport& proof = *result.registry_proof;
    details["registry"] =
        Json{{"path", options.registry_label},     {"fingerprints", proof.fingerprints},
             {"batches", proof.batches},           {"duplicates", proof.duplicates},
             {"integrity_ok", proof.integrity_ok}, {"method", proof.method}};
  } else {
    details["registry"] = nullptr;
  }
  if (options.write_verifiers) {
    details["verifiers"] = Json{{"algorithm", "argon2id"},
                                {"version", 19},
                                {"memory_kib", options.verifier_cost.memory_kib},
                                {"iterations", options.verifier_cost.iterations},
                                {"parallelism", options.verifier_cost.parallelism}};
  } else {
    details["verifiers"] = nullptr;
  }
  details["records_encrypted"] = options.record_key.has_value();
  record->details_json = formats::DumpJson(details);

  std::vector<std::pair<std::filesystem::path, std::string>> outputs{
      {paths.records, "device records"}};
  if (options.write_verifiers) {
    outputs.emplace_back(paths.verifiers, "verifiers");
  }
  for (const auto& [path, role] : outputs) {
    Result<evidence::FileReference> file =
        evidence::DescribeFile(path, path.filename().string(), role);
    if (!file) {
      return Fail(file.error());
    }
    record->files.push_back(std::move(*file));
  }
  Result<void> saved = evidence::WriteEvidenceRecord(paths.evidence, *record);
  if (!saved) {
    return Fail(saved.error().WithContext("writing evidence"));
  }
  result.evidence_path = paths.evidence;
  return result;
}

}  // namespace provisio::passwords
