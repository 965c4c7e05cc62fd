// RFC 9116 security.txt: generation from a VdpPolicy, and the checker.
#include "provisio/disclosure/security_txt.h"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "disclosure/vdp_uri.h"
#include "provisio/core/version.h"

namespace provisio::disclosure {
namespace {

// The items of a comma-separated list, each without surrounding blanks
// (an empty item stays, as an empty view).
std::vector<std::string_view> SplitCommaList(std::string_view list) {
  std::vector<std::string_view> items;
  while (true) {
    const std::size_t comma = list.find(',');
    std::string_view item = list.substr(0, comma);
    const std::size_t b = item.find_first_not_of(" \t");
    const std::size_t e = item.find_last_not_of(" \t");
    items.push_back(b == std::string_view::npos ? std::string_view() : item.substr(b, e - b + 1));
    if (comma == std::string_view::npos)
      return items;
    list = list.substr(comma + 1);
  }
}

using internal::AsciiLower;

constexpr std::string_view kSignedHeader = "-----BEGIN PGP SIGNED MESSAGE-----";
constexpr std::string_view kSignatureBegin = "-----BEGIN PGP SIGNATURE-----";
constexpr std::string_view kSignatureEnd = "-----END PGP SIGNATURE-----";

struct Line {
  int number = 0;
  std::string text;  // Without the line ending.
  bool crlf = false;
  bool terminated = true;  // Ended with LF.
};

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  while (!text.empty()) {
    ++number;
    const std::size_t lf = text.find('\n');
    Line line;
    line.number = number;
    std::string_view raw = text.substr(0, lf);
    line.terminated = lf != std::string_view::npos;
    if (!raw.empty() && raw.back() == '\r') {
      raw.remove_suffix(1);
      line.crlf = true;
    }
    line.text = std::string(raw);
    lines.push_back(line);
    if (lf == std::string_view::npos) {
      break;
    }
    text = text.substr(lf + 1);
  }
  return lines;
}

std::string TrimRight(std::string_view text) {
  const std::size_t end = text.find_last_not_of(" \t");
  return end == std::string_view::npos ? "" : std::string(text.substr(0, end + 1));
}

bool ValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c & 0xE0) == 0xC0 && c >= 0xC2) {
      extra = 1;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
    } else if ((c & 0xF8) == 0xF0 && c <= 0xF4) {
      extra = 3;
    } else {
      return false;
    }
    if (extra > 0 && i + extra >= text.size()) {
      return false;
    }
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) {
        return false;
      }
    }
    i += extra + 1;
  }
  return true;
}

// Armor header keys other than "Hash" (RFC 4880 section 6.2): wrong in the
// header of a cleartext signed message, but clearly meant as headers.
bool IsOtherArmorHeader(std::string_view line) {
  for (std::string_view key : {"Version: ", "Comment: ", "MessageID: ", "Charset: "}) {
    if (line.rfind(key, 0) == 0) {
      return true;
    }
  }
  return false;
}

class Checker {
 public:
  explicit Checker(const SecurityTxtCheckOptions& options) : options_(options) {}

  SecurityTxtReport Run(std::string_view text) {
    if (!ValidUtf8(text)) {
      Add(0, FindingLevel::kError, "not-utf8", "the file is not valid UTF-8 (RFC 9116 section 3)");
    }
    if (text.empty()) {
      Add(0, FindingLevel::kError, "empty", "the file is empty");
    }
    std::vector<Line> lines = SplitLines(text);
    CheckLineEndings(lines);
    std::vector<Line> body = Unwrap(lines);
    for (const Line& line : body) {
      ParseLine(line);
    }
    CheckFields();
    std::stable_sort(
        report_.findings.begin(), report_.findings.end(),
        [](const SecurityTxtFinding& a, const SecurityTxtFinding& b) { return a.line < b.line; });
    return std::move(report_);
  }

 private:
  void Add(int line, FindingLevel level, std::string code, std::string message) {
    report_.findings.push_back({line, level, std::move(code), std::move(message)});
  }

