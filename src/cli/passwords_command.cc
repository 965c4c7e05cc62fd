#include "cli/passwords_command.h"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <memory>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/exit_codes.h"
#include "formats/document.h"
#include "provisio/core/files.h"
#include "provisio/passwords/audit.h"
#include "provisio/passwords/batch.h"
#include "provisio/passwords/blocklist.h"
#include "provisio/passwords/record_cipher.h"
#include "provisio/passwords/registry.h"

namespace provisio::cli {
namespace {

using formats::Json;
using SteadyClock = std::chrono::steady_clock;

std::string Fixed(double value, int decimals) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(decimals) << value;
  return out.str();
}

// "42 s", "7.5 min", "3.2 h", "2.1 days"
std::string Duration(double seconds) {
  if (seconds < 90) {
    return Fixed(seconds, seconds < 10 ? 1 : 0) + " s";
  }
  if (seconds < 90 * 60) {
    return Fixed(seconds / 60, 1) + " min";
  }
  if (seconds < 48 * 3600) {
    return Fixed(seconds / 3600, 1) + " h";
  }
  return Fixed(seconds / 86400, 1) + " days";
}

Result<std::vector<std::string>> ReadSerials(const std::string& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error().WithContext("reading serials"));
  }
  std::vector<std::string> serials;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (!line.empty()) {
      serials.push_back(line);
    }
  }
  return serials;
}

Result<passwords::Blocklist> LoadBlocklist(const std::vector<std::string>& extra) {
  passwords::Blocklist blocklist = passwords::Blocklist::Bundled();
  for (const std::string& file : extra) {
    Result<void> added = blocklist.AddFile(file);
    if (!added) {
      return Fail(added.error());
    }
  }
  return blocklist;
}

}  // namespace

