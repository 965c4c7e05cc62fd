#include "provisio/passwords/audit.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>

#include "passwords/csv.h"
#include "provisio/core/text.h"

namespace provisio::passwords {
namespace {

constexpr std::size_t kMinTokenLength = 4;

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

std::string Reversed(std::string_view s) {
  return std::string(s.rbegin(), s.rend());
}

std::string DigitsOf(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      out += c;
    }
  }
  return out;
}

bool IsHex(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  });
}

struct Token {
  std::string text;  // Lower case.
  std::string what;  // For the report.
};

void AddToken(std::vector<Token>& tokens, std::string text, std::string what) {
  if (text.size() >= kMinTokenLength) {
    tokens.push_back(Token{AsciiLower(text), std::move(what)});
  }
}

std::vector<Token> SerialTokens(std::string_view serial) {
  std::vector<Token> tokens;
  AddToken(tokens, std::string(serial), "the serial number");
  AddToken(tokens, Reversed(serial), "the serial number reversed");
  for (std::size_t n : {std::size_t{8}, std::size_t{6}, std::size_t{5}, std::size_t{4}}) {
    if (serial.size() > n) {
      AddToken(tokens, std::string(serial.substr(serial.size() - n)),
               "the last " + std::to_string(n) + " characters of the serial number");
    }
  }
  const std::string digits = DigitsOf(serial);
  if (digits != serial) {
    AddToken(tokens, digits, "the digits of the serial number");
  }
  if (!digits.empty() && digits.size() <= 18) {
    const std::uint64_t value = std::stoull(digits);
    char hex[32];
    std::snprintf(hex, sizeof(hex), "%llx", static_cast<unsigned long long>(value));
    AddToken(tokens, hex, "the serial number in hexadecimal");
  }
  return tokens;
}

std::vector<Token> MacTokens(std::string_view mac) {
  std::string hex;
  for (char c : AsciiLower(mac)) {
    if (c != ':' && c != '-' && c != '.' && c != ' ') {
      hex += c;
    }
  }
  std::vector<Token> tokens;
  if (hex.size() != 12 || !IsHex(hex)) {
    return tokens;
  }
  AddToken(tokens, hex, "the MAC address");
  AddToken(tokens, Reversed(hex), "the MAC address reversed");
  AddToken(tokens, hex.substr(4), "the last 4 bytes of the MAC address");
  AddToken(tokens, hex.substr(6), "the last 3 bytes of the MAC address");
  AddToken(tokens, hex.substr(8), "the last 2 bytes of the MAC address");
  const unsigned long nic = std::stoul(hex.substr(6), nullptr, 16);
  AddToken(tokens, std::to_string(nic), "the last 3 bytes of the MAC address in decimal");
  return tokens;
}

// What `password` shares with `tokens`, or nullopt.
std::optional<std::string> DerivedFrom(std::string_view password,
                                       const std::vector<Token>& tokens,
                                       std::string_view source_value,
                                       std::string_view source_name) {
  const std::string lower = AsciiLower(password);
  for (const Token& token : tokens) {
    if (lower.find(token.text) != std::string::npos) {
      return "contains " + token.what;
    }
  }
  const std::string source = AsciiLower(source_value);
  std::string stripped;
  for (char c : source) {
    if (c != ':' && c != '-' && c != '.') {
      stripped += c;
    }
  }
  if (lower.size() >= kMinTokenLength &&
      (source.find(lower) != std::string::npos || stripped.find(lower) != std::string::npos ||
       Reversed(stripped).find(lower) != std::string::npos)) {
    return "is part of " + std::string(source_name);
  }
  return std::nullopt;
}

// Replaces every run of digits with '#'.
std::string DigitTemplate(std::string_view password) {
  std::string out;
  for (std::size_t i = 0; i < password.size(); ++i) {
    if (password[i] >= '0' && password[i] <= '9') {
      if (out.empty() || out.back() != '#') {
        out += '#';
      }
    } else {
      out += password[i];
    }
  }
  return out;
}

class ReportBuilder {
 public:
  ReportBuilder(const std::vector<CredentialRecord>& records, const AuditOptions& options)
      : records_(records), options_(options), flagged_(records.size(), false) {
    for (FindingKind kind :
         {FindingKind::kDuplicate, FindingKind::kKnownDefault, FindingKind::kLowEntropy,
          FindingKind::kDerivedFromSerial, FindingKind::kDerivedFromMac, FindingKind::kSequence}) {
      report_.findings.push_back(AuditFinding{kind, 0, {}});
    }
    report_.records = records.size();
  }

