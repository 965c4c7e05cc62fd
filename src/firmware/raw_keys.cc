#include "firmware/raw_keys.h"

#include <array>
#include <cstdint>
#include <memory>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>

namespace provisio::firmware {
namespace {

// The largest field any supported key has: an RSA-16384 modulus is 2049
// bytes in SSH's mpint encoding. Anything larger is not a key.
constexpr std::size_t kMaxFieldBytes = 4096;

struct BignumDeleter {
  void operator()(BIGNUM* bn) const { BN_clear_free(bn); }
};
struct BnCtxDeleter {
  void operator()(BN_CTX* ctx) const { BN_CTX_free(ctx); }
};
struct GroupDeleter {
  void operator()(EC_GROUP* group) const { EC_GROUP_free(group); }
};
struct PointDeleter {
  void operator()(EC_POINT* point) const { EC_POINT_free(point); }
};
struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Bignum = std::unique_ptr<BIGNUM, BignumDeleter>;
using BnCtx = std::unique_ptr<BN_CTX, BnCtxDeleter>;

// Reads SSH wire encoding (RFC 4251 section 5): 32-bit big-endian lengths
// in front of strings and of positive multiple-precision integers.
class WireReader {
 public:
  explicit WireReader(std::string_view data) : data_(data) {}

  std::optional<std::string_view> String() {
    if (data_.size() - offset_ < 4)
      return std::nullopt;
    std::uint32_t length = 0;
    for (std::size_t i = 0; i < 4; ++i)
      length = (length << 8) | static_cast<unsigned char>(data_[offset_ + i]);
    if (length > kMaxFieldBytes || data_.size() - offset_ - 4 < length)
      return std::nullopt;
    const std::string_view field = data_.substr(offset_ + 4, length);
    offset_ += 4 + length;
    return field;
  }

  // A positive mpint; negative or empty values are not key material.
  Bignum PositiveInteger() {
    const auto bytes = String();
    if (!bytes || bytes->empty() || (static_cast<unsigned char>(bytes->front()) & 0x80U) != 0)
      return nullptr;
    Bignum value(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes->data()),
                           static_cast<int>(bytes->size()), nullptr));
    if (value == nullptr || BN_is_zero(value.get()))
      return nullptr;
    return value;
  }

  std::size_t Consumed() const { return offset_; }

 private:
  std::string_view data_;
  std::size_t offset_ = 0;
};

Bignum NewBignum() {
  return Bignum(BN_new());
}

bool IsOneModulo(const BIGNUM* value, const BIGNUM* modulus, BN_CTX* ctx) {
  Bignum rest = NewBignum();
  return rest != nullptr && BN_mod(rest.get(), value, modulus, ctx) == 1 && BN_is_one(rest.get());
}

// dropbear: e, n, d, p, q after the type name.
std::optional<std::string> CheckRsa(WireReader& reader) {
  const Bignum e = reader.PositiveInteger();
  const Bignum n = reader.PositiveInteger();
  const Bignum d = reader.PositiveInteger();
  const Bignum p = reader.PositiveInteger();
  const Bignum q = reader.PositiveInteger();
  const BnCtx ctx(BN_CTX_new());
  if (!e || !n || !d || !p || !q || !ctx || BN_num_bits(n.get()) < 512)
    return std::nullopt;
  Bignum product = NewBignum();
  Bignum ed = NewBignum();
  Bignum p1(BN_dup(p.get()));
  Bignum q1(BN_dup(q.get()));
  if (!product || !ed || !p1 || !q1 || BN_is_one(p.get()) || BN_is_one(q.get()) ||
      BN_mul(product.get(), p.get(), q.get(), ctx.get()) != 1 ||
      BN_cmp(product.get(), n.get()) != 0 || BN_mul(ed.get(), e.get(), d.get(), ctx.get()) != 1 ||
      BN_sub_word(p1.get(), 1) != 1 || BN_sub_word(q1.get(), 1) != 1 ||
      !IsOneModulo(ed.get(), p1.get(), ctx.get()) || !IsOneModulo(ed.get(), q1.get(), ctx.get())) {
    return std::nullopt;
  }
  return "RSA " + std::to_string(BN_num_bits(n.get())) + "-bit";
}

// dropbear: p, q, g, y, x after the type name.
std::optional<std::string> CheckDsa(WireReader& reader) {
  const Bignum p = reader.PositiveInteger();
  const Bignum q = reader.PositiveInteger();
  const Bignum g = reader.PositiveInteger();
  const Bignum y = reader.PositiveInteger();
  const Bignum x = reader.PositiveInteger();
  const BnCtx ctx(BN_CTX_new());
  if (!p || !q || !g || !y || !x || !ctx || BN_num_bits(p.get()) < 512 ||
      BN_num_bits(p.get()) > 4096 || BN_cmp(g.get(), p.get()) >= 0 ||
      BN_cmp(x.get(), q.get()) >= 0 || BN_is_one(g.get())) {
    return std::nullopt;
  }
  Bignum derived = NewBignum();
  if (!derived || BN_mod_exp(derived.get(), g.get(), x.get(), p.get(), ctx.get()) != 1 ||
      BN_cmp(derived.get(), y.get()) != 0) {
    return std::nullopt;
  }
  return "DSA " + std::to_string(BN_num_bits(p.get())) + "-bit";
}

