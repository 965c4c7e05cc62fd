#include "provisio/tuf/signatures.h"

#include <algorithm>
#include <set>
#include <string>

namespace provisio::tuf {
namespace {

bool VerifiesOverAny(const Key& key,
                     const std::string& sig,
                     const std::vector<std::string>& signing_inputs) {
  return std::any_of(signing_inputs.begin(), signing_inputs.end(), [&](const std::string& input) {
    return VerifySignature(key, sig, input).has_value();
  });
}

}  // namespace

SignatureTally TallySignatures(const std::vector<std::string>& keyids,
                               const std::map<std::string, Key>& keys,
                               const std::vector<Signature>& signatures,
                               const std::vector<std::string>& signing_inputs) {
  SignatureTally tally;
  const std::set<std::string, std::less<>> authorised(keyids.begin(), keyids.end());
  std::set<std::string> counted_ids;
  // The same public key under two ids counts once: remember key values.
  std::set<std::string> counted_keys;
  std::set<std::string> invalid_ids;
  for (const Signature& signature : signatures) {
    const auto key_it = keys.find(signature.keyid);
    if (authorised.count(signature.keyid) == 0 || key_it == keys.end()) {
      tally.ignored_keyids.push_back(signature.keyid);
      continue;
    }
    if (counted_ids.count(signature.keyid) != 0) {
      continue;
    }
    const Key& key = key_it->second;
    if (!VerifiesOverAny(key, signature.sig, signing_inputs)) {
      if (invalid_ids.insert(signature.keyid).second) {
        tally.invalid_keyids.push_back(signature.keyid);
      }
      continue;
    }
    counted_ids.insert(signature.keyid);
    if (counted_keys.insert(key.keytype + '\n' + key.scheme + '\n' + key.public_value).second) {
      tally.valid_keyids.push_back(signature.keyid);
    }
  }
  // A key whose first signature failed but a later one (same id) verified is valid.
  tally.invalid_keyids.erase(
      std::remove_if(tally.invalid_keyids.begin(), tally.invalid_keyids.end(),
                     [&](const std::string& id) { return counted_ids.count(id) != 0; }),
      tally.invalid_keyids.end());
  return tally;
}

Checked<void> VerifyThreshold(std::string_view role_name,
                              const std::vector<std::string>& keyids,
                              int threshold,
                              const std::map<std::string, Key>& keys,
                              const std::vector<Signature>& signatures,
                              const std::vector<std::string>& signing_inputs,
                              const VerifyOptions& options) {
  const std::string role(role_name);
  if (options.check_key_ids) {
    for (const std::string& id : keyids) {
      const auto it = keys.find(id);
      if (it != keys.end() && !KeyIdMatches(id, it->second)) {
        return Reject(RejectReason::kBadKeyId,
                      role + ": key id " + id + " is not the SHA-256 of its key");
      }
    }
  }
  if (threshold < 1) {
    return Reject(RejectReason::kMalformed, role + ": threshold below 1");
  }
  const SignatureTally tally = TallySignatures(keyids, keys, signatures, signing_inputs);
  const auto valid = tally.valid_keyids.size();
  if (valid >= static_cast<std::size_t>(threshold)) {
    return {};
  }
  const std::string counts = role + ": " + std::to_string(valid) + " of " +
                             std::to_string(threshold) + " required signatures";
  if (!tally.invalid_keyids.empty()) {
    return Reject(RejectReason::kBadSignature,
                  counts + "; invalid signature by key " + tally.invalid_keyids.front());
  }
  return Reject(RejectReason::kThresholdNotMet, counts);
}

template <typename T>
Checked<void> VerifyRoleSignatures(const Metadata<T>& metadata,
                                   const Root& root,
                                   std::string_view role_name,
                                   const VerifyOptions& options) {
  const auto role = root.roles.find(std::string(role_name));
  if (role == root.roles.end()) {
    return Reject(RejectReason::kUnknownRole,
                  "root defines no role '" + std::string(role_name) + "'");
  }
  return VerifyThreshold(role_name, role->second.keyids, role->second.threshold, root.keys,
                         metadata.signatures, SigningInputs(metadata), options);
}

template Checked<void> VerifyRoleSignatures<Root>(const Metadata<Root>&,
                                                  const Root&,
                                                  std::string_view,
                                                  const VerifyOptions&);
template Checked<void> VerifyRoleSignatures<Timestamp>(const Metadata<Timestamp>&,
                                                       const Root&,
                                                       std::string_view,
                                                       const VerifyOptions&);
template Checked<void> VerifyRoleSignatures<Snapshot>(const Metadata<Snapshot>&,
                                                      const Root&,
                                                      std::string_view,
                                                      const VerifyOptions&);
template Checked<void> VerifyRoleSignatures<Targets>(const Metadata<Targets>&,
                                                     const Root&,
                                                     std::string_view,
                                                     const VerifyOptions&);

}  // namespace provisio::tuf
