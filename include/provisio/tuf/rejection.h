// Why a piece of TUF metadata or a target was refused. Every verification
// function of the tuf module returns Result<T, Rejection>, so callers (the
// update client, its tests, the conformance CLI) branch on reason() and never
// on message text (STYLE.md 4.4 rule 3). ToError() gives the library-wide
// Error with code kVerification for code that does not care about the reason.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "provisio/core/result.h"

namespace provisio::tuf {

enum class RejectReason {
  kMalformed,        // Not JSON, or not the TUF shape (missing/mistyped field, float, bad date).
  kWrongType,        // "_type" is not the role that was expected.
  kSpecVersion,      // spec_version is not 1.x.y.
  kBadSignature,     // A signature by an authorised key did not verify and the threshold failed.
  kThresholdNotMet,  // Fewer distinct authorised keys signed than the role's threshold.
  kBadKeyId,         // A key's id is not the SHA-256 of its canonical form (VerifyOptions).
  kUnsupportedKey,   // Key type/scheme not supported (ed25519, ecdsa P-256, rsassa-pss-sha256).
  kRollback,         // A version lower than the trusted one (root, timestamp, snapshot, a role).
  kWrongVersion,     // Not the version required (root N+1, snapshot/targets as listed).
  kExpired,          // The metadata's "expires" is not after the clock's time (freeze attack).
  kHashMismatch,     // A listed hash does not match, or a listed algorithm is unsupported.
  kLengthMismatch,   // The byte count differs from the listed length (or exceeds it).
  kRemovedRole,      // A new snapshot no longer lists a role the trusted snapshot listed.
  kUnknownRole,      // The role is not listed/delegated where it must be.
  kOutOfOrder,       // The call sequence of the client workflow was not respected.
  kTooManyRoles,     // The delegation search visited its cap of roles.
  kUnreadable,       // A target file could not be read (I/O error).
};

// Stable lower-case name, e.g. "threshold-not-met".
std::string_view ToString(RejectReason reason);

class Rejection {
 public:
  Rejection(RejectReason reason, std::string message)
      : reason_(reason), message_(std::move(message)) {}

  RejectReason reason() const { return reason_; }
  // For people: names the role and the check, e.g. "timestamp: version 3 < trusted 4".
  const std::string& message() const { return message_; }

  // Returns Error(kVerification, "<reason>: <message>"); kMalformed maps to kParse.
  Error ToError() const;

  // Returns a copy whose message starts with `context`.
  Rejection WithContext(std::string_view context) const;

 private:
  RejectReason reason_;
  std::string message_;
};

// The failure side of a Result<T, Rejection>:
//   return Reject(RejectReason::kExpired, "timestamp expired at ...");
inline tl::unexpected<Rejection> Reject(RejectReason reason, std::string message) {
  return tl::unexpected<Rejection>(Rejection(reason, std::move(message)));
}
inline tl::unexpected<Rejection> Reject(Rejection rejection) {
  return tl::unexpected<Rejection>(std::move(rejection));
}

template <typename T>
using Checked = Result<T, Rejection>;

}  // namespace provisio::tuf
