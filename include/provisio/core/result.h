// The one error type of the library, and Result<T>, the one way to return it.
//
// Every fallible library function returns Result<T>. Exceptions thrown by
// third-party code (yaml-cpp, nlohmann::json) are caught in the adapter that
// calls it (src/formats/) and converted here; none crosses a public header.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace provisio {

// Coarse categories that callers branch on and the CLI maps to exit codes.
// Add a value only when some caller needs to tell it apart.
enum class ErrorCode {
  kInvalidArgument,  // The caller passed something malformed.
  kNotFound,         // A named thing (file, provision, case) does not exist.
  kParse,            // An input document is not valid YAML/JSON/metadata.
  kIo,               // The filesystem or database failed.
  kNetwork,          // A transfer failed or timed out.
  kVerification,     // A signature, hash, threshold, expiry or version check failed.
  kUnsupported,      // Valid input, but a feature this build does not have.
  kConflict,         // The request contradicts stored state (duplicate, bad transition).
  kInternal,         // A dependency reached a state it should not; report as a bug.
};

// Returns a stable lower-case name such as "parse" or "verification".
std::string_view ToString(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message starts with `context`, e.g.
  // "loading root.json: signature threshold not met".
  Error WithContext(std::string_view context) const;

 private:
  ErrorCode code_;
  std::string message_;
};

// Result<T> holds either a T or an Error. It is tl::expected (Debian:
// libexpected-dev) plus [[nodiscard]], so an ignored failure is a compile
// error under -Werror. A module whose callers must branch on precise reasons
// may use its own error type E; it converts to Error at the module boundary.
template <typename T, typename E = Error>
class [[nodiscard]] Result : public tl::expected<T, E> {
 public:
  using tl::expected<T, E>::expected;
};

// The failure side of any Result<T>:
//   return Fail(ErrorCode::kParse, "catalog.yaml:3:5: unknown key 'titel'");
//   return Fail(other.error().WithContext("loading catalog"));
inline tl::unexpected<Error> Fail(Error error) {
  return tl::unexpected<Error>(std::move(error));
}
inline tl::unexpected<Error> Fail(ErrorCode code, std::string message) {
  return Fail(Error(code, std::move(message)));
}

}  // namespace provisio

// Aborts with file and line when an invariant of our own code breaks. Never use
// it for anything input can trigger: that is an Error.
#define PROVISIO_CHECK(condition)                                        \
  do {                                                                   \
    if (!(condition)) {                                                  \
      ::provisio::internal::CheckFailed(#condition, __FILE__, __LINE__); \
    }                                                                    \
  } while (false)

namespace provisio::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);
}  // namespace provisio::internal
