// Keys and signatures over OpenSSL 3 EVP: the only file of the module that
// calls OpenSSL's signature API.
#include "provisio/tuf/keys.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "provisio/core/sha256.h"
#include "tuf/json_internal.h"

namespace provisio::tuf {
namespace {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;
using BioPtr = std::unique_ptr<BIO, BioDeleter>;

constexpr std::string_view kEd25519 = "ed25519";
constexpr std::string_view kEcdsaScheme = "ecdsa-sha2-nistp256";
constexpr std::string_view kRsaScheme = "rsassa-pss-sha256";

// DER prefix of a SubjectPublicKeyInfo for a P-256 uncompressed point.
constexpr unsigned char kP256SpkiPrefix[] = {0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48,
                                             0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
                                             0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00};

std::optional<KeyType> SchemeKind(const Key& key) {
  if (key.keytype == kEd25519 && key.scheme == kEd25519) {
    return KeyType::kEd25519;
  }
  if ((key.keytype == "ecdsa" || key.keytype == kEcdsaScheme) && key.scheme == kEcdsaScheme) {
    return KeyType::kEcdsaP256;
  }
  if (key.keytype == "rsa" && key.scheme == kRsaScheme) {
    return KeyType::kRsaPss;
  }
  return std::nullopt;
}

PkeyPtr ReadPublicPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return nullptr;
  }
  return PkeyPtr(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

bool IsP256(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) {
    return false;
  }
  char group[64] = {};
  std::size_t length = 0;
  if (EVP_PKEY_get_group_name(key, group, sizeof(group), &length) != 1) {
    return false;
  }
  const std::string_view name(group, length);
  return name == "prime256v1" || name == "P-256" || name == "secp256r1";
}

// Decodes the public value of a supported key.
Checked<PkeyPtr> DecodePublicKey(const Key& key) {
  const std::optional<KeyType> kind = SchemeKind(key);
  if (!kind) {
    return Reject(RejectReason::kUnsupportedKey,
                  "unsupported keytype/scheme '" + key.keytype + "'/'" + key.scheme + "'");
  }
  switch (*kind) {
    case KeyType::kEd25519: {
      Result<std::string> raw = HexDecode(key.public_value);
      if (!raw || raw->size() != 32) {
        return Reject(RejectReason::kMalformed, "ed25519 public key is not 64 hex digits");
      }
      PkeyPtr pkey(EVP_PKEY_new_raw_public_key(
          EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw->data()), 32));
      if (!pkey) {
        return Reject(RejectReason::kMalformed, "ed25519 public key does not decode");
      }
      return pkey;
    }
    case KeyType::kEcdsaP256: {
      PkeyPtr pkey;
      if (key.public_value.rfind("-----BEGIN", 0) == 0) {
        pkey = ReadPublicPem(key.public_value);
      } else {
        Result<std::string> point = HexDecode(key.public_value);
        if (point && point->size() == 65 && (*point)[0] == '\x04') {
          std::string der(reinterpret_cast<const char*>(kP256SpkiPrefix), sizeof(kP256SpkiPrefix));
          der += *point;
          const auto* p = reinterpret_cast<const unsigned char*>(der.data());
          pkey.reset(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
        }
      }
      if (!pkey || !IsP256(pkey.get())) {
        return Reject(RejectReason::kMalformed, "ecdsa public key is not a P-256 SPKI PEM");
      }
      return pkey;
    }
    case KeyType::kRsaPss: {
      PkeyPtr pkey = ReadPublicPem(key.public_value);
      if (!pkey || EVP_PKEY_get_base_id(pkey.get()) != EVP_PKEY_RSA) {
        return Reject(RejectReason::kMalformed, "rsa public key is not an RSA SPKI PEM");
      }
      return pkey;
    }
  }
  return Reject(RejectReason::kUnsupportedKey, "unsupported key");
}

const EVP_MD* DigestFor(KeyType type) {
  return type == KeyType::kEd25519 ? nullptr : EVP_sha256();
}

Result<std::string> PublicPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return Fail(ErrorCode::kInternal, "cannot encode public key");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

Result<Key> PublicKeyOf(EVP_PKEY* pkey, KeyType type) {
  Key key;
  switch (type) {
    case KeyType::kEd25519: {
      unsigned char raw[32];
      std::size_t length = sizeof(raw);
      if (EVP_PKEY_get_raw_public_key(pkey, raw, &length) != 1 || length != 32) {
        return Fail(ErrorCode::kInternal, "cannot read ed25519 public key");
      }
      key.keytype = kEd25519;
      key.scheme = kEd25519;
      key.public_value = HexEncode(std::string_view(reinterpret_cast<const char*>(raw), length));
      return key;
    }
    case KeyType::kEcdsaP256:
      key.keytype = "ecdsa";
      key.scheme = kEcdsaScheme;
      break;
    case KeyType::kRsaPss:
      key.keytype = "rsa";
      key.scheme = kRsaScheme;
      break;
  }
  Result<std::string> pem = PublicPem(pkey);
  if (!pem) {
    return Fail(pem.error());
  }
  key.public_value = std::move(*pem);
  return key;
}

}  // namespace

