#include "firmware/raw_keys.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include "firmware/checks.h"

namespace provisio::firmware {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

// Writes SSH wire encoding the way dropbear saves its host keys.
class WireWriter {
 public:
  void String(std::string_view value) {
    for (int shift = 24; shift >= 0; shift -= 8)
      out_.push_back(static_cast<char>((value.size() >> shift) & 0xFFU));
    out_.append(value);
  }
  void Integer(const EVP_PKEY* key, const char* param) {
    BIGNUM* value = nullptr;
    ASSERT_EQ(EVP_PKEY_get_bn_param(key, param, &value), 1) << param;
    std::string bytes(static_cast<std::size_t>(BN_num_bytes(value)), '\0');
    BN_bn2bin(value, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_clear_free(value);
    if (!bytes.empty() && (static_cast<unsigned char>(bytes.front()) & 0x80U) != 0)
      bytes.insert(bytes.begin(), '\0');  // mpints are signed
    String(bytes);
  }
  const std::string& Bytes() const { return out_; }

 private:
  std::string out_;
};

std::string DropbearRsa(const EVP_PKEY* key) {
  WireWriter w;
  w.String("ssh-rsa");
  for (const char* param : {OSSL_PKEY_PARAM_RSA_E, OSSL_PKEY_PARAM_RSA_N, OSSL_PKEY_PARAM_RSA_D,
                            OSSL_PKEY_PARAM_RSA_FACTOR1, OSSL_PKEY_PARAM_RSA_FACTOR2}) {
    w.Integer(key, param);
  }
  return w.Bytes();
}

std::string DropbearEcdsa(const EVP_PKEY* key) {
  unsigned char point[133];
  std::size_t length = 0;
  EXPECT_EQ(
      EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof(point), &length),
      1);
  WireWriter w;
  w.String("ecdsa-sha2-nistp256");
  w.String("nistp256");
  w.String(std::string_view(reinterpret_cast<const char*>(point), length));
  w.Integer(key, OSSL_PKEY_PARAM_PRIV_KEY);
  return w.Bytes();
}

std::string Ed25519Pair(const EVP_PKEY* key) {
  std::string pair(64, '\0');
  std::size_t length = 32;
  EXPECT_EQ(
      EVP_PKEY_get_raw_private_key(key, reinterpret_cast<unsigned char*>(pair.data()), &length), 1);
  length = 32;
  EXPECT_EQ(
      EVP_PKEY_get_raw_public_key(key, reinterpret_cast<unsigned char*>(pair.data() + 32), &length),
      1);
  return pair;
}

TEST(RawKeysTest, ConfirmsDropbearRsaAndEcdsaKeysByTheirArithmetic) {
  const Pkey rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  const Pkey ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(rsa && ec);
  const std::string rsa_file = DropbearRsa(rsa.get());
  const std::string ec_file = DropbearEcdsa(ec.get());

  const auto rsa_key = ParseDropbearKey(rsa_file + "trailing bytes");
  ASSERT_TRUE(rsa_key);
  EXPECT_EQ(rsa_key->length, rsa_file.size());
  EXPECT_EQ(rsa_key->description, "RSA 1024-bit, dropbear format");
  const auto ec_key = ParseDropbearKey(ec_file);
  ASSERT_TRUE(ec_key);
  EXPECT_EQ(ec_key->description, "ECDSA 256-bit, dropbear format");
}

TEST(RawKeysTest, RejectsDropbearKeysWhosePartsDoNotBelongTogether) {
  const Pkey rsa(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  const Pkey ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(rsa && ec);
  const std::string rsa_file = DropbearRsa(rsa.get());
  const std::string ec_file = DropbearEcdsa(ec.get());
  // One flipped bit anywhere in the key material breaks the relation the
  // parser checks, whichever field it lands in.
  for (const std::string* file : {&rsa_file, &ec_file}) {
    for (std::size_t at = 40; at < file->size(); at += 37) {
      SCOPED_TRACE(at);
      std::string tampered = *file;
      tampered[at] = static_cast<char>(tampered[at] ^ 0x10);
      EXPECT_FALSE(ParseDropbearKey(tampered));
    }
    EXPECT_FALSE(ParseDropbearKey(file->substr(0, file->size() - 1))) << "truncated";
  }
  // A public key blob has the same start but no private part.
  WireWriter public_only;
  public_only.String("ssh-rsa");
  public_only.Integer(rsa.get(), OSSL_PKEY_PARAM_RSA_E);
  public_only.Integer(rsa.get(), OSSL_PKEY_PARAM_RSA_N);
  EXPECT_FALSE(ParseDropbearKey(public_only.Bytes()));
  EXPECT_FALSE(ParseDropbearKey(std::string("\0\0\0\x07ssh-rsa\xff\xff\xff\xff", 15)));
  EXPECT_FALSE(ParseDropbearKey(""));
}

TEST(RawKeysTest, ConfirmsEd25519PairsOnlyWhenThePublicKeyDerivesFromTheSeed) {
  const Pkey ed(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ASSERT_TRUE(ed);
  const std::string pair = Ed25519Pair(ed.get());
  EXPECT_TRUE(ParseEd25519KeyPair(pair));

  WireWriter dropbear;
  dropbear.String("ssh-ed25519");
  dropbear.String(pair);
  const auto key = ParseDropbearKey(dropbear.Bytes());
  ASSERT_TRUE(key);
  EXPECT_EQ(key->description, "Ed25519, dropbear format");
  EXPECT_EQ(key->length, 83U);

  std::string wrong = pair;
  wrong[40] = static_cast<char>(wrong[40] ^ 1);
  EXPECT_FALSE(ParseEd25519KeyPair(wrong));
  EXPECT_FALSE(ParseEd25519KeyPair(std::string(64, '\x5a')));
  EXPECT_FALSE(ParseEd25519KeyPair(pair.substr(0, 63)));
}

TEST(RawKeysTest, AcceptsOnlyClampedCanonicalX25519Base64) {
  // Written by `wg genkey`.
  EXPECT_TRUE(IsClampedX25519Base64("0MCo3CjGF5vz1gwxwCdMiWLYZ3MTKvtMpS12QtLj7HI="));
  EXPECT_TRUE(IsClampedX25519Base64("WNPVRnfiWi27z+5kIiek4DmlLBwHN3qOrBSpdk50Fls="));
  // Random 32 bytes: the low bits of the first byte are set.
  EXPECT_FALSE(IsClampedX25519Base64("o56KQSVNmLOxYxIcoQpmkMWzWTWkgxyJ22HgVoGjOwY="));
  // Not canonical (padding bits set), wrong length, not base64.
  EXPECT_FALSE(IsClampedX25519Base64("0MCo3CjGF5vz1gwxwCdMiWLYZ3MTKvtMpS12QtLj7HJ="));
  EXPECT_FALSE(IsClampedX25519Base64("0MCo3CjGF5vz1gwxwCdMiWLYZ3MTKvtMpS12QtLj7H="));
  EXPECT_FALSE(IsClampedX25519Base64("0MCo3CjGF5vz1gwxwCdMiWLYZ3MTKvtMpS12QtLj7H*="));
}

TEST(RawKeysTest, CheckerReportsADropbearKeyInsideABinaryOnBothEngines) {
  const Pkey ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(ec);
  // The type names also sit in ssh programs as plain strings: not keys.
  const std::string strings = std::string(
                                  "\x7f"
                                  "ELF\0ssh-rsa\0ecdsa-sha2-nistp256\0",
                                  34) +
                              std::string("\0\0\0\x07ssh-rsa\0\0\0\x01\x03", 16);
  const std::string key = DropbearEcdsa(ec.get());
  const std::string binary = strings + key + strings;
  for (const ScannerEngine engine : {ScannerEngine::kBest, ScannerEngine::kPortable}) {
    AnalyzerOptions options;
    options.engine = engine;
    auto checker = Checker::Create(options);
    ASSERT_TRUE(checker) << checker.error().message();
    for (const std::string* content : {&binary, &strings}) {
      auto owned = std::make_shared<const std::string>(*content);
      ExtractedFile file;
      file.kind = ExtractedFile::Kind::kRegular;
      file.path = "/usr/lib/libdevice.so";
      file.data = *owned;
      file.owner = owned;
      FileResults results;
      (*checker)->CheckFile(file, &results);
      if (content == &strings) {
        EXPECT_TRUE(results.findings.empty());
        continue;
      }
      ASSERT_EQ(results.findings.size(), 1U);
      EXPECT_EQ(results.findings[0].rule_id, "FW-PRIVATE-KEY");
      EXPECT_EQ(results.findings[0].offset, strings.size());
      EXPECT_EQ(results.findings[0].evidence.find(key.substr(40, 16)), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace provisio::firmware
