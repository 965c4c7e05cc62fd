#include "firmware/checks.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <map>
#include <optional>
#include <set>

#include <crypt.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "firmware/account_links.h"
#include "firmware/raw_keys.h"
#include "firmware/secret_mask.h"
#include "firmware/web_password.h"
#include "provisio/core/files.h"
#include "provisio/core/text.h"

namespace provisio::firmware {
namespace {

enum PatternId : unsigned {
  kPemKey = 1,
  kDerVersion0,
  kDerVersion1,
  kDropbearSshKey,
  kDropbearEcdsaKey,
  kAwsKey,
  kGithubToken,
  kSlackToken,
  kGithubPat,
  kGoogleKey,
  kStripeKey,
  kVersionBusybox,
  kVersionOpenssl,
  kVersionDropbear,
  kVersionLinux,
  kVersionOpenssh,
  kVersionDnsmasq,
  kVersionLighttpd,
  kVersionUboot,
  kVersionCurl,
  kAwsTemporaryKey,
  kSlackWebhook,
  kVersionNginx,
  kInitShell,
  // Text-only patterns.
  kSslOld = 100,
  kTlsOld,
  kSslv3Enable,
  kCipherList,
  kCurlVerify,
  kInsecureFlag,
  kNoCheckCertificate,
  kCurlK,
  kVerifyOff,
  kPasswordAssign,
  kChpasswd,
  kSecretAssign,
  kApiKeyAssign,
  kPrivateKeyAssign,
  kPskAssign,
  kPasswdDelete,
  kPasswdPipe,
  kPyUnverified,
  kGitSslVerify,
  kGitNoVerify,
  kInsecureOption,
  kUrlCredentials,
  kUserOption,
  kRejectUnauthorized,
  kPasswordOption,
  kMosquittoPassword,
  kMysqlPassword,
};

std::vector<Pattern> BinaryPatterns() {
  return {
      {kPemKey, R"(-----BEGIN (RSA |EC |DSA |ENCRYPTED |OPENSSH |PGP )?PRIVATE KEY( BLOCK)?-----)",
       "PRIVATE KEY", false, 64},
      // DER private keys open with a SEQUENCE header (0x30 and one to three
      // length bytes) and a one-byte INTEGER version: 0 for RSA, DSA and
      // PKCS#8, 1 for EC. That is all the patterns ask; OpenSSL then parses
      // the candidate (see ParseDerKey). Spelling out the algorithm bytes
      // after the version (modulus length, OID) as alternatives made
      // Hyperscan's literal matcher take half again as long on every byte.
      {kDerVersion0, R"(\x30[\s\S]{1,3}\x02\x01\x00)", std::string("\x02\x01\x00", 3), false, 8},
      {kDerVersion1, R"(\x30[\s\S]{1,3}\x02\x01\x01)", std::string("\x02\x01\x01", 3), false, 8},
      // dropbear host keys start with the key type name after its 4-byte
      // length; ParseDropbearKey checks both. Plain literals on purpose:
      // spelling out the names and the length bytes as alternatives gave
      // Hyperscan more literals to track and doubled its time per byte.
      {kDropbearSshKey, R"(ssh-)", "ssh-", false, 8},
      {kDropbearEcdsaKey, R"(ecdsa-sha2-nistp)", "ecdsa-sha2-nistp", false, 24},
      {kAwsKey, R"(AKIA[0-9A-Z]{16})", "AKIA", false, 24},
      {kGithubToken, R"(gh[pousr]_[A-Za-z0-9]{36})", "gh", false, 48},
      // 22 + "_" + 59 characters today; shorter and longer forms exist.
      {kGithubPat, R"(github_pat_[A-Za-z0-9_]{60,})", "github_pat_", false, 120},
      {kGoogleKey, R"(AIza[0-9A-Za-z_-]{35})", "AIza", false, 48},
      // Secret (sk_) and restricted (rk_) live keys.
      {kStripeKey, R"([rs]k_live_[0-9A-Za-z]{24,})", "k_live_", false, 120},
      {kSlackToken, R"(xox[baprs]-[0-9A-Za-z-]{10,})", "xox", false, 120},
      {kSlackWebhook, R"(hooks\.slack\.com/services/T[0-9A-Za-z]+/B[0-9A-Za-z]+/[0-9A-Za-z]{20,})",
       "hooks.slack.com/services/", false, 120},
      // Temporary (STS) access key ids; they come with a session token.
      {kAwsTemporaryKey, R"(ASIA[0-9A-Z]{16})", "ASIA", false, 24},
      {kVersionBusybox, R"(BusyBox v[0-9]+\.[0-9]+(\.[0-9]+)?)", "BusyBox v", false, 32},
      // "OpenSSL 3.0.15 3 Sep 2024", "OpenSSL 1.0.2k-fips  26 Jan 2017".
      {kVersionOpenssl, R"(OpenSSL [0-9]\.[0-9]+\.[0-9]+[a-z]{0,2}(-fips)?[ \x00])", "OpenSSL ",
       false, 32},
      {kVersionDropbear, R"(dropbear_20[0-9]{2}\.[0-9]{2})", "dropbear_", false, 32},
      {kVersionLinux, R"(Linux version [2-9]\.[0-9]+(\.[0-9]+)?)", "Linux version ", false, 32},
      // Portable OpenSSH's release ("OpenSSH_9.2p1"); the bare forms are the
      // peer-version patterns of its compatibility table ("OpenSSH_7.4*").
      {kVersionOpenssh, R"(OpenSSH_[0-9]+\.[0-9]+p[0-9]+)", "OpenSSH_", false, 32},
      {kVersionDnsmasq, R"(dnsmasq-[0-9]+\.[0-9]+)", "dnsmasq-", false, 32},
      {kVersionLighttpd, R"(lighttpd/[0-9]+\.[0-9]+\.[0-9]+)", "lighttpd/", false, 32},
      // "U-Boot 2016.01", and the 1.x series of older routers ("U-Boot 1.1.3").
      {kVersionUboot, R"(U-Boot (20[0-9]{2}\.[0-9]{2}|1\.[0-9]\.[0-9]+))", "U-Boot ", false, 32},
      {kVersionCurl, R"(libcurl/[0-9]+\.[0-9]+\.[0-9]+)", "libcurl/", false, 32},
      {kVersionNginx, R"(nginx/[0-9]+\.[0-9]+\.[0-9]+)", "nginx/", false, 32},
      // A kernel command line that makes a shell the init process: U-Boot's
      // bootargs (in its environment partition or its binary), grub.cfg,
      // extlinux.conf, cmdline.txt. See CheckBinaryPatterns.
      {kInitShell, R"(init=/bin/(sh|ash|bash|hush))", "init=/bin/", false, 16},
  };
}

std::vector<Pattern> TextPatterns() {
  return {
      {kSslOld, R"(SSLv[23]([^.0-9A-Za-z_]|$))", "sslv", true, 16},
      {kTlsOld, R"(TLSv1(\.0)?([^.0-9A-Za-z_]|$))", "tlsv1", true, 16},
      {kSslv3Enable, R"(use-sslv[23][ \t]*=[ \t]*"?(enable|yes|1|true))", "use-sslv", true, 64},
      {kCipherList, R"(cipher)", "cipher", true, 8},
      {kCurlVerify, R"(CURLOPT_SSL_VERIFY(PEER|HOST)[ \t,)=>]*(0|0L|FALSE))", "curlopt_ssl_verify",
       true, 64},
      {kInsecureFlag, R"(--insecure)", "--insecure", false, 16},
      {kNoCheckCertificate, R"(--no-check-certificate)", "--no-check-certificate", false, 32},
      // -k alone or among combined short flags (-sk, -fsSLk).
      {kCurlK, R"(curl[^\r\n|;]*[ \t]-[A-Za-z]*k[A-Za-z]*([ \t;"']|$))", "curl", false, 120},
      {kVerifyOff,
       R"(verify(_?peer|_?ssl)?[ \t]*[=:][ \t]*["']?(0|no|false|none|off)([^A-Za-z0-9_]|$))",
       "verify", true, 64},
      // password=x, "password": "x" (JSON), option password 'x' (UCI),
      // <Password>x< (XML), define("DB_PASSWORD", "x") (PHP); CheckText
      // narrows the last two separators.
      {kPasswordAssign,
       R"(pass(word|wd|phrase)?(['"]?\]?[ \t]*(=>|[:=])[ \t]*['"]?|[ \t]+['"]|>|['"][ \t]*,[ \t]*['"])[^ \t\r\n'"$<{%(]{4,})",
       "pass", true, 96},
      {kChpasswd,
       R"(echo[ \t]+['"]?[A-Za-z_][A-Za-z0-9_-]*:[^ \t\r\n'"$:]{3,64}['"]?[ \t]*\|[ \t]*chpasswd)",
       "chpasswd", false, 120},
      // client_secret=..., "secret": "...", AWS_SECRET_ACCESS_KEY = "...".
      {kSecretAssign,
       R"(secret(_?access_?key|_?key)?['"]?[ \t]*[:=][ \t]*['"]?[A-Za-z0-9+/_-]{16,})", "secret",
       true, 100},
      {kApiKeyAssign, R"(api_?key[ \t]*[:=][ \t]*['"]?[A-Za-z0-9+/_-]{16,})", "api", true, 100},
      // WireGuard (wg0.conf, UCI, systemd-networkd): a base64 X25519 key.
      {kPrivateKeyAssign, R"(private_?key['"]?[ \t]*[:= \t][ \t]*['"]?[A-Za-z0-9+/]{43}=)",
       "private", true, 80},
      // wpa_supplicant psk="...", hostapd wpa_psk=...
      {kPskAssign, R"(psk[ \t]*=[ \t]*['"]?[^ \t\r\n'"$<{%(]{8,})", "psk", true, 96},
      {kPasswdDelete, R"(passwd[ \t]+-d[ \t]+['"]?[A-Za-z_][A-Za-z0-9_.-]*)", "passwd", false, 64},
      {kPasswdPipe, R"((echo|printf)[ \t][^|\r\n]*\|[ \t]*passwd)", "passwd", false, 160},
      {kPyUnverified, R"(_create_unverified_context)", "_create_unverified_context", false, 32},
      // git config http.sslVerify false (the "= false" form is kVerifyOff).
      {kGitSslVerify, R"(sslverify['"]?[ \t]+['"]?(false|no|0|off)([^A-Za-z0-9_]|$))", "sslverify",
       true, 48},
      {kGitNoVerify, R"(git_ssl_no_verify[ \t]*=[ \t]*['"]?(1|true|yes))", "git_ssl_no_verify",
       true, 48},
      // mosquitto bridge_insecure true, tls_insecure, ssl_insecure.
      {kInsecureOption,
       R"((bridge|tls|ssl)_insecure['"]?[ \t]*[:= \t][ \t]*['"]?(true|1|yes|on)([^A-Za-z0-9_]|$))",
       "_insecure", true, 64},
      // scheme://user:password@host (wget, curl, mount.cifs, mosquitto ...).
      {kUrlCredentials,
       R"([A-Za-z][A-Za-z0-9+.-]{1,15}://[^ \t\r\n/:@'"$<>{}]{1,64}:[^ \t\r\n/@'"$<>{}]{1,128}@)",
       "://", false, 220},
      // curl -u user:password, --user, --proxy-user (CheckText asks for curl).
      {kUserOption,
       R"((-u|--user|--proxy-user)[ \t=]*['"]?[^ \t\r\n'"$:-][^ \t\r\n'"$:]{0,63}:[^ \t\r\n'"$]{1,128})",
       "-u", false, 220},
      // A password given on a command line: `--password S3cret`,
      // `sshpass -p S3cret` (the `--password=x` form is kPasswordAssign).
      {kPasswordOption,
       R"((--pass(word|wd)?|sshpass[ \t]+-p)[ \t]+['"]?[^ \t\r\n'"$<{%(-][^ \t\r\n'"]{2,127})",
       "pass", false, 160},
      // MQTT and MySQL clients: `mosquitto_pub ... -P S3cret`,
      // `mysql -uroot -pS3cret` (the password joined to -p; `-p name`
      // asks for it and names a database).
      {kMosquittoPassword,
       R"(mosquitto_(pub|sub|rr)[^\r\n|;]*[ \t]-P[ \t]+['"]?[^ \t\r\n'"$<{%(-][^ \t\r\n'"]{2,127})",
       "mosquitto_", false, 220},
      {kMysqlPassword,
       R"(mysql(dump|admin|check)?[ \t][^\r\n|;]*[ \t]-p['"]?[^ \t\r\n'"$<{%(-][^ \t\r\n'"]{2,127})",
       "mysql", false, 220},
      // Node.js: NODE_TLS_REJECT_UNAUTHORIZED=0, { rejectUnauthorized: false }.
      {kRejectUnauthorized,
       R"(reject_?unauthorized['"]?[ \t]*[:=][ \t]*['"]?(0|false)([^A-Za-z0-9_]|$))",
       "unauthorized", true, 64},
  };
}

std::string Printable(std::string_view text, std::size_t max = 160) {
  std::string out;
  for (const char ch : text.substr(0, max)) {
    const auto c = static_cast<unsigned char>(ch);
    // A tab shows as the space it looks like (inetd.conf, inittab fields).
    out.push_back(c >= 0x20 && c < 0x7F ? ch : c == '\t' ? ' ' : '.');
  }
  if (text.size() > max)
    out += "...";
  return out;
}

// Shows no character of the secret, only its length.
std::string Mask(std::string_view secret) {
  return "****(" + std::to_string(secret.size()) + " chars)";
}

std::string FormatMode(std::uint32_t mode) {
  std::string digits;
  for (std::uint32_t m = mode & 07777U; m != 0; m >>= 3)
    digits.insert(digits.begin(), static_cast<char>('0' + (m & 7U)));
  return "0" + digits;
}

bool IsUpperAlnum(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
bool IsAlnum(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

// Whether a chain element ("gzip@0x4000", "xz@0x52cc", "lzma") names a
// decoded compressed stream.
bool IsDecodedStreamContainer(std::string_view element) {
  for (const std::string_view codec : {"gzip", "xz", "lzma", "bzip2", "zstd", "lz4", "lzo"}) {
    if (element.substr(0, codec.size()) == codec &&
        (element.size() == codec.size() || element[codec.size()] == '@'))
      return true;
  }
  return false;
}

// Self-test and benchmark key vectors ship inside these crypto libraries and
// tools (libgnutls: 3 keys, `openssl speed`: 5 DER keys); a key inside them is
// not a device key.
bool IsCryptoLibrary(std::string_view name) {
  // The libraries' own command-line tools carry the same vectors
  // (`openssl speed`, `gnutls-cli --benchmark-tls-kx`).
  if (name == "openssl" || name.starts_with("gnutls-"))
    return true;
  for (const std::string_view prefix :
       {"libgnutls", "libcrypto", "libssl", "libmbedcrypto", "libmbedtls", "libmbedx509",
        "libwolfssl", "libgcrypt", "libnettle", "libhogweed", "libnss3", "libsoftokn3", "libfreebl",
        "libbearssl",
        // Not a crypto library, but it links its TLS stream tests' key in
        // (ssl_iostream_test_settings).
        "libdovecot"}) {
    if (name.starts_with(prefix))
      return true;
  }
  return false;
}

std::string_view Basename(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

struct Line {
  std::size_t start = 0;
  std::string_view text;
};

Line LineAt(std::string_view data, std::size_t at) {
  const std::size_t begin = at == 0 ? 0 : data.rfind('\n', at - 1);
  const std::size_t start = begin == std::string_view::npos ? 0 : (at == 0 ? 0 : begin + 1);
  const std::size_t end = data.find('\n', at);
  return Line{start,
              data.substr(start, (end == std::string_view::npos ? data.size() : end) - start)};
}

// `--` starts a comment only in SQL and Lua; elsewhere a line starting with
// it is usually a continued command line (`  --no-check-certificate \`).
bool IsComment(std::string_view line, bool dash_comments = false) {
  const std::string_view t = Trim(line);
  return t.empty() || t.front() == '#' || t.front() == ';' || t.starts_with("//") ||
         (dash_comments && t.starts_with("--")) || t.front() == '*' || t.starts_with("/*");
}

// Splits a shell line into its commands at ;, &, | (and &&, ||) outside
// quotes, so `echo "start"; telnetd` is two commands.
std::vector<std::string_view> ShellCommands(std::string_view line) {
  std::vector<std::string_view> commands;
  char quote = 0;
  std::size_t begin = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quote != 0) {
      if (c == quote)
        quote = 0;
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ';' || c == '&' || c == '|') {
      commands.push_back(line.substr(begin, i - begin));
      begin = i + 1;
    }
  }
  commands.push_back(line.substr(begin));
  return commands;
}

std::vector<std::string_view> SplitLines(std::string_view data) {
  std::vector<std::string_view> lines;
  std::size_t at = 0;
  while (at < data.size()) {
    std::size_t end = data.find('\n', at);
    if (end == std::string_view::npos)
      end = data.size();
    std::string_view line = data.substr(at, end - at);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    lines.push_back(line);
    at = end + 1;
  }
  return lines;
}

std::vector<std::string_view> Split(std::string_view text, std::string_view separators) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t end = text.find_first_of(separators, at);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    if (stop > at)
      parts.push_back(text.substr(at, stop - at));
    if (end == std::string_view::npos)
      break;
    at = end + 1;
  }
  return parts;
}

