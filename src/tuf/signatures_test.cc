#include "provisio/tuf/signatures.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tuf/test_repository.h"

namespace provisio::tuf {
namespace {

using testing::NewKey;

const std::string kMessage = "{\"_type\":\"targets\"}";

Signature SignatureBy(const KeyPair& key, const std::string& message = kMessage) {
  Result<std::string> sig = key.Sign(message);
  EXPECT_TRUE(sig.has_value());
  return Signature{key.key_id(), sig.value_or(""), {}};
}

TEST(VerifyThresholdTest, MeetsAnMOfNThresholdWithMixedKeyTypes) {
  KeyPair ed = NewKey(KeyType::kEd25519);
  KeyPair ec = NewKey(KeyType::kEcdsaP256);
  KeyPair rsa = NewKey(KeyType::kRsaPss);
  const std::map<std::string, Key> keys = {{ed.key_id(), ed.public_key()},
                                           {ec.key_id(), ec.public_key()},
                                           {rsa.key_id(), rsa.public_key()}};
  const std::vector<std::string> keyids = {ed.key_id(), ec.key_id(), rsa.key_id()};
  const std::vector<Signature> two = {SignatureBy(ec), SignatureBy(rsa)};
  const std::vector<Signature> three = {SignatureBy(ed), SignatureBy(ec), SignatureBy(rsa)};

  EXPECT_TRUE(VerifyThreshold("targets", keyids, 2, keys, two, {kMessage}).has_value());
  EXPECT_TRUE(VerifyThreshold("targets", keyids, 3, keys, three, {kMessage}).has_value());
  Checked<void> short_of_three = VerifyThreshold("targets", keyids, 3, keys, two, {kMessage});
  ASSERT_FALSE(short_of_three.has_value());
  EXPECT_EQ(short_of_three.error().reason(), RejectReason::kThresholdNotMet);
}

TEST(VerifyThresholdTest, CountsAKeyIdListedTwiceInTheRoleOnce) {
  KeyPair key = NewKey();
  const std::map<std::string, Key> keys = {{key.key_id(), key.public_key()}};

  Checked<void> result = VerifyThreshold("root", {key.key_id(), key.key_id()}, 2, keys,
                                         {SignatureBy(key)}, {kMessage});

  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason(), RejectReason::kThresholdNotMet);
}

TEST(VerifyThresholdTest, CountsTwoSignaturesWithTheSameKeyIdOnce) {
  KeyPair key = NewKey();
  KeyPair other = NewKey();
  const std::map<std::string, Key> keys = {{key.key_id(), key.public_key()},
                                           {other.key_id(), other.public_key()}};

  Checked<void> result = VerifyThreshold("root", {key.key_id(), other.key_id()}, 2, keys,
                                         {SignatureBy(key), SignatureBy(key)}, {kMessage});

  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason(), RejectReason::kThresholdNotMet);
}

TEST(VerifyThresholdTest, CountsOnePublicKeyUnderTwoKeyIdsOnce) {
  KeyPair key = NewKey();
  const std::string alias(64, 'a');
  const std::map<std::string, Key> keys = {{key.key_id(), key.public_key()},
                                           {alias, key.public_key()}};
  Signature second = SignatureBy(key);
  second.keyid = alias;

  const SignatureTally tally =
      TallySignatures({key.key_id(), alias}, keys, {SignatureBy(key), second}, {kMessage});
  Checked<void> lenient =
      VerifyThreshold("root", {key.key_id(), alias}, 2, keys, {SignatureBy(key), second},
                      {kMessage}, VerifyOptions{/*check_key_ids=*/false});
  Checked<void> strict = VerifyThreshold("root", {key.key_id(), alias}, 1, keys,
                                         {SignatureBy(key), second}, {kMessage});

  EXPECT_EQ(tally.valid_keyids, std::vector<std::string>{key.key_id()});
  ASSERT_FALSE(lenient.has_value());
  EXPECT_EQ(lenient.error().reason(), RejectReason::kThresholdNotMet);
  ASSERT_FALSE(strict.has_value());
  EXPECT_EQ(strict.error().reason(), RejectReason::kBadKeyId);
}

TEST(VerifyThresholdTest, IgnoresSignaturesByKeysOutsideTheRole) {
  KeyPair member = NewKey();
  KeyPair outsider = NewKey();
  const std::map<std::string, Key> keys = {{member.key_id(), member.public_key()},
                                           {outsider.key_id(), outsider.public_key()}};

  const SignatureTally tally =
      TallySignatures({member.key_id()}, keys, {SignatureBy(outsider)}, {kMessage});
  Checked<void> result =
      VerifyThreshold("snapshot", {member.key_id()}, 1, keys, {SignatureBy(outsider)}, {kMessage});

  EXPECT_TRUE(tally.valid_keyids.empty());
  EXPECT_EQ(tally.ignored_keyids, std::vector<std::string>{outsider.key_id()});
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason(), RejectReason::kThresholdNotMet);
}

TEST(VerifyThresholdTest, IgnoresARoleKeyIdMissingFromTheKeyMap) {
  KeyPair key = NewKey();

  Checked<void> result =
      VerifyThreshold("timestamp", {key.key_id()}, 1, {}, {SignatureBy(key)}, {kMessage});

  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason(), RejectReason::kThresholdNotMet);
}

TEST(VerifyThresholdTest, ReportsABadSignatureByAnAuthorisedKey) {
  KeyPair key = NewKey();
  const std::map<std::string, Key> keys = {{key.key_id(), key.public_key()}};

  Checked<void> result = VerifyThreshold("timestamp", {key.key_id()}, 1, keys,
                                         {SignatureBy(key, "something else")}, {kMessage});

  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().reason(), RejectReason::kBadSignature);
  EXPECT_EQ(result.error().ToError().code(), ErrorCode::kVerification);
}

TEST(VerifyThresholdTest, AcceptsASignatureOverAnyAcceptedEncoding) {
  KeyPair key = NewKey();
  const std::map<std::string, Key> keys = {{key.key_id(), key.public_key()}};
  const std::string code_point_form = "{\"\xEE\x80\x80\":1,\"\xF0\x9F\x98\x80\":2}";
  const std::string utf16_form = "{\"\xF0\x9F\x98\x80\":2,\"\xEE\x80\x80\":1}";

  Checked<void> by_tuf_js =
      VerifyThreshold("targets", {key.key_id()}, 1, keys, {SignatureBy(key, utf16_form)},
                      {code_point_form, utf16_form});
  Checked<void> by_python =
      VerifyThreshold("targets", {key.key_id()}, 1, keys, {SignatureBy(key, code_point_form)},
                      {code_point_form, utf16_form});
  Checked<void> by_nobody = VerifyThreshold("targets", {key.key_id()}, 1, keys,
                                            {SignatureBy(key, utf16_form)}, {code_point_form});

  EXPECT_TRUE(by_tuf_js.has_value());
  EXPECT_TRUE(by_python.has_value());
  EXPECT_FALSE(by_nobody.has_value());
}

}  // namespace
}  // namespace provisio::tuf
