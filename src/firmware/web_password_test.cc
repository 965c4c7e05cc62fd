#include "firmware/web_password.h"

#include <gtest/gtest.h>

namespace provisio::firmware {
namespace {

// Vectors made with `openssl passwd -apr1 -salt SALT PASSWORD` and
// `printf PASSWORD | openssl dgst -sha1 -binary | base64`.
TEST(WebPasswordTest, VerifiesApacheMd5AndShaHashes) {
  EXPECT_TRUE(WebPasswordMatches("admin", "$apr1$Tq3rNk0v$KposcQAq5LUSndZvYXSq30"));
  EXPECT_TRUE(WebPasswordMatches("password", "$apr1$abc$mehJE/UcwZsj.w5DYe.b5."));
  EXPECT_TRUE(WebPasswordMatches("admin", "{SHA}0DPiKuNIrrVmD8IUCuw1hQxNqZc="));
  EXPECT_FALSE(WebPasswordMatches("admin1", "$apr1$Tq3rNk0v$KposcQAq5LUSndZvYXSq30"));
  EXPECT_FALSE(WebPasswordMatches("Admin", "{SHA}0DPiKuNIrrVmD8IUCuw1hQxNqZc="));
}

TEST(WebPasswordTest, RejectsOtherAndDamagedForms) {
  EXPECT_FALSE(WebPasswordMatches("admin", "$1$Tq3rNk0v$KposcQAq5LUSndZvYXSq30"));
  EXPECT_FALSE(WebPasswordMatches("admin", "$apr1$Tq3rNk0v"));
  EXPECT_FALSE(WebPasswordMatches("admin", "$apr1$toolongsalt$KposcQAq5LUSndZvYXSq30"));
  EXPECT_FALSE(WebPasswordMatches("admin", "{SHA}"));
  EXPECT_TRUE(IsWebPasswordHash("$apr1$abc$mehJE/UcwZsj.w5DYe.b5."));
  EXPECT_TRUE(IsWebPasswordHash("{SHA}0DPiKuNIrrVmD8IUCuw1hQxNqZc="));
  EXPECT_FALSE(IsWebPasswordHash("$6$abc$def"));
}

}  // namespace
}  // namespace provisio::firmware