std::vector<std::string_view> SplitFields(std::string_view line, char separator) {
  std::vector<std::string_view> fields;
  std::size_t at = 0;
  while (true) {
    const std::size_t end = line.find(separator, at);
    fields.push_back(
        line.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at));
    if (end == std::string_view::npos)
      break;
    at = end + 1;
  }
  return fields;
}

// How many leading bytes of `value` form a (maybe dotted, maybe $-prefixed)
// identifier: `config.auth.password`, `$pw`, `password_ptr`.
std::size_t IdentifierPrefix(std::string_view value) {
  std::size_t end = 0;
  while (end < value.size() &&
         (IsAlnum(value[end]) || value[end] == '_' || value[end] == '.' || value[end] == '$')) {
    ++end;
  }
  return end;
}

// The length of the chain of names at the start of `value`: identifiers
// joined by `.`, Ruby's `&.` and `::`, C's `->`.
std::size_t NameChainLength(std::string_view value) {
  std::size_t end = 0;
  while (true) {
    const std::size_t part = IdentifierPrefix(value.substr(end));
    if (part == 0)
      return end;
    end += part;
    const std::string_view rest = value.substr(end);
    if (!rest.starts_with("&.") && !rest.starts_with("::") && !rest.starts_with("->"))
      return end;
    end += 2;
  }
}

// An unquoted value that is code rather than a literal: a call or index
// (`luci.http.formvalue("x")`, `document.getElementById("pwd")`, `a[1]`)
// or a dotted identifier path (`config.auth.password`). `rest` is what
// follows the match.
bool IsCodeExpression(std::string_view value, std::string_view rest) {
  std::size_t ident = NameChainLength(value);
  // A Lua or Erlang method call: `module:get_option_string(...)`, `M:f(H)`.
  if (ident > 0 && ident + 1 < value.size() && value[ident] == ':' && value[ident + 1] != ':') {
    const std::size_t method = NameChainLength(value.substr(ident + 1));
    if (method > 0)
      ident += 1 + method;
  }
  const char next = ident < value.size() ? value[ident] : (rest.empty() ? ' ' : rest.front());
  if (ident > 0 && (next == '(' || next == '['))
    return true;
  std::string_view path = value;
  while (!path.empty() && (path.back() == ';' || path.back() == ','))
    path.remove_suffix(1);
  const auto parts = SplitFields(path, '.');
  if (parts.size() < 2)
    return false;
  for (const std::string_view part : parts) {
    if (part.empty() || !(std::isalpha(static_cast<unsigned char>(part.front())) != 0 ||
                          part.front() == '_' || part.front() == '$')) {
      return false;
    }
    for (const char c : part) {
      if (!IsAlnum(c) && c != '_' && c != '$')
        return false;
    }
  }
  return true;
}

// Whether a file is source code in a language whose string literals are
// always quoted: there, an unquoted value is a name, not a password
// (`self.password = password`, `password=None`, `password: bytes`). Known
// by its extension, or, for a script installed without one
// (/usr/sbin/ftpasswd), by its #! line.
bool QuotesItsStrings(std::string_view path, std::string_view data) {
  const std::string_view name = Basename(path);
  const std::size_t dot = name.rfind('.');
  static const std::set<std::string_view> kExtensions = {
      "py", "pyi", "js",   "mjs",    "cjs", "ts",  "tsx", "jsx", "rb", "java",  "kt",    "go",
      "rs", "c",   "h",    "cc",     "cpp", "cxx", "hpp", "hh",  "cs", "swift", "scala", "pas",
      "pp", "lua", "dart", "groovy", "m",   "erl", "hrl", "pm",  "pl", "al",    "rbs"};
  if (dot != std::string_view::npos && kExtensions.count(name.substr(dot + 1)) > 0)
    return true;
  if (!data.starts_with("#!"))
    return false;
  // "#!/usr/bin/perl -w", "#! /usr/bin/python3", "#!/usr/bin/env node".
  const std::string_view shebang = data.substr(0, std::min<std::size_t>(data.find('\n'), 80));
  for (const std::string_view interpreter : {"perl", "python", "ruby", "node", "lua", "php"}) {
    const std::size_t at = shebang.find(interpreter);
    if (at != std::string_view::npos && at > 0 &&
        (shebang[at - 1] == '/' || shebang[at - 1] == ' '))
      return true;
  }
  return false;
}

// The protocol a match names: "TLSv1.0" of `TLSv1.0;`, "TLSv1" of `"TLSv1")`.
std::string_view ProtocolName(std::string_view match) {
  std::size_t end = 0;
  while (end < match.size() && (IsAlnum(match[end]) || match[end] == '.'))
    ++end;
  while (end > 0 && match[end - 1] == '.')
    --end;
  return match.substr(0, end);
}

// Whether `line` names a protocol setting: "protocol", "method" or
// "version" in any case; in source code not as part of an upper-case
// constant's name (SSL2_VERSION, TLS_METHOD), which a table of versions
// or a feature test holds.
bool MentionsProtocolSetting(std::string_view line, bool source_code) {
  const std::string lower = AsciiLower(line);
  for (const std::string_view word : {"protocol", "method", "version"}) {
    for (std::size_t at = lower.find(word); at != std::string::npos;
         at = lower.find(word, at + 1)) {
      const std::string_view original = line.substr(at, word.size());
      const bool upper_case = std::none_of(original.begin(), original.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) != 0;
      });
      if (!source_code || !upper_case)
        return true;
    }
  }
  return false;
}

// Whether a line of source code prints or raises a message: its words are
// prose for a person, not a setting.
bool IsMessageLine(std::string_view line) {
  const std::string_view code = Trim(line);
  for (const std::string_view verb :
       {"warn", "die", "croak", "carp", "confess", "print", "printf", "puts", "raise", "echo"}) {
    if (code.starts_with(verb) && code.size() > verb.size() &&
        (code[verb.size()] == ' ' || code[verb.size()] == '('))
      return true;
  }
  return false;
}

// Whether `value` (unquoted, to the end of its line) is an integer, maybe
// signed, then nothing or what may follow an expression: in source code a
// number, not a string (`NO_PASSWORD = -176,` in an enum).
bool IsNumberValue(std::string_view value) {
  std::size_t end = !value.empty() && (value.front() == '-' || value.front() == '+') ? 1 : 0;
  const std::size_t digits = end;
  while (end < value.size() && std::isdigit(static_cast<unsigned char>(value[end])) != 0)
    ++end;
  if (end == digits)
    return false;
  return end == value.size() ||
         std::string_view(",;)]} \t\r/").find(value[end]) != std::string_view::npos;
}

// Whether `value` (unquoted, to the end of its line) is an operand in
// source code: an integer (see IsNumberValue) or a chain of names, maybe
// behind a unary operator, then nothing or what may follow an expression.
bool IsOperandValue(std::string_view value) {
  if (IsNumberValue(value))
    return true;
  // A splat, dereference or negation first (`*arg`, `*ptr`, `&buf`, `!0`).
  if (value.size() > 1 && (value.front() == '*' || value.front() == '&' || value.front() == '!'))
    value.remove_prefix(1);
  if (value.empty() || std::isdigit(static_cast<unsigned char>(value.front())) != 0)
    return IsNumberValue(value);
  const std::size_t end = NameChainLength(value);
  // Then nothing, or what may follow an expression (`?` of a nullable type).
  return end > 0 && (end == value.size() ||
                     std::string_view(",;)]} \t\r#/?").find(value[end]) != std::string_view::npos);
}

