#include "firmware/secret_mask.h"

#include <string>

#include <gtest/gtest.h>

namespace provisio::firmware {
namespace {

struct MaskCase {
  std::string line;
  std::string masked;
};

TEST(MaskSecretsTest, HidesTheValuesOfSecretKeysOptionsAndUrls) {
  const MaskCase cases[] = {
      {"password=hunter22", "password=****"},
      {"db_passwd = 'Summer2024' # old", "db_passwd = '****' # old"},
      {R"({"password": "S3cret!", "user": "admin"})", R"({"password": "****", "user": "admin"})"},
      {"option password 'wifi1234'", "option password '****'"},
      {"<Password>admin</Password>", "<Password>****</Password>"},
      {"telnetd -l /bin/login --password S3cretLeakC", "telnetd -l /bin/login --password ****"},
      {"wget --no-check-certificate --password=S3cretLeakB https://x.example.com/f",
       "wget --no-check-certificate --password=**** https://x.example.com/f"},
      {"curl -k -u admin:S3cretLeakA https://api.example.com/x",
       "curl -k -u admin:**** https://api.example.com/x"},
      {"curl --user=backup:pw99 -k https://h/", "curl --user=backup:**** -k https://h/"},
      {"wget -q http://admin:fw_upd4te@updates.example.com/fw.bin",
       "wget -q http://admin:****@updates.example.com/fw.bin"},
      {"ssl_verify=false password=S3cretLeakD", "ssl_verify=false password=****"},
      {"secret = pass:insta", "secret = ****"},
      {"api_key: abcdef0123456789abcdef", "api_key: ****"},
      {"wpa_psk=MyWifiKey99", "wpa_psk=****"},
  };
  for (const MaskCase& c : cases) {
    SCOPED_TRACE(c.line);
    EXPECT_EQ(MaskSecrets(c.line), c.masked);
  }
}

TEST(MaskSecretsTest, LeavesLinesWithoutSecretValuesAlone) {
  const std::string lines[] = {
      "PasswordAuthentication yes",
      "option RootPasswordAuth 'on'",
      "pwd_auth=yes",
      "grep root /etc/passwd",
      "passwd -d root",
      "curl -k https://updates.example.com/fw.bin",
      "password=$ADMIN_PASSWORD",
      "pass=****(5 chars)",
      "ssl_protocols TLSv1 TLSv1.1;",
      "https://example.com:8443/path",
  };
  for (const std::string& line : lines) {
    SCOPED_TRACE(line);
    EXPECT_EQ(MaskSecrets(line), line);
  }
}

}  // namespace
}  // namespace provisio::firmware