int RunPasswordsGenerate(const PasswordsGenerateOptions& options,
                         RandomSource& random,
                         const Clock& clock,
                         std::ostream& out,
                         std::ostream& err) {
  const std::string me = "provisio passwords generate: ";
  passwords::BatchOptions batch;
  batch.batch_id = options.batch;
  batch.count = options.count;
  batch.out_dir = options.out_dir;
  batch.min_entropy_bits = options.min_entropy;
  batch.force_weak = options.force_weak;
  batch.weak_reason = options.reason;
  batch.write_verifiers = !options.no_verifiers;
  batch.verifier_cost.memory_kib = options.argon2_memory_kib;
  batch.verifier_cost.iterations = options.argon2_time;
  batch.threads = options.threads;
  batch.policy.kind = options.policy == "passphrase" ? passwords::PolicyKind::kPassphrase
                                                     : passwords::PolicyKind::kLabel;
  batch.policy.length = options.length;
  batch.policy.words = options.words;
  if (options.separator.size() != 1) {
    err << me << "--separator must be one character\n";
    return kExitUsage;
  }
  batch.policy.separator = options.separator[0];

  passwords::WordList words = passwords::WordList::Bundled();
  if (!options.wordlist_file.empty()) {
    Result<std::string> text = ReadFile(options.wordlist_file);
    Result<passwords::WordList> parsed =
        text ? passwords::WordList::Parse(*text, options.wordlist_file)
             : Result<passwords::WordList>(Fail(text.error()));
    if (!parsed) {
      err << me << parsed.error().message() << '\n';
      return kExitFailure;
    }
    words = std::move(*parsed);
  }
  if (!options.serials_file.empty()) {
    Result<std::vector<std::string>> serials = ReadSerials(options.serials_file);
    if (!serials) {
      err << me << serials.error().message() << '\n';
      return kExitFailure;
    }
    batch.serials = std::move(*serials);
    if (batch.count == 0) {
      batch.count = static_cast<std::int64_t>(batch.serials.size());
    }
  }
  Result<passwords::Blocklist> blocklist = LoadBlocklist(options.blocklists);
  if (!blocklist) {
    err << me << blocklist.error().message() << '\n';
    return kExitFailure;
  }
  batch.blocklist_sources = blocklist->sources();
  if (!options.encrypt_key_file.empty()) {
    Result<std::string> key = passwords::ReadRecordKeyFile(options.encrypt_key_file);
    if (!key) {
      err << me << key.error().message() << '\n';
      return kExitFailure;
    }
    batch.record_key = std::move(*key);
  }
  Result<void> valid = passwords::ValidateBatch(batch, words);
  if (!valid) {
    err << me << valid.error().message() << '\n';
    return valid.error().code() == ErrorCode::kInvalidArgument ? kExitUsage : kExitFailure;
  }

  // Uniqueness across batches: the registry's keyed fingerprints.
  std::optional<passwords::PasswordRegistry> registry;
  if (!options.registry.empty()) {
    Result<std::string> secret = passwords::ReadSecretFile(options.secret_file);
    if (!secret) {
      err << me << secret.error().message() << '\n';
      return kExitFailure;
    }
    Result<passwords::PasswordRegistry> opened =
        passwords::PasswordRegistry::Open(options.registry, *secret, clock);
    if (!opened) {
      err << me << opened.error().message() << '\n';
      return kExitFailure;
    }
    registry.emplace(std::move(*opened));
    batch.registry_label = registry->Describe();
  } else {
    err << me << "no --registry: passwords are unique within this batch only\n";
  }

  // An honest time estimate for the verifiers before starting them.
  const unsigned cores =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  if (batch.write_verifiers) {
    const auto start = SteadyClock::now();
    Result<std::string> probe =
        passwords::MakeVerifier("calibration only", random, batch.verifier_cost);
    if (!probe) {
      err << me << probe.error().message() << '\n';
      return kExitUsage;
    }
    const double one = std::chrono::duration<double>(SteadyClock::now() - start).count();
    const double total = one * static_cast<double>(batch.count) / cores;
    err << me << "computing " << batch.count
        << " Argon2id verifiers (m=" << batch.verifier_cost.memory_kib
        << " KiB, t=" << batch.verifier_cost.iterations << ") on " << cores
        << " core(s): " << Fixed(one, 3) << " s each, about " << Duration(total)
        << " in all; a million devices "
        << "would take about " << Duration(one * 1e6 / cores)
        << ". To avoid this, let each device derive its verifier at first boot and ship no "
           "verifiers (--no-verifiers; docs/passwords.md).\n";
  }
  auto last_print = SteadyClock::now();
  auto stage_start = last_print;
  std::string current_stage;
  passwords::ProgressCallback progress = [&](const passwords::BatchProgress& p) {
    const auto now = SteadyClock::now();
    if (p.stage != current_stage) {
      current_stage = std::string(p.stage);
      stage_start = now;
    }
    const bool done = p.done == p.total;
    if (!done && now - last_print < std::chrono::seconds(1)) {
      return;
    }
    last_print = now;
    err << me << p.stage << ' ' << p.done << '/' << p.total << " ("
        << (p.total > 0 ? p.done * 100 / p.total : 100) << "%)";
    const double elapsed = std::chrono::duration<double>(now - stage_start).count();
    if (!done && p.done > 0 && elapsed > 0) {
      err << ", about "
          << Duration(elapsed * static_cast<double>(p.total - p.done) / static_cast<double>(p.done))
          << " left";
    }
    err << '\n';
  };

  Result<passwords::BatchResult> result = passwords::RunBatch(
      batch, words, *blocklist, registry ? &*registry : nullptr, random, clock, progress);
  if (!result) {
    err << me << result.error().message() << '\n';
    return kExitFailure;
  }
  if (options.json) {
    Json doc = Json::object();
    doc["batch"] = batch.batch_id;
    doc["count"] = result->count;
    doc["entropy_bits"] = result->entropy_bits;
    doc["records"] = result->records_path.string();
    doc["verifiers"] =
        result->verifiers_path.empty() ? Json(nullptr) : Json(result->verifiers_path.string());
    doc["evidence"] = result->evidence_path.string();
    doc["rejected"] = Json{{"blocklist", result->stats.rejected_blocklist},
                           {"repeat_in_batch", result->stats.rejected_repeat},
                           {"issued_before", result->stats.rejected_registry}};
    if (result->registry_proof) {
      doc["registry"] = Json{{"fingerprints", result->registry_proof->fingerprints},
                             {"batches", result->registry_proof->batches},
                             {"duplicates", result->registry_proof->duplicates}};
    }
    out << formats::DumpJson(doc) << '\n';
    return kExitOk;
  }
  out << "batch " << batch.batch_id << ": " << result->count << " passwords, "
      << Fixed(result->entropy_bits, 1) << " bits each\n";
  out << "records:   " << result->records_path.string() << '\n';
  if (!result->verifiers_path.empty()) {
    out << "verifiers: " << result->verifiers_path.string() << '\n';
  }
  out << "evidence:  " << result->evidence_path.string() << '\n';
  out << "rejected candidates: " << result->stats.rejected_blocklist << " on a blocklist, "
      << result->stats.rejected_repeat << " repeated, " << result->stats.rejected_registry
      << " issued before\n";
  if (result->registry_proof) {
    out << "registry: " << result->registry_proof->fingerprints << " passwords in "
        << result->registry_proof->batches << " batches, " << result->registry_proof->duplicates
        << " duplicates\n";
  }
  return kExitOk;
}