// Whether `column` lies after a `#` comment that starts the line or follows
// whitespace (a '#' inside a word or URL, as in "a#b" or "/#/", is not one).
bool IsInTrailingComment(std::string_view line, std::size_t column) {
  for (std::size_t i = 0; i < column && i < line.size(); ++i) {
    if (line[i] == '#' && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t'))
      return true;
  }
  return false;
}

// Whether the quoted value `quoted` (starting just after its opening quote)
// is a command line rather than a password: its first word is a program
// that reads account data, and more words follow inside the quotes.
bool IsQuotedCommand(std::string_view quoted) {
  static const std::set<std::string_view> kCommands = {
      "getent",  "cat",    "grep",    "egrep",    "awk",  "sed",  "cut",     "head",     "tail",
      "echo",    "printf", "openssl", "mkpasswd", "sudo", "su",   "passwd",  "chpasswd", "usermod",
      "useradd", "which",  "command", "ls",       "find", "read", "htpasswd"};
  const std::size_t close = quoted.find_first_of("'\"");
  const std::string_view inside = quoted.substr(0, close);
  const std::size_t space = inside.find_first_of(" \t");
  if (space == std::string_view::npos || space + 1 >= inside.size())
    return false;
  std::string_view program = inside.substr(0, space);
  const std::size_t slash = program.rfind('/');
  if (slash != std::string_view::npos)
    program.remove_prefix(slash + 1);
  return kCommands.count(program) > 0;
}

bool IsText(const ExtractedFile& file) {
  if (file.kind != ExtractedFile::Kind::kRegular || file.data.empty() ||
      file.data.size() > (4U << 20)) {
    return false;
  }
  const std::string_view head = file.data.substr(0, 8192);
  return head.find('\0') == std::string_view::npos && !head.starts_with(
                                                          "\x7F"
                                                          "ELF");
}

// Said of a hash whose tries were cut short by the scan's try budget.
std::string TriesSkipped(bool out_of_time) {
  return out_of_time ? "; not every known password was tried: this scan's time budget for "
                       "password tries was spent"
                     : "";
}

// BusyBox httpd's configuration: its `/path:user:password` lines protect
// a folder with Basic authentication (the password in plain text or as an
// md5crypt hash). Apache's httpd.conf has no such lines.
bool IsBusyboxHttpdConfig(std::string_view path) {
  return Basename(path) == "httpd.conf" || Basename(path) == "httpd.conf.default";
}

// Web servers' password files: Apache's .htpasswd (and names ending in it),
// lighttpd's plain-text user file, BusyBox httpd's configuration.
bool IsWebPasswordFile(std::string_view path) {
  const std::string_view name = Basename(path);
  return name == "htpasswd" || name.ends_with(".htpasswd") || name == "lighttpd.user" ||
         IsBusyboxHttpdConfig(path);
}

// What account file `file` (a text file) is: by its path, or by the
// symlink that led to it (/etc/shadow -> ../data/shadow), or, anywhere else
// (/etc/shadow-, /etc/config/shadow, /var/passwd), by its content.
AccountFormat AccountFormatOf(const ExtractedFile& file) {
  const AccountFormat by_path =
      AccountFormatOfPath(file.reached_as.empty() ? file.path : file.reached_as);
  if (by_path != AccountFormat::kNone)
    return by_path;
  if (file.data.size() > (std::size_t{1} << 20) || IsWebPasswordFile(file.path))
    return AccountFormat::kNone;
  return AccountFormatOfText(file.data);
}

// Java message bundles in another language than the default
// (LocalStrings_ja.properties, messages_zh_CN.properties): translated
// prose that names settings, not settings.
bool IsTranslatedMessages(std::string_view name) {
  if (!name.ends_with(".properties"))
    return false;
  name.remove_suffix(11);
  const auto is_lower = [](char c) {
    return c >= 'a' && c <= 'z';
  };
  const auto is_upper = [](char c) {
    return c >= 'A' && c <= 'Z';
  };
  if (name.size() > 6 && name[name.size() - 6] == '_' && is_lower(name[name.size() - 5]) &&
      is_lower(name[name.size() - 4]) && name[name.size() - 3] == '_' &&
      is_upper(name[name.size() - 2]) && is_upper(name[name.size() - 1]))
    return true;  // _zh_CN
  return name.size() > 3 && name[name.size() - 3] == '_' && is_lower(name[name.size() - 2]) &&
         is_lower(name[name.size() - 1]);  // _ja
}

// Manual pages, info pages, package documentation, lint overrides and shell
// completion definitions: text for people and tools, not the device's
// configuration.
bool IsDocumentation(std::string_view path) {
  for (const std::string_view folder :
       {"/usr/share/doc/", "/usr/share/man/", "/usr/share/info/", "/usr/share/lintian/",
        "/usr/share/zsh/", "/usr/share/bash-completion/", "/usr/share/fish/", "/usr/share/help/",
        "/usr/share/gtk-doc/"}) {
    if (path.find(folder) != std::string_view::npos)
      return true;
  }
  // A package's doc folder beside its code (/usr/share/nodejs/mqtt/doc/).
  if (path.starts_with("/usr/") && (path.find("/doc/") != std::string_view::npos ||
                                    path.find("/docs/") != std::string_view::npos))
    return true;
  // The same kinds of text beside a library's code: Perl's POD, Ruby's
  // ronn and man pages (bundler/man/bundle-config.1), Python packages'
  // PKG-INFO and METADATA (their README).
  const std::string_view name = Basename(path);
  if (name.ends_with(".pod") || name.ends_with(".ronn") || name == "PKG-INFO" ||
      (name == "METADATA" && path.find(".dist-info/") != std::string_view::npos))
    return true;
  // Markdown and reStructuredText (a package's README.md, CHANGELOG.rst),
  // and JavaScript source maps, which carry a copy of the original source
  // for debuggers: read by people and tools, never run.
  for (const std::string_view suffix : {".md", ".markdown", ".rst", ".js.map", ".min.map"}) {
    if (name.ends_with(suffix))
      return true;
  }
  if (IsTranslatedMessages(name))
    return true;
  const std::size_t dot = name.rfind('.');
  return path.find("/man/") != std::string_view::npos && dot != std::string_view::npos &&
         dot + 2 == name.size() && name[dot + 1] >= '1' && name[dot + 1] <= '9';
}

// A library's own test suite, installed beside its code
// (/usr/share/nodejs/mqtt/test/, /usr/lib/python3/dist-packages/x/tests/):
// its settings and keys are fixtures published with the library's source,
// the same in every copy, not the device's.
bool IsLibraryTestSuite(std::string_view path) {
  return path.starts_with("/usr/") && (path.find("/test/") != std::string_view::npos ||
                                       path.find("/tests/") != std::string_view::npos);
}

// Python's standard library (/usr/lib/python3.11/, not its site- or
// dist-packages): the same code in every copy, whose docstrings show
// example credentials (urllib.request) and whose ssl module defines the
// unverified context it offers. A device's own Python code lives elsewhere.
bool IsPythonStandardLibrary(std::string_view path) {
  const std::size_t at = path.find("/lib/python");
  if (at == std::string_view::npos)
    return false;
  const std::string_view rest = path.substr(at + 11);
  const std::size_t slash = rest.find('/');
  // "3.11", not Debian's version-less /usr/lib/python3/ of packages.
  if (slash == std::string_view::npos ||
      rest.substr(0, slash).find('.') == std::string_view::npos ||
      rest.find_first_not_of("0123456789.") != slash)
    return false;
  return rest.find("-packages/") == std::string_view::npos;
}

// Whether a file came out of an archive that is itself documentation or a
// library's test suite (/usr/share/doc/x/examples.tar.gz > ... > /a.conf):
// its chain names the archive's path.
bool FromDocumentationArchive(std::string_view chain) {
  for (std::string_view rest = chain; !rest.empty();) {
    const std::size_t next = rest.find(" > ");
    const std::string_view part = rest.substr(0, next);
    if (part.starts_with('/') && (IsDocumentation(part) || IsLibraryTestSuite(part)))
      return true;
    if (next == std::string_view::npos)
      break;
    rest.remove_prefix(next + 3);
  }
  return false;
}

// Whether a file is documentation by its own path or by the archive it
// came from (see FromDocumentationArchive).
bool IsDocumentationFile(const ExtractedFile& file) {
  return IsDocumentation(file.path) || FromDocumentationArchive(file.chain);
}

// Android's init language: /init.rc, /init.usb.rc, /system/etc/init/*.rc ...
bool IsAndroidInitScript(std::string_view path) {
  return path.ends_with(".rc") &&
         (Basename(path).starts_with("init") || path.find("/etc/init/") != std::string_view::npos);
}

bool IsAndroidProperties(std::string_view path) {
  const std::string_view name = Basename(path);
  return name == "build.prop" || name == "default.prop" || name == "prop.default";
}

// Property lines that turn adb on at boot or drop its key check.
std::vector<Line> AndroidAdbProperties(std::string_view data);
std::vector<Line> DownloaderDefaultsSkippingVerification(std::string_view path,
                                                         std::string_view data);

bool IsInitPath(std::string_view path) {
  for (const std::string_view prefix :
       {"/etc/init.d/",    "/etc/rc.d/",       "/etc/rc",           "/etc/inittab",
        "/etc/systemd/",   "/lib/systemd/",    "/usr/lib/systemd/", "/etc/inetd.conf",
        "/etc/xinetd.d/",  "/etc/xinetd.conf", "/etc/init/",        "/etc/preinit",
        "/etc/profile",    "/sbin/init.d/",    "/etc_ro/init.d/",   "/etc_ro/rc",
        "/etc_ro/inittab", "/usr/etc/init.d/", "/usr/etc/rc",       "/etc/runit/"}) {
    if (path.starts_with(prefix))
      return true;
  }
  // runit service scripts.
  return (path.starts_with("/etc/sv/") || path.starts_with("/etc/service/")) &&
         path.ends_with("/run");
}

// The path a file would have on the device when the image holds its root
// filesystem under a folder or two (a tar or zip of `rootfs/...`,
// `squashfs-root/...`, OpenWrt's `/rom/...`, Entware's `/opt/...`): the
// shortest such tail that is an init path, or `path` itself. Package data
// (/usr/share/...) holds example trees, not the device's.
std::string_view InitPathOnDevice(std::string_view path) {
  if (path.starts_with("/usr/share/"))
    return path;
  std::string_view tail = path;
  for (int stripped = 0; stripped <= 2; ++stripped) {
    if (IsInitPath(tail))
      return tail;
    const std::size_t next = tail.find('/', 1);
    if (next == std::string_view::npos)
      break;
    tail = tail.substr(next);
  }
  return path;
}

// Whether dropbear started with `options` lets root log in with a password:
// none of -w (no root logins), -g (no root password logins) or -s (no
// password logins) is set, alone or among combined flags. Options that come
// from a variable ($DROPBEAR_ARGS) are unknown, so no.
bool DropbearOptionsAllowRootPassword(const std::vector<std::string_view>& options) {
  for (const std::string_view option : options) {
    if (option.find('$') != std::string_view::npos)
      return false;
    if (option.size() < 2 || option[0] != '-' || option[1] == '-')
      continue;
    if (option.find_first_of("wgs") != std::string_view::npos)
      return false;
  }
  return true;
}

// A usage text's placeholder rather than a password: no lower-case letter
// and no digit (`PASSWORD`, `<PW>`, `SECRET`).
bool IsPlaceholderValue(std::string_view value) {
  return std::none_of(value.begin(), value.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) != 0 ||
           std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

// Whether source code mentions an HTTP client, a URL or TLS.
bool MentionsHttpOrTls(std::string_view code) {
  const std::string lower = AsciiLower(code);
  for (const std::string_view word :
       {"request", "session", "http", "url", "ssl", "tls", "cert", "client", "fetch", "socket"}) {
    if (lower.find(word) != std::string::npos)
      return true;
  }
  return false;
}

// A shell under any name: dash, bash, BusyBox ash and mksh all hold these.
bool LooksLikeShellProgram(std::string_view data) {
  using namespace std::string_view_literals;
  return data.starts_with(
             "\x7F"
             "ELF") &&
         data.find("\0OPTIND"sv) != std::string_view::npos &&
         data.find("getopts"sv) != std::string_view::npos &&
         data.find("PS1"sv) != std::string_view::npos;
}

// wget's and curl's start-up files apply to every download the device
// makes: `check_certificate = off` in /etc/wgetrc or ~/.wgetrc, `insecure`
// (or `-k`, `--insecure`, which the text patterns see) in a .curlrc.
std::vector<Line> DownloaderDefaultsSkippingVerification(std::string_view path,
                                                         std::string_view data) {
  const std::string_view name = Basename(path);
  const bool wgetrc = name == "wgetrc" || name == ".wgetrc";
  const bool curlrc = name == ".curlrc" || name == "curlrc" || name == "_curlrc";
  std::vector<Line> lines;
  if (!wgetrc && !curlrc)
    return lines;
  std::size_t at = 0;
  for (const std::string_view raw : SplitLines(data)) {
    const Line line{at, raw};
    at += raw.size() + 1;
    const std::string lower = AsciiLower(Trim(raw));
    if (curlrc && (lower == "insecure" || lower == "-k")) {
      lines.push_back(line);
    } else if (wgetrc && lower.starts_with("check_certificate")) {
      const std::size_t equals = lower.find('=');
      const std::string_view value = equals == std::string::npos
                                         ? std::string_view()
                                         : Trim(std::string_view(lower).substr(equals + 1));
      if (value == "off" || value == "no" || value == "0" || value == "false")
        lines.push_back(line);
    }
  }
  return lines;
}

std::vector<Line> AndroidAdbProperties(std::string_view data) {
  std::vector<Line> lines;
  std::size_t at = 0;
  for (const std::string_view raw : SplitLines(data)) {
    const Line line{at, raw};
    at += raw.size() + 1;
    const std::string_view text = Trim(raw);
    const std::size_t equals = text.find('=');
    if (text.empty() || text.front() == '#' || equals == std::string_view::npos)
      continue;
    const std::string_view key = Trim(text.substr(0, equals));
    const std::string_view value = Trim(text.substr(equals + 1));
    const bool usb_adb = (key == "persist.sys.usb.config" || key == "sys.usb.config") &&
                         value.find("adb") != std::string_view::npos;
    if (usb_adb || (key == "ro.adb.secure" && value == "0"))
      lines.push_back(line);
  }
  return lines;
}

// Services an Android init script defines and starts at boot: a `service`
// of adbd, gdbserver or a plaintext server without the `disabled` option
// (its class starts it), or `start NAME` of one in an action that is not a
// property trigger (`on boot`, `on init`).
template <typename Report>
void CheckAndroidInit(std::string_view data, const Report& report) {
  static const std::set<std::string_view> kRisky = {"adbd",    "gdbserver", "gdbserver64",
                                                    "telnetd", "utelnetd",  "ftpd"};
  auto rule_for = [](std::string_view program) {
    return program.find("telnet") != std::string_view::npos || program == "ftpd"
               ? "FW-PLAINTEXT-SERVICE"
               : "FW-DEBUG-SERVICE";
  };
  struct Service {
    Line line;
    std::string program;
    bool disabled = false;
  };
  std::optional<Service> service;
  bool property_trigger = false;
  auto finish = [&] {
    if (service && !service->disabled)
      report(service->line, rule_for(service->program), Severity::kHigh, {"5.6-4"},
             "Android init starts " + service->program + " at boot (a service without 'disabled')",
             Printable(Trim(service->line.text)));
    service.reset();
  };
  std::size_t at = 0;
  for (const std::string_view raw : SplitLines(data)) {
    const Line line{at, raw};
    at += raw.size() + 1;
    const std::string_view text = Trim(raw);
    if (text.empty() || text.front() == '#')
      continue;
    const auto words = Split(text, " \t");
    if (words[0] == "service" || words[0] == "on" || words[0] == "import") {
      finish();
      property_trigger = words[0] == "on" && words.size() > 1 && words[1].starts_with("property:");
      if (words[0] == "service" && words.size() >= 3 && kRisky.count(Basename(words[2])) > 0)
        service = Service{line, std::string(Basename(words[2])), false};
      continue;
    }
    if (service) {
      if (words[0] == "disabled")
        service->disabled = true;
      continue;
    }
    if (words[0] == "start" && words.size() > 1 && !property_trigger &&
        kRisky.count(words[1]) > 0) {
      report(line, rule_for(words[1]), Severity::kHigh, {"5.6-4"},
             "Android init starts " + std::string(words[1]) + " at boot", Printable(text));
    }
  }
  finish();
}

const std::set<std::string_view>& Shells() {
  static const std::set<std::string_view> kShells = {"sh",  "ash", "bash", "dash",
                                                     "zsh", "ksh", "hush", "busybox"};
  return kShells;
}

// Whether `word` (a path or a name) names a shell itself; BusyBox only
// runs one when a shell's name follows it.
bool IsShellProgram(std::string_view word) {
  const std::string_view name = Basename(word);
  return name != "busybox" && Shells().count(name) > 0;
}

// Whether a command hands a shell to whoever connects: `nc -l -p 4444 -e
// /bin/sh`, `busybox nc -lk -e /bin/ash`, `ncat -l 4444 -c sh`, `socat
// TCP-LISTEN:4444 EXEC:/bin/sh`.
bool ServesAShell(const std::vector<std::string_view>& tokens) {
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string_view program = Basename(tokens[i]);
    if (program == "socat") {
      for (std::size_t j = i + 1; j < tokens.size(); ++j) {
        const std::string lower = AsciiLower(tokens[j]);
        for (const std::string_view prefix : {"exec:", "system:"}) {
          if (!lower.starts_with(prefix))
            continue;
          // EXEC:/bin/sh,pty,stderr: the program is up to the first comma.
          const std::string_view command = std::string_view(lower).substr(prefix.size());
          if (Shells().count(Basename(command.substr(0, command.find(',')))) > 0)
            return true;
        }
      }
      return false;
    }
    if (program != "nc" && program != "netcat" && program != "ncat" &&
        !program.starts_with("nc.")) {
      continue;
    }
    for (std::size_t j = i + 1; j + 1 < tokens.size(); ++j) {
      if ((tokens[j] == "-e" || tokens[j] == "-c" || tokens[j] == "--exec" ||
           tokens[j] == "--sh-exec") &&
          Shells().count(Basename(tokens[j + 1])) > 0) {
        return true;
      }
    }
    return false;
  }
  return false;
}

Finding MakeFinding(const ExtractedFile& file,
                    std::string rule,
                    Severity severity,
                    std::vector<std::string> provisions,
                    std::string message,
                    std::uint64_t offset,
                    std::string evidence) {
  Finding finding;
  finding.rule_id = std::move(rule);
  finding.severity = severity;
  finding.provisions = std::move(provisions);
  finding.message = std::move(message);
  finding.path = file.path;
  finding.chain = file.chain;
  finding.offset = file.base_offset + offset;
  // Every rule's snippet goes through the mask: a line quoted for one
  // reason (curl -k) may carry a password for another (-u admin:pw).
  finding.evidence = MaskSecrets(evidence);
  return finding;
}

// OpenWrt keeps a Wi-Fi network's passphrase as `option key '...'` in
// /etc/config/wireless (WEP keys as key1 to key4): shipped there, every
// device has the same one.
void CheckUciWifiKeys(const ExtractedFile& file, FileResults* results) {
  std::size_t at = 0;
  for (const std::string_view raw_line : SplitLines(file.data)) {
    const std::size_t line_start = at;
    at += raw_line.size() + 1;
    const auto words = Split(Trim(raw_line), " \t'\"");
    if (words.size() < 3 || words[0] != "option")
      continue;
    const std::string_view name = words[1];
    const bool wep_key =
        name.size() == 4 && name.starts_with("key") && name[3] >= '1' && name[3] <= '4';
    // `option key '1'` picks a WEP key by its number; a WPA passphrase
    // has 8 to 63 characters, a WEP key 5 or more.
    if ((name != "key" || words[2].size() < 8) && (!wep_key || words[2].size() < 5))
      continue;
    results->findings.push_back(
        MakeFinding(file, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                    "A Wi-Fi pre-shared key is hard-coded in a configuration file or script",
                    line_start, "option " + std::string(name) + " " + Mask(words[2])));
  }
}

// --- private keys -----------------------------------------------------------

int NoPassword(char*, int, int, void*) {
  return 0;
}

// An OpenPGP transferable secret key (RFC 4880/9580 ASCII armor): the
// first packet must be a Secret-Key packet (tag 5) of version 3 to 6 with a
// known public-key algorithm. Returns "OpenPGP <algorithm>" or empty.
std::string ParsePgpSecretKey(std::string_view armor) {
  // Armor headers (Version:, Comment:) end at the first empty line; the
  // base64 body ends at the CRC line ("=abcd") or the END line.
  std::string base64;
  bool in_body = false;
  for (const std::string_view raw : SplitLines(armor)) {
    const std::string_view line = Trim(raw);
    if (!in_body) {
      in_body = line.empty();
      continue;
    }
    if (line.starts_with('=') || line.starts_with("-----"))
      break;
    base64 += line;
  }
  if (base64.size() < 8)
    return "";
  base64.resize(base64.size() / 4 * 4);
  std::string decoded(base64.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                reinterpret_cast<const unsigned char*>(base64.data()),
                                static_cast<int>(base64.size()));
  if (n < 8)
    return "";
  const auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(decoded[i]);
  };
  std::size_t body = 0;
  if ((byte(0) & 0xC0) == 0xC0) {  // New format: tag in the low six bits.
    if ((byte(0) & 0x3F) != 5)
      return "";
    body = byte(1) < 192 ? 2 : byte(1) < 224 ? 3 : byte(1) == 255 ? 6 : 0;
  } else if ((byte(0) & 0xC0) == 0x80) {  // Old format: tag in bits 5..2.
    if (((byte(0) >> 2) & 0x0F) != 5)
      return "";
    body = std::size_t{1} + (std::size_t{1} << (byte(0) & 0x03));
  }
  if (body == 0 || body >= static_cast<std::size_t>(n))
    return "";
  const unsigned version = byte(body);
  if (version < 3 || version > 6)
    return "";
  // v3 keeps a two-byte validity period before the algorithm; v5 and v6
  // follow the same layout as v4 up to it.
  const std::size_t algorithm_at = body + (version == 3 ? 7 : 5);
  if (algorithm_at >= static_cast<std::size_t>(n))
    return "";
  const unsigned algorithm = byte(algorithm_at);
  static const std::map<unsigned, std::string_view> kAlgorithms = {
      {1, "RSA"},     {2, "RSA"},   {3, "RSA"},      {16, "ElGamal"},
      {17, "DSA"},    {18, "ECDH"}, {19, "ECDSA"},   {22, "EdDSA"},
      {25, "X25519"}, {26, "X448"}, {27, "Ed25519"}, {28, "Ed448"}};
  const auto known = kAlgorithms.find(algorithm);
  if (known == kAlgorithms.end())
    return "";
  return "OpenPGP " + std::string(known->second);
}

