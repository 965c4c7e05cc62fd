// Audit of an existing credential set (EN 303 645 5.1-1, 5.1-2): finds
// passwords shared across devices, known defaults, low entropy, passwords
// derived from the serial number or MAC address, and counters or sequences
// across devices. Examples in the report never show a whole password.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/result.h"
#include "provisio/passwords/blocklist.h"

namespace provisio::passwords {

struct CredentialRecord {
  std::size_t line = 0;  // 1-based line in the input.
  std::string serial;
  std::string mac;
  std::string username;
  std::string password;
};

// Parses either
//  - CSV with a header line naming a "password" column and optionally
//    "serial", "mac", "username" (any order, other columns ignored; RFC 4180
//    quoting with "" for a quote; no line breaks inside fields), or
//  - a plain list: one password per line (the first line holds no comma).
// Blank lines are skipped. Fails with kParse naming "source:line" for a wrong
// number of fields, an unterminated quote, or a first line with commas but no
// password column.
Result<std::vector<CredentialRecord>> ParseCredentials(std::string_view text,
                                                       std::string_view source_name);

enum class FindingKind {
  kDuplicate,          // The same password on more than one device.
  kKnownDefault,       // On a known-default or common-password list (ignoring case).
  kLowEntropy,         // Estimated entropy below the minimum.
  kDerivedFromSerial,  // Contains (or is part of) the serial, reversed, its last digits, as hex.
  kDerivedFromMac,  // Contains (or is part of) the MAC address, its last bytes, reversed, decimal.
  kSequence,        // A counter or sequence across devices (same text, consecutive numbers).
};

std::string_view ToString(FindingKind kind);  // "duplicate", "known_default", ...

struct AuditExample {
  std::size_t line = 0;
  std::string serial;
  std::string masked_password;  // MaskPassword() of the password.
  std::string detail;           // e.g. "last 6 digits of the serial", "shared by 12 devices".
};

struct AuditFinding {
  FindingKind kind;
  std::size_t devices = 0;  // Records with this finding.
  std::vector<AuditExample> examples;
};

struct AuditOptions {
  double min_entropy_bits = 64.0;
  std::size_t max_examples = 3;  // Per finding kind.
};

struct AuditReport {
  std::size_t records = 0;
  std::size_t devices_with_findings = 0;  // Records with at least one finding.
  std::vector<AuditFinding> findings;     // One per FindingKind, in enum order.
  bool HasFindings() const { return devices_with_findings > 0; }
};

AuditReport AuditCredentials(const std::vector<CredentialRecord>& records,
                             const Blocklist& blocklist,
                             const AuditOptions& options);

// A rough upper bound: length x log2(size of the character classes used:
// lower 26, upper 26, digits 10, ASCII symbols 33, other 100), and 0 for a
// password made of one repeated character.
double EstimateEntropyBits(std::string_view password);

// Keeps a short prefix (2 characters from 8 up, 1 from 4 up, none below) and
// stars the rest: "Ab**********".
std::string MaskPassword(std::string_view password);

}  // namespace provisio::passwords