int RunPasswordsDecrypt(const PasswordsDecryptOptions& options,
                        std::ostream& out,
                        std::ostream& err) {
  const std::string me = "provisio passwords decrypt: ";
  Result<std::string> key = passwords::ReadRecordKeyFile(options.key_file);
  if (!key) {
    err << me << key.error().message() << '\n';
    return kExitFailure;
  }
  Result<std::string> sealed = ReadFile(options.file);
  if (!sealed) {
    err << me << sealed.error().message() << '\n';
    return kExitFailure;
  }
  Result<std::string> plain = passwords::DecryptRecords(*sealed, *key);
  if (!plain) {
    err << me << options.file << ": " << plain.error().message() << '\n';
    return kExitFailure;
  }
  if (options.out.empty()) {
    out << *plain;
    return kExitOk;
  }
  Result<void> written = WriteFileAtomically(options.out, *plain, WriteOptions{0600});
  if (!written) {
    err << me << written.error().message() << '\n';
    return kExitFailure;
  }
  return kExitOk;
}

int RunPasswordsProve(const PasswordsProveOptions& options, std::ostream& out, std::ostream& err) {
  const std::string me = "provisio passwords prove: ";
  std::optional<std::string> secret;
  if (!options.secret_file.empty()) {
    Result<std::string> read = passwords::ReadSecretFile(options.secret_file);
    if (!read) {
      err << me << read.error().message() << '\n';
      return kExitFailure;
    }
    secret = std::move(*read);
  }
  Result<passwords::ProofReport> report = passwords::ProveRegistry(
      options.registry, secret ? std::optional<std::string_view>(*secret) : std::nullopt);
  if (!report) {
    err << me << report.error().message() << '\n';
    return kExitFailure;
  }
  const bool proven = report->duplicates == 0 && report->batch_count_mismatches == 0 &&
                      report->integrity_ok && report->secret_matches.value_or(true);
  if (options.json) {
    Json doc = Json::object();
    doc["registry"] = report->location;
    doc["schema_version"] = report->schema_version;
    doc["passwords"] = report->fingerprints;
    doc["batches"] = report->batches;
    doc["duplicates"] = report->duplicates;
    doc["batch_count_mismatches"] = report->batch_count_mismatches;
    doc["integrity_ok"] = report->integrity_ok;
    doc["size_bytes"] = report->size_bytes;
    doc["method"] = report->method;
    doc["secret_matches"] = report->secret_matches ? Json(*report->secret_matches) : Json(nullptr);
    doc["proven"] = proven;
    out << formats::DumpJson(doc) << '\n';
  } else {
    out << "registry:   " << report->location << " (schema " << report->schema_version << ", "
        << report->size_bytes << " bytes)\n";
    out << "passwords:  " << report->fingerprints << " in " << report->batches << " batches\n";
    out << "duplicates: " << report->duplicates << '\n';
    out << "consistent: "
        << (report->batch_count_mismatches == 0 && report->integrity_ok ? "yes" : "NO") << '\n';
    if (report->secret_matches) {
      out << "secret:     " << (*report->secret_matches ? "matches" : "DOES NOT MATCH") << '\n';
    }
    out << "method:     " << report->method << '\n';
    out << (proven ? "proven: every issued password is unique\n" : "NOT proven\n");
  }
  return proven ? kExitOk : kExitFindings;
}