// Returns a description such as "RSA 2048-bit" when `pem` holds a private
// key OpenSSL (or the OpenSSH format check) accepts; empty otherwise.
std::string ParsePemKey(std::string_view pem) {
  if (pem.find("PGP PRIVATE KEY BLOCK") != std::string_view::npos)
    return ParsePgpSecretKey(pem);
  if (pem.find("OPENSSH PRIVATE KEY") != std::string_view::npos) {
    const std::size_t body_start = pem.find('\n');
    const std::size_t body_end = pem.find("-----END");
    if (body_start == std::string_view::npos || body_end == std::string_view::npos ||
        body_end < body_start) {
      return "";
    }
    std::string base64;
    for (const char c : pem.substr(body_start, body_end - body_start)) {
      if (!std::isspace(static_cast<unsigned char>(c)))
        base64.push_back(c);
    }
    std::string decoded((base64.size() / 4 + 1) * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                  reinterpret_cast<const unsigned char*>(base64.data()),
                                  static_cast<int>(base64.size()));
    if (n < 15 || decoded.compare(0, 15, std::string("openssh-key-v1\0", 15)) != 0)
      return "";
    return "OpenSSH";
  }
  std::string description;
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  if (bio == nullptr)
    return "";
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, NoPassword, nullptr);
  if (key != nullptr) {
    description = std::string(EVP_PKEY_get0_type_name(key) != nullptr ? EVP_PKEY_get0_type_name(key)
                                                                      : "key") +
                  " " + std::to_string(EVP_PKEY_get_bits(key)) + "-bit";
    EVP_PKEY_free(key);
  } else {
    ERR_clear_error();
    (void)BIO_reset(bio);
    char* name = nullptr;
    char* header = nullptr;
    unsigned char* der = nullptr;
    long length = 0;
    if (PEM_read_bio(bio, &name, &header, &der, &length) == 1) {
      const std::string_view name_view(name);
      if (name_view == "ENCRYPTED PRIVATE KEY") {
        const unsigned char* p = der;
        X509_SIG* sig = d2i_X509_SIG(nullptr, &p, length);
        if (sig != nullptr) {
          description = "encrypted PKCS#8";
          X509_SIG_free(sig);
        }
      } else if (std::string_view(header).find("ENCRYPTED") != std::string_view::npos &&
                 length > 0) {
        description = "encrypted " + std::string(name_view);
      }
      OPENSSL_free(name);
      OPENSSL_free(header);
      OPENSSL_free(der);
    }
    ERR_clear_error();
  }
  BIO_free(bio);
  return description;
}

// Rebuilds a PEM block whose body is written with JSON/C escapes ("\n") or
// on one line as OpenSSL reads it: base64 in 64-character lines. Empty when
// the body holds anything else (such as encryption headers).
std::string NormalizePem(std::string_view pem) {
  const std::size_t header_end = pem.find("-----", 11);
  const std::size_t footer = pem.find("-----END");
  if (header_end == std::string_view::npos || footer == std::string_view::npos ||
      footer < header_end + 5) {
    return "";
  }
  std::string base64;
  for (std::size_t i = header_end + 5; i < footer; ++i) {
    const char c = pem[i];
    if (c == '\\' && i + 1 < footer &&
        (pem[i + 1] == 'n' || pem[i + 1] == 'r' || pem[i + 1] == 't' || pem[i + 1] == '/')) {
      if (pem[i + 1] == '/')
        base64.push_back('/');
      ++i;
    } else if (IsAlnum(c) || c == '+' || c == '/' || c == '=') {
      base64.push_back(c);
    } else if (!std::isspace(static_cast<unsigned char>(c))) {
      return "";
    }
  }
  std::string out(pem.substr(0, header_end + 5));
  out.push_back('\n');
  for (std::size_t i = 0; i < base64.size(); i += 64)
    out += base64.substr(i, 64) + "\n";
  out += pem.substr(footer);
  out.push_back('\n');
  return out;
}

// Parses a DER private key starting at `data`; returns its length and a
// description, or 0.
// Whether `data` (a SEQUENCE header of `header` bytes, then a version
// INTEGER 0 or 1) is shaped like a private key: the length form the header
// size implies, a body that fits and is long enough for a key, and after
// the version what RSA, DSA, EC or PKCS#8 keys have there. OpenSSL 3 takes
// most of a millisecond to turn down a candidate (it tries every decoder),
// and machine code holds such byte runs here and there.
bool LooksLikeDerKey(std::string_view data, std::size_t header) {
  const auto byte = [&](std::size_t i) {
    return static_cast<unsigned char>(data[i]);
  };
  if (data.size() < header + 8 || byte(0) != 0x30)
    return false;
  std::size_t body = 0;
  if (header == 2) {
    body = byte(1);
    if (body >= 0x80)
      return false;
  } else if (header == 3) {
    body = byte(2);
    if (byte(1) != 0x81 || body < 0x80)
      return false;
  } else if (header == 4) {
    body = std::size_t{byte(2)} << 8 | byte(3);
    if (byte(1) != 0x82 || body < 0x100)
      return false;
  } else {
    return false;
  }
  // The smallest key is a PKCS#8 X25519 or Ed25519 key: 46 bytes of body.
  if (body < 40 || body > data.size() - header)
    return false;
  const std::size_t next = header + 3;  // After "02 01 0v".
  const unsigned char version = byte(header + 2);
  const unsigned char tag = byte(next);
  const unsigned char length = byte(next + 1);
  // PKCS#8 (version 0, or 1 with a public key): AlgorithmIdentifier, an OID
  // first (after a long-form length when it holds DSA parameters).
  if (tag == 0x30) {
    return (length >= 5 && length < 0x80 && byte(next + 2) == 0x06) ||
           (length == 0x81 && byte(next + 3) == 0x06) || (length == 0x82 && byte(next + 4) == 0x06);
  }
  // RSA (modulus) and DSA (p): an INTEGER; EC (version 1): the key as an OCTET STRING.
  return version == 0 ? tag == 0x02 && length >= 0x20
                      : tag == 0x04 && length >= 0x14 && length <= 0x42;
}

// Whether `bytes` (a raw 32..57-byte key) could be random: at most four
// zero bytes and at least 60 % distinct values (32 random bytes hold a zero
// byte one time in eight and ~30 distinct values; five zeros in 57 random
// bytes happen about once in 10^8).
bool LooksRandom(std::string_view bytes) {
  std::array<bool, 256> seen{};
  std::size_t distinct = 0;
  std::size_t zeros = 0;
  for (const char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    zeros += b == 0 ? 1U : 0U;
    if (!seen[b]) {
      seen[b] = true;
      ++distinct;
    }
  }
  return zeros <= 4 && distinct * 10 >= bytes.size() * 6;
}

std::size_t ParseDerKey(std::string_view data, std::string* description) {
  if (data.size() < 16 || static_cast<unsigned char>(data[0]) != 0x30)
    return 0;
  const auto* start = reinterpret_cast<const unsigned char*>(data.data());
  const unsigned char* p = start;
  EVP_PKEY* key = d2i_AutoPrivateKey(
      nullptr, &p, static_cast<long>(std::min<std::size_t>(data.size(), 1 << 16)));
  if (key == nullptr) {
    ERR_clear_error();
    return 0;
  }
  // X25519, Ed25519, X448 and Ed448 keys are any bytes of the right length:
  // a PKCS#8 prefix kept as a constant (Python's cryptography package has
  // one in its code) followed by whatever comes next parses as a key. A
  // real key is random bytes.
  const int id = EVP_PKEY_get_base_id(key);
  bool plausible = true;
  if (id == EVP_PKEY_X25519 || id == EVP_PKEY_ED25519 || id == EVP_PKEY_X448 ||
      id == EVP_PKEY_ED448) {
    std::array<unsigned char, 64> raw{};
    std::size_t raw_size = raw.size();
    plausible = EVP_PKEY_get_raw_private_key(key, raw.data(), &raw_size) == 1 &&
                LooksRandom(std::string_view(reinterpret_cast<const char*>(raw.data()), raw_size));
  }
  *description =
      std::string(EVP_PKEY_get0_type_name(key) != nullptr ? EVP_PKEY_get0_type_name(key) : "key") +
      " " + std::to_string(EVP_PKEY_get_bits(key)) + "-bit";
  EVP_PKEY_free(key);
  if (!plausible)
    return 0;
  return static_cast<std::size_t>(p - start);
}

// --- components ---------------------------------------------------------------

struct VersionRule {
  unsigned id;
  std::string_view name;
  std::string_view prefix;
};
constexpr std::array<VersionRule, 10> kVersionRules = {{
    {kVersionBusybox, "busybox", "BusyBox v"},
    {kVersionOpenssl, "openssl", "OpenSSL "},
    {kVersionDropbear, "dropbear", "dropbear_"},
    {kVersionLinux, "linux-kernel", "Linux version "},
    {kVersionOpenssh, "openssh", "OpenSSH_"},
    {kVersionDnsmasq, "dnsmasq", "dnsmasq-"},
    {kVersionLighttpd, "lighttpd", "lighttpd/"},
    {kVersionUboot, "u-boot", "U-Boot "},
    {kVersionCurl, "curl", "libcurl/"},
    {kVersionNginx, "nginx", "nginx/"},
}};

// Hash costs above what a device computes at boot: such hashes are reported
// as fixed but no password is tried (a `rounds=999999999` hash would take
// minutes per try).
constexpr std::uint64_t kMaxShaCryptRounds = 50000;
constexpr std::uint64_t kMaxBcryptCost = 12;

// Memory-hard schemes: the most memory one try may take (yescrypt's
// default, cost 5, takes 16 MiB; scrypt's default 64 MiB). A cost of 11
// takes 1 GiB and seconds per try.
constexpr std::uint64_t kMaxMemoryHardBytes = std::uint64_t{64} << 20;

// The value of a crypt base-64 digit ("./0-9A-Za-z"); -1 for another byte.
int CryptDigit(char c) {
  if (c == '.' || c == '/')
    return c == '.' ? 0 : 1;
  if (c >= '0' && c <= '9')
    return c - '0' + 2;
  if (c >= 'A' && c <= 'Z')
    return c - 'A' + 12;
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 38;
  return -1;
}

// Whether one try of a yescrypt ($y$, $gy$) or scrypt ($7$) hash stays
// within kMaxMemoryHardBytes (128 * r * N bytes, times p for scrypt).
// Parameters it cannot read, or the optional yescrypt fields (parallelism,
// time, ROM), count as too costly: such hashes are reported, not tried.
bool MemoryHardCostAcceptable(std::string_view hash) {
  std::uint64_t n_log2 = 0;
  std::uint64_t r = 0;
  std::uint64_t p = 1;
  if (hash.rfind("$7$", 0) == 0) {
    if (hash.size() < 14)
      return false;
    const int n = CryptDigit(hash[3]);
    if (n < 0)
      return false;
    n_log2 = static_cast<std::uint64_t>(n);
    std::uint64_t fields[2] = {0, 0};
    for (std::size_t field = 0; field < 2; ++field) {
      for (std::size_t i = 0; i < 5; ++i) {
        const int digit = CryptDigit(hash[4 + field * 5 + i]);
        if (digit < 0)
          return false;
        fields[field] |= static_cast<std::uint64_t>(digit) << (6 * i);
      }
    }
    r = fields[0];
    p = fields[1];
  } else {
    const std::size_t at = hash.rfind("$y$", 0) == 0 ? 3 : hash.rfind("$gy$", 0) == 0 ? 4 : 0;
    if (at == 0)
      return true;  // Not a memory-hard scheme.
    const std::size_t end = hash.find('$', at);
    if (end == std::string_view::npos || end - at != 3)
      return false;  // Not only flags, N and r.
    const int n = CryptDigit(hash[at + 1]);
    const int r_digit = CryptDigit(hash[at + 2]);
    if (n < 0 || r_digit < 0 || r_digit >= 47)
      return false;  // r >= 48 takes more than one digit.
    n_log2 = static_cast<std::uint64_t>(n) + 1;
    r = static_cast<std::uint64_t>(r_digit) + 1;
  }
  if (n_log2 < 1 || n_log2 > 40 || r == 0 || p == 0 || r > (1U << 20) || p > (1U << 20))
    return false;
  const std::uint64_t bytes = 128 * r * p;
  return bytes <= kMaxMemoryHardBytes >> n_log2;
}

// The decimal number at the start of `text` up to `stop`; a huge value when
// it is missing or does not fit.
std::uint64_t ParseCost(std::string_view text, char stop) {
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i < text.size() && text[i] != stop; ++i) {
    if (text[i] < '0' || text[i] > '9' || value > 1'000'000'000'000ULL)
      return UINT64_MAX;
    value = value * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  return i == 0 ? UINT64_MAX : value;
}

}  // namespace

bool CryptMatches(const std::string& password, const std::string& hash) {
  crypt_data data{};
  const char* result = crypt_rn(password.c_str(), hash.c_str(), &data, sizeof(data));
  return result != nullptr && result[0] != '*' && hash == result;
}

// The passwords of the "user\npassword" pairs that at least three pairs
// share (password, admin, 1234, changeme, ...), most shared first, ties in
// list order: what vendors ship most, whatever the account is called.
std::vector<std::string> FrequentPasswords(const std::vector<std::string>& defaults) {
  std::map<std::string_view, std::pair<std::size_t, std::size_t>> seen;  // count, first index
  for (std::size_t i = 0; i < defaults.size(); ++i) {
    const std::size_t newline = defaults[i].find('\n');
    if (newline == std::string::npos || newline + 1 == defaults[i].size())
      continue;
    auto [it, inserted] = seen.try_emplace(std::string_view(defaults[i]).substr(newline + 1), 0, i);
    ++it->second.first;
  }
  std::vector<std::pair<std::pair<std::size_t, std::size_t>, std::string_view>> ranked;
  for (const auto& [password, rank] : seen) {
    if (rank.first >= 3)
      ranked.push_back({{defaults.size() - rank.first, rank.second}, password});
  }
  std::sort(ranked.begin(), ranked.end());
  std::vector<std::string> frequent;
  for (const auto& entry : ranked)
    frequent.emplace_back(entry.second);
  return frequent;
}

Result<std::unique_ptr<Checker>> Checker::Create(const AnalyzerOptions& options) {
  std::unique_ptr<Checker> checker(new Checker());
  auto binary = MakePatternScanner(BinaryPatterns(), options.engine, options.pattern_cache_dir);
  if (!binary)
    return Fail(binary.error().WithContext("binary patterns"));
  auto text = MakePatternScanner(TextPatterns(), options.engine, options.pattern_cache_dir);
  if (!text)
    return Fail(text.error().WithContext("text patterns"));
  checker->try_budget_micros_ = options.password_try_budget_micros;
  checker->binary_ = std::move(*binary);
  checker->text_ = std::move(*text);
  if (!options.password_lists.empty()) {
    for (const auto& [name, list] :
         {std::pair{"default-passwords.txt", &checker->default_passwords_},
          std::pair{"common-passwords.txt", &checker->common_passwords_}}) {
      auto content = ReadFile(options.password_lists / name);
      if (!content)
        return Fail(content.error().WithContext("password list"));
      std::set<std::string> seen;
      for (const std::string_view line : SplitLines(*content)) {
        if (line.empty() || line.front() == '#')
          continue;
        if (seen.insert(std::string(line)).second)
          list->emplace_back(line);
      }
    }
    // Optional (older list folders lack it): "user<TAB>password" pairs,
    // kept after the plain defaults as "user\npassword" (a list line never
    // holds a newline, so the two kinds cannot be confused).
    if (auto pairs = ReadFile(options.password_lists / "default-credentials.txt")) {
      for (const std::string_view line : SplitLines(*pairs)) {
        const std::size_t tab = line.find('\t');
        if (line.empty() || line.front() == '#' || tab == std::string_view::npos || tab == 0)
          continue;
        checker->default_passwords_.push_back(std::string(line.substr(0, tab)) + "\n" +
                                              std::string(line.substr(tab + 1)));
      }
      checker->frequent_passwords_ = FrequentPasswords(checker->default_passwords_);
    }
  }
  return checker;
}

