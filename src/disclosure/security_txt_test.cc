#include "provisio/disclosure/security_txt.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

namespace provisio::disclosure {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year;

const TimePoint kNow{sys_days{year{2026} / 11 / 28}};

SecurityTxtCheckOptions At(TimePoint now, std::string file_url = "") {
  SecurityTxtCheckOptions options;
  options.now = now;
  options.file_url = std::move(file_url);
  return options;
}

VdpPolicy ExamplePolicy() {
  Result<VdpPolicy> policy = ParseVdpPolicy(VdpPolicyTemplate(), "vdp.yaml");
  EXPECT_TRUE(policy.has_value());
  return policy.value_or(VdpPolicy{});
}

// "line:level:code" of every finding, for compact assertions.
std::string Summary(const SecurityTxtReport& report) {
  std::string out;
  for (const SecurityTxtFinding& f : report.findings) {
    out += std::to_string(f.line) + ":" + std::string(ToString(f.level)) + ":" + f.code + " ";
  }
  return out;
}

TEST(RenderSecurityTxtTest, WritesEveryFieldAndPassesItsOwnCheck) {
  Result<std::string> text = RenderSecurityTxt(ExamplePolicy(), kNow);

  ASSERT_TRUE(text.has_value()) << text.error().message();
  EXPECT_NE(text->find("Contact: mailto:security@example.com\n"
                       "Contact: https://example.com/security/report\n"
                       "Expires: 2027-05-27T00:00:00Z\n"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("Preferred-Languages: en, de\n"), std::string::npos);
  EXPECT_NE(text->find("Canonical: https://example.com/.well-known/security.txt\n"),
            std::string::npos);
  EXPECT_NE(text->find("Policy: https://example.com/security/policy\n"), std::string::npos);
  EXPECT_NE(text->find("Encryption: https://example.com/.well-known/pgp-key.txt\n"),
            std::string::npos);
  EXPECT_NE(text->find("Acknowledgments: https://example.com/security/thanks\n"),
            std::string::npos);
  EXPECT_NE(text->find("CSAF: https://example.com/.well-known/csaf/provider-metadata.json\n"),
            std::string::npos);
  const SecurityTxtReport report =
      CheckSecurityTxt(*text, At(kNow, "https://example.com/.well-known/security.txt"));
  EXPECT_TRUE(report.Clean()) << Summary(report);
  EXPECT_EQ(report.findings.size(), 0u) << Summary(report);
}

TEST(RenderSecurityTxtTest, RefusesExpiresMoreThanAYearAhead) {
  VdpPolicy policy = ExamplePolicy();
  policy.security_txt_expires_days = 400;

  Result<std::string> text = RenderSecurityTxt(policy, kNow);

  ASSERT_FALSE(text.has_value());
  EXPECT_NE(text.error().message().find("less than a year"), std::string::npos)
      << text.error().message();
}

TEST(CheckSecurityTxtTest, ReportsEachProblemOnItsLine) {
  struct Case {
    std::string name;
    std::string text;
    std::string expected;  // Summary().
  };
  const std::string contact = "Contact: mailto:security@example.com\n";
  const std::string expires = "Expires: 2027-01-31T23:59:59Z\n";
  const Case cases[] = {
      {"minimal valid file", contact + expires, ""},
      {"missing expires", contact, "0:error:expires-missing "},
      {"repeated expires", contact + expires + expires, "3:error:expires-repeated "},
      {"expired", contact + "Expires: 2026-01-01T00:00:00Z\n", "2:error:expired "},
      {"too far ahead", contact + "Expires: 2028-06-01T00:00:00Z\n", "2:warning:expires-too-far "},
      {"bare date", contact + "Expires: 2027-01-31\n", "2:error:expires-format "},
      {"missing contact", expires, "0:error:contact-missing "},
      {"http contact", "Contact: http://example.com/report\n" + expires, "1:error:not-https "},
      {"bad uri", "Contact: mailto:security at example.com\n" + expires, "1:error:bad-uri "},
      {"unknown field", contact + expires + "Foo: bar\n", "3:info:unknown-field "},
      {"repeated languages",
       contact + expires + "Preferred-Languages: en\nPreferred-Languages: de\n",
       "4:error:preferred-languages-repeated "},
      {"bad language", contact + expires + "Preferred-Languages: en; de\n",
       "3:error:bad-language-tag "},
      {"key instead of uri", contact + expires + "Encryption: -----BEGIN PGP PUBLIC KEY BLOCK\n",
       "3:error:encryption-not-uri "},
      {"comments and blank lines", "# hello\n\n" + contact + "   \n# bye\n" + expires, ""},
      {"crlf", "Contact: mailto:security@example.com\r\nExpires: 2027-01-31T23:59:59Z\r\n", ""},
      {"bare cr", "Contact: mailto:security@example.com\rExpires: 2027-01-31T23:59:59Z\n",
       "0:error:expires-missing 1:error:bare-cr 1:error:bad-uri "},
      {"no final newline", contact + "Expires: 2027-01-31T23:59:59Z", "2:warning:no-final-eol "},
      {"no space after colon", "Contact:mailto:security@example.com\n" + expires,
       "1:error:missing-space "},
      {"garbage line", contact + expires + "this is not a field\n", "3:error:bad-line "},
      {"lower-case field names", "contact: mailto:a@b.example\nexpires: 2027-01-31t23:59:59z\n",
       ""},
      {"http policy", contact + expires + "Policy: http://example.com/vdp\n", "3:error:not-https "},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);

    const SecurityTxtReport report = CheckSecurityTxt(c.text, At(kNow));

    EXPECT_EQ(Summary(report), c.expected);
  }
}

TEST(CheckSecurityTxtTest, CanonicalMustListTheFileUrlWhenKnown) {
  const std::string text =
      "Contact: mailto:security@example.com\nExpires: 2027-01-31T23:59:59Z\n"
      "Canonical: https://example.com/.well-known/security.txt\n";

  const SecurityTxtReport listed =
      CheckSecurityTxt(text, At(kNow, "https://example.com/.well-known/security.txt"));
  const SecurityTxtReport elsewhere =
      CheckSecurityTxt(text, At(kNow, "https://evil.example/.well-known/security.txt"));

  EXPECT_EQ(Summary(listed), "");
  EXPECT_EQ(Summary(elsewhere), "3:error:canonical-mismatch ");
}

const char kSigned[] =
    "-----BEGIN PGP SIGNED MESSAGE-----\n"
    "Hash: SHA512\n"
    "\n"
    "Contact: mailto:security@example.com\n"
    "Expires: 2027-01-31T23:59:59Z\n"
    "Canonical: https://example.com/.well-known/security.txt\n"
    "- # dash-escaped comment\n"
    "-----BEGIN PGP SIGNATURE-----\n"
    "\n"
    "iQEzBAEBCgAdFiEEabc+/=\n"
    "=abcd\n"
    "-----END PGP SIGNATURE-----\n";

TEST(CheckSecurityTxtTest, UnwrapsACleartextSignatureAndChecksItsFrame) {
  const std::string text = kSigned;

  const SecurityTxtReport report = CheckSecurityTxt(text, At(kNow));

  EXPECT_TRUE(report.is_signed);
  EXPECT_EQ(Summary(report), "");
  ASSERT_EQ(report.fields.size(), 3u);
  EXPECT_EQ(report.fields[0].line, 4);
}

TEST(CheckSecurityTxtTest, ReportsBrokenSignatureFraming) {
  struct Case {
    std::string name;
    std::string from;
    std::string to;
    std::string expected;
  };
  const Case cases[] = {
      {"not dash-escaped", "- # dash", "-# dash", "7:error:not-dash-escaped 7:error:bad-line "},
      {"no hash header", "Hash: SHA512\n", "", "1:warning:missing-hash-header "},
      {"missing signature end", "-----END PGP SIGNATURE-----\n", "",
       "8:error:unterminated-signature "},
      {"text after signature", "-----END PGP SIGNATURE-----\n",
       "-----END PGP SIGNATURE-----\nContact: mailto:evil@example.com\n",
       "13:error:text-after-signature "},
      {"missing signature",
       "-----BEGIN PGP SIGNATURE-----\n\niQEzBAEBCgAdFiEEabc+/=\n=abcd\n"
       "-----END PGP SIGNATURE-----\n",
       "", "7:error:missing-signature "},
      {"unknown hash", "Hash: SHA512", "Hash: FOO", "2:error:unknown-hash "},
      {"hash name in lower case", "Hash: SHA512", "Hash: sha512", "2:error:unknown-hash "},
      {"empty hash header", "Hash: SHA512", "Hash: ", "2:error:unknown-hash "},
      {"weak hash", "Hash: SHA512", "Hash: SHA1", "2:warning:weak-hash "},
      {"sha3 hash", "Hash: SHA512", "Hash: SHA3-256", ""},
      {"comma-separated hashes", "Hash: SHA512", "Hash: SHA256,SHA512, SHA224", ""},
      {"unknown hash in a list", "Hash: SHA512", "Hash: SHA256, BLAKE2b", "2:error:unknown-hash "},
      {"several hash headers", "Hash: SHA512\n", "Hash: SHA256\nHash: MD5\n",
       "3:warning:weak-hash "},
      {"other armor header", "Hash: SHA512\n", "Hash: SHA512\nComment: hi\n",
       "3:error:bad-armor-header "},
      {"no empty line after the hash header", "Hash: SHA512\n\n", "Hash: SHA512\n",
       "3:error:missing-blank-line "},
      {"no empty line and no hash header", "Hash: SHA512\n\n", "",
       "1:warning:missing-hash-header 2:error:missing-blank-line "},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string text = kSigned;
    const std::size_t at = text.find(c.from);
    ASSERT_NE(at, std::string::npos);
    text.replace(at, c.from.size(), c.to);

    const SecurityTxtReport report = CheckSecurityTxt(text, At(kNow));

    EXPECT_EQ(Summary(report), c.expected);
  }
}

TEST(CheckSecurityTxtTest, UnknownHashNameListsTheValidNames) {
  std::string text = kSigned;
  text.replace(text.find("SHA512"), 6, "FOO");

  const SecurityTxtReport report = CheckSecurityTxt(text, At(kNow));

  ASSERT_EQ(report.findings.size(), 1u) << Summary(report);
  const std::string& message = report.findings[0].message;
  EXPECT_NE(message.find("'FOO'"), std::string::npos) << message;
  EXPECT_NE(message.find("MD5, SHA1, RIPEMD160, SHA256, SHA384, SHA512, SHA224, SHA3-256, "
                         "SHA3-512"),
            std::string::npos)
      << message;
}

TEST(CheckSecurityTxtTest, MissingEmptyLineAfterHashGivesOneErrorAndKeepsTheFields) {
  std::string text = kSigned;
  text.replace(text.find("Hash: SHA512\n\n"), 14, "Hash: SHA512\n");

  const SecurityTxtReport report = CheckSecurityTxt(text, At(kNow));

  EXPECT_EQ(report.Count(FindingLevel::kError), 1) << Summary(report);
  ASSERT_EQ(report.fields.size(), 3u) << Summary(report);
  EXPECT_EQ(report.fields[0].line, 3);
  EXPECT_EQ(report.fields[0].name, "Contact");
  EXPECT_EQ(report.fields[2].name, "Canonical");
}

// Signs with a throwaway key in a private GNUPGHOME made for this test.
TEST(ClearsignWithGpgTest, SignedFileVerifiesAndPassesTheCheck) {
  if (std::system("gpg --version > /dev/null 2>&1") != 0) {
    GTEST_SKIP() << "gpg is not installed";
  }
  namespace fs = std::filesystem;
  const fs::path home =
      fs::temp_directory_path() / ("provisio-gpg-test-" + std::to_string(::getpid()));
  fs::create_directories(home);
  fs::permissions(home, fs::perms::owner_all, fs::perm_options::replace);
  const std::string gen = "GNUPGHOME='" + home.string() +
                          "' gpg --batch --quiet --passphrase '' --quick-gen-key "
                          "'provisio test <test@example.com>' ed25519 sign 1d > /dev/null 2>&1";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  Result<std::string> text = RenderSecurityTxt(ExamplePolicy(), kNow);
  ASSERT_TRUE(text.has_value());
  GpgSignOptions options;
  options.key_id = "test@example.com";
  options.gnupg_home = home.string();

  Result<std::string> signed_text = ClearsignWithGpg(*text, options);

  ASSERT_TRUE(signed_text.has_value()) << signed_text.error().message();
  EXPECT_EQ(signed_text->rfind("-----BEGIN PGP SIGNED MESSAGE-----\nHash: ", 0), 0u);
  const SecurityTxtReport report =
      CheckSecurityTxt(*signed_text, At(kNow, "https://example.com/.well-known/security.txt"));
  EXPECT_TRUE(report.is_signed);
  EXPECT_EQ(Summary(report), "");
  const fs::path file = home / "security.txt";
  std::ofstream(file) << *signed_text;
  const std::string verify = "GNUPGHOME='" + home.string() + "' gpg --batch --quiet --verify '" +
                             file.string() + "' > /dev/null 2>&1";
  EXPECT_EQ(std::system(verify.c_str()), 0);
  options.key_id = "nobody@example.com";
  Result<std::string> unknown_key = ClearsignWithGpg(*text, options);
  ASSERT_FALSE(unknown_key.has_value());
  EXPECT_EQ(unknown_key.error().code(), ErrorCode::kVerification);
  std::system(("gpgconf --homedir '" + home.string() + "' --kill all > /dev/null 2>&1").c_str());
  std::error_code ignored;
  fs::remove_all(home, ignored);
}

}  // namespace
}  // namespace provisio::disclosure
