#include "cli/passwords_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "cli/run.h"
#include "cli/run_for_test.h"
#include "sql/postgres_test_support.h"

namespace provisio::cli {
namespace {

class PasswordsCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("provisio-pwcli-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    secret_ = Write("secret", "factory-secret-0123456789abcdef\n", 0600);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, const std::string& text, unsigned mode = 0644) {
    const std::filesystem::path path = dir_ / name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path.string();
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  // Low Argon2 cost keeps the test fast.
  std::vector<std::string> Generate(const std::string& batch, int count) const {
    return {"passwords",       "generate",   "--count",       std::to_string(count),
            "--batch",         batch,        "--out",         Path("out"),
            "--registry",      Path("r.db"), "--secret-file", secret_,
            "--argon2-memory", "64",         "--argon2-time", "1"};
  }

  std::filesystem::path dir_;
  std::string secret_;
};

TEST_F(PasswordsCommandTest, GeneratesRegistersAndProvesBatches) {
  Outcome first = RunWith(Generate("B1", 4));
  Outcome second = RunWith(Generate("B2", 3));
  Outcome prove = RunWith({"passwords", "prove", "--registry", Path("r.db"), "--json"});

  ASSERT_EQ(first.status, kExitOk) << first.err;
  ASSERT_EQ(second.status, kExitOk) << second.err;
  EXPECT_NE(first.out.find("batch B1: 4 passwords, 69.7 bits each"), std::string::npos)
      << first.out;
  EXPECT_NE(first.err.find("a million devices would take about"), std::string::npos) << first.err;
  EXPECT_TRUE(std::filesystem::exists(Path("out/B1.verifiers.csv")));
  EXPECT_TRUE(std::filesystem::exists(Path("out/B1.evidence.json")));
  ASSERT_EQ(prove.status, kExitOk) << prove.err;
  EXPECT_NE(prove.out.find("\"passwords\": 7"), std::string::npos) << prove.out;
  EXPECT_NE(prove.out.find("\"duplicates\": 0"), std::string::npos) << prove.out;
}

TEST_F(PasswordsCommandTest, AWrongSecretIsRefused) {
  ASSERT_EQ(RunWith(Generate("B1", 1)).status, kExitOk);
  std::vector<std::string> args = Generate("B2", 1);
  args[11] = Write("other", "a-different-secret-value-123\n", 0600);

  Outcome outcome = RunWith(args);
  Outcome prove =
      RunWith({"passwords", "prove", "--registry", Path("r.db"), "--secret-file", args[11]});

  EXPECT_EQ(outcome.status, kExitFailure);
  EXPECT_NE(outcome.err.find("different manufacturer secret"), std::string::npos) << outcome.err;
  EXPECT_FALSE(std::filesystem::exists(Path("out/B2.records.csv")));
  EXPECT_EQ(prove.status, kExitFindings);
  EXPECT_NE(prove.out.find("DOES NOT MATCH"), std::string::npos);
}

TEST_F(PasswordsCommandTest, WeakPolicyIsAUsageErrorUnlessForcedWithReason) {
  std::vector<std::string> weak = Generate("W", 1);
  weak.insert(weak.end(), {"--length", "8"});
  std::vector<std::string> forced_without_reason = weak;
  forced_without_reason.push_back("--force-weak");

  Outcome refused = RunWith(weak);
  Outcome no_reason = RunWith(forced_without_reason);

  EXPECT_EQ(refused.status, kExitUsage);
  EXPECT_NE(refused.err.find("below the minimum of 64"), std::string::npos) << refused.err;
  EXPECT_EQ(no_reason.status, kExitUsage);
  EXPECT_EQ(refused.out, "");
}

TEST_F(PasswordsCommandTest, EncryptedRecordsDecryptWithTheKeyAndAuditClean) {
  const std::string key = Write("key", std::string(64, 'c') + "\n", 0600);
  std::vector<std::string> args = Generate("E1", 5);
  args.insert(args.end(), {"--encrypt-key", key, "--no-verifiers", "--policy", "passphrase"});
  ASSERT_EQ(RunWith(args).status, kExitOk);

  Outcome decrypted = RunWith({"passwords", "decrypt", Path("out/E1.records.csv.enc"), "--key", key,
                               "--out", Path("plain.csv")});
  Outcome audit = RunWith({"passwords", "audit", Path("plain.csv")});
  Outcome wrong_key = RunWith({"passwords", "decrypt", Path("out/E1.records.csv.enc"), "--key",
                               Write("bad", std::string(64, 'd'), 0600)});

  ASSERT_EQ(decrypted.status, kExitOk) << decrypted.err;
  EXPECT_EQ(audit.status, kExitOk) << audit.out;
  EXPECT_NE(audit.out.find("5 credentials, 0 with findings"), std::string::npos) << audit.out;
  EXPECT_EQ(wrong_key.status, kExitFailure);
  EXPECT_EQ(wrong_key.out, "");
}

TEST_F(PasswordsCommandTest, AuditReportsFindingsWithMaskedPasswordsAndExit3) {
  const std::string file = Write("devices.csv",
                                 "serial,mac,username,password\n"
                                 "SN0001,00:11:22:33:44:01,admin,admin\n"
                                 "SN0002,00:11:22:33:44:02,admin,Secret-SN0002\n"
                                 "SN0003,00:11:22:33:44:03,admin,Secret-SN0002\n");

  Outcome human = RunWith({"passwords", "audit", file});
  Outcome json = RunWith({"passwords", "audit", file, "--json"});

  EXPECT_EQ(human.status, kExitFindings);
  EXPECT_NE(human.out.find("known_default"), std::string::npos) << human.out;
  EXPECT_EQ(human.out.find("Secret-SN0002"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("Se***********"), std::string::npos) << human.out;
  EXPECT_EQ(json.status, kExitFindings);
  EXPECT_NE(json.out.find("\"kind\": \"derived_from_serial\""), std::string::npos) << json.out;
}

TEST_F(PasswordsCommandTest, MalformedCsvNamesTheLineAndExits1) {
  const std::string file = Write("bad.csv", "serial,password\nSN1,pw1\nSN2\n");

  Outcome outcome = RunWith({"passwords", "audit", file});

  EXPECT_EQ(outcome.status, kExitFailure);
  EXPECT_NE(outcome.err.find("bad.csv:3: expected 2 fields"), std::string::npos) << outcome.err;
}

TEST_F(PasswordsCommandTest, AuditOfAFileWithoutRecordsFailsInsteadOfPassing) {
  struct Case {
    std::string name;
    std::string text;
  };
  const Case cases[] = {
      {"empty file", ""},
      {"blank lines only", "\n\n"},
      {"csv header only", "serial,mac,username,password\n"},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string file = Write("export.csv", c.text);
    for (const bool json : {false, true}) {
      std::vector<std::string> args = {"passwords", "audit", file};
      if (json) {
        args.push_back("--json");
      }

      Outcome outcome = RunWith(args);

      EXPECT_EQ(outcome.status, kExitFailure);
      EXPECT_EQ(outcome.out, "");
      EXPECT_NE(outcome.err.find("provisio passwords audit: " + file +
                                 " contains no records; nothing was audited"),
                std::string::npos)
          << outcome.err;
    }
  }
}

TEST_F(PasswordsCommandTest, ProvingAMissingRegistryFails) {
  Outcome outcome = RunWith({"passwords", "prove", "--registry", Path("none.db")});

  EXPECT_EQ(outcome.status, kExitFailure);
  EXPECT_NE(outcome.err.find("provisio passwords prove:"), std::string::npos);
}

// The password of a postgresql://user:password@host/db URI, or "".
std::string UriPassword(const std::string& uri) {
  const std::size_t start = uri.find("://");
  const std::size_t at = uri.find('@');
  if (start == std::string::npos || at == std::string::npos) {
    return "";
  }
  const std::size_t colon = uri.find(':', start + 3);
  return colon < at ? uri.substr(colon + 1, at - colon - 1) : "";
}

TEST_F(PasswordsCommandTest, GeneratesAndProvesAgainstAPostgresRegistry) {
  PROVISIO_TEST_POSTGRES_DATABASE(database);
  std::vector<std::string> first_args = Generate("B1", 4);
  first_args[9] = database.uri();
  std::vector<std::string> second_args = Generate("B2", 3);
  second_args[9] = database.uri();

  Outcome first = RunWith(first_args);
  Outcome second = RunWith(second_args);
  second_args[7] = Path("elsewhere");  // Same batch id, fresh folder: the registry refuses.
  Outcome again = RunWith(second_args);
  Outcome prove = RunWith(
      {"passwords", "prove", "--registry", database.uri(), "--secret-file", secret_, "--json"});

  ASSERT_EQ(first.status, kExitOk) << first.err;
  ASSERT_EQ(second.status, kExitOk) << second.err;
  EXPECT_NE(second.out.find("registry: 7 passwords in 2 batches, 0 duplicates"), std::string::npos)
      << second.out;
  EXPECT_EQ(again.status, kExitFailure);
  EXPECT_NE(again.err.find("already in the registry"), std::string::npos) << again.err;
  ASSERT_EQ(prove.status, kExitOk) << prove.err;
  EXPECT_NE(prove.out.find("\"passwords\": 7"), std::string::npos) << prove.out;
  EXPECT_NE(prove.out.find("\"secret_matches\": true"), std::string::npos) << prove.out;
  const std::string password = UriPassword(database.uri());
  if (!password.empty()) {
    std::ifstream evidence(Path("out/B1.evidence.json"));
    const std::string text((std::istreambuf_iterator<char>(evidence)),
                           std::istreambuf_iterator<char>());
    for (const std::string& shown : {first.out, first.err, prove.out, prove.err, text}) {
      EXPECT_EQ(shown.find(password), std::string::npos) << shown;
    }
  }
}

}  // namespace
}  // namespace provisio::cli