  void CheckLineEndings(const std::vector<Line>& lines) {
    int crlf = 0;
    int lf = 0;
    for (const Line& line : lines) {
      if (!line.terminated) {
        continue;
      }
      (line.crlf ? crlf : lf) += 1;
    }
    report_.line_endings = crlf > 0 && lf > 0 ? "mixed"
                           : crlf > 0         ? "CRLF"
                           : lf > 0           ? "LF"
                                              : "none";
    if (crlf > 0 && lf > 0) {
      Add(0, FindingLevel::kInfo, "mixed-line-endings",
          "the file mixes CRLF and LF line endings (each is allowed)");
    }
    for (const Line& line : lines) {
      if (line.text.find('\r') != std::string::npos) {
        Add(line.number, FindingLevel::kError, "bare-cr",
            "a carriage return not followed by a line feed; lines must end with CRLF or LF");
      }
    }
    if (!lines.empty() && !lines.back().terminated) {
      Add(lines.back().number, FindingLevel::kWarning, "no-final-eol",
          "the last line does not end with a line break (RFC 9116: every line ends with CRLF or "
          "LF)");
    }
  }

  // Removes the OpenPGP cleartext frame, checking it, and returns the signed
  // text lines with dash-escaping undone (numbers stay those of the file).
  std::vector<Line> Unwrap(const std::vector<Line>& lines) {
    std::size_t first = 0;
    while (first < lines.size() && TrimRight(lines[first].text).empty()) {
      ++first;
    }
    bool has_header = false;
    for (const Line& line : lines) {
      has_header = has_header || TrimRight(line.text) == kSignedHeader;
    }
    if (!has_header) {
      for (const Line& line : lines) {
        const std::string t = TrimRight(line.text);
        if (t == kSignatureBegin || t == kSignatureEnd) {
          Add(line.number, FindingLevel::kError, "signature-without-header",
              "OpenPGP signature block without a '-----BEGIN PGP SIGNED MESSAGE-----' header");
        }
      }
      return lines;
    }
    report_.is_signed = true;
    if (first >= lines.size() || TrimRight(lines[first].text) != kSignedHeader) {
      for (const Line& line : lines) {
        if (TrimRight(line.text) == kSignedHeader) {
          Add(line.number, FindingLevel::kError, "text-before-signed-message",
              "text before '-----BEGIN PGP SIGNED MESSAGE-----' is not covered by the signature");
          first = static_cast<std::size_t>(line.number - 1);
          break;
        }
      }
    }
    std::size_t i = first + 1;
    bool hash = false;
    bool blank_line = false;
    for (; i < lines.size(); ++i) {
      const std::string& h = lines[i].text;
      if (TrimRight(h).empty()) {
        blank_line = true;
        break;
      }
      if (h.rfind("Hash:", 0) == 0) {
        hash = true;
        CheckHashHeader(lines[i].number, h.substr(5));
      } else if (IsOtherArmorHeader(h)) {
        Add(lines[i].number, FindingLevel::kError, "bad-armor-header",
            "only 'Hash: <algorithm>' armor headers may follow "
            "'-----BEGIN PGP SIGNED MESSAGE-----' (RFC 4880 section 7)");
      } else {
        // The signed text begins here without the empty line that must
        // separate it from the armor headers: one finding, then read on as
        // text rather than reporting every line as a bad armor header.
        Add(lines[i].number, FindingLevel::kError, "missing-blank-line",
            "expected an empty line after the armor headers of "
            "'-----BEGIN PGP SIGNED MESSAGE-----' (RFC 4880 section 7); the signed text is read "
            "from this line on");
        break;
      }
    }
    if (!hash) {
      Add(lines[first].number, FindingLevel::kWarning, "missing-hash-header",
          "the signed message has no 'Hash:' armor header (RFC 4880 section 7)");
    }
    if (i >= lines.size()) {
      Add(lines[first].number, FindingLevel::kError, "unterminated-signed-message",
          "no empty line ends the armor headers, and no signed text follows");
      return {};
    }
    if (blank_line) {
      ++i;  // The empty line.
    }
    std::vector<Line> body;
    std::size_t sig_begin = lines.size();
    for (; i < lines.size(); ++i) {
      const std::string& t = lines[i].text;
      if (TrimRight(t) == kSignatureBegin) {
        sig_begin = i;
        break;
      }
      Line unescaped = lines[i];
      if (!t.empty() && t[0] == '-') {
        if (t.rfind("- ", 0) == 0) {
          unescaped.text = t.substr(2);
        } else {
          Add(lines[i].number, FindingLevel::kError, "not-dash-escaped",
              "a signed line starting with '-' must be dash-escaped as '- -...' (RFC 4880 "
              "section 7.1)");
        }
      }
      body.push_back(unescaped);
    }
    if (sig_begin == lines.size()) {
      Add(lines.back().number, FindingLevel::kError, "missing-signature",
          "the signed message has no '-----BEGIN PGP SIGNATURE-----' block");
      return body;
    }
    std::size_t sig_end = lines.size();
    bool blank_seen = false;
    int data_lines = 0;
    for (std::size_t k = sig_begin + 1; k < lines.size(); ++k) {
      const std::string t = TrimRight(lines[k].text);
      if (t == kSignatureEnd) {
        sig_end = k;
        break;
      }
      if (t.empty()) {
        blank_seen = true;
        continue;
      }
      if (!blank_seen && t.find(": ") != std::string::npos) {
        continue;  // Armor header such as "Comment: ...".
      }
      blank_seen = true;
      for (char c : t) {
        const bool base64 = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
        if (!base64) {
          Add(lines[k].number, FindingLevel::kError, "bad-signature-data",
              "the signature block contains a character that is not radix-64");
          break;
        }
      }
      ++data_lines;
    }
    if (sig_end == lines.size()) {
      Add(lines[sig_begin].number, FindingLevel::kError, "unterminated-signature",
          "the signature block has no '-----END PGP SIGNATURE-----' line");
    } else {
      if (data_lines == 0) {
        Add(lines[sig_begin].number, FindingLevel::kError, "empty-signature",
            "the signature block holds no signature data");
      }
      for (std::size_t k = sig_end + 1; k < lines.size(); ++k) {
        if (!TrimRight(lines[k].text).empty()) {
          Add(lines[k].number, FindingLevel::kError, "text-after-signature",
              "text after '-----END PGP SIGNATURE-----' is not covered by the signature");
          break;
        }
      }
    }
    return body;
  }

