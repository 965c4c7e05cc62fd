#include "provisio/tuf/keys.h"

#include <string>

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "provisio/core/sha256.h"
#include "tuf/test_repository.h"

namespace provisio::tuf {
namespace {

const KeyType kAllTypes[] = {KeyType::kEd25519, KeyType::kEcdsaP256, KeyType::kRsaPss};

TEST(KeyPairTest, SignsAndVerifiesWithEveryKeyType) {
  for (KeyType type : kAllTypes) {
    SCOPED_TRACE(std::string(ToString(type)));
    Result<KeyPair> key = KeyPair::Generate(type);
    ASSERT_TRUE(key.has_value()) << key.error().message();

    Result<std::string> signature = key->Sign("canonical bytes");

    ASSERT_TRUE(signature.has_value());
    EXPECT_TRUE(VerifySignature(key->public_key(), *signature, "canonical bytes").has_value());
    Checked<void> tampered = VerifySignature(key->public_key(), *signature, "canonical bytez");
    ASSERT_FALSE(tampered.has_value());
    EXPECT_EQ(tampered.error().reason(), RejectReason::kBadSignature);
    EXPECT_TRUE(ValidateKey(key->public_key()).has_value());
  }
}

TEST(KeyPairTest, UsesTufKeyTypesAndSchemes) {
  struct Case {
    KeyType type;
    const char* keytype;
    const char* scheme;
    const char* public_prefix;
  };
  const Case cases[] = {
      {KeyType::kEd25519, "ed25519", "ed25519", ""},
      {KeyType::kEcdsaP256, "ecdsa", "ecdsa-sha2-nistp256", "-----BEGIN PUBLIC KEY-----\n"},
      {KeyType::kRsaPss, "rsa", "rsassa-pss-sha256", "-----BEGIN PUBLIC KEY-----\n"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.keytype);

    Result<KeyPair> key = testing::NewKey(c.type);

    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(key->public_key().keytype, c.keytype);
    EXPECT_EQ(key->public_key().scheme, c.scheme);
    EXPECT_EQ(key->public_key().public_value.rfind(c.public_prefix, 0), 0U);
    EXPECT_EQ(key->key_id(), ComputeKeyId(key->public_key()));
  }
  Result<KeyPair> ed = KeyPair::Generate(KeyType::kEd25519);
  ASSERT_TRUE(ed.has_value());
  EXPECT_EQ(ed->public_key().public_value.size(), 64U);
}

TEST(KeyPairTest, PrivateKeyPemRoundTripsToTheSameKeyId) {
  for (KeyType type : kAllTypes) {
    SCOPED_TRACE(std::string(ToString(type)));
    Result<KeyPair> key = testing::NewKey(type);
    ASSERT_TRUE(key.has_value());

    Result<std::string> pem = key->PrivateKeyPem();
    ASSERT_TRUE(pem.has_value());
    Result<KeyPair> imported = KeyPair::FromPrivateKeyPem(*pem);

    ASSERT_TRUE(imported.has_value()) << imported.error().message();
    EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----", 0), 0U);
    EXPECT_EQ(imported->key_id(), key->key_id());
    EXPECT_EQ(imported->type(), type);
    Result<std::string> signature = imported->Sign("m");
    ASSERT_TRUE(signature.has_value());
    EXPECT_TRUE(VerifySignature(key->public_key(), *signature, "m").has_value());
  }
}

TEST(KeyPairTest, RefusesGarbagePem) {
  Result<KeyPair> imported = KeyPair::FromPrivateKeyPem("-----BEGIN PRIVATE KEY-----\nxx\n");

  ASSERT_FALSE(imported.has_value());
  EXPECT_EQ(imported.error().code(), ErrorCode::kParse);
}

TEST(KeyIdTest, IsSha256OfTheCanonicalKeyObject) {
  Key key;
  key.keytype = "ed25519";
  key.scheme = "ed25519";
  key.public_value = std::string(64, 'a');
  const std::string canonical = R"({"keytype":"ed25519","keyval":{"public":")" +
                                std::string(64, 'a') + R"("},"scheme":"ed25519"})";

  EXPECT_EQ(CanonicalKeyJson(key), canonical);
  EXPECT_EQ(ComputeKeyId(key), Sha256Hex(canonical));
}

TEST(KeyIdTest, MatchesWithOrWithoutUnknownFields) {
  Key key;
  key.keytype = "ed25519";
  key.scheme = "ed25519";
  key.public_value = std::string(64, 'b');
  const std::string bare_id = ComputeKeyId(key);
  key.unknown_fields["keyid_hash_algorithms"] = R"(["sha256","sha512"])";
  const std::string full_id = ComputeKeyId(key);

  EXPECT_NE(bare_id, full_id);
  EXPECT_TRUE(KeyIdMatches(bare_id, key));
  EXPECT_TRUE(KeyIdMatches(full_id, key));
  EXPECT_FALSE(KeyIdMatches(std::string(64, '0'), key));
}

