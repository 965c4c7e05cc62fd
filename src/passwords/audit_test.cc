#include "provisio/passwords/audit.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace provisio::passwords {
namespace {

const AuditFinding& Find(const AuditReport& report, FindingKind kind) {
  return report.findings[static_cast<std::size_t>(kind)];
}

std::vector<CredentialRecord> ParseOrDie(std::string_view text) {
  Result<std::vector<CredentialRecord>> records = ParseCredentials(text, "devices.csv");
  EXPECT_TRUE(records.has_value()) << records.error().message();
  return records.value_or(std::vector<CredentialRecord>{});
}

TEST(ParseCredentialsTest, ReadsHeaderColumnsInAnyOrderWithQuotes) {
  std::vector<CredentialRecord> records = ParseOrDie(
      "password,serial,mac,username,batch\n"
      "\"a,b\"\"c\",SN1,00:11:22:33:44:55,admin,7\n"
      "\n"
      "pw2,SN2,,root,7\n");

  ASSERT_EQ(records.size(), 2U);
  EXPECT_EQ(records[0].password, "a,b\"c");
  EXPECT_EQ(records[0].serial, "SN1");
  EXPECT_EQ(records[0].mac, "00:11:22:33:44:55");
  EXPECT_EQ(records[0].username, "admin");
  EXPECT_EQ(records[1].line, 4U);
}

TEST(ParseCredentialsTest, ReadsAPlainListOnePasswordPerLine) {
  std::vector<CredentialRecord> records = ParseOrDie("alpha\r\nbeta\n\ngamma");

  ASSERT_EQ(records.size(), 3U);
  EXPECT_EQ(records[2].password, "gamma");
  EXPECT_EQ(records[2].line, 4U);
}

TEST(ParseCredentialsTest, NamesTheLineOfMalformedCsv) {
  struct Case {
    const char* text;
    const char* where;
  };
  const Case cases[] = {
      {"serial,password\nSN1,pw\nSN2\n", "devices.csv:3:"},
      {"serial,password\nSN1,\"unterminated\n", "devices.csv:2:"},
      {"serial,password\nSN1,\"x\"y\n", "devices.csv:2:"},
      {"serial,secret\nSN1,pw\n", "devices.csv:1:"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);

    Result<std::vector<CredentialRecord>> records = ParseCredentials(c.text, "devices.csv");

    ASSERT_FALSE(records.has_value());
    EXPECT_EQ(records.error().code(), ErrorCode::kParse);
    EXPECT_EQ(records.error().message().rfind(c.where, 0), 0U) << records.error().message();
  }
}

TEST(AuditCredentialsTest, ACleanSetHasNoFindings) {
  std::vector<CredentialRecord> records = ParseOrDie(
      "serial,mac,username,password\n"
      "SN100001,00:11:22:33:44:01,admin,Tr7kq9Mzx4Wd\n"
      "SN100002,00:11:22:33:44:02,admin,pH3nB8vRt6Ya\n"
      "SN100003,00:11:22:33:44:03,admin,Kd9wQ2mXz7Ls\n");

  AuditReport report = AuditCredentials(records, Blocklist::Bundled(), AuditOptions{});

  EXPECT_FALSE(report.HasFindings());
  EXPECT_EQ(report.records, 3U);
  for (const AuditFinding& f : report.findings) {
    EXPECT_EQ(f.devices, 0U) << ToString(f.kind);
  }
}

TEST(AuditCredentialsTest, FindsEachKindOfWeakness) {
  struct Case {
    const char* name;
    const char* rows;
    FindingKind kind;
  };
  const Case cases[] = {
      {"shared", "S1,,u,Tr7kq9Mzx4Wd\nS2,,u,Tr7kq9Mzx4Wd\n", FindingKind::kDuplicate},
      {"mirai default", "S1,,u,xc3511\n", FindingKind::kKnownDefault},
      {"default, other case", "S1,,u,ADMIN\n", FindingKind::kKnownDefault},
      {"short", "S1,,u,Ab3d\n", FindingKind::kLowEntropy},
      {"serial inside", "SN48151623,,u,x-SN48151623-Qz\n", FindingKind::kDerivedFromSerial},
      {"serial tail", "SN48151623,,u,Zebra51623!Kx\n", FindingKind::kDerivedFromSerial},
      {"serial reversed", "SN48151623,,u,32615184NSqqq\n", FindingKind::kDerivedFromSerial},
      {"serial as hex", "1234567890,,u,Kx499602d2Kx\n", FindingKind::kDerivedFromSerial},
      {"serial uppercase", "ab12cd34,,u,XXAB12CD34\n", FindingKind::kDerivedFromSerial},
      {"mac tail", "S1,00:1A:2B:3C:4D:5E,u,wifi3c4d5eZZ\n", FindingKind::kDerivedFromMac},
      {"mac reversed", "S1,00-1A-2B-3C-4D-5E,u,e5d4c3b2a100\n", FindingKind::kDerivedFromMac},
      {"mac nic decimal", "S1,00:1A:2B:01:E2:40,u,Qx123456Zkw\n", FindingKind::kDerivedFromMac},
      {"counter with fixed text",
       "S1,,u,Device-0001-Key\nS2,,u,Device-0002-Key\nS3,,u,Device-0003-Key\n",
       FindingKind::kSequence},
      {"pure numbers", "S1,,u,48151001\nS2,,u,48151002\nS3,,u,48151004\n", FindingKind::kSequence},
      {"counting letter", "S1,,u,QzXvKpLmNa\nS2,,u,QzXvKpLmNb\nS3,,u,QzXvKpLmNc\n",
       FindingKind::kSequence},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::vector<CredentialRecord> records =
        ParseOrDie(std::string("serial,mac,username,password\n") + c.rows);

    AuditReport report = AuditCredentials(records, Blocklist::Bundled(), AuditOptions{});

    EXPECT_TRUE(report.HasFindings());
    EXPECT_GT(Find(report, c.kind).devices, 0U);
  }
}

TEST(AuditCredentialsTest, ExamplesAreMaskedAndCapped) {
  std::string text = "serial,password\n";
  for (int i = 0; i < 10; ++i) {
    text += "S" + std::to_string(i) + ",SamePassword1\n";
  }
  AuditOptions options;
  options.max_examples = 2;

  AuditReport report = AuditCredentials(ParseOrDie(text), Blocklist(), options);

  const AuditFinding& duplicates = Find(report, FindingKind::kDuplicate);
  EXPECT_EQ(duplicates.devices, 10U);
  ASSERT_EQ(duplicates.examples.size(), 2U);
  EXPECT_EQ(duplicates.examples[0].masked_password, "Sa***********");
  EXPECT_EQ(duplicates.examples[0].serial, "S0");
  EXPECT_EQ(duplicates.examples[0].line, 2U);
}

TEST(EstimateEntropyBitsTest, GrowsWithLengthAndCharacterClasses) {
  EXPECT_EQ(EstimateEntropyBits("aaaaaaaaaaaaaaaa"), 0.0);
  EXPECT_LT(EstimateEntropyBits("abcdefgh"), EstimateEntropyBits("abcdefgH"));
  EXPECT_GT(EstimateEntropyBits("Tr7kq9Mzx4Wd"), 64.0);
}

TEST(MaskPasswordTest, ShowsOnlyAShortPrefix) {
  EXPECT_EQ(MaskPassword("Tr7kq9Mzx4Wd"), "Tr**********");
  EXPECT_EQ(MaskPassword("abcd"), "a***");
  EXPECT_EQ(MaskPassword("abc"), "***");
}

}  // namespace
}  // namespace provisio::passwords