  // `value` is what follows "Hash:": one or more comma-separated hash
  // algorithm text names (RFC 4880 sections 7 and 9.4; RFC 9580 adds the SHA3 names).
  void CheckHashHeader(int line, std::string_view value) {
    for (const std::string_view name : SplitCommaList(value))
      CheckHashName(line, name);
  }

  void CheckHashName(int line, std::string_view name) {
    struct HashName {
      std::string_view name;
      bool weak;
    };
    static constexpr HashName kNames[] = {
        {"MD5", true},     {"SHA1", true},      {"RIPEMD160", true},
        {"SHA256", false}, {"SHA384", false},   {"SHA512", false},
        {"SHA224", false}, {"SHA3-256", false}, {"SHA3-512", false}};
    std::string valid;
    bool other_case = false;
    for (const HashName& known : kNames) {
      if (name == known.name) {
        if (known.weak) {
          Add(line, FindingLevel::kWarning, "weak-hash",
              "the signature uses the weak hash " + std::string(known.name) +
                  "; sign with SHA256 or stronger");
        }
        return;
      }
      valid += (valid.empty() ? "" : ", ") + std::string(known.name);
      other_case = other_case || AsciiLower(known.name) == AsciiLower(name);
    }
    Add(line, FindingLevel::kError, "unknown-hash",
        (name.empty() ? std::string("'Hash:' names no hash algorithm")
                      : "'" + std::string(name) + "' is not an OpenPGP hash algorithm name") +
            (other_case ? " (names are case-sensitive)" : "") + "; valid names are " + valid +
            " (RFC 4880 section 9.4; the SHA3 names from RFC 9580)");
  }

