// The hardening checks run on every extracted file. Thread-safe: one
// Checker serves all scanning threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "firmware/unpacker.h"
#include "provisio/firmware/analyzer.h"
#include "provisio/firmware/finding.h"
#include "provisio/firmware/pattern_scanner.h"

namespace provisio::firmware {

// A console (inittab) that runs a script rather than a shell or a login:
// whether it ends in a root shell depends on the script, another file,
// so the analyzer decides once it has seen both (ConsoleShellFindings).
struct ConsoleScriptUse {
  std::string chain;    // The file system both files are in.
  std::string program;  // The script's absolute path.
  Finding finding;      // Reported if the script gives a shell.
};

// A script that hands over to a shell: unconditionally (`exec /bin/ash
// --login`) or, as OpenWrt's /usr/libexec/login.sh does, unless the UCI
// option system.ttylogin is 1 (`[ "$(uci ... ttylogin)" = 1 ] || exec
// /bin/ash --login`).
struct ShellScript {
  std::string chain;
  std::string path;
  bool unless_ttylogin = false;
};

struct FileResults {
  std::vector<Finding> findings;
  std::vector<Component> components;
  std::vector<ConsoleScriptUse> console_scripts;
  std::vector<ShellScript> shell_scripts;
  bool ttylogin_set = false;  // An /etc/config/system with `option ttylogin '1'`.

  // Moves everything `other` holds into this.
  void Absorb(FileResults&& other);
};

// The console findings that the scripts of `results` confirm.
std::vector<Finding> ConsoleShellFindings(const FileResults& results);

// How many passwords of each list are tried against one hash (slow hash
// schemes get fewer). The account name itself is always tried.
struct CandidateBudget {
  std::size_t pairs = SIZE_MAX;     // Known defaults of this account name.
  std::size_t frequent = SIZE_MAX;  // Passwords many vendors' pairs share.
  std::size_t defaults = SIZE_MAX;  // The known-default password list.
  std::size_t common = SIZE_MAX;    // The common password list.
};

class Checker {
 public:
  // Compiles the patterns and loads the password lists named in `options`.
  // Fails with kNotFound when a list folder is given but a list is missing.
  static Result<std::unique_ptr<Checker>> Create(const AnalyzerOptions& options);

  void CheckFile(const ExtractedFile& file, FileResults* results) const;

  std::string_view Engine() const { return binary_->Engine(); }

 private:
  Checker() = default;
  void CheckBinaryPatterns(const ExtractedFile& file, FileResults* results) const;
  void CheckText(const ExtractedFile& file, bool account_file, FileResults* results) const;
  void CheckAccounts(const ExtractedFile& file, bool shadow, FileResults* results) const;
  void CheckMetadata(const ExtractedFile& file, FileResults* results) const;
  void CheckWebPasswords(const ExtractedFile& file, FileResults* results) const;
  // Which list holds the password of `hash` (empty when none within
  // `budget`). Sets *out_of_time when the scan's try budget ran out first.
  // The same user and hash met again (an /etc/shadow- backup, the second
  // rootfs of an A/B image) gets the first answer without new tries.
  std::string FindPassword(const std::string& user,
                           const std::string& hash,
                           const CandidateBudget& budget,
                           bool* out_of_time) const;
  std::string SearchPassword(const std::string& user,
                             const std::string& hash,
                             const CandidateBudget& budget,
                             bool* out_of_time) const;
  // Takes `micros` from the scan's password-try budget; false when spent.
  bool SpendTryBudget(std::uint64_t micros) const;

  std::unique_ptr<PatternScanner> binary_;
  std::unique_ptr<PatternScanner> text_;
  std::vector<std::string> default_passwords_;
  std::vector<std::string> common_passwords_;
  std::vector<std::string> frequent_passwords_;
  std::uint64_t try_budget_micros_ = 0;
  // Shared by the scanning threads.
  mutable std::atomic<std::uint64_t> try_micros_spent_{0};
  struct PasswordAnswer {
    std::string list;  // Empty: none matched.
    bool out_of_time = false;
  };
  mutable std::mutex answers_mutex_;
  mutable std::map<std::pair<std::string, std::string>, PasswordAnswer> answers_;  // (user, hash)
};

// Whether `hash` (crypt(3) format) is the hash of `password`, via libxcrypt.
bool CryptMatches(const std::string& password, const std::string& hash);

}  // namespace provisio::firmware
