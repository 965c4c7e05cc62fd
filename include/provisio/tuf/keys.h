// TUF public keys, key ids, signature verification, and key pairs that sign.
//
// Supported (TUF 1.0.x, securesystemslib and tuf-js formats):
//   keytype "ed25519", scheme "ed25519", keyval.public = 64 hex digits;
//   keytype "ecdsa" (legacy "ecdsa-sha2-nistp256" accepted on read), scheme
//     "ecdsa-sha2-nistp256", keyval.public = SubjectPublicKeyInfo PEM (hex of
//     the uncompressed point also accepted on read); signatures are DER, hex;
//   keytype "rsa", scheme "rsassa-pss-sha256", keyval.public = SPKI PEM;
//     signatures PSS/MGF1-SHA256, salt = digest length when signing, any salt
//     length accepted when verifying (as securesystemslib and tuf-js do).
// Signatures travel as lower-case hex of the raw signature bytes.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "provisio/core/result.h"
#include "provisio/tuf/rejection.h"

namespace provisio::tuf {

// Fields of a JSON object that this version does not know, kept so that the
// canonical form (and so signatures and key ids) survives a read/write cycle.
// Maps the field name to the JSON text of its value (as read: compact, keys
// sorted; any valid JSON text without floats may be given when writing).
using UnknownFields = std::map<std::string, std::string>;

struct Key {
  std::string keytype;                  // "ed25519", "ecdsa", "ecdsa-sha2-nistp256", "rsa".
  std::string scheme;                   // "ed25519", "ecdsa-sha2-nistp256", "rsassa-pss-sha256".
  std::string public_value;             // keyval.public, exactly as in the metadata.
  UnknownFields keyval_unknown_fields;  // Other members of "keyval".
  UnknownFields unknown_fields;         // Other members of the key object.

  friend bool operator==(const Key&, const Key&) = default;
};

enum class KeyType {
  kEd25519,    // keytype "ed25519", scheme "ed25519".
  kEcdsaP256,  // keytype "ecdsa", scheme "ecdsa-sha2-nistp256".
  kRsaPss,     // keytype "rsa", scheme "rsassa-pss-sha256", 3072-bit keys generated.
};

// "ed25519", "ecdsa", "rsa" (what a CLI flag would say).
std::string_view ToString(KeyType type);
// Accepts "ed25519", "ecdsa", "ecdsa-sha2-nistp256", "rsa", "rsassa-pss-sha256".
// Fails with kInvalidArgument otherwise.
Result<KeyType> ParseKeyType(std::string_view name);

// The canonical JSON of the key object:
// {"keytype":..,"keyval":{"public":..,<keyval unknown>},"scheme":..,<unknown>}.
std::string CanonicalKeyJson(const Key& key);

// Lower-case hex SHA-256 of CanonicalKeyJson(key): the TUF key id.
std::string ComputeKeyId(const Key& key);

// True when `key_id` is ComputeKeyId(key), or the id of `key` without its
// unknown fields (python-tuf computes ids over keytype/scheme/keyval only,
// older securesystemslib over the whole object).
bool KeyIdMatches(std::string_view key_id, const Key& key);

// Checks that keytype/scheme are a supported pair and the public value
// decodes. Fails with kUnsupportedKey or kMalformed.
Checked<void> ValidateKey(const Key& key);

// Verifies `signature_hex` over `message` with `key`. Fails with
// kBadSignature (wrong signature or not hex), kUnsupportedKey or kMalformed
// (public value does not decode).
Checked<void> VerifySignature(const Key& key,
                              std::string_view signature_hex,
                              std::string_view message);

// A private key that signs, with its TUF public key and key id. Cheap to
// copy (shared, immutable). Thread-safe: Sign may be called concurrently.
class KeyPair {
 public:
  // Generates a fresh key from the OpenSSL CSPRNG. Fails with kInternal if
  // OpenSSL fails.
  static Result<KeyPair> Generate(KeyType type);

  // Imports an unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") holding
  // an Ed25519, P-256 ECDSA or RSA key. Fails with kParse if it does not
  // decode, kUnsupported for other key kinds or curves, RSA below 2048 bits.
  static Result<KeyPair> FromPrivateKeyPem(std::string_view pem);

  KeyType type() const;
  // The public key in TUF form (keytype "ecdsa" for ECDSA).
  const Key& public_key() const;
  // ComputeKeyId(public_key()).
  const std::string& key_id() const;

  // Unencrypted PKCS#8 PEM of the private key. The caller stores it 0600 and
  // never prints it.
  Result<std::string> PrivateKeyPem() const;

  // Signs `message` (the canonical bytes) with the key's scheme; returns the
  // signature as lower-case hex. Fails with kInternal if OpenSSL fails.
  Result<std::string> Sign(std::string_view message) const;

 private:
  struct State;
  explicit KeyPair(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace provisio::tuf