  void ParseLine(const Line& line) {
    const std::string text = TrimRight(line.text);
    if (text.empty() || text[0] == '#') {
      return;
    }
    const std::size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0) {
      Add(line.number, FindingLevel::kError, "bad-line",
          "not a field ('Name: value'), a comment ('# ...') or an empty line");
      return;
    }
    const std::string name = text.substr(0, colon);
    for (char c : name) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x21 || u > 0x7E) {
        Add(line.number, FindingLevel::kError, "bad-field-name",
            "field name '" + name + "' contains spaces or non-ASCII characters");
        return;
      }
    }
    std::string value = text.substr(colon + 1);
    if (value.empty() || value[0] != ' ') {
      Add(line.number, FindingLevel::kError, "missing-space",
          "field '" + name + "': a single space must follow the colon (RFC 9116 ABNF)");
    }
    const std::size_t start = value.find_first_not_of(" \t");
    value = start == std::string::npos ? "" : value.substr(start);
    report_.fields.push_back({line.number, name, value});
  }

  void CheckUri(const SecurityTxtField& field, bool must_be_web = false) {
    const std::string problem = internal::UriProblem(field.value);
    if (!problem.empty()) {
      Add(field.line, FindingLevel::kError, "bad-uri",
          field.name + ": '" + field.value + "' is not a valid URI: it " + problem);
      return;
    }
    if (internal::IsWebUri(field.value) && !internal::IsHttpsUri(field.value)) {
      Add(field.line, FindingLevel::kError, "not-https",
          field.name + ": web URIs must begin with https:// (RFC 9116 section 2.5)");
      return;
    }
    if (must_be_web && !internal::IsHttpsUri(field.value)) {
      Add(field.line, FindingLevel::kWarning, "not-web-uri",
          field.name + ": expected an https:// URL");
    }
  }

  void CheckFields() {
    int contacts = 0;
    std::vector<const SecurityTxtField*> expires;
    std::vector<const SecurityTxtField*> languages;
    std::vector<const SecurityTxtField*> canonicals;
    for (const SecurityTxtField& field : report_.fields) {
      const std::string name = AsciiLower(field.name);
      if (field.value.empty()) {
        Add(field.line, FindingLevel::kError, "empty-value", field.name + ": the value is empty");
        continue;
      }
      if (name == "contact") {
        ++contacts;
        CheckUri(field);
      } else if (name == "expires") {
        expires.push_back(&field);
      } else if (name == "preferred-languages") {
        languages.push_back(&field);
        CheckLanguages(field);
      } else if (name == "canonical") {
        canonicals.push_back(&field);
        CheckUri(field);
      } else if (name == "encryption") {
        if (field.value.find("BEGIN PGP") != std::string::npos ||
            internal::UriProblem(field.value).find("no scheme") != std::string::npos) {
          Add(field.line, FindingLevel::kError, "encryption-not-uri",
              "Encryption: the value must be a URI pointing to a key, never the key itself "
              "(RFC 9116 section 2.5.4)");
        } else {
          CheckUri(field);
        }
      } else if (name == "acknowledgments" || name == "policy" || name == "hiring" ||
                 name == "csaf") {
        CheckUri(field, true);
      } else if (name == "acknowledgements") {
        Add(field.line, FindingLevel::kWarning, "acknowledgements-spelling",
            "'Acknowledgements' is not an RFC 9116 field; the RFC spells it 'Acknowledgments'");
      } else {
        Add(field.line, FindingLevel::kInfo, "unknown-field",
            "unknown field '" + field.name + "' is ignored (RFC 9116 section 2.5)");
      }
    }
    if (contacts == 0) {
      Add(0, FindingLevel::kError, "contact-missing",
          "no Contact field: at least one is required (RFC 9116 section 2.5.3)");
    }
    if (expires.empty()) {
      Add(0, FindingLevel::kError, "expires-missing",
          "no Expires field: exactly one is required (RFC 9116 section 2.5.5)");
    }
    for (std::size_t i = 1; i < expires.size(); ++i) {
      Add(expires[i]->line, FindingLevel::kError, "expires-repeated",
          "Expires appears again (first on line " + std::to_string(expires[0]->line) +
              "); it must appear exactly once");
    }
    if (!expires.empty()) {
      CheckExpires(*expires.front());
    }
    for (std::size_t i = 1; i < languages.size(); ++i) {
      Add(languages[i]->line, FindingLevel::kError, "preferred-languages-repeated",
          "Preferred-Languages appears again (first on line " + std::to_string(languages[0]->line) +
              "); it must appear at most once");
    }
    if (!options_.file_url.empty()) {
      bool listed = false;
      for (const SecurityTxtField* c : canonicals) {
        listed = listed || c->value == options_.file_url;
      }
      if (!canonicals.empty() && !listed) {
        Add(canonicals.front()->line, FindingLevel::kError, "canonical-mismatch",
            "the file was retrieved from " + options_.file_url +
                ", which no Canonical field lists; its contents should not be trusted (RFC "
                "9116 section 2.5.2)");
      }
    }
    if (report_.is_signed && canonicals.empty()) {
      Add(0, FindingLevel::kWarning, "signed-without-canonical",
          "a signed file should have a Canonical field (RFC 9116 section 2.3)");
    }
  }

  void CheckExpires(const SecurityTxtField& field) {
    // RFC 3339 date-time: a date, 'T', a time and a zone; ParseUtc also
    // accepts a bare date, which the RFC does not.
    std::string value = field.value;
    for (char& c : value) {
      if (c == 't' || c == 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      }
    }
    Result<TimePoint> when = ParseUtc(value);
    const bool zone =
        !value.empty() && (value.back() == 'Z' || value.find('+', 10) != std::string::npos ||
                           value.find('-', 10) != std::string::npos);
    if (value.find('T') == std::string::npos || !zone || !when) {
      Add(field.line, FindingLevel::kError, "expires-format",
          "Expires: '" + field.value +
              "' is not an RFC 3339 date-time such as 2027-01-31T23:59:59Z");
      return;
    }
    if (*when <= options_.now) {
      Add(field.line, FindingLevel::kError, "expired",
          "the file expired on " + FormatUtc(*when) + "; its contents must not be relied on");
      return;
    }
    if (*when - options_.now > std::chrono::days(kMaxSecurityTxtExpiresDays)) {
      const auto days = std::chrono::duration_cast<std::chrono::days>(*when - options_.now).count();
      Add(field.line, FindingLevel::kWarning, "expires-too-far",
          "Expires is " + std::to_string(days) +
              " days ahead; RFC 9116 recommends less than a year");
    }
  }

  void CheckLanguages(const SecurityTxtField& field) {
    for (const std::string_view tag : SplitCommaList(field.value)) {
      if (!internal::IsLanguageTag(tag)) {
        Add(field.line, FindingLevel::kError, "bad-language-tag",
            "Preferred-Languages: '" + std::string(tag) +
                "' is not a language tag (RFC 5646); separate tags with commas");
      }
    }
  }

  const SecurityTxtCheckOptions& options_;
  SecurityTxtReport report_;
};

}  // namespace

