// Threshold signature verification: the rule every role check is built on.
//
// Counting rules (the TUF spec plus the lessons of go-tuf GHSA-3633-5h82-39pq):
// - only keys listed in the role's keyids AND present in the key map count;
//   signatures by any other key id are ignored;
// - a key counts once: a key id listed twice, two signatures with the same
//   key id, and the same public key under two different key ids all count as
//   one;
// - a signature counts if it verifies over any of the accepted signing inputs
//   (the received "signed" object in code-point and UTF-16 key order).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/tuf/keys.h"
#include "provisio/tuf/metadata.h"
#include "provisio/tuf/rejection.h"

namespace provisio::tuf {

struct VerifyOptions {
  // Refuse (kBadKeyId) a role key whose key id is neither the SHA-256 of the
  // key's canonical form nor of its keytype/scheme/keyval-only form. The
  // specification defines the key id that way, but python-tuf and tuf-js use
  // key ids as given; set false to behave like them.
  bool check_key_ids = true;
};

struct SignatureTally {
  std::vector<std::string> valid_keyids;    // Distinct authorised keys with a good signature.
  std::vector<std::string> invalid_keyids;  // Authorised keys whose signature failed.
  std::vector<std::string> ignored_keyids;  // Signatures by keys the role does not list.
};

// Tallies `signatures` against the role's `keyids` / `keys` (see the rules
// above). Never fails: bad signatures are reported in the tally.
SignatureTally TallySignatures(const std::vector<std::string>& keyids,
                               const std::map<std::string, Key>& keys,
                               const std::vector<Signature>& signatures,
                               const std::vector<std::string>& signing_inputs);

// Succeeds when at least `threshold` distinct authorised keys signed.
// Fails with kBadKeyId (options.check_key_ids), kBadSignature (threshold not
// met and some authorised signature was invalid), kThresholdNotMet
// (otherwise). `role_name` appears in messages only.
Checked<void> VerifyThreshold(std::string_view role_name,
                              const std::vector<std::string>& keyids,
                              int threshold,
                              const std::map<std::string, Key>& keys,
                              const std::vector<Signature>& signatures,
                              const std::vector<std::string>& signing_inputs,
                              const VerifyOptions& options = {});

// VerifyThreshold for metadata signed by a role of `root` ("root",
// "timestamp", "snapshot", "targets"). Fails with kUnknownRole if root does
// not define `role_name`.
template <typename T>
Checked<void> VerifyRoleSignatures(const Metadata<T>& metadata,
                                   const Root& root,
                                   std::string_view role_name,
                                   const VerifyOptions& options = {});

}  // namespace provisio::tuf
