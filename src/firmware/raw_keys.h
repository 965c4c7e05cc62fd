// Private keys stored without a PEM or ASN.1 wrapper: dropbear host-key
// files (SSH wire encoding), bare Ed25519 key pairs and WireGuard's base64
// X25519 keys. Random bytes can look like any of these, so each parser
// confirms the key by arithmetic: the public half must follow from the
// private half (or, for X25519, the bits every generator clamps must be set).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace provisio::firmware {

struct RawKey {
  std::size_t length = 0;   // Bytes of `data` the key occupies.
  std::string description;  // e.g. "RSA 2048-bit, dropbear format"
};

// A dropbear private key starting at `data` (its first byte is the 4-byte
// length of the key type name: "ssh-rsa", "ssh-dss", "ssh-ed25519" or
// "ecdsa-sha2-nistp256/384/521"). Confirmed by checking p·q = n and
// e·d ≡ 1 (RSA), y = g^x mod p (DSA), d·G = Q (ECDSA) or that the public
// key derives from the seed (Ed25519). nullopt when it is not one.
std::optional<RawKey> ParseDropbearKey(std::string_view data);

// 64 bytes holding an Ed25519 seed followed by its public key (the layout
// of libsodium, NaCl and TweetNaCl secret keys). nullopt unless the public
// key derives from the seed.
std::optional<RawKey> ParseEd25519KeyPair(std::string_view data);

// A base64 text of 32 bytes with X25519's clamping applied (low three bits
// of the first byte clear, top bit of the last clear, the next one set), as
// `wg genkey` writes WireGuard private keys. One random 32-byte value in 32
// passes, so callers also require a "private key" label.
bool IsClampedX25519Base64(std::string_view base64);

}  // namespace provisio::firmware