std::string_view ToString(FindingLevel level) {
  switch (level) {
    case FindingLevel::kError:
      return "error";
    case FindingLevel::kWarning:
      return "warning";
    case FindingLevel::kInfo:
      return "info";
  }
  return "error";
}

bool SecurityTxtReport::Clean() const {
  return Count(FindingLevel::kError) == 0 && Count(FindingLevel::kWarning) == 0;
}

int SecurityTxtReport::Count(FindingLevel level) const {
  int n = 0;
  for (const SecurityTxtFinding& f : findings) {
    n += f.level == level ? 1 : 0;
  }
  return n;
}

SecurityTxtReport CheckSecurityTxt(std::string_view text, const SecurityTxtCheckOptions& options) {
  return Checker(options).Run(text);
}

Result<std::string> RenderSecurityTxt(const VdpPolicy& policy, TimePoint now) {
  if (policy.security_txt_expires_days > kMaxSecurityTxtExpiresDays) {
    return Fail(ErrorCode::kInvalidArgument,
                "security.txt Expires would be " +
                    std::to_string(policy.security_txt_expires_days) +
                    " days ahead; RFC 9116 recommends less than a year, so at most " +
                    std::to_string(kMaxSecurityTxtExpiresDays) + " is accepted");
  }
  Result<void> valid = ValidateVdpPolicy(policy);
  if (!valid) {
    return Fail(valid.error());
  }
  const TimePoint expires = now + std::chrono::days(policy.security_txt_expires_days);
  std::string out;
  out += "# Security contact for " + policy.organization + " (RFC 9116).\n";
  out += "# Generated by provisio " + std::string(ToolVersion()) + " on " +
         FormatUtc(now).substr(0, 10) + "; re-generate before it expires.\n";
  for (const std::string& contact : policy.contacts) {
    out += "Contact: " + contact + "\n";
  }
  out += "Expires: " + FormatUtc(expires) + "\n";
  if (!policy.encryption_key_url.empty()) {
    out += "Encryption: " + policy.encryption_key_url + "\n";
  }
  if (!policy.acknowledgments_url.empty()) {
    out += "Acknowledgments: " + policy.acknowledgments_url + "\n";
  }
  std::string languages;
  for (const std::string& tag : policy.languages) {
    languages += languages.empty() ? tag : ", " + tag;
  }
  out += "Preferred-Languages: " + languages + "\n";
  if (!policy.canonical_url.empty()) {
    out += "Canonical: " + policy.canonical_url + "\n";
  }
  out += "Policy: " + policy.policy_url + "\n";
  if (!policy.hiring_url.empty()) {
    out += "Hiring: " + policy.hiring_url + "\n";
  }
  if (!policy.csaf_provider_metadata_url.empty()) {
    out += "CSAF: " + policy.csaf_provider_metadata_url + "\n";
  }
  return out;
}

}  // namespace provisio::disclosure