  void Add(FindingKind kind, std::size_t index, std::string detail) {
    AuditFinding& finding = report_.findings[static_cast<std::size_t>(kind)];
    ++finding.devices;
    if (finding.examples.size() < options_.max_examples) {
      const CredentialRecord& r = records_[index];
      finding.examples.push_back(
          AuditExample{r.line, r.serial, MaskPassword(r.password), std::move(detail)});
    }
    if (!flagged_[index]) {
      flagged_[index] = true;
      ++report_.devices_with_findings;
    }
  }

  AuditReport Take() { return std::move(report_); }

 private:
  const std::vector<CredentialRecord>& records_;
  const AuditOptions& options_;
  std::vector<bool> flagged_;
  AuditReport report_;
};

}  // namespace

std::string_view ToString(FindingKind kind) {
  switch (kind) {
    case FindingKind::kDuplicate:
      return "duplicate";
    case FindingKind::kKnownDefault:
      return "known_default";
    case FindingKind::kLowEntropy:
      return "low_entropy";
    case FindingKind::kDerivedFromSerial:
      return "derived_from_serial";
    case FindingKind::kDerivedFromMac:
      return "derived_from_mac";
    case FindingKind::kSequence:
      return "sequence";
  }
  return "unknown";
}

Result<std::vector<CredentialRecord>> ParseCredentials(std::string_view text,
                                                       std::string_view source_name) {
  const std::vector<std::string_view> lines = SplitLines(text);
  std::vector<CredentialRecord> records;
  std::size_t first = 0;
  while (first < lines.size() && lines[first].empty()) {
    ++first;
  }
  if (first == lines.size()) {
    return records;
  }
  auto where = [&](std::size_t index) {
    return std::string(source_name) + ":" + std::to_string(index + 1) + ": ";
  };
  std::optional<std::vector<std::string>> header = SplitCsvLine(lines[first]);
  int password_col = -1;
  int serial_col = -1;
  int mac_col = -1;
  int user_col = -1;
  if (header) {
    for (std::size_t i = 0; i < header->size(); ++i) {
      const std::string name = AsciiLower((*header)[i]);
      const int col = static_cast<int>(i);
      if (name == "password") {
        password_col = col;
      } else if (name == "serial") {
        serial_col = col;
      } else if (name == "mac") {
        mac_col = col;
      } else if (name == "username") {
        user_col = col;
      }
    }
  }
  if (password_col < 0) {
    if (lines[first].find(',') != std::string_view::npos) {
      return Fail(ErrorCode::kParse,
                  where(first) +
                      "the first line has commas but no 'password' column; a CSV "
                      "needs a header such as serial,mac,username,password");
    }
    for (std::size_t i = first; i < lines.size(); ++i) {
      if (!lines[i].empty()) {
        records.push_back(CredentialRecord{i + 1, "", "", "", std::string(lines[i])});
      }
    }
    return records;
  }
  auto field = [](const std::vector<std::string>& fields, int col) {
    return col < 0 ? std::string() : fields[static_cast<std::size_t>(col)];
  };
  for (std::size_t i = first + 1; i < lines.size(); ++i) {
    if (lines[i].empty()) {
      continue;
    }
    std::optional<std::vector<std::string>> fields = SplitCsvLine(lines[i]);
    if (!fields) {
      return Fail(ErrorCode::kParse, where(i) + "unterminated or misplaced quote");
    }
    if (fields->size() != header->size()) {
      return Fail(ErrorCode::kParse, where(i) + "expected " + std::to_string(header->size()) +
                                         " fields as in the header, found " +
                                         std::to_string(fields->size()));
    }
    records.push_back(CredentialRecord{i + 1, field(*fields, serial_col), field(*fields, mac_col),
                                       field(*fields, user_col), field(*fields, password_col)});
  }
  return records;
}

double EstimateEntropyBits(std::string_view password) {
  if (password.empty() ||
      std::all_of(password.begin(), password.end(), [&](char c) { return c == password[0]; })) {
    return 0.0;
  }
  bool lower = false;
  bool upper = false;
  bool digit = false;
  bool symbol = false;
  bool other = false;
  for (char ch : password) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c >= 0x20 && c < 0x7F) {
      symbol = true;
    } else {
      other = true;
    }
  }
  const int pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) +
                   (other ? 100 : 0);
  return static_cast<double>(password.size()) * std::log2(static_cast<double>(pool));
}

std::string MaskPassword(std::string_view password) {
  const std::size_t keep = password.size() >= 8 ? 2 : (password.size() >= 4 ? 1 : 0);
  return std::string(password.substr(0, keep)) + std::string(password.size() - keep, '*');
}