int RunPasswordsAudit(const PasswordsAuditOptions& options, std::ostream& out, std::ostream& err) {
  const std::string me = "provisio passwords audit: ";
  Result<std::string> text = ReadFile(options.file);
  if (!text) {
    err << me << text.error().message() << '\n';
    return kExitFailure;
  }
  Result<std::vector<passwords::CredentialRecord>> records =
      passwords::ParseCredentials(*text, options.file);
  if (!records) {
    err << me << records.error().message() << '\n';
    return kExitFailure;
  }
  if (records->empty()) {
    // An empty file or a bare CSV header is almost always a truncated
    // export; passing it as "0 credentials, 0 with findings" would hide that.
    err << me << options.file << " contains no records; nothing was audited\n";
    return kExitFailure;
  }
  Result<passwords::Blocklist> blocklist = LoadBlocklist(options.blocklists);
  if (!blocklist) {
    err << me << blocklist.error().message() << '\n';
    return kExitFailure;
  }
  passwords::AuditOptions audit_options;
  audit_options.min_entropy_bits = options.min_entropy;
  audit_options.max_examples = options.examples;
  const passwords::AuditReport report =
      passwords::AuditCredentials(*records, *blocklist, audit_options);
  if (options.json) {
    Json doc = Json::object();
    doc["file"] = options.file;
    doc["records"] = report.records;
    doc["devices_with_findings"] = report.devices_with_findings;
    Json findings = Json::array();
    for (const passwords::AuditFinding& f : report.findings) {
      Json examples = Json::array();
      for (const passwords::AuditExample& e : f.examples) {
        examples.push_back(Json{{"line", e.line},
                                {"serial", e.serial},
                                {"password", e.masked_password},
                                {"detail", e.detail}});
      }
      findings.push_back(Json{{"kind", std::string(passwords::ToString(f.kind))},
                              {"devices", f.devices},
                              {"examples", examples}});
    }
    doc["findings"] = findings;
    out << formats::DumpJson(doc) << '\n';
  } else {
    out << options.file << ": " << report.records << " credentials, "
        << report.devices_with_findings << " with findings\n";
    for (const passwords::AuditFinding& f : report.findings) {
      out << "  " << std::left << std::setw(20) << passwords::ToString(f.kind) << f.devices << '\n';
      for (const passwords::AuditExample& e : f.examples) {
        out << "      line " << e.line;
        if (!e.serial.empty()) {
          out << ", serial " << e.serial;
        }
        out << ": " << e.masked_password << " - " << e.detail << '\n';
      }
    }
  }
  return report.HasFindings() ? kExitFindings : kExitOk;
}