std::string_view ToString(KeyType type) {
  switch (type) {
    case KeyType::kEd25519:
      return "ed25519";
    case KeyType::kEcdsaP256:
      return "ecdsa";
    case KeyType::kRsaPss:
      return "rsa";
  }
  return "unknown";
}

Result<KeyType> ParseKeyType(std::string_view name) {
  if (name == "ed25519") {
    return KeyType::kEd25519;
  }
  if (name == "ecdsa" || name == kEcdsaScheme) {
    return KeyType::kEcdsaP256;
  }
  if (name == "rsa" || name == kRsaScheme) {
    return KeyType::kRsaPss;
  }
  return Fail(ErrorCode::kInvalidArgument,
              "unknown key type '" + std::string(name) + "' (ed25519, ecdsa, rsa)");
}

std::string internal::KeyObjectJson(const Key& key, internal::Style style) {
  internal::ObjectWriter keyval(style);
  keyval.String("public", key.public_value).Unknown(key.keyval_unknown_fields);
  internal::ObjectWriter object(style);
  object.String("keytype", key.keytype)
      .String("scheme", key.scheme)
      .Raw("keyval", keyval.Finish())
      .Unknown(key.unknown_fields);
  return object.Finish();
}

std::string CanonicalKeyJson(const Key& key) {
  return internal::KeyObjectJson(key, internal::Style::kCanonical);
}

std::string ComputeKeyId(const Key& key) {
  return Sha256Hex(CanonicalKeyJson(key));
}

bool KeyIdMatches(std::string_view key_id, const Key& key) {
  if (key_id == ComputeKeyId(key)) {
    return true;
  }
  Key bare;
  bare.keytype = key.keytype;
  bare.scheme = key.scheme;
  bare.public_value = key.public_value;
  return key_id == ComputeKeyId(bare);
}

Checked<void> ValidateKey(const Key& key) {
  Checked<PkeyPtr> pkey = DecodePublicKey(key);
  if (!pkey) {
    return Reject(pkey.error());
  }
  return {};
}

Checked<void> VerifySignature(const Key& key,
                              std::string_view signature_hex,
                              std::string_view message) {
  Checked<PkeyPtr> pkey = DecodePublicKey(key);
  if (!pkey) {
    return Reject(pkey.error());
  }
  Result<std::string> signature = HexDecode(signature_hex);
  if (!signature || signature->empty()) {
    return Reject(RejectReason::kBadSignature, "signature is not hex");
  }
  const KeyType type = *SchemeKind(key);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, DigestFor(type), nullptr, pkey->get()) != 1) {
    return Reject(RejectReason::kUnsupportedKey, "cannot initialise verification");
  }
  if (type == KeyType::kRsaPss) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_AUTO) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1) {
      return Reject(RejectReason::kUnsupportedKey, "cannot set RSA-PSS parameters");
    }
  }
  const int ok = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  if (ok != 1) {
    return Reject(RejectReason::kBadSignature, "signature does not verify");
  }
  return {};
}