void FileResults::Absorb(FileResults&& other) {
  for (Finding& finding : other.findings)
    findings.push_back(std::move(finding));
  for (Component& component : other.components)
    components.push_back(std::move(component));
  for (ConsoleScriptUse& use : other.console_scripts)
    console_scripts.push_back(std::move(use));
  for (ShellScript& script : other.shell_scripts)
    shell_scripts.push_back(std::move(script));
  ttylogin_set = ttylogin_set || other.ttylogin_set;
  other = FileResults{};
}

std::vector<Finding> ConsoleShellFindings(const FileResults& results) {
  std::vector<Finding> confirmed;
  for (const ConsoleScriptUse& use : results.console_scripts) {
    for (const ShellScript& script : results.shell_scripts) {
      if (script.chain != use.chain || script.path != use.program)
        continue;
      // The setting may live in another file system (an overlay partition).
      if (script.unless_ttylogin && results.ttylogin_set)
        continue;
      Finding finding = use.finding;
      if (script.unless_ttylogin)
        finding.message += " (the UCI option system.ttylogin is not 1)";
      confirmed.push_back(std::move(finding));
      break;
    }
  }
  return confirmed;
}

namespace {

// Whether `data`, a shell script, hands over to a shell; see ShellScript.
std::optional<ShellScript> ShellHandOver(std::string_view data) {
  if (!data.starts_with("#!") || data.size() > 16384 || data.find("exec") == std::string::npos)
    return std::nullopt;
  bool branched = false;  // An if or case opened before: not unconditional.
  for (const std::string_view raw : SplitLines(data)) {
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#')
      continue;
    const auto words = Split(line, " \t;");
    if (words.empty())
      continue;
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
      // `exec sh -c "command"` runs a command, not a shell to type in.
      if (words[i] != "exec" || !IsShellProgram(words[i + 1]) ||
          (i + 2 < words.size() && words[i + 2] == "-c")) {
        continue;
      }
      if (i == 0 && !branched)
        return ShellScript{{}, {}, false};
      if (line.find("ttylogin") != std::string_view::npos &&
          line.find("||") != std::string_view::npos)
        return ShellScript{{}, {}, true};
      return std::nullopt;
    }
    if (words.front() == "if" || words.front() == "case")
      branched = true;
    // The script hands over to something else first: `exec /bin/login`.
    if (words.size() >= 2 && words.front() == "exec")
      return std::nullopt;
  }
  return std::nullopt;
}

// OpenWrt's /etc/config/system with `option ttylogin '1'`: the console asks
// for the root password.
bool SetsTtyLogin(std::string_view data) {
  for (const std::string_view raw : SplitLines(data)) {
    const auto words = Split(Trim(raw), " \t'\"");
    if (words.size() == 3 && words[0] == "option" && words[1] == "ttylogin" && words[2] == "1")
      return true;
  }
  return false;
}

}  // namespace

void Checker::CheckFile(const ExtractedFile& file, FileResults* results) const {
  const bool text = IsText(file);
  // Documentation shows example settings and credentials for people to
  // read; the device runs none of it. Its text is not checked (binary
  // patterns, such as a real key, still are).
  const bool documentation = IsDocumentationFile(file) || IsLibraryTestSuite(file.path) ||
                             IsPythonStandardLibrary(file.path);
  const AccountFormat accounts =
      text && !documentation ? AccountFormatOf(file) : AccountFormat::kNone;
  const auto check_accounts = [&] {
    if (accounts != AccountFormat::kNone)
      CheckAccounts(file, accounts == AccountFormat::kShadow, results);
  };
  if (file.accounts_only) {
    check_accounts();
    return;
  }
  if (file.kind != ExtractedFile::Kind::kRaw)
    CheckMetadata(file, results);
  if (file.kind != ExtractedFile::Kind::kRegular && file.kind != ExtractedFile::Kind::kRaw)
    return;
  if (!file.same_data_as_earlier_file)
    CheckBinaryPatterns(file, results);
  if (text) {
    check_accounts();
    if (IsWebPasswordFile(file.path))
      CheckWebPasswords(file, results);
    if (file.path.ends_with("/etc/config/wireless"))
      CheckUciWifiKeys(file, results);
    if (file.path.ends_with("/etc/config/system") && SetsTtyLogin(file.data))
      results->ttylogin_set = true;
    if (auto script = ShellHandOver(file.data)) {
      script->chain = file.chain;
      script->path = file.path;
      results->shell_scripts.push_back(std::move(*script));
    }
    if (!documentation)
      CheckText(file, accounts != AccountFormat::kNone, results);
  }
}

void Checker::CheckMetadata(const ExtractedFile& file, FileResults* results) const {
  if (file.kind != ExtractedFile::Kind::kRegular)
    return;
  const std::string_view name = Basename(file.path);
  if ((file.mode & 04000U) != 0 && (Shells().count(name) > 0 || LooksLikeShellProgram(file.data))) {
    results->findings.push_back(MakeFinding(
        file, "FW-SETUID-SHELL", Severity::kHigh, {"5.6-7"},
        "A shell is installed setuid: any local user or injected command becomes its owner", 0,
        "mode " + FormatMode(file.mode) + ", uid " + std::to_string(file.uid)));
  }
  if ((file.mode & 0002U) != 0 && (file.mode & 0111U) != 0) {
    results->findings.push_back(MakeFinding(
        file, "FW-WORLD-WRITABLE-EXEC", Severity::kMedium, {"5.6-7"},
        "An executable file is world-writable: anyone on the device can replace what it runs", 0,
        "mode " + FormatMode(file.mode)));
  }
  if (name == "adbd" || name == "gdbserver" || name == "gdbserver64") {
    results->findings.push_back(
        MakeFinding(file, "FW-DEBUG-TOOL-PRESENT", Severity::kMedium, {"5.6-4", "5.6-6"},
                    "A debugging tool ships in the image (" + std::string(name) + ")", 0,
                    std::string(name) + ", " + std::to_string(file.data.size()) + " bytes"));
  }
}

void Checker::CheckBinaryPatterns(const ExtractedFile& file, FileResults* results) const {
  std::map<std::pair<unsigned, std::uint64_t>, std::uint64_t>
      matches;  // (id, start) -> longest end
  const auto scanned = binary_->Scan(file.data, [&](const Match& match) {
    auto& end = matches[{match.id, match.start}];
    end = std::max(end, match.end);
  });
  if (!scanned)
    return;
  const std::string_view data = file.data;
  // See IsCryptoLibrary: their embedded test keys are not findings (in the
  // shared library, the program, or the static archive).
  const bool crypto_library = (data.starts_with("\x7F"
                                                "ELF") ||
                               data.starts_with("!<arch>\n")) &&
                              IsCryptoLibrary(Basename(file.path));
  // Keys in a crypto library or a library's test suite are its vectors
  // and fixtures (see IsLibraryTestSuite), not device keys.
  const bool library_tests = IsLibraryTestSuite(file.path);
  const bool test_vectors = crypto_library || library_tests;
  // A Linux kernel carries its crypto self-tests' RSA keys as DER vectors
  // (crypto/testmgr.h), the same in every build: like a crypto library's,
  // they are not device keys. A kernel is a blob that holds the banner
  // ("Linux version 6.1.0-50-amd64 (builder@host) (gcc ...") and is all
  // kernel: a decoded stream (the payload of a uImage or bzImage) or a file
  // named vmlinux/vmlinuz. Undecoded flash holds other partitions beside a
  // kernel, and a key there stays a finding.
  const std::size_t last_arrow = file.chain.rfind("> ");
  const std::string_view last_container = last_arrow == std::string::npos
                                              ? std::string_view(file.chain)
                                              : std::string_view(file.chain).substr(last_arrow + 2);
  bool linux_kernel = false;
  const bool whole_kernel_blob =
      (file.kind == ExtractedFile::Kind::kRaw && IsDecodedStreamContainer(last_container)) ||
      (file.kind == ExtractedFile::Kind::kRegular && Basename(file.path).starts_with("vmlinu"));
  for (const auto& [key, end] : matches) {
    if (!whole_kernel_blob)
      break;
    if (key.first != kVersionLinux)
      continue;
    const std::string_view banner = data.substr(key.second, 160);
    const std::size_t open = banner.find(" (");
    if (open != std::string_view::npos && banner.find('@', open) != std::string_view::npos &&
        banner.find(')', open) != std::string_view::npos) {
      linux_kernel = true;
      break;
    }
  }
  std::uint64_t der_covered_until = 0;
  const bool documentation = IsDocumentationFile(file);
  std::set<std::pair<std::string, std::string>> components;
  // DER candidates are processed in offset order so a PKCS#8 wrapper hides
  // the key inside it.
  std::vector<std::pair<std::uint64_t, unsigned>> der;
  for (const auto& [key, end] : matches) {
    const auto [id, start] = key;
    const std::string_view text = data.substr(start, end - start);
    switch (id) {
      case kPemKey: {
        if (test_vectors)
          break;
        const std::size_t stop = data.find("-----END", start);
        if (stop == std::string_view::npos || stop - start > 65536)
          break;
        const std::size_t line_end = data.find("-----", stop + 8);
        if (line_end == std::string_view::npos)
          break;
        const std::string_view pem = data.substr(start, line_end + 5 - start);
        std::string description = ParsePemKey(pem);
        if (description.empty()) {
          // A key inside JSON ("\n" escapes) or folded onto one line.
          const std::string normalized = NormalizePem(pem);
          if (!normalized.empty())
            description = ParsePemKey(normalized);
        }
        if (description.empty())
          break;
        results->findings.push_back(
            MakeFinding(file, "FW-PRIVATE-KEY", Severity::kHigh, {"5.4-3"},
                        "A private key (" + description + ") is embedded in the image", start,
                        std::string(text) + " [key material masked, " + std::to_string(pem.size()) +
                            " bytes]"));
        break;
      }
      case kDerVersion0:
      case kDerVersion1:
        // Keyed by where the version sits: the SEQUENCE header before it
        // is one of three lengths, tried below.
        if (!test_vectors && !linux_kernel)
          der.emplace_back(end - 3, id);
        break;
      case kDropbearSshKey:
      case kDropbearEcdsaKey: {
        if (start < 4 || test_vectors)
          break;
        const auto dropbear = ParseDropbearKey(data.substr(start - 4));
        if (!dropbear)
          break;
        results->findings.push_back(MakeFinding(
            file, "FW-PRIVATE-KEY", Severity::kHigh, {"5.4-3"},
            "A private key (" + dropbear->description + ") is embedded in the image", start - 4,
            "dropbear private key, " + std::to_string(dropbear->length) +
                " bytes [key material masked]"));
        break;
      }
      case kInitShell: {
        // Whoever is at the console is root, without a login. Not in
        // documentation or a library's tests, nor a commented-out line.
        if (documentation || library_tests)
          break;
        std::size_t name_start = static_cast<std::size_t>(start);
        if (name_start >= 2 && data.substr(name_start - 2, 2) == "rd")
          name_start -= 2;  // rdinit= (an initramfs's init)
        const char before = name_start > 0 ? data[name_start - 1] : ' ';
        const char after = end < data.size() ? data[end] : ' ';
        if (IsAlnum(before) || before == '_' || before == '-' || IsAlnum(after) || after == '_' ||
            after == '.' || after == '/' || after == '-') {
          break;
        }
        const std::size_t line_start = data.find_last_of(std::string_view("\n\0", 2), start);
        const std::size_t from = line_start == std::string_view::npos ? 0 : line_start + 1;
        const std::size_t line_end = data.find_first_of(std::string_view("\n\0", 2), end);
        const std::string_view line =
            data.substr(from, (line_end == std::string_view::npos ? data.size() : line_end) - from);
        if (IsComment(line))
          break;
        results->findings.push_back(MakeFinding(
            file, "FW-CONSOLE-ROOT-SHELL", Severity::kCritical, {"5.6-4", "5.1-1"},
            "The kernel command line starts a shell as init: the console is a root shell "
            "without a login",
            from, Printable(Trim(line))));
        break;
      }
      case kAwsKey:
      case kAwsTemporaryKey:
      case kSlackWebhook:
      case kGithubToken:
      case kSlackToken:
      case kGithubPat:
      case kGoogleKey:
      case kStripeKey: {
        // Tokens stand alone: a match inside a longer run of letters and
        // digits (libunistring's name table holds "...ISAKIAISLAND...") is
        // not one.
        const char before = start > 0 ? data[start - 1] : ' ';
        const char after = end < data.size() ? data[end] : ' ';
        const bool fixed_length = id == kGithubToken || id == kGoogleKey;
        const bool aws = id == kAwsKey || id == kAwsTemporaryKey;
        if (id == kSlackWebhook ? false
            : aws               ? (IsUpperAlnum(before) || IsUpperAlnum(after))
                  : (IsAlnum(before) || (fixed_length && (IsAlnum(after) || after == '_' ||
                                                          (id == kGoogleKey && after == '-'))))) {
          break;
        }
        static const std::map<unsigned, std::string> kNames = {
            {kAwsKey, "An AWS access key id"},
            {kAwsTemporaryKey, "An AWS temporary access key id"},
            {kSlackWebhook, "A Slack incoming-webhook URL"},
            {kGithubToken, "A GitHub token"},
            {kGithubPat, "A GitHub fine-grained personal access token"},
            {kGoogleKey, "A Google API key"},
            {kStripeKey, "A Stripe live secret or restricted key"},
            {kSlackToken, "A Slack token"}};
        results->findings.push_back(MakeFinding(file, "FW-API-TOKEN", Severity::kHigh, {"5.4-3"},
                                                kNames.at(id) + " is embedded in the image", start,
                                                Mask(text)));
        break;
      }
      default:
        // A changelog names every release it ever had ("OpenSSL 0.9.6"
        // and on in /usr/share/doc/openssl/NEWS.md): components come from
        // what the device runs.
        if (documentation)
          break;
        for (const VersionRule& rule : kVersionRules) {
          if (rule.id != id)
            continue;
          std::string version(Trim(text.substr(rule.prefix.size())));
          if (rule.id == kVersionDropbear)
            std::replace(version.begin(), version.end(), '_', '.');
          if (rule.id == kVersionOpenssl) {
            // The version, not the build variant (as vulnerability data names it).
            if (!version.empty() && version.back() == '\0')
              version.pop_back();
            if (version.ends_with("-fips"))
              version.resize(version.size() - 5);
          }
          if (components.insert({std::string(rule.name), version}).second) {
            results->components.push_back(
                Component{std::string(rule.name), version, file.path, file.chain});
          }
        }
        break;
    }
  }
  std::sort(der.begin(), der.end());
  for (const auto& [start, id] : der) {
    if (start < der_covered_until)
      continue;
    for (const std::uint64_t back : {4U, 3U, 2U}) {
      if (start < back)
        continue;
      if (!LooksLikeDerKey(data.substr(start - back), back))
        continue;
      std::string description;
      const std::size_t length = ParseDerKey(data.substr(start - back), &description);
      if (length == 0)
        continue;
      der_covered_until = start - back + length;
      results->findings.push_back(MakeFinding(
          file, "FW-PRIVATE-KEY", Severity::kHigh, {"5.4-3"},
          "A DER-encoded private key (" + description + ") is embedded in the image", start - back,
          "DER private key, " + std::to_string(length) + " bytes [key material masked]"));
      break;
    }
  }
  // Bare key pairs carry no marker to search for; a file that is exactly
  // one is the form they are stored in.
  if (data.size() == 64 && file.kind == ExtractedFile::Kind::kRegular) {
    if (const auto key = ParseEd25519KeyPair(data)) {
      results->findings.push_back(
          MakeFinding(file, "FW-PRIVATE-KEY", Severity::kHigh, {"5.4-3"},
                      "A private key (" + key->description + ") is embedded in the image", 0,
                      "64-byte key file [key material masked]"));
    }
  }
}