TEST(VerifySignatureTest, AcceptsLegacyEcdsaKeytypeAndHexPoint) {
  Result<KeyPair> key = KeyPair::Generate(KeyType::kEcdsaP256);
  ASSERT_TRUE(key.has_value());
  Result<std::string> signature = key->Sign("m");
  ASSERT_TRUE(signature.has_value());
  Key legacy = key->public_key();
  legacy.keytype = "ecdsa-sha2-nistp256";
  // The SPKI DER of a P-256 key ends with the 65-byte uncompressed point.
  const std::string& pem = legacy.public_value;
  const std::size_t begin = pem.find('\n') + 1;
  std::string base64;
  for (const char c : pem.substr(begin, pem.find("-----END") - begin)) {
    if (c != '\n') {
      base64 += c;
    }
  }
  std::string der(base64.size(), '\0');
  const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(der.data()),
                                     reinterpret_cast<const unsigned char*>(base64.data()),
                                     static_cast<int>(base64.size()));
  ASSERT_EQ(length, 93);  // 91 bytes, padded to a multiple of 3.
  Key hex_point = legacy;
  hex_point.public_value = HexEncode(std::string_view(der).substr(26, 65));

  EXPECT_TRUE(VerifySignature(legacy, *signature, "m").has_value());
  EXPECT_TRUE(VerifySignature(hex_point, *signature, "m").has_value());
}

TEST(VerifySignatureTest, RefusesUnsupportedSchemesAndBadValues) {
  Result<KeyPair> ed = KeyPair::Generate(KeyType::kEd25519);
  ASSERT_TRUE(ed.has_value());
  Result<std::string> signature = ed->Sign("m");
  ASSERT_TRUE(signature.has_value());
  struct Case {
    const char* name;
    Key key;
    RejectReason reason;
  };
  Key wrong_scheme = ed->public_key();
  wrong_scheme.scheme = "rsassa-pss-sha256";
  Key unknown_type = ed->public_key();
  unknown_type.keytype = "sphincs";
  Key short_value = ed->public_key();
  short_value.public_value = "abcd";
  Key rsa_not_pem = ed->public_key();
  rsa_not_pem.keytype = "rsa";
  rsa_not_pem.scheme = "rsassa-pss-sha256";
  const Case cases[] = {
      {"wrong scheme", wrong_scheme, RejectReason::kUnsupportedKey},
      {"unknown type", unknown_type, RejectReason::kUnsupportedKey},
      {"short value", short_value, RejectReason::kMalformed},
      {"rsa not pem", rsa_not_pem, RejectReason::kMalformed},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);

    Checked<void> verified = VerifySignature(c.key, *signature, "m");

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().reason(), c.reason);
  }
  Checked<void> not_hex = VerifySignature(ed->public_key(), "zz", "m");
  ASSERT_FALSE(not_hex.has_value());
  EXPECT_EQ(not_hex.error().reason(), RejectReason::kBadSignature);
}

TEST(VerifySignatureTest, RefusesASignatureByAnotherKeyOfTheSameType) {
  for (KeyType type : kAllTypes) {
    SCOPED_TRACE(std::string(ToString(type)));
    Result<KeyPair> signer = testing::NewKey(type);
    Result<KeyPair> other = testing::NewKey(type);
    ASSERT_TRUE(signer.has_value() && other.has_value());
    Result<std::string> signature = signer->Sign("m");
    ASSERT_TRUE(signature.has_value());

    Checked<void> verified = VerifySignature(other->public_key(), *signature, "m");

    ASSERT_FALSE(verified.has_value());
    EXPECT_EQ(verified.error().reason(), RejectReason::kBadSignature);
  }
}

TEST(ParseKeyTypeTest, AcceptsCliNamesAndSchemes) {
  EXPECT_EQ(ParseKeyType("ed25519").value_or(KeyType::kRsaPss), KeyType::kEd25519);
  EXPECT_EQ(ParseKeyType("ecdsa").value_or(KeyType::kRsaPss), KeyType::kEcdsaP256);
  EXPECT_EQ(ParseKeyType("ecdsa-sha2-nistp256").value_or(KeyType::kRsaPss), KeyType::kEcdsaP256);
  EXPECT_EQ(ParseKeyType("rsa").value_or(KeyType::kEd25519), KeyType::kRsaPss);
  EXPECT_FALSE(ParseKeyType("dsa").has_value());
}

}  // namespace
}  // namespace provisio::tuf