struct KeyPair::State {
  PkeyPtr pkey;
  KeyType type = KeyType::kEd25519;
  Key public_key;
  std::string key_id;
};

KeyPair::KeyPair(std::shared_ptr<const State> state) : state_(std::move(state)) {
}

Result<KeyPair> KeyPair::Generate(KeyType type) {
  EVP_PKEY* raw = nullptr;
  switch (type) {
    case KeyType::kEd25519:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
    case KeyType::kEcdsaP256:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case KeyType::kRsaPss:
      raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(3072));
      break;
  }
  if (raw == nullptr) {
    return Fail(ErrorCode::kInternal, "OpenSSL failed to generate a key");
  }
  PkeyPtr pkey(raw);
  Result<Key> key = PublicKeyOf(pkey.get(), type);
  if (!key) {
    return Fail(key.error());
  }
  auto state = std::make_shared<State>();
  state->pkey = std::move(pkey);
  state->type = type;
  state->key_id = ComputeKeyId(*key);
  state->public_key = std::move(*key);
  return KeyPair(std::move(state));
}

Result<KeyPair> KeyPair::FromPrivateKeyPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) {
    return Fail(ErrorCode::kInternal, "cannot allocate a BIO");
  }
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!pkey) {
    return Fail(ErrorCode::kParse, "not an unencrypted PEM private key");
  }
  KeyType type = KeyType::kEd25519;
  const int id = EVP_PKEY_get_base_id(pkey.get());
  if (id == EVP_PKEY_ED25519) {
    type = KeyType::kEd25519;
  } else if (id == EVP_PKEY_EC && IsP256(pkey.get())) {
    type = KeyType::kEcdsaP256;
  } else if (id == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(pkey.get()) < 2048) {
      return Fail(ErrorCode::kUnsupported, "RSA keys below 2048 bits are not accepted");
    }
    type = KeyType::kRsaPss;
  } else {
    return Fail(ErrorCode::kUnsupported, "private key is not Ed25519, ECDSA P-256 or RSA");
  }
  Result<Key> key = PublicKeyOf(pkey.get(), type);
  if (!key) {
    return Fail(key.error());
  }
  auto state = std::make_shared<State>();
  state->pkey = std::move(pkey);
  state->type = type;
  state->key_id = ComputeKeyId(*key);
  state->public_key = std::move(*key);
  return KeyPair(std::move(state));
}

KeyType KeyPair::type() const {
  return state_->type;
}

const Key& KeyPair::public_key() const {
  return state_->public_key;
}

const std::string& KeyPair::key_id() const {
  return state_->key_id;
}

Result<std::string> KeyPair::PrivateKeyPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PrivateKey(bio.get(), state_->pkey.get(), nullptr, nullptr, 0, nullptr,
                                       nullptr) != 1) {
    return Fail(ErrorCode::kInternal, "cannot encode private key");
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<std::size_t>(length));
  OPENSSL_cleanse(data, static_cast<std::size_t>(length));
  return pem;
}

Result<std::string> KeyPair::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  if (!ctx || EVP_DigestSignInit(ctx.get(), &pctx, DigestFor(state_->type), nullptr,
                                 state_->pkey.get()) != 1) {
    return Fail(ErrorCode::kInternal, "cannot initialise signing");
  }
  if (state_->type == KeyType::kRsaPss) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
        EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, EVP_sha256()) != 1) {
      return Fail(ErrorCode::kInternal, "cannot set RSA-PSS parameters");
    }
  }
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  std::size_t length = 0;
  if (EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
    return Fail(ErrorCode::kInternal, "cannot size the signature");
  }
  std::vector<unsigned char> signature(length);
  if (EVP_DigestSign(ctx.get(), signature.data(), &length, data, message.size()) != 1) {
    return Fail(ErrorCode::kInternal, "signing failed");
  }
  return HexEncode(std::string_view(reinterpret_cast<const char*>(signature.data()), length));
}

}  // namespace provisio::tuf