void Checker::CheckText(const ExtractedFile& file, bool account_file, FileResults* results) const {
  const std::string_view data = file.data;
  const std::string_view path = file.path;
  const bool accounts =
      account_file || path.ends_with("/etc/group") || path.ends_with("/etc/gshadow");
  const bool dash_comments = path.ends_with(".sql") || path.ends_with(".lua");
  const bool source_code = QuotesItsStrings(path, data);
  // GRUB's command.lst and moddep.lst map commands to modules
  // ("password: password", "password_pbkdf2: crypto pbkdf2 ...").
  const bool grub_module_list =
      path.ends_with(".lst") && path.find("/grub") != std::string_view::npos;
  std::map<std::pair<unsigned, std::uint64_t>, std::uint64_t> matches;
  const auto scanned = text_->Scan(data, [&](const Match& match) {
    auto& end = matches[{match.id, match.start}];
    end = std::max(end, match.end);
  });
  std::set<std::pair<std::string, std::size_t>> reported;  // (rule, line start)
  auto report = [&](const Line& line, std::string rule, Severity severity,
                    std::vector<std::string> provisions, std::string message,
                    std::string evidence) {
    if (!reported.insert({rule, line.start}).second)
      return;
    results->findings.push_back(MakeFinding(file, std::move(rule), severity, std::move(provisions),
                                            std::move(message), line.start, std::move(evidence)));
  };
  for (const Line& line : DownloaderDefaultsSkippingVerification(path, data)) {
    report(line, "FW-TLS-NO-VERIFY", Severity::kHigh, {"5.5-1"},
           "Certificate verification is switched off for every download",
           Printable(Trim(line.text)));
  }
  if (scanned) {
    for (const auto& [key, end] : matches) {
      const auto [id, start] = key;
      const Line line = LineAt(data, static_cast<std::size_t>(start));
      if (IsComment(line.text, dash_comments))
        continue;
      // Inside an XML/HTML comment (<!-- ... -->, often over many lines).
      if (const std::size_t open = data.rfind("<!--", static_cast<std::size_t>(start));
          open != std::string_view::npos) {
        const std::size_t close = data.find("-->", open);
        if (close == std::string_view::npos || close > start)
          continue;
      }
      const std::string lower_line = AsciiLower(line.text);
      const std::string_view text = data.substr(start, end - start);
      const std::size_t column = static_cast<std::size_t>(start) - line.start;
      // After a trailing comment ("secret = $x # pass:insta").
      if (IsInTrailingComment(line.text, column))
        continue;
      const std::string before = AsciiLower(
          line.text.substr(column >= 3 ? column - 3 : 0, std::min<std::size_t>(column, 3)));
      switch (id) {
        case kSslOld:
        case kTlsOld: {
          // "!SSLv3", "-TLSv1" (in a list) and "no-tlsv1" switch a protocol
          // off; "--tlsv1.0" / "--sslv3" (curl, wget) is a command-line
          // option that switches it on.
          // In source code, a name such as PROTOCOL_SSLv3 or
          // curl_sslversion_sslv2 is a library's list of what it supports,
          // not a setting.
          if (source_code && !before.empty() && (before.back() == '_' || IsAlnum(before.back())))
            break;
          // Nor a comparison, which tests what a peer negotiated:
          // `self.sock.version() in {"TLSv1", "TLSv1.1"}`, `== "SSLv3"`.
          const std::string_view line_head = line.text.substr(0, column);
          if (source_code && (line_head.find("==") != std::string_view::npos ||
                              line_head.find("!=") != std::string_view::npos ||
                              line_head.find(" in ") != std::string_view::npos))
            break;
          const bool option = before.ends_with("--");
          const bool negated = !option && !before.empty() &&
                               (before.back() == '!' || before.back() == '-' ||
                                before.ends_with("no-") || before.ends_with("no_"));
          // In source code, a message that names a protocol sets nothing
          // (`warn "... compiled without SSLv2 support"`), nor does a
          // constant's name make a line a setting (`SSLv2:
          // OpenSSL::SSL::SSL2_VERSION,` in a table of versions).
          if (source_code && IsMessageLine(line.text))
            break;
          const bool setting = MentionsProtocolSetting(line.text, source_code);
          // curl --tlsv1 means "TLS 1.0 or newer": only --tlsv1.0 pins the old one.
          const bool old_option =
              option && (id == kSslOld || AsciiLower(text).find("v1.0") != std::string::npos);
          if (negated || !(setting || old_option))
            break;
          report(line, "FW-TLS-OLD-PROTOCOL", Severity::kMedium, {"5.5-1"},
                 "Configuration enables an obsolete protocol (" + std::string(ProtocolName(text)) +
                     ")",
                 Printable(Trim(line.text)));
          break;
        }
        case kSslv3Enable:
          report(line, "FW-TLS-OLD-PROTOCOL", Severity::kMedium, {"5.5-1"},
                 "Configuration enables SSLv3", Printable(Trim(line.text)));
          break;
        case kCipherList: {
          static const std::set<std::string_view> kWeak = {
              "RC4", "NULL", "eNULL", "aNULL", "EXPORT", "EXP", "EXPORT40", "EXPORT56", "LOW"};
          std::string weak;
          const std::size_t assign = line.text.find_first_of("=: \t", column);
          if (assign == std::string_view::npos)
            break;
          std::string_view setting = line.text.substr(assign);
          if (source_code) {
            // In source code a cipher list is a string literal; the rest
            // is names and comments ("MBEDTLS_CIPHER_ID_ARC4, /**< The RC4
            // cipher. */", "cipher = NULL").
            const std::size_t open = setting.find_first_of("\"'");
            const std::size_t close =
                open == std::string_view::npos ? open : setting.find(setting[open], open + 1);
            if (close == std::string_view::npos)
              break;
            setting = setting.substr(open + 1, close - open - 1);
          }
          for (const std::string_view token : Split(setting, " \t:,;\"'=")) {
            if (token.front() == '!' || token.front() == '-')
              continue;
            const std::string_view bare = token.front() == '+' ? token.substr(1) : token;
            for (const std::string_view part : Split(bare, "-+")) {
              if (kWeak.count(part) > 0)
                weak = std::string(part);
            }
          }
          if (weak.empty())
            break;
          report(line, "FW-TLS-WEAK-CIPHER", Severity::kMedium, {"5.5-1"},
                 "Cipher configuration allows " + weak + " ciphers", Printable(Trim(line.text)));
          break;
        }
        case kCurlVerify:
        case kInsecureFlag:
        case kNoCheckCertificate:
        case kCurlK:
        case kVerifyOff: {
          // A negated name set to false keeps verification on:
          // "NO_VERIFY = 0", "skip_verify: false".
          if (id == kVerifyOff) {
            const std::string lower_head = AsciiLower(
                line.text.substr(column >= 8 ? column - 8 : 0, std::min<std::size_t>(column, 8)));
            std::string_view name_head = lower_head;
            if (name_head.ends_with('_') || name_head.ends_with('-'))
              name_head.remove_suffix(1);
            bool negated = false;
            for (const std::string_view word : {"no", "skip", "disable", "dont"})
              negated = negated || name_head.ends_with(word);
            if (negated)
              break;
          }
          if (source_code) {
            // In source code: a parameter's default in a function's
            // signature ("def get(url, verify=False)") switches nothing off,
            // and verify=None means "the default", which verifies.
            const std::string_view code = Trim(line.text);
            const std::string lower_text = AsciiLower(text);
            if (code.starts_with("def ") || code.starts_with("async def ") ||
                code.starts_with("function ") || lower_text.find("none") != std::string::npos)
              break;
            // A bare `verify=False` is an argument of many functions that
            // have nothing to do with TLS (numpy's dispatchers, sympy's
            // nsolve, mpmath's findroot): it counts where the call or the
            // lines just before it are about HTTP or TLS (`requests.get(url,
            // verify=False)`, `session.verify = False`).
            const std::size_t context_from = line.start >= 300 ? line.start - 300 : 0;
            const std::string_view context =
                data.substr(context_from, line.start + line.text.size() - context_from);
            const bool bare_verify =
                id == kVerifyOff && lower_text.size() > 6 &&
                std::string_view(" \t=:").find(lower_text[6]) != std::string_view::npos;
            if (bare_verify && !MentionsHttpOrTls(context))
              break;
          }
          report(line, "FW-TLS-NO-VERIFY", Severity::kHigh, {"5.5-1"},
                 "Certificate verification is switched off", Printable(Trim(line.text)));
          break;
        }
        case kPasswordAssign:
        case kPskAssign:
        case kSecretAssign:
        case kApiKeyAssign: {
          if (accounts || grub_module_list)
            break;
          std::size_t assign = text.find_first_of(":=");
          if (id == kPasswordAssign || id == kPskAssign) {
            assign = id == kPskAssign ? 3 : 4;
            const std::string lower_text = AsciiLower(text);
            for (const std::string_view suffix : {"phrase", "word", "wd"}) {
              if (lower_text.compare(assign, suffix.size(), suffix) == 0) {
                assign += suffix.size();
                break;
              }
            }
          }
          const std::size_t value_start = text.find_first_not_of("'\" \t:=,>]", assign);
          if (assign == std::string_view::npos || value_start == std::string_view::npos)
            break;
          const std::string_view separator = text.substr(assign, value_start - assign);
          std::string_view value = text.substr(value_start);
          if (separator.empty())
            break;
          const bool quoted = separator.back() == '"' || separator.back() == '\'';
          if (id == kPasswordAssign && separator.find_first_of(":=") == std::string_view::npos) {
            // Only PHP define("X_PASSWORD", "..."), XML <Password>...< and
            // UCI option password '...' use other separators.
            const std::string_view t = Trim(lower_line);
            const bool ok =
                separator.find(',') != std::string_view::npos
                    ? lower_line.find("define") != std::string::npos
                    : separator == ">" || t.starts_with("option ") || t.starts_with("list ");
            if (!ok)
              break;
          }
          if (id == kPasswordAssign) {
            // "pass" as the tail of an ordinary word: bypass=, compass=,
            // signal filters (lowpass, bandpass), npm's minipass packages.
            const std::string word_before = AsciiLower(
                line.text.substr(column >= 5 ? column - 5 : 0, std::min<std::size_t>(column, 5)));
            bool tail = false;
            // ASKPASS names the program that asks for one (GIT_ASKPASS, SUDO_ASKPASS).
            for (const std::string_view head : {"by", "com", "tres", "sur", "over", "under", "low",
                                                "high", "band", "mini", "multi", "ask"})
              tail = tail || word_before.ends_with(head);
            if (tail)
              break;
            // "pass" as a value, not a key: an OpenSSL password source such
            // as "secret = pass:insta" in the examples of a stock openssl.cnf.
            const std::string_view line_before = Trim(line.text.substr(0, column));
            if (!line_before.empty() && (line_before.back() == '=' || line_before.back() == ':'))
              break;
            // A test log's verdict (Automake, DejaGnu): "PASS: addr2line".
            if (text.substr(0, 5) == "PASS:" && line_before.empty())
              break;
            // The verb in prose: "Pass :meth:`peek` a default value".
            if (assign == 4 && separator.starts_with(" ") &&
                separator.find(':') != std::string::npos)
              break;
            // A comparison, not an assignment: `"password"===type`.
            if (separator.find("==") != std::string_view::npos)
              break;
            // In source code, a message for a person: `die "$program:
            // --passwd: missing required argument"`.
            if (source_code && IsMessageLine(line.text))
              break;
            // In source code, a dotted name before ':' is a dict key that
            // names a constant: `AttributeOID.CHALLENGE_PASSWORD:
            // "challengePassword"` maps it to its label.
            if (source_code && separator.find(':') != std::string_view::npos &&
                separator.find('=') == std::string_view::npos) {
              std::size_t name_start = column;
              while (name_start > 0 &&
                     (IsAlnum(line.text[name_start - 1]) || line.text[name_start - 1] == '_'))
                --name_start;
              if (name_start > 0 && line.text[name_start - 1] == '.')
                break;
            }
            // A documented parameter, not an assignment: ":type passphrase:",
            // ":param password:", "@param password".
            const std::string lower_before = AsciiLower(line_before);
            bool documented = false;
            for (const std::string_view field : {":type", ":param", ":arg", ":keyword", "@param"})
              documented = documented || lower_before.ends_with(field);
            if (documented)
              break;
          }
          if (!quoted && IsCodeExpression(value, data.substr(static_cast<std::size_t>(end))))
            break;
          if (!quoted && source_code && IsOperandValue(value))
            break;
          // Perl `&which('passwd')`, `@list`, shell `\`cmd\``, `[...]`.
          if (!quoted && (value.front() == '&' || value.front() == '@' || value.front() == '`' ||
                          value.front() == '['))
            break;
          // A quoted command line: cat_passwd='getent passwd'.
          if (quoted &&
              IsQuotedCommand(line.text.substr(std::min(line.text.size(), column + value_start))))
            break;
          // dpkg names a package before its message: "dpkg: base-passwd:
          // dependency problems, ..." (in every debootstrap-built root's
          // /var/log/bootstrap.log).
          if (Trim(line.text).starts_with("dpkg: "))
            break;
          // PAM and nsswitch words; Debian architectures ("passwd:amd64" is a
          // package name in dpkg's log).
          static const std::set<std::string> kNotSecrets = {
              "files",   "compat",   "systemd", "required", "requisite", "sufficient", "optional",
              "include", "substack", "none",    "null",     "define",    "undef",      "amd64",
              "arm64",   "armhf",    "armel",   "i386",     "mipsel",    "mips64el",   "ppc64el",
              "s390x",   "riscv64",  "nil",     "false",    "true"};
          std::string_view bare_value = value;
          while (!bare_value.empty() &&
                 std::string_view(";,)").find(bare_value.back()) != std::string_view::npos)
            bare_value.remove_suffix(1);
          const std::string lower_bare = AsciiLower(bare_value);
          if (value.empty() || kNotSecrets.count(lower_bare) > 0)
            break;
          // A masked value ("****", ":****", 'XXXXX') is what a program
          // prints, not a secret.
          if ((value.find("***") != std::string_view::npos &&
               value.find_first_not_of("*:.-_'\",;)") == std::string_view::npos) ||
              (lower_bare.size() >= 3 && lower_bare.find_first_not_of("x'\"") == std::string::npos))
            break;
          if (id == kPasswordAssign) {
            // Also a redacted one ("[REDACTED]"), the anonymous-FTP
            // convention of an e-mail address as password ("anonymous@"),
            // and a test's verdict (`$pass ? "PASS" : "FAIL"`).
            const std::string lower_value = AsciiLower(value);
            if (lower_value.find("redacted") != std::string::npos ||
                lower_value.find("anonymous") != std::string::npos || lower_bare == "fail" ||
                lower_bare == "failed")
              break;
          }
          const std::string label = std::string(text.substr(0, assign));
          if (id == kPasswordAssign || id == kPskAssign) {
            report(line, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                   id == kPskAssign
                       ? "A Wi-Fi pre-shared key is hard-coded in a configuration file or script"
                       : "A password is hard-coded in a configuration file or script",
                   Printable(Trim(label)) + "=" + Mask(value));
          } else {
            report(line, "FW-HARDCODED-SECRET", Severity::kHigh, {"5.4-3"},
                   "A secret or API key is hard-coded in a configuration file or script",
                   Printable(Trim(label)) + "=" + Mask(value));
          }
          break;
        }
        case kPrivateKeyAssign: {
          const std::string_view value = text.substr(text.size() - 44);
          if (!IsClampedX25519Base64(value))
            break;
          const std::size_t label_end = text.find_first_of("'\" \t:=");
          report(line, "FW-PRIVATE-KEY", Severity::kHigh, {"5.4-3"},
                 "A private key (X25519, WireGuard format) is hard-coded in a configuration file",
                 Printable(text.substr(0, label_end)) + " = [32-byte key masked]");
          break;
        }
        case kPasswdDelete: {
          const auto words = Split(text, " \t'\"");
          report(line, "FW-EMPTY-PASSWORD", Severity::kCritical, {"5.1-1"},
                 "A script deletes the password of account '" + std::string(words.back()) +
                     "' (passwd -d): anyone can log in",
                 "passwd -d " + Printable(words.back()));
          break;
        }
        case kPasswdPipe: {
          const std::size_t pipe = text.rfind('|');
          const std::string_view fed = text.substr(0, pipe);
          const std::size_t after = static_cast<std::size_t>(end);
          if (fed.find_first_of("$`") != std::string_view::npos ||
              (after < data.size() && (IsAlnum(data[after]) || data[after] == '_')))
            break;
          report(line, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                 "A script sets a fixed account password by piping it into passwd",
                 std::string(text.substr(0, text.find_first_of(" \t"))) + " **** | passwd");
          break;
        }
        case kUrlCredentials:
        case kUserOption: {
          if (accounts)
            break;
          // -u is curl's (and only curl's) user:password option here.
          if (id == kUserOption && lower_line.find("curl") == std::string::npos)
            break;
          std::string_view credentials = text;
          if (id == kUrlCredentials) {
            credentials = text.substr(text.find("://") + 3);
            credentials.remove_suffix(1);  // The '@'.
          } else {
            const std::size_t option_end = text.starts_with("--proxy-user") ? 12
                                           : text.starts_with("--user")     ? 6
                                                                            : 2;
            const std::size_t value_at = text.find_first_not_of(" \t='\"", option_end);
            if (value_at == std::string_view::npos)
              break;
            credentials = text.substr(value_at);
          }
          const std::size_t colon = credentials.find(':');
          if (colon == std::string_view::npos || colon == 0)
            break;
          const std::string user = AsciiLower(credentials.substr(0, colon));
          const std::string password = AsciiLower(credentials.substr(colon + 1));
          // Placeholders of usage texts and documentation.
          static const std::set<std::string> kPlaceholderUsers = {"user", "username", "login",
                                                                  "name", "usr",      "foo"};
          static const std::set<std::string> kPlaceholderPasswords = {
              "pass", "password", "passwd", "pwd", "pw", "secret", "bar", "xxx", "xxxx"};
          if ((kPlaceholderUsers.count(user) > 0 && kPlaceholderPasswords.count(password) > 0) ||
              password.starts_with("*") || password.starts_with("<") || password.starts_with("%") ||
              user.starts_with("[")) {
            break;
          }
          // Documentation's example hosts (RFC 2606): example.com, .org, .net.
          if (id == kUrlCredentials) {
            const std::size_t host_at = static_cast<std::size_t>(end) - line.start;
            const std::string host =
                AsciiLower(line.text.substr(std::min(host_at, line.text.size()), 12));
            if (host.starts_with("example.") || host.starts_with("www.example."))
              break;
          }
          report(line, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                 id == kUrlCredentials
                     ? "A password is hard-coded in a URL's user information"
                     : "A password is hard-coded in a curl -u (user:password) option",
                 Printable(Trim(line.text)));
          break;
        }
        case kPasswordOption: {
          if (accounts)
            break;
          const std::size_t value_at = text.find_first_not_of(" \t'\"", text.find_first_of(" \t"));
          if (value_at == std::string_view::npos)
            break;
          const std::string_view value = text.substr(value_at);
          // Usage texts name the option's argument: --password PASSWORD, <pw>;
          // prose is about the option: "--password instead of ...",
          // "--username and --password options".
          static const std::set<std::string> kNotValues = {
              "password",  "passwd",     "pass",    "instead", "option", "options", "flag",
              "flags",     "argument",   "and",     "or",      "is",     "are",     "was",
              "to",        "with",       "without", "on",      "in",     "for",     "the",
              "when",      "if",         "which",   "that",    "can",    "must",    "should",
              "may",       "will",       "as",      "of",      "from",   "by",      "switch",
              "parameter", "parameters", "value",   "values"};
          const bool placeholder =
              IsPlaceholderValue(value) || kNotValues.count(AsciiLower(Trim(value))) > 0;
          if (placeholder)
            break;
          report(line, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                 "A password is hard-coded in a command line option", Printable(Trim(line.text)));
          break;
        }
        case kMosquittoPassword:
        case kMysqlPassword: {
          // The value follows the last -P (mosquitto) or -p (mysql).
          const std::string_view flag = id == kMosquittoPassword ? "-P" : "-p";
          std::size_t value_at = text.rfind(flag);
          if (value_at == std::string_view::npos)
            break;
          value_at = text.find_first_not_of(" \t'\"", value_at + flag.size());
          if (value_at == std::string_view::npos)
            break;
          const std::string_view value = text.substr(value_at);
          if (IsPlaceholderValue(value))  // `-pPASSWORD`, `-P SECRET`.
            break;
          const std::string_view program = text.substr(0, text.find_first_of(" \t"));
          report(line, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                 "A password is hard-coded on a " + std::string(program) + " command line",
                 std::string(program) + " ... " + std::string(flag) +
                     (id == kMosquittoPassword ? " " : "") + Mask(value));
          break;
        }
        case kRejectUnauthorized:
        case kPyUnverified:
        case kGitSslVerify:
        case kGitNoVerify:
        case kInsecureOption:
          // In source code, the other branch of a conditional reads the
          // setting, it does not make one: `secure ? opts.rejectUnauthorized
          // : false`.
          if (id == kRejectUnauthorized && source_code &&
              line.text.substr(0, column).find('?') != std::string_view::npos)
            break;
          report(line, "FW-TLS-NO-VERIFY", Severity::kHigh, {"5.5-1"},
                 "Certificate verification is switched off", Printable(Trim(line.text)));
          break;
        case kChpasswd:
          report(line, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                 "A script sets a fixed account password with chpasswd",
                 "echo <user>:" + std::string("****") + " | chpasswd");
          break;
        default:
          break;
      }
    }
  }

  // Services started at boot, consoles, SSH.
  const std::string_view device_path = InitPathOnDevice(path);
  const bool init = IsInitPath(device_path);
  const bool xinetd_disabled = device_path.starts_with("/etc/xinetd.d/") && [&] {
    for (const std::string_view l : SplitLines(data)) {
      const std::string lower = AsciiLower(l);
      if (!IsComment(l) && lower.find("disable") != std::string::npos &&
          lower.find("yes") != std::string::npos) {
        return true;
      }
    }
    return false;
  }();
  const bool inittab = path.ends_with("/etc/inittab") || path.ends_with("/etc_ro/inittab");
  const bool systemd_unit = path.ends_with(".service") || path.ends_with(".socket");
  const bool getty_unit = Basename(path).find("getty") != std::string_view::npos
                              ? systemd_unit
                              : path.find("getty") != std::string_view::npos &&
                                    path.find(".service.d/") != std::string_view::npos &&
                                    path.ends_with(".conf");
  const bool sshd =
      path.ends_with("/sshd_config") ||
      (path.find("/sshd_config.d/") != std::string_view::npos && path.ends_with(".conf"));
  const bool dropbear = path.ends_with("/etc/config/dropbear");  // OpenWrt UCI
  if (IsAndroidInitScript(path)) {
    CheckAndroidInit(data, report);
    return;
  }
  if (IsAndroidProperties(path)) {
    for (const Line& line : AndroidAdbProperties(data)) {
      report(line, "FW-DEBUG-SERVICE", Severity::kHigh, {"5.6-4"},
             "Android debugging (adb) is on by default or accepts connections without "
             "authorisation",
             Printable(Trim(line.text)));
    }
    return;
  }
  // Debian's and Buildroot's init scripts read dropbear's options from here.
  const bool dropbear_defaults = path.ends_with("/etc/default/dropbear");
  if (!init && !sshd && !dropbear && !dropbear_defaults)
    return;
  static const std::set<std::string_view> kPlaintext = {
      "telnetd",  "utelnetd", "in.telnetd", "rlogind",    "in.rlogind", "rshd",
      "in.rshd",  "rexecd",   "in.rexecd",  "ftpd",       "in.ftpd",    "tftpd",
      "in.tftpd", "vsftpd",   "proftpd",    "in.proftpd", "pure-ftpd"};
  std::string root_password_auth;
  std::size_t root_password_at = 0;
  static const std::set<std::string_view> kDebug = {"adbd", "gdbserver", "gdbserver64"};
  // One finding per service and file, at its first line: an init script
  // names its daemon in many lines (DAEMON=, NAME=, start, status).
  std::set<std::string_view> services_reported;
  std::string permit_root;
  std::string password_auth;
  std::size_t permit_root_at = 0;
  std::string permit_empty;
  std::size_t permit_empty_at = 0;
  std::size_t at = 0;
  for (const std::string_view raw_line : SplitLines(data)) {
    const std::size_t line_start = at;
    at += raw_line.size() + 1;
    if (IsComment(raw_line, dash_comments))
      continue;
    const Line line{line_start, raw_line};
    const std::string_view trimmed = Trim(raw_line);
    if (sshd) {
      const auto words = Split(trimmed, " \t=");
      if (words.size() >= 2) {
        const std::string key = AsciiLower(words[0]);
        if (key == "permitrootlogin" && permit_root.empty()) {
          permit_root = AsciiLower(words[1]);
          permit_root_at = line_start;
        }
        if (key == "passwordauthentication" && password_auth.empty())
          password_auth = AsciiLower(words[1]);
        if (key == "permitemptypasswords" && permit_empty.empty()) {
          permit_empty = AsciiLower(words[1]);
          permit_empty_at = line_start;
        }
      }
      continue;
    }
    if (dropbear_defaults) {
      const std::size_t equals = trimmed.find('=');
      const std::string_view name = Trim(trimmed.substr(0, equals));
      if (equals != std::string_view::npos &&
          (name == "DROPBEAR_EXTRA_ARGS" || name == "DROPBEAR_ARGS")) {
        const auto words = Split(trimmed.substr(equals + 1), " \t'\"");
        if (DropbearOptionsAllowRootPassword(words)) {
          report(line, "FW-SSH-ROOT-PASSWORD", Severity::kHigh, {"5.6-2", "5.1-1"},
                 "dropbear's options allow root to log in with a password (no -w, -g or -s)",
                 Printable(trimmed));
        }
      }
      continue;
    }
    if (dropbear) {
      const auto words = Split(trimmed, " \t'\"");
      if (words.size() >= 3 && words[0] == "option") {
        const std::string key = AsciiLower(words[1]);
        const std::string value = AsciiLower(words[2]);
        const bool on = value == "on" || value == "1" || value == "yes" || value == "true";
        if (key == "rootpasswordauth") {
          root_password_auth = on ? "on" : "off";
          root_password_at = line_start;
        }
        if (key == "passwordauth")
          password_auth = on ? "on" : "off";
      }
      continue;
    }
    // A systemd unit starts what its Exec lines name; its other keys
    // (Description=, Documentation=) describe.
    if (systemd_unit && !trimmed.starts_with("Exec"))
      continue;
    for (const std::string_view command : ShellCommands(trimmed)) {
      if (xinetd_disabled)
        break;
      const std::vector<std::string_view> tokens = Split(command, " \t()`'\"");
      // A command that prints, stops or removes something starts nothing.
      bool stop = !tokens.empty() && (tokens[0] == "echo" || tokens[0] == "printf");
      for (const std::string_view token : tokens) {
        if (token == "kill" || token == "killall" || token == "stop" || token == "pkill" ||
            token == "disable" || token == "rm") {
          stop = true;
        }
      }
      if (stop)
        continue;
      for (std::size_t i = 0; i < tokens.size(); ++i) {
        // The program itself, or systemd's ExecStart=; not a variable
        // holding its path (DAEMON=/usr/sbin/dropbear).
        std::string_view program = tokens[i];
        if (program.starts_with("ExecStart="))
          program.remove_prefix(10);
        if (Basename(program) != "dropbear" || program.find('=') != std::string_view::npos)
          continue;
        if (DropbearOptionsAllowRootPassword(std::vector<std::string_view>(
                tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1, tokens.end()))) {
          report(line, "FW-SSH-ROOT-PASSWORD", Severity::kHigh, {"5.6-2", "5.1-1"},
                 "dropbear is started without -w, -g or -s: root can log in with a password",
                 Printable(trimmed));
        }
        break;
      }
      if (ServesAShell(tokens) && services_reported.insert("network shell").second) {
        report(line, "FW-DEBUG-SERVICE", Severity::kCritical, {"5.6-4", "5.1-1"},
               "A shell is served on a network port without a login (a bind shell) at boot",
               Printable(trimmed));
        continue;
      }
      // An assignment alone (DAEMON="/usr/sbin/in.tftpd", DESC="HPA's
      // tftpd") names a program by its value's first word only.
      std::vector<std::string_view> programs = tokens;
      const std::size_t equals = command.find('=');
      if (equals != std::string_view::npos && equals > 0 && IdentifierPrefix(command) == equals &&
          command.find_first_of(" \t") > equals && tokens.size() > 1) {
        programs.resize(tokens[0].ends_with('=') ? 2 : 1);
      }
      for (std::string_view token : programs) {
        if (token.find('=') != std::string_view::npos)
          token = token.substr(token.find('=') + 1);
        if (!token.empty() && token.front() == '-')
          token.remove_prefix(1);
        const std::string_view name = Basename(token);
        if ((kPlaintext.count(name) > 0 || kDebug.count(name) > 0) &&
            !services_reported.insert(name).second) {
          break;
        }
        if (kPlaintext.count(name) > 0) {
          report(line, "FW-PLAINTEXT-SERVICE", Severity::kHigh, {"5.6-1", "5.5-1"},
                 "A plaintext remote-login or file service (" + std::string(name) +
                     ") is started at boot",
                 Printable(trimmed));
          break;
        }
        if (kDebug.count(name) > 0) {
          report(line, "FW-DEBUG-SERVICE", Severity::kHigh, {"5.6-4"},
                 "A debug service (" + std::string(name) + ") is started at boot",
                 Printable(trimmed));
          break;
        }
      }
    }
    // Console shells without login.
    const std::string lower = AsciiLower(trimmed);
    bool root_shell = false;
    // A getty unit (or its drop-in) that runs a shell instead of a login
    // prompt: `ExecStart=-/bin/sh` in serial-getty@ttyS0.service.d/.
    if (getty_unit && trimmed.starts_with("ExecStart=")) {
      std::string_view command = trimmed.substr(10);
      while (!command.empty() &&
             std::string_view("-@:+!").find(command.front()) != std::string_view::npos) {
        command.remove_prefix(1);
      }
      const auto words = Split(command, " \t");
      if (!words.empty() && IsShellProgram(words[0]))
        root_shell = true;
    }
    if (inittab) {
      const auto fields = SplitFields(trimmed, ':');
      if (fields.size() >= 4) {
        const std::string_view action = Trim(fields[2]);
        std::string process(
            trimmed.substr(fields[0].size() + fields[1].size() + fields[2].size() + 3));
        const auto words = Split(process, " \t");
        // askconsole: OpenWrt procd's askfirst on the kernel's console.
        if ((action == "respawn" || action == "askfirst" || action == "askconsole" ||
             action == "once" || action == "wait") &&
            !words.empty()) {
          std::string_view program = words[0];
          if (!program.empty() && program.front() == '-')
            program.remove_prefix(1);
          // `/bin/sh -c "command"` runs the command, not a shell to type in.
          const bool runs_a_command = std::find(words.begin(), words.end(), "-c") != words.end();
          if (Shells().count(Basename(program)) > 0 && !runs_a_command &&
              (Basename(program) != "busybox" ||
               (words.size() > 1 && Shells().count(words[1]) > 0))) {
            root_shell = true;
          }
          // cttyhack /bin/sh: a shell on the controlling tty.
          if (Basename(program) == "cttyhack" && words.size() > 1 &&
              Shells().count(Basename(words[1])) > 0) {
            root_shell = true;
          }
          // login -f root: logged in without authentication.
          if (Basename(program) == "login") {
            for (std::size_t i = 1; i + 1 < words.size(); ++i) {
              if (words[i] == "-f" && words[i + 1] == "root")
                root_shell = true;
            }
          }
          // Any other program by its path may be a script that starts a
          // shell itself (OpenWrt: ::askconsole:/usr/libexec/login.sh).
          if (!root_shell && program.starts_with('/') && Basename(program) != "login" &&
              Basename(program).find("getty") == std::string_view::npos) {
            results->console_scripts.push_back(ConsoleScriptUse{
                file.chain, std::string(program),
                MakeFinding(file, "FW-CONSOLE-ROOT-SHELL", Severity::kCritical, {"5.6-4", "5.1-1"},
                            "A console runs " + std::string(program) +
                                ", which starts a root shell without asking for a password",
                            line.start, Printable(trimmed))});
          }
        }
      }
    }
    if (lower.find("getty") != std::string::npos) {
      const auto words = Split(lower, " \t");
      for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if ((words[i] == "-a" || words[i] == "--autologin") && words[i + 1] == "root")
          root_shell = true;
        if (words[i] == "-l" && Shells().count(Basename(words[i + 1])) > 0 &&
            std::find(words.begin(), words.end(), "-n") != words.end()) {
          root_shell = true;
        }
      }
      if (lower.find("--autologin=root") != std::string::npos)
        root_shell = true;
    }
    if (root_shell) {
      report(line, "FW-CONSOLE-ROOT-SHELL", Severity::kCritical, {"5.6-4", "5.1-1"},
             "A console gives a root shell without asking for a password", Printable(trimmed));
    }
  }
  if (dropbear && root_password_auth == "on" && password_auth != "off") {
    report(Line{root_password_at, {}}, "FW-SSH-ROOT-PASSWORD", Severity::kHigh, {"5.6-2", "5.1-1"},
           "dropbear allows root to log in with a password",
           "option RootPasswordAuth 'on'; PasswordAuth " +
               (password_auth.empty() ? std::string("(default on)") : password_auth));
  }
  if (sshd && permit_empty == "yes" && password_auth != "no") {
    report(Line{permit_empty_at, {}}, "FW-SSH-EMPTY-PASSWORD", Severity::kCritical,
           {"5.1-1", "5.6-2"}, "sshd lets accounts with an empty password log in",
           "PermitEmptyPasswords yes; PasswordAuthentication " +
               (password_auth.empty() ? std::string("(default yes)") : password_auth));
  }
  if (sshd && permit_root == "yes" && password_auth != "no") {
    report(Line{permit_root_at, {}}, "FW-SSH-ROOT-PASSWORD", Severity::kHigh, {"5.6-2", "5.1-1"},
           "sshd allows root to log in with a password",
           "PermitRootLogin yes; PasswordAuthentication " +
               (password_auth.empty() ? std::string("(default yes)") : password_auth));
  }
}

