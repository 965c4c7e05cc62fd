#include "firmware/web_password.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <openssl/evp.h>

namespace provisio::firmware {
namespace {

constexpr std::string_view kApr1Magic = "$apr1$";
constexpr std::string_view kShaPrefix = "{SHA}";
constexpr char kCryptAlphabet[] =
    "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

using Md5 = std::array<unsigned char, 16>;

// One MD5 over the concatenation of `parts`.
class Md5Digest {
 public:
  Md5Digest() : context_(EVP_MD_CTX_new()) {
    ok_ = context_ != nullptr && EVP_DigestInit_ex(context_, EVP_md5(), nullptr) == 1;
  }
  ~Md5Digest() { EVP_MD_CTX_free(context_); }
  Md5Digest(const Md5Digest&) = delete;
  Md5Digest& operator=(const Md5Digest&) = delete;

  void Add(std::string_view bytes) {
    ok_ = ok_ && EVP_DigestUpdate(context_, bytes.data(), bytes.size()) == 1;
  }
  void Add(const unsigned char* bytes, std::size_t size) {
    ok_ = ok_ && EVP_DigestUpdate(context_, bytes, size) == 1;
  }
  // False when OpenSSL failed (MD5 unavailable): nothing then matches.
  bool Finish(Md5* out) {
    unsigned int size = 0;
    return ok_ && EVP_DigestFinal_ex(context_, out->data(), &size) == 1 && size == out->size();
  }

 private:
  EVP_MD_CTX* context_;
  bool ok_ = false;
};

void AppendBase64Crypt(std::uint32_t value, int digits, std::string* out) {
  for (int i = 0; i < digits; ++i) {
    out->push_back(kCryptAlphabet[value & 0x3FU]);
    value >>= 6U;
  }
}

// md5crypt (Poul-Henning Kamp's algorithm) with Apache's magic: the digest
// part of "$apr1$salt$digest", or empty when MD5 is unavailable.
std::string Apr1Digest(std::string_view password, std::string_view salt) {
  Md5 alternate{};
  {
    Md5Digest digest;
    digest.Add(password);
    digest.Add(salt);
    digest.Add(password);
    if (!digest.Finish(&alternate))
      return {};
  }
  Md5 result{};
  {
    Md5Digest digest;
    digest.Add(password);
    digest.Add(kApr1Magic);
    digest.Add(salt);
    for (std::size_t left = password.size(); left > 0; left -= std::min<std::size_t>(left, 16))
      digest.Add(alternate.data(), std::min<std::size_t>(left, 16));
    for (std::size_t bits = password.size(); bits != 0; bits >>= 1U) {
      const unsigned char zero = 0;
      if ((bits & 1U) != 0)
        digest.Add(&zero, 1);
      else
        digest.Add(password.substr(0, 1));
    }
    if (!digest.Finish(&result))
      return {};
  }
  // A thousand rounds, to slow down guessing.
  for (int round = 0; round < 1000; ++round) {
    Md5Digest digest;
    if ((round & 1) != 0)
      digest.Add(password);
    else
      digest.Add(result.data(), result.size());
    if (round % 3 != 0)
      digest.Add(salt);
    if (round % 7 != 0)
      digest.Add(password);
    if ((round & 1) != 0)
      digest.Add(result.data(), result.size());
    else
      digest.Add(password);
    if (!digest.Finish(&result))
      return {};
  }
  std::string out;
  const auto group = [&](int a, int b, int c) {
    AppendBase64Crypt((std::uint32_t{result[static_cast<std::size_t>(a)]} << 16U) |
                          (std::uint32_t{result[static_cast<std::size_t>(b)]} << 8U) |
                          result[static_cast<std::size_t>(c)],
                      4, &out);
  };
  group(0, 6, 12);
  group(1, 7, 13);
  group(2, 8, 14);
  group(3, 9, 15);
  group(4, 10, 5);
  AppendBase64Crypt(result[11], 2, &out);
  return out;
}

std::string Sha1Base64(std::string_view password) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  if (EVP_Digest(password.data(), password.size(), digest.data(), &size, EVP_sha1(), nullptr) !=
      1) {
    return {};
  }
  std::array<unsigned char, 64> encoded{};
  const int length = EVP_EncodeBlock(encoded.data(), digest.data(), static_cast<int>(size));
  return std::string(reinterpret_cast<const char*>(encoded.data()),
                     static_cast<std::size_t>(length));
}

}  // namespace

bool IsWebPasswordHash(std::string_view hash) {
  return hash.substr(0, kApr1Magic.size()) == kApr1Magic ||
         hash.substr(0, kShaPrefix.size()) == kShaPrefix;
}

bool WebPasswordMatches(std::string_view password, std::string_view hash) {
  if (hash.substr(0, kShaPrefix.size()) == kShaPrefix) {
    const std::string expected = Sha1Base64(password);
    return !expected.empty() && hash.substr(kShaPrefix.size()) == expected;
  }
  if (hash.substr(0, kApr1Magic.size()) != kApr1Magic)
    return false;
  const std::string_view rest = hash.substr(kApr1Magic.size());
  const std::size_t dollar = rest.find('$');
  if (dollar == std::string_view::npos || dollar > 8)
    return false;
  const std::string digest = Apr1Digest(password, rest.substr(0, dollar));
  return !digest.empty() && rest.substr(dollar + 1) == digest;
}

}  // namespace provisio::firmware
