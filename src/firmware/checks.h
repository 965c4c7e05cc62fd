// The hardening checks run on every extracted file. Thread-safe: one
// Checker serves all scanning threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "firmware/unpacker.h"
#include "provisio/firmware/analyzer.h"
#include "provisio/firmware/finding.h"
#include "provisio/firmware/pattern_scanner.h"

namespace provisio::firmware {

struct FileResults {
  std::vector<Finding> findings;
  std::vector<Component> components;
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
  void CheckText(const ExtractedFile& file, FileResults* results) const;
  void CheckAccounts(const ExtractedFile& file, bool shadow, FileResults* results) const;
  void CheckMetadata(const ExtractedFile& file, FileResults* results) const;

  std::unique_ptr<PatternScanner> binary_;
  std::unique_ptr<PatternScanner> text_;
  std::vector<std::string> default_passwords_;
  std::vector<std::string> common_passwords_;
};

// Whether `hash` (crypt(3) format) is the hash of `password`, via libxcrypt.
bool CryptMatches(const std::string& password, const std::string& hash);

}  // namespace provisio::firmware