namespace {

// What one try of `hash` costs, estimated in microseconds of one core
// (libxcrypt 4.4 on the CI machine's 2.5 GHz Xeon, 2026-11-29: md5crypt
// 0.22 ms, sha256/512crypt 4.3-5.0 ms at 5000 rounds, bcrypt 2.5 ms at
// cost 5, yescrypt 31 ms at Debian's default cost).
std::uint64_t TryCostMicros(const std::string& hash) {
  if (hash.starts_with("$1$") || hash.starts_with("$apr1$"))
    return 220;
  if (hash.starts_with("{SHA}"))
    return 1;
  if (hash.starts_with("$5$") || hash.starts_with("$6$")) {
    const std::uint64_t rounds = std::string_view(hash).substr(3).starts_with("rounds=")
                                     ? ParseCost(hash.substr(10), '$')
                                     : 5000;
    return std::max<std::uint64_t>(1, std::min<std::uint64_t>(rounds, 1'000'000'000) * 4500 / 5000);
  }
  if (hash.starts_with("$2")) {
    const std::size_t cost_at = hash.find('$', 1);
    const std::uint64_t cost =
        cost_at == std::string::npos ? 31 : ParseCost(hash.substr(cost_at + 1), '$');
    return cost <= 5 ? 2500 : 2500ULL << std::min<std::uint64_t>(cost - 5, 26);
  }
  if (hash.front() == '$')  // yescrypt, scrypt at the costs MemoryHardCostAcceptable lets in.
    return 31000;
  return 5;  // Traditional and BSDi DES.
}

// How many candidates a hash of this scheme may cost; *hopeless when one
// try costs more than a device pays at boot (a hostile or odd file).
CandidateBudget BudgetFor(const std::string& hash, bool* hopeless) {
  // Slow schemes get shorter lists (see data/firmware/README.md).
  CandidateBudget budget;  // Unlimited.
  *hopeless = false;
  if (hash.starts_with("$1$") || hash.front() == '_' || hash.starts_with("$apr1$")) {
    budget.common = 1000;
  } else if (hash.starts_with("$5$") || hash.starts_with("$6$")) {
    const bool many_rounds = std::string_view(hash).substr(3).starts_with("rounds=");
    budget = many_rounds ? CandidateBudget{16, 16, 16, 0} : CandidateBudget{200, 64, 300, 50};
    if (many_rounds && ParseCost(hash.substr(10), '$') > kMaxShaCryptRounds)
      *hopeless = true;
  } else if (hash.starts_with("$2")) {
    budget = CandidateBudget{48, 24, 48, 16};
    const std::size_t cost_at = hash.find('$', 1);
    if (cost_at == std::string::npos || ParseCost(hash.substr(cost_at + 1), '$') > kMaxBcryptCost)
      *hopeless = true;
  } else if (hash.front() == '$') {  // yescrypt, scrypt, ...
    budget = CandidateBudget{32, 16, 24, 8};
    if (!MemoryHardCostAcceptable(hash))
      *hopeless = true;
  }
  return budget;
}

}  // namespace

bool Checker::SpendTryBudget(std::uint64_t micros) const {
  std::uint64_t spent = try_micros_spent_.load(std::memory_order_relaxed);
  do {
    if (spent + micros > try_budget_micros_)
      return false;
  } while (
      !try_micros_spent_.compare_exchange_weak(spent, spent + micros, std::memory_order_relaxed));
  return true;
}

std::string Checker::FindPassword(const std::string& user,
                                  const std::string& hash,
                                  const CandidateBudget& budget,
                                  bool* out_of_time) const {
  const std::pair<std::string, std::string> key{user, hash};
  {
    std::lock_guard<std::mutex> lock(answers_mutex_);
    if (const auto known = answers_.find(key); known != answers_.end()) {
      *out_of_time = known->second.out_of_time;
      return known->second.list;
    }
  }
  // Two threads meeting the same hash at once both search: rare, and
  // holding the lock through the tries would serialise every hash.
  std::string list = SearchPassword(user, hash, budget, out_of_time);
  std::lock_guard<std::mutex> lock(answers_mutex_);
  answers_.emplace(key, PasswordAnswer{list, *out_of_time});
  return list;
}

std::string Checker::SearchPassword(const std::string& user,
                                    const std::string& hash,
                                    const CandidateBudget& budget,
                                    bool* out_of_time) const {
  const bool web = IsWebPasswordHash(hash);
  const std::uint64_t cost = TryCostMicros(hash);
  *out_of_time = false;
  std::set<std::string_view> tried;
  // Tries `password` unless it was tried already; counts the try in `spent`.
  auto matches = [&](std::string_view password, std::size_t* spent) {
    if (*out_of_time || !tried.insert(password).second)
      return false;
    if (!SpendTryBudget(cost)) {
      *out_of_time = true;
      return false;
    }
    ++*spent;
    return web ? WebPasswordMatches(password, hash) : CryptMatches(std::string(password), hash);
  };
  std::size_t spent = 0;
  if (matches(user, &spent))
    return "the account name";
  // The known-default passwords of this account name come first, so a
  // pair such as pi/raspberry is found within a slow scheme's budget.
  const std::string pair_prefix = user + "\n";
  spent = 0;
  for (const std::string& entry : default_passwords_) {
    if (spent >= budget.pairs)
      break;
    if (entry.starts_with(pair_prefix) &&
        matches(std::string_view(entry).substr(pair_prefix.size()), &spent)) {
      return "the known-default credentials for this account name";
    }
  }
  // Then the passwords many vendors ship under any account name.
  spent = 0;
  for (const std::string& candidate : frequent_passwords_) {
    if (spent >= budget.frequent)
      break;
    if (matches(candidate, &spent))
      return "the known-default credentials";
  }
  spent = 0;
  for (const std::string& candidate : default_passwords_) {
    if (spent >= budget.defaults)
      break;
    if (candidate.find('\n') == std::string::npos && matches(candidate, &spent))
      return "the known-default password list";
  }
  spent = 0;
  for (const std::string& candidate : common_passwords_) {
    if (spent >= budget.common)
      break;
    if (matches(candidate, &spent))
      return "the common password list";
  }
  return {};
}

void Checker::CheckWebPasswords(const ExtractedFile& file, FileResults* results) const {
  const bool plain_file = Basename(file.path) == "lighttpd.user";
  const bool busybox_httpd = IsBusyboxHttpdConfig(file.path);
  std::size_t at = 0;
  for (std::string_view line : SplitLines(file.data)) {
    const std::size_t line_start = at;
    at += line.size() + 1;
    if (busybox_httpd) {
      // `/cgi-bin:admin:secret`: the rest of the file is not accounts.
      const std::size_t path_end = line.find(':');
      if (!line.starts_with('/') || path_end == std::string_view::npos)
        continue;
      line.remove_prefix(path_end + 1);
    }
    const std::size_t colon = line.find(':');
    if (line.empty() || line.front() == '#' || colon == std::string_view::npos || colon == 0)
      continue;
    const std::string user(line.substr(0, colon));
    const std::string hash(Trim(line.substr(colon + 1)));
    if (hash.empty())
      continue;
    const bool hashed = !plain_file && (hash.front() == '$' || IsWebPasswordHash(hash) ||
                                        (hash.size() == 13 && hash.find(':') == std::string::npos));
    if (!hashed) {
      // Kept as it is typed: a hard-coded password (and maybe a default one).
      results->findings.push_back(
          MakeFinding(file, "FW-HARDCODED-PASSWORD", Severity::kHigh, {"5.1-1"},
                      "Web account '" + user + "' has its password in plain text in " +
                          std::string(Basename(file.path)),
                      line_start, user + ":" + Mask(hash)));
      continue;
    }
    bool hopeless = false;
    const CandidateBudget budget = BudgetFor(hash, &hopeless);
    bool out_of_time = false;
    const std::string matched_list =
        hopeless ? std::string() : FindPassword(user, hash, budget, &out_of_time);
    const std::string scheme = IsWebPasswordHash(hash) && hash.front() == '{' ? "{SHA}"
                               : hash.front() == '$' ? hash.substr(0, hash.find('$', 1) + 1)
                                                     : "DES";
    const std::string masked = user + ":" + scheme + "****";
    if (!matched_list.empty()) {
      results->findings.push_back(
          MakeFinding(file, "FW-DEFAULT-PASSWORD", Severity::kCritical, {"5.1-1"},
                      "Web account '" + user + "' has a password found in " + matched_list + " (" +
                          std::string(Basename(file.path)) + ")",
                      line_start, masked));
    } else {
      results->findings.push_back(MakeFinding(
          file, "FW-FIXED-PASSWORD-HASH", Severity::kMedium, {"5.1-1"},
          "Web account '" + user + "' ships with a fixed password hash that every device shares (" +
              std::string(Basename(file.path)) + ")" + TriesSkipped(out_of_time),
          line_start, masked));
    }
  }
}

void Checker::CheckAccounts(const ExtractedFile& file, bool shadow, FileResults* results) const {
  const std::string_view data = file.data;
  std::size_t at = 0;
  std::vector<std::pair<std::string, std::size_t>> uid0;
  for (const std::string_view line : SplitLines(data)) {
    const std::size_t line_start = at;
    at += line.size() + 1;
    if (line.empty() || line.front() == '#')
      continue;
    const auto fields = SplitFields(line, ':');
    if (fields.size() < (shadow ? 2U : 4U))
      continue;
    const std::string user(fields[0]);
    const std::string hash(fields[1]);
    if (!shadow && fields[2] == "0")
      uid0.emplace_back(user, line_start);
    const std::string where =
        std::string(shadow ? "shadow" : "passwd") +
        (file.reached_as.empty() ? "" : ", reached through the symlink " + file.reached_as);
    if (hash.empty()) {
      results->findings.push_back(
          MakeFinding(file, "FW-EMPTY-PASSWORD", Severity::kCritical, {"5.1-1"},
                      "Account '" + user + "' has an empty password: anyone can log in", line_start,
                      user + "::" + (fields.size() > 2 ? std::string(fields[2]) : "") + ":..."));
      continue;
    }
    if (hash == "x" || hash.front() == '*' || hash.front() == '!' || hash.size() < 13)
      continue;
    // A fixed hash is a password every device shares; worse if it is a known one.
    bool hopeless = false;
    const CandidateBudget budget = BudgetFor(hash, &hopeless);
    const std::string scheme = hash.front() == '$' ? hash.substr(0, hash.find('$', 1) + 1) : "DES";
    bool out_of_time = false;
    const std::string matched_list =
        hopeless ? std::string() : FindPassword(user, hash, budget, &out_of_time);
    const std::string masked = user + ":" + scheme + "****:...";
    if (!matched_list.empty()) {
      results->findings.push_back(MakeFinding(
          file, "FW-DEFAULT-PASSWORD", Severity::kCritical, {"5.1-1"},
          "Account '" + user + "' has a password found in " + matched_list + " (" + where + ")",
          line_start, masked));
    } else {
      results->findings.push_back(MakeFinding(
          file, "FW-FIXED-PASSWORD-HASH", Severity::kMedium, {"5.1-1"},
          "Account '" + user + "' ships with a fixed password hash that every device shares (" +
              where + ")" + TriesSkipped(out_of_time),
          line_start, masked));
    }
  }
  if (uid0.size() > 1) {
    for (const auto& [user, line_start] : uid0) {
      if (user == "root")
        continue;
      results->findings.push_back(
          MakeFinding(file, "FW-UID0-DUPLICATE", Severity::kHigh, {"5.1-1", "5.6-7"},
                      "Account '" + user + "' has uid 0: a second root account", line_start,
                      user + ":x:0:..."));
    }
  }
}

}  // namespace provisio::firmware
