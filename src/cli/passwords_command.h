// `provisio passwords generate|decrypt|prove|audit`: unique per-device
// passwords at factory scale (EN 303 645 5.1-1, 5.1-2), the registry's
// uniqueness proof, and audits of existing credential sets. See docs/passwords.md.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"
#include "provisio/core/clock.h"
#include "provisio/core/random.h"

namespace provisio::cli {

struct PasswordsGenerateOptions {
  std::int64_t count = 0;
  std::string batch;
  std::string out_dir;
  std::string serials_file;      // One serial per line; labels only.
  std::string policy = "label";  // "label" or "passphrase".
  int length = 12;               // label characters
  int words = 6;                 // passphrase words
  std::string separator = "-";
  std::string wordlist_file;  // Default: the bundled list.
  double min_entropy = 64.0;
  bool force_weak = false;
  std::string reason;
  std::string encrypt_key_file;
  std::uint32_t argon2_memory_kib = 65536;
  std::uint32_t argon2_time = 3;
  unsigned threads = 0;
  bool no_verifiers = false;
  std::string registry;
  std::string secret_file;
  std::vector<std::string> blocklists;  // Extra list files.
  bool json = false;
};

struct PasswordsDecryptOptions {
  std::string file;
  std::string key_file;
  std::string out;  // "" = stdout.
};

struct PasswordsProveOptions {
  std::string registry;
  std::string secret_file;  // Optional: also check it is the registry's secret.
  bool json = false;
};

struct PasswordsAuditOptions {
  std::string file;
  std::vector<std::string> blocklists;
  double min_entropy = 64.0;
  std::size_t examples = 3;
  bool json = false;
};

// Generates a batch. 0 ok, 1 failure (nothing registered), 2 bad options.
int RunPasswordsGenerate(const PasswordsGenerateOptions& options,
                         RandomSource& random,
                         const Clock& clock,
                         std::ostream& out,
                         std::ostream& err);

// Decrypts a .records.csv.enc file. 0 ok, 1 wrong key, damaged file or I/O.
int RunPasswordsDecrypt(const PasswordsDecryptOptions& options,
                        std::ostream& out,
                        std::ostream& err);

// Prints the registry's proof. 0 proven, 3 duplicates/inconsistency/wrong
// secret found, 1 cannot read the registry.
int RunPasswordsProve(const PasswordsProveOptions& options, std::ostream& out, std::ostream& err);

// Audits a credential file. 0 clean, 3 findings, 1 unreadable or malformed.
int RunPasswordsAudit(const PasswordsAuditOptions& options, std::ostream& out, std::ostream& err);

void AddPasswordsCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