AuditReport AuditCredentials(const std::vector<CredentialRecord>& records,
                             const Blocklist& blocklist,
                             const AuditOptions& options) {
  ReportBuilder builder(records, options);

  // Duplicates across devices.
  std::unordered_map<std::string_view, std::vector<std::size_t>> by_password;
  for (std::size_t i = 0; i < records.size(); ++i) {
    by_password[records[i].password].push_back(i);
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::size_t shared = by_password[records[i].password].size();
    if (shared > 1) {
      builder.Add(FindingKind::kDuplicate, i,
                  "same password as " + std::to_string(shared - 1) + " other device(s)");
    }
  }

  for (std::size_t i = 0; i < records.size(); ++i) {
    const CredentialRecord& r = records[i];
    if (r.password.empty() || blocklist.ContainsIgnoringCase(r.password)) {
      builder.Add(FindingKind::kKnownDefault, i,
                  r.password.empty() ? "empty password" : "on a known-default or common list");
    }
    const double bits = EstimateEntropyBits(r.password);
    if (bits < options.min_entropy_bits) {
      builder.Add(FindingKind::kLowEntropy, i,
                  "about " + std::to_string(static_cast<int>(bits)) + " bits, below " +
                      std::to_string(static_cast<int>(options.min_entropy_bits)));
    }
    if (!r.serial.empty()) {
      std::optional<std::string> derived =
          DerivedFrom(r.password, SerialTokens(r.serial), r.serial, "the serial number");
      if (derived) {
        builder.Add(FindingKind::kDerivedFromSerial, i, *derived);
      }
    }
    if (!r.mac.empty()) {
      std::optional<std::string> derived =
          DerivedFrom(r.password, MacTokens(r.mac), r.mac, "the MAC address");
      if (derived) {
        builder.Add(FindingKind::kDerivedFromMac, i, *derived);
      }
    }
  }

  // Counters and sequences: distinct passwords that differ only in a number,
  // or only in a last character that counts up.
  std::vector<bool> in_sequence(records.size(), false);
  std::map<std::string, std::vector<std::size_t>> by_template;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const std::string templ = DigitTemplate(records[i].password);
    if (templ.find('#') != std::string::npos) {
      by_template[templ].push_back(i);
    }
  }
  for (const auto& [templ, members] : by_template) {
    std::map<std::string_view, std::size_t> distinct;
    for (std::size_t i : members) {
      distinct.emplace(records[i].password, i);
    }
    if (distinct.size() < 3) {
      continue;
    }
    const auto fixed = static_cast<std::size_t>(
        std::count_if(templ.begin(), templ.end(), [](char c) { return c != '#'; }));
    if (fixed >= 3) {
      for (std::size_t i : members) {
        in_sequence[i] = true;
      }
      continue;
    }
    // Mostly digits: look for runs of close numbers (step <= 16).
    std::vector<std::pair<std::uint64_t, std::size_t>> values;
    for (const auto& [password, index] : distinct) {
      const std::string digits = DigitsOf(password);
      if (!digits.empty() && digits.size() <= 18) {
        values.emplace_back(std::stoull(digits), index);
      }
    }
    std::sort(values.begin(), values.end());
    std::size_t run_start = 0;
    for (std::size_t k = 1; k <= values.size(); ++k) {
      const bool continues = k < values.size() && values[k].first - values[k - 1].first <= 16;
      if (!continues) {
        if (k - run_start >= 3) {
          for (std::size_t m = run_start; m < k; ++m) {
            in_sequence[values[m].second] = true;
          }
        }
        run_start = k;
      }
    }
  }
  // Same text except a last character that counts up (…a, …b, …c).
  std::vector<std::size_t> order(records.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return records[a].password < records[b].password;
  });
  auto steps_from = [&](std::size_t a, std::size_t b) {
    const std::string& pa = records[a].password;
    const std::string& pb = records[b].password;
    return pa.size() == pb.size() && pa.size() >= 6 &&
           pa.compare(0, pa.size() - 1, pb, 0, pb.size() - 1) == 0 && pb.back() == pa.back() + 1;
  };
  std::size_t run_start = 0;
  for (std::size_t k = 1; k <= order.size(); ++k) {
    if (k < order.size() && steps_from(order[k - 1], order[k])) {
      continue;
    }
    if (k - run_start >= 3) {
      for (std::size_t m = run_start; m < k; ++m) {
        in_sequence[order[m]] = true;
      }
    }
    run_start = k;
  }
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (in_sequence[i]) {
      builder.Add(FindingKind::kSequence, i,
                  "differs from other devices' passwords only by a counter");
    }
  }
  return builder.Take();
}

}  // namespace provisio::passwords