// dropbear: the curve name again, the public point Q, the scalar d.
std::optional<std::string> CheckEcdsa(WireReader& reader, std::string_view curve) {
  static constexpr std::array<std::pair<std::string_view, int>, 3> kCurves = {{
      {"nistp256", NID_X9_62_prime256v1},
      {"nistp384", NID_secp384r1},
      {"nistp521", NID_secp521r1},
  }};
  int nid = NID_undef;
  for (const auto& [name, id] : kCurves) {
    if (name == curve)
      nid = id;
  }
  const auto named = reader.String();
  const auto point = reader.String();
  const Bignum d = reader.PositiveInteger();
  if (nid == NID_undef || !named || *named != curve || !point || !d)
    return std::nullopt;
  const BnCtx ctx(BN_CTX_new());
  const std::unique_ptr<EC_GROUP, GroupDeleter> group(EC_GROUP_new_by_curve_name(nid));
  if (!ctx || !group || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0)
    return std::nullopt;
  const std::unique_ptr<EC_POINT, PointDeleter> public_point(EC_POINT_new(group.get()));
  const std::unique_ptr<EC_POINT, PointDeleter> derived(EC_POINT_new(group.get()));
  if (!public_point || !derived ||
      EC_POINT_oct2point(group.get(), public_point.get(),
                         reinterpret_cast<const unsigned char*>(point->data()), point->size(),
                         ctx.get()) != 1 ||
      EC_POINT_mul(group.get(), derived.get(), d.get(), nullptr, nullptr, ctx.get()) != 1 ||
      EC_POINT_cmp(group.get(), derived.get(), public_point.get(), ctx.get()) != 0) {
    ERR_clear_error();
    return std::nullopt;
  }
  return "ECDSA " + std::string(curve.substr(5)) + "-bit";
}

bool Ed25519SeedMatches(std::string_view seed, std::string_view public_key) {
  const std::unique_ptr<EVP_PKEY, PkeyDeleter> key(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(seed.data()), seed.size()));
  std::array<unsigned char, 32> derived{};
  std::size_t length = derived.size();
  if (!key || EVP_PKEY_get_raw_public_key(key.get(), derived.data(), &length) != 1 ||
      length != public_key.size()) {
    ERR_clear_error();
    return false;
  }
  return std::string_view(reinterpret_cast<const char*>(derived.data()), length) == public_key;
}

}  // namespace

std::optional<RawKey> ParseDropbearKey(std::string_view data) {
  WireReader reader(data.substr(0, 4 * kMaxFieldBytes));
  const auto type = reader.String();
  if (!type)
    return std::nullopt;
  std::optional<std::string> description;
  if (*type == "ssh-rsa") {
    description = CheckRsa(reader);
  } else if (*type == "ssh-dss") {
    description = CheckDsa(reader);
  } else if (*type == "ssh-ed25519") {
    // dropbear keeps the 32-byte seed and the public key in one string.
    const auto pair = reader.String();
    if (pair && ParseEd25519KeyPair(*pair))
      description = "Ed25519";
  } else if (type->substr(0, 11) == "ecdsa-sha2-") {
    description = CheckEcdsa(reader, type->substr(11));
  }
  if (!description)
    return std::nullopt;
  return RawKey{reader.Consumed(), *description + ", dropbear format"};
}

std::optional<RawKey> ParseEd25519KeyPair(std::string_view data) {
  if (data.size() != 64 || !Ed25519SeedMatches(data.substr(0, 32), data.substr(32)))
    return std::nullopt;
  return RawKey{64, "Ed25519, raw seed and public key"};
}

bool IsClampedX25519Base64(std::string_view base64) {
  // 32 bytes are 43 base64 characters and one '='; the 43rd character
  // carries four data bits and two zero bits.
  if (base64.size() != 44 || base64[43] != '=')
    return false;
  for (const char c : base64.substr(0, 43)) {
    const bool alphabet = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '+' || c == '/';
    if (!alphabet)
      return false;
  }
  std::array<unsigned char, 36> bytes{};
  if (EVP_DecodeBlock(bytes.data(), reinterpret_cast<const unsigned char*>(base64.data()), 44) !=
      33) {
    return false;
  }
  // The decoder counts the '=' as a zero byte; a non-zero one means the
  // text was not a canonical 32-byte encoding.
  if (bytes[32] != 0)
    return false;
  return (bytes[0] & 0x07U) == 0 && (bytes[31] & 0xC0U) == 0x40U;
}

}  // namespace provisio::firmware