void AddPasswordsCommands(CLI::App& app, CommandContext& context) {
  CLI::App* passwords = app.add_subcommand(
      "passwords",
      "Unique per-device passwords (EN 303 645 5.1-1, 5.1-2): generate batches, prove\n"
      "  uniqueness across every batch, audit existing credential sets.");
  passwords->require_subcommand(1);

  auto gen = std::make_shared<PasswordsGenerateOptions>();
  CLI::App* generate = passwords->add_subcommand(
      "generate",
      "Generate a batch of unique passwords from the OS CSPRNG.\n"
      "  Writes <out>/<batch>.records.csv (serial,password; 0600; .enc with --encrypt-key),\n"
      "  <out>/<batch>.verifiers.csv (Argon2id PHC strings for the device image) and\n"
      "  <out>/<batch>.evidence.json. Serial numbers only label records. With --registry\n"
      "  and --secret-file no password of any earlier batch is issued again and the batch\n"
      "  is registered in one transaction; the registry is a SQLite file or, shared by\n"
      "  several factory hosts, a PostgreSQL database (--registry postgresql://...).\n"
      "  Argon2id at the default cost takes ~0.1 s per device per core: a million\n"
      "  devices is hours (see --no-verifiers).\n"
      "  Example: provisio passwords generate --count 1000 --batch 2026-11-A --out out/ \\\n"
      "             --serials serials.txt --registry factory.db --secret-file secret");
  generate->add_option("--count", gen->count, "Number of devices (default: lines in --serials)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{100'000'000}));
  generate->add_option("--batch", gen->batch, "Batch id, e.g. 2026-11-A")->required();
  generate->add_option("--out", gen->out_dir, "Output folder")->required();
  generate->add_option("--serials", gen->serials_file, "File with one serial number per line");
  generate->add_option("--policy", gen->policy, "label (printed label) or passphrase (words)")
      ->check(CLI::IsMember({"label", "passphrase"}));
  generate->add_option("--length", gen->length, "Label characters (default 12 = 69.7 bits)")
      ->check(
          CLI::Range(passwords::PasswordPolicy::kMinLength, passwords::PasswordPolicy::kMaxLength));
  generate->add_option("--words", gen->words, "Passphrase words (default 6 = 72 bits)")
      ->check(
          CLI::Range(passwords::PasswordPolicy::kMinWords, passwords::PasswordPolicy::kMaxWords));
  generate->add_option("--separator", gen->separator, "Between passphrase words (default -)");
  generate->add_option("--wordlist", gen->wordlist_file,
                       "Own word list, one distinct word per line (default: bundled 4096)");
  generate->add_option("--min-entropy", gen->min_entropy, "Refuse policies below this (bits)")
      ->check(CLI::Range(0.0, 1024.0));
  CLI::Option* force = generate->add_flag("--force-weak", gen->force_weak,
                                          "Issue below --min-entropy anyway (needs --reason)");
  CLI::Option* reason =
      generate->add_option("--reason", gen->reason, "Why --force-weak; recorded in the evidence");
  force->needs(reason);
  generate->add_option("--encrypt-key", gen->encrypt_key_file,
                       "Encrypt the records with AES-256-GCM; key file of 64 hex digits "
                       "(openssl rand -hex 32 > key; chmod 600 key)");
  generate->add_option("--argon2-memory", gen->argon2_memory_kib, "Argon2id memory in KiB")
      ->check(CLI::Range(8u, passwords::kMaxVerifierMemoryKib));
  generate->add_option("--argon2-time", gen->argon2_time, "Argon2id passes")
      ->check(CLI::Range(1u, 100u));
  generate->add_option("--threads", gen->threads, "Verifier threads (default: all cores)");
  generate->add_flag("--no-verifiers", gen->no_verifiers,
                     "Write no verifiers (the device derives its own at first boot)");
  CLI::Option* registry =
      generate->add_option("--registry", gen->registry,
                           "Registry of every password ever issued: a SQLite file, or a shared\n"
                           "PostgreSQL database as postgresql://user@host/db (its password from\n"
                           "~/.pgpass or PGPASSWORD rather than in the URI)");
  CLI::Option* secret =
      generate->add_option("--secret-file", gen->secret_file,
                           "Manufacturer secret keying the registry (0600, >= 16 bytes)");
  registry->needs(secret);
  secret->needs(registry);
  generate->add_option("--blocklist", gen->blocklists, "Extra blocklist file (one per line)");
  generate->add_flag("--json", gen->json, "Print the summary as JSON");
  generate->callback([gen, &context] {
    if (gen->count == 0 && gen->serials_file.empty()) {
      context.err << "provisio passwords generate: --count or --serials is required\n";
      context.status = kExitUsage;
      return;
    }
    OsRandom random;
    SystemClock clock;
    context.status = RunPasswordsGenerate(*gen, random, clock, context.out, context.err);
  });

  auto dec = std::make_shared<PasswordsDecryptOptions>();
  CLI::App* decrypt = passwords->add_subcommand(
      "decrypt",
      "Decrypt a <batch>.records.csv.enc file (format: docs/passwords.md).\n"
      "  Prints the CSV, or writes it 0600 with --out.");
  decrypt->add_option("file", dec->file, "Encrypted records file")->required();
  decrypt->add_option("--key", dec->key_file, "Key file given to --encrypt-key")->required();
  decrypt->add_option("--out", dec->out, "Write here (0600) instead of stdout");
  decrypt->callback(
      [dec, &context] { context.status = RunPasswordsDecrypt(*dec, context.out, context.err); });

  auto prove_options = std::make_shared<PasswordsProveOptions>();
  CLI::App* prove = passwords->add_subcommand(
      "prove",
      "Report the registry's uniqueness proof: passwords issued, batches, duplicates,\n"
      "  consistency, method and size. Exit 0 when proven, 3 when not.");
  prove
      ->add_option("--registry", prove_options->registry,
                   "Registry: SQLite file or postgresql://user@host/db")
      ->required();
  prove->add_option("--secret-file", prove_options->secret_file,
                    "Also check that this is the registry's manufacturer secret");
  prove->add_flag("--json", prove_options->json, "Print JSON");
  prove->callback([prove_options, &context] {
    context.status = RunPasswordsProve(*prove_options, context.out, context.err);
  });

  auto audit_options = std::make_shared<PasswordsAuditOptions>();
  CLI::App* audit = passwords->add_subcommand(
      "audit",
      "Audit an existing credential set: CSV with a header (serial,mac,username,password)\n"
      "  or a plain list of passwords. Reports duplicates across devices, known defaults,\n"
      "  low entropy, passwords derived from serial or MAC, and counters. Passwords are\n"
      "  masked. Exit 3 on findings, 1 on malformed input (with line numbers) or on a\n"
      "  file with no records (empty, or a header only: likely a truncated export).");
  audit->add_option("file", audit_options->file, "Credential file")->required();
  audit->add_option("--blocklist", audit_options->blocklists, "Extra blocklist file");
  audit->add_option("--min-entropy", audit_options->min_entropy,
                    "Flag passwords estimated below this many bits (default 64)");
  audit->add_option("--examples", audit_options->examples, "Examples per finding (default 3)");
  audit->add_flag("--json", audit_options->json, "Print JSON");
  audit->callback([audit_options, &context] {
    context.status = RunPasswordsAudit(*audit_options, context.out, context.err);
  });
}

}  // namespace provisio::cli
