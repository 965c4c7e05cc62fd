#include "provisio/tuf/rejection.h"

namespace provisio::tuf {

std::string_view ToString(RejectReason reason) {
  switch (reason) {
    case RejectReason::kMalformed:
      return "malformed";
    case RejectReason::kWrongType:
      return "wrong-type";
    case RejectReason::kSpecVersion:
      return "spec-version";
    case RejectReason::kBadSignature:
      return "bad-signature";
    case RejectReason::kThresholdNotMet:
      return "threshold-not-met";
    case RejectReason::kBadKeyId:
      return "bad-key-id";
    case RejectReason::kUnsupportedKey:
      return "unsupported-key";
    case RejectReason::kRollback:
      return "rollback";
    case RejectReason::kWrongVersion:
      return "wrong-version";
    case RejectReason::kExpired:
      return "expired";
    case RejectReason::kHashMismatch:
      return "hash-mismatch";
    case RejectReason::kLengthMismatch:
      return "length-mismatch";
    case RejectReason::kRemovedRole:
      return "removed-role";
    case RejectReason::kUnknownRole:
      return "unknown-role";
    case RejectReason::kOutOfOrder:
      return "out-of-order";
    case RejectReason::kTooManyRoles:
      return "too-many-roles";
    case RejectReason::kUnreadable:
      return "unreadable";
  }
  return "unknown";
}

Error Rejection::ToError() const {
  ErrorCode code = ErrorCode::kVerification;
  if (reason_ == RejectReason::kMalformed) {
    code = ErrorCode::kParse;
  } else if (reason_ == RejectReason::kUnreadable) {
    code = ErrorCode::kIo;
  }
  std::string text(ToString(reason_));
  text += ": ";
  text += message_;
  return Error(code, std::move(text));
}

Rejection Rejection::WithContext(std::string_view context) const {
  std::string text(context);
  text += ": ";
  text += message_;
  return Rejection(reason_, std::move(text));
}

}  // namespace provisio::tuf
