#include "provisio/passwords/record_cipher.h"

#include <sys/stat.h>

#include <array>
#include <memory>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"

namespace provisio::passwords {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kHeaderBytes = 8 + kNonceBytes;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* Bytes(std::string& s) {
  return reinterpret_cast<unsigned char*>(s.data());
}

}  // namespace

Result<std::string> ReadRecordKeyFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error().WithContext("reading record key"));
  }
  struct stat info {};
  if (::stat(path.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    OPENSSL_cleanse(text->data(), text->size());
    return Fail(
        ErrorCode::kInvalidArgument,
        path.string() + ": the key file must not be readable by group or others (chmod 600)");
  }
  if (text->size() == kRecordKeyBytes) {
    return text;
  }
  std::string_view hex = *text;
  if (!hex.empty() && hex.back() == '\n') {
    hex.remove_suffix(1);
  }
  if (hex.size() == 2 * kRecordKeyBytes) {
    Result<std::string> key = HexDecode(hex);
    OPENSSL_cleanse(text->data(), text->size());
    if (key) {
      return key;
    }
  }
  return Fail(ErrorCode::kInvalidArgument,
              path.string() +
                  ": a key file holds 32 raw bytes or 64 hex digits "
                  "(make one with: openssl rand -hex 32 > key; chmod 600 key)");
}

Result<std::string> EncryptRecords(std::string_view plaintext,
                                   std::string_view key,
                                   RandomSource& random) {
  PROVISIO_CHECK(key.size() == kRecordKeyBytes);
  std::string out(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
  std::copy(kRecordMagic.begin(), kRecordMagic.end(), out.begin());
  std::span<std::uint8_t> nonce(reinterpret_cast<std::uint8_t*>(out.data()) + 8, kNonceBytes);
  Result<void> filled = random.Fill(nonce);
  if (!filled) {
    return Fail(filled.error().WithContext("drawing a nonce"));
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  const bool ok =
      ctx != nullptr &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), nonce.data()) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(out), static_cast<int>(kHeaderBytes)) ==
          1 &&
      EVP_EncryptUpdate(ctx.get(), Bytes(out) + kHeaderBytes, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), Bytes(out) + kHeaderBytes + length, &final_length) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          Bytes(out) + kHeaderBytes + plaintext.size()) == 1;
  if (!ok) {
    return Fail(ErrorCode::kInternal, "AES-256-GCM encryption failed");
  }
  return out;
}

Result<std::string> DecryptRecords(std::string_view file_bytes, std::string_view key) {
  if (key.size() != kRecordKeyBytes) {
    return Fail(ErrorCode::kInvalidArgument, "the record key must be 32 bytes");
  }
  if (file_bytes.size() < kHeaderBytes + kTagBytes ||
      file_bytes.substr(0, kRecordMagic.size()) != kRecordMagic) {
    return Fail(ErrorCode::kParse, "not a provisio encrypted record file (no PVPWREC1 header)");
  }
  const std::size_t cipher_size = file_bytes.size() - kHeaderBytes - kTagBytes;
  std::string plain(cipher_size, '\0');
  std::array<unsigned char, kTagBytes> tag{};
  std::copy_n(Bytes(file_bytes) + kHeaderBytes + cipher_size, kTagBytes, tag.begin());
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int length = 0;
  int final_length = 0;
  const bool set_up =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key),
                         Bytes(file_bytes) + 8) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(file_bytes),
                        static_cast<int>(kHeaderBytes)) == 1 &&
      EVP_DecryptUpdate(ctx.get(), Bytes(plain), &length, Bytes(file_bytes) + kHeaderBytes,
                        static_cast<int>(cipher_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) == 1;
  if (!set_up) {
    return Fail(ErrorCode::kInternal, "AES-256-GCM decryption could not start");
  }
  if (EVP_DecryptFinal_ex(ctx.get(), Bytes(plain) + length, &final_length) != 1) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return Fail(ErrorCode::kVerification,
                "the record file does not authenticate: wrong key, or the file was changed");
  }
  return plain;
}

}  // namespace provisio::passwords
