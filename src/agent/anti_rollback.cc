#include "provisio/agent/anti_rollback.h"

#include <charconv>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"

namespace provisio::agent {
namespace {

constexpr std::string_view kMagic = "provisio-anti-rollback v1\n";

std::string Body(std::uint64_t value) {
  return std::string(kMagic) + "value=" + std::to_string(value) + "\n";
}

}  // namespace

Result<void> FileAntiRollbackCounter::Create(std::uint64_t value) {
  std::error_code ec;
  if (std::filesystem::exists(path_, ec)) {
    return Fail(ErrorCode::kConflict,
                "anti-rollback counter " + path_.string() + " already exists");
  }
  return Write(value);
}

Result<std::uint64_t> FileAntiRollbackCounter::Read() {
  Result<std::string> text = ReadFile(path_);
  if (!text) {
    return Fail(text.error().WithContext("reading anti-rollback counter"));
  }
  auto corrupt = [&](const std::string& why) {
    return Fail(ErrorCode::kVerification, "anti-rollback counter " + path_.string() +
                                              " is corrupt (" + why + "); refusing to trust it");
  };
  const std::size_t check_at = text->find("check=");
  if (text->rfind(kMagic, 0) != 0 || check_at == std::string::npos) {
    return corrupt("unknown format");
  }
  const std::string body = text->substr(0, check_at);
  std::string check = text->substr(check_at + 6);
  if (!check.empty() && check.back() == '\n') {
    check.pop_back();
  }
  if (check != Sha256Hex(body)) {
    return corrupt("checksum mismatch");
  }
  const std::string_view line = std::string_view(body).substr(kMagic.size());
  if (line.rfind("value=", 0) != 0 || line.back() != '\n') {
    return corrupt("no value");
  }
  const std::string_view digits = line.substr(6, line.size() - 7);
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
    return corrupt("bad value");
  }
  return value;
}

Result<void> FileAntiRollbackCounter::Advance(std::uint64_t value) {
  Result<std::uint64_t> current = Read();
  if (!current) {
    return Fail(current.error());
  }
  if (value <= *current) {
    return {};
  }
  return Write(value);
}

Result<void> FileAntiRollbackCounter::Write(std::uint64_t value) {
  const std::string body = Body(value);
  return WriteFileAtomically(path_, body + "check=" + Sha256Hex(body) + "\n", WriteOptions{0600});
}

}  // namespace provisio::agent
