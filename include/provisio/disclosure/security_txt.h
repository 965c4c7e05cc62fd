// RFC 9116 security.txt: generate one from a VdpPolicy, optionally
// OpenPGP cleartext-sign it with gpg, and check any security.txt against the
// RFC with line-numbered findings.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"
#include "provisio/disclosure/vdp.h"

namespace provisio::disclosure {

// Longest Expires distance we write or accept without a warning. RFC 9116
// 2.5.5 recommends "less than a year into the future".
inline constexpr int kMaxSecurityTxtExpiresDays = 365;

// Builds the unsigned security.txt for `policy` (LF line endings): Contact
// (in policy order, the first is preferred), Expires = now +
// policy.security_txt_expires_days, Encryption, Acknowledgments,
// Preferred-Languages, Canonical, Policy, Hiring and CSAF when set.
// Fails with kInvalidArgument when the policy is invalid or its Expires
// distance exceeds kMaxSecurityTxtExpiresDays (the message says so).
Result<std::string> RenderSecurityTxt(const VdpPolicy& policy, TimePoint now);

struct GpgSignOptions {
  std::string key_id;               // Passed to gpg --local-user.
  std::string gpg_program = "gpg";  // Looked up in PATH unless it has a '/'.
  std::string gnupg_home;           // Sets GNUPGHOME for gpg when not empty.
};

// Returns `text` wrapped in an OpenPGP cleartext signature made by
// `gpg --batch --clearsign`. Fails with kNotFound when gpg cannot be run and
// kVerification when gpg refuses (unknown key, passphrase needed).
Result<std::string> ClearsignWithGpg(std::string_view text, const GpgSignOptions& options);

enum class FindingLevel {
  kError,    // Violates a MUST of RFC 9116 (or RFC 4880 framing).
  kWarning,  // Violates a SHOULD/RECOMMENDED, or is likely a mistake.
  kInfo,     // Worth knowing; not a problem (unknown fields are ignored).
};

std::string_view ToString(FindingLevel level);  // "error", "warning", "info"

struct SecurityTxtFinding {
  int line = 0;  // 1-based physical line; 0 for the whole file.
  FindingLevel level = FindingLevel::kError;
  std::string code;     // Stable identifier, e.g. "expires-missing".
  std::string message;  // One sentence for people.
};

struct SecurityTxtCheckOptions {
  TimePoint now;  // Reference time for Expires.
  // The URL the file was fetched from, to check against Canonical; empty
  // when unknown (then no Canonical check).
  std::string file_url;
};

struct SecurityTxtField {
  int line = 0;
  std::string name;  // As written (field names are case-insensitive).
  std::string value;
};

struct SecurityTxtReport {
  std::vector<SecurityTxtFinding> findings;  // In line order.
  std::vector<SecurityTxtField> fields;      // Every field line, in order.
  bool is_signed = false;                    // Has an OpenPGP cleartext frame.
  std::string line_endings;                  // "LF", "CRLF", "mixed" or "none".

  // True when no finding is an error or a warning.
  bool Clean() const;
  int Count(FindingLevel level) const;
};

// Checks `text` against RFC 9116: Contact present (1+), Expires exactly once,
// RFC 3339, not past, not more than a year ahead (warning); Preferred-Languages
// at most once with language tags; URIs well-formed and web URIs https://;
// Encryption not a key; Canonical containing options.file_url; unknown fields
// (info); line syntax ("Name: value"), comments, CRLF/LF; and the cleartext
// signature frame of RFC 4880 section 7 (header, Hash, dash-escaping,
// signature block). It does not verify the signature cryptographically.
SecurityTxtReport CheckSecurityTxt(std::string_view text, const SecurityTxtCheckOptions& options);

}  // namespace provisio::disclosure
