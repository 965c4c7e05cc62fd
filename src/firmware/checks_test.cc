#include "firmware/checks.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <random>
#include <set>
#include <string>

#include <crypt.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/dsa.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "provisio/firmware/pattern_scanner.h"

namespace provisio::firmware {
namespace {

ExtractedFile File(std::string path, std::string content, std::uint32_t mode = 0644) {
  ExtractedFile file;
  file.kind = ExtractedFile::Kind::kRegular;
  file.path = std::move(path);
  file.chain = "test.bin > tar@0x0";
  file.mode = mode;
  auto owned = std::make_shared<const std::string>(std::move(content));
  file.data = std::string_view(*owned);
  file.owner = owned;
  return file;
}

std::unique_ptr<Checker> MakeChecker(ScannerEngine engine = ScannerEngine::kBest) {
  AnalyzerOptions options;
  options.engine = engine;
  options.password_lists = DefaultPasswordListDir();
  auto checker = Checker::Create(options);
  EXPECT_TRUE(checker) << checker.error().message();
  return std::move(*checker);
}

std::multiset<std::string> Rules(const Checker& checker, const ExtractedFile& file) {
  FileResults results;
  checker.CheckFile(file, &results);
  std::multiset<std::string> rules;
  for (const Finding& f : results.findings)
    rules.insert(f.rule_id);
  return rules;
}

std::string Hash(const char* prefix, const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  EXPECT_NE(crypt_gensalt_rn(prefix, 0, nullptr, 0, salt, sizeof(salt)), nullptr);
  crypt_data data{};
  return crypt_rn(password.c_str(), salt, &data, sizeof(data));
}

TEST(CryptTest, VerifiesEverySupportedScheme) {
  for (const char* prefix : {"_", "$1$", "$5$", "$6$", "$2b$", "$y$"}) {
    SCOPED_TRACE(prefix);
    const std::string hash = Hash(prefix, "admin");
    EXPECT_TRUE(CryptMatches("admin", hash));
    EXPECT_FALSE(CryptMatches("admin1", hash));
  }
}

struct TextCase {
  const char* name;
  const char* path;
  const char* content;
  std::multiset<std::string> expected;
};

TEST(CheckerTest, ReportsExactlyThePlantedTextWeaknesses) {
  const TextCase cases[] = {
      {"console shell", "/etc/inittab", "ttyS0::respawn:/bin/sh\n", {"FW-CONSOLE-ROOT-SHELL"}},
      {"askfirst shell", "/etc/inittab", "::askfirst:-/bin/ash\n", {"FW-CONSOLE-ROOT-SHELL"}},
      {"a shell running a command",
       "/etc/inittab",
       "::respawn:/bin/sh -c \"/usr/bin/app --daemon\"\n",
       {}},
      {"getty with login", "/etc/inittab", "ttyS0::respawn:/sbin/getty -L ttyS0 115200\n", {}},
      {"getty without login",
       "/etc/inittab",
       "ttyS0::respawn:/sbin/getty -n -l /bin/sh ttyS0 115200\n",
       {"FW-CONSOLE-ROOT-SHELL"}},
      {"systemd autologin",
       "/etc/systemd/system/serial-getty@.service.d/override.conf",
       "[Service]\nExecStart=-/sbin/agetty --autologin root -8 --keep-baud 115200 %I\n",
       {"FW-CONSOLE-ROOT-SHELL"}},
      {"shell as the serial getty",
       "/etc/systemd/system/serial-getty@ttyS0.service.d/override.conf",
       "[Service]\nExecStart=\nExecStart=-/bin/sh\nStandardInput=tty\n",
       {"FW-CONSOLE-ROOT-SHELL"}},
      {"getty unit with a login prompt",
       "/lib/systemd/system/serial-getty@.service",
       "[Service]\nExecStart=-/sbin/agetty -o '-p -- \\\\u' --keep-baud 115200 %I $TERM\n",
       {}},
      {"openwrt askconsole shell",
       "/etc/inittab",
       "::askconsole:/bin/ash --login\n",
       {"FW-CONSOLE-ROOT-SHELL"}},
      {"telnetd in rcS",
       "/etc/init.d/rcS",
       "#!/bin/sh\ntelnetd -l /bin/login\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"telnetd killed", "/etc/init.d/rcS", "#!/bin/sh\nkillall telnetd\n# telnetd\n", {}},
      {"inetd telnet",
       "/etc/inetd.conf",
       "telnet stream tcp nowait root /usr/sbin/telnetd telnetd\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"xinetd disabled",
       "/etc/xinetd.d/telnet",
       "service telnet\n{\n disable = yes\n server = /usr/sbin/in.telnetd\n}\n",
       {}},
      {"systemd telnet",
       "/lib/systemd/system/telnet.service",
       "[Service]\nExecStart=/usr/sbin/telnetd -F\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"adbd started", "/etc/init.d/S99adb", "/usr/bin/adbd &\n", {"FW-DEBUG-SERVICE"}},
      {"root filesystem in a folder of an archive",
       "/squashfs-root/etc/init.d/S50telnet",
       "#!/bin/sh\ntelnetd -p 23\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"xinetd of a tarred root filesystem",
       "/fw/rootfs/etc/xinetd.d/telnet",
       "service telnet\n{\n disable = no\n server = /usr/sbin/in.telnetd\n}\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"example tree of a package",
       "/usr/share/pkg/etc/init.d/telnet",
       "#!/bin/sh\ntelnetd -p 23\n",
       {}},
      {"telnetd outside init",
       "/usr/lib/app/readme.txt",
       "run telnetd -l /bin/login to debug\n",
       {}},
      {"ssh root password",
       "/etc/ssh/sshd_config",
       "PermitRootLogin yes\n",
       {"FW-SSH-ROOT-PASSWORD"}},
      {"ssh root keys only",
       "/etc/ssh/sshd_config",
       "PermitRootLogin yes\nPasswordAuthentication no\n",
       {}},
      {"ssh prohibit-password", "/etc/ssh/sshd_config", "PermitRootLogin prohibit-password\n", {}},
      {"old protocols",
       "/etc/nginx/nginx.conf",
       "ssl_protocols SSLv3 TLSv1 TLSv1.2;\n",
       {"FW-TLS-OLD-PROTOCOL"}},
      {"modern protocols",
       "/etc/nginx/nginx.conf",
       "ssl_protocols TLSv1.2 TLSv1.3;\n# no SSLv3 protocol\n",
       {}},
      {"apache minus sslv3", "/etc/apache2/ssl.conf", "SSLProtocol all -SSLv3 -TLSv1\n", {}},
      {"lighttpd sslv3",
       "/etc/lighttpd.conf",
       "ssl.use-sslv3 = \"enable\"\n",
       {"FW-TLS-OLD-PROTOCOL"}},
      {"weak ciphers",
       "/etc/stunnel.conf",
       "ciphers = HIGH:RC4-SHA:EXPORT\n",
       {"FW-TLS-WEAK-CIPHER"}},
      {"negated ciphers", "/etc/nginx.conf", "ssl_ciphers HIGH:!aNULL:!RC4:-EXPORT;\n", {}},
      {"curl -k", "/usr/bin/fetch.sh", "curl -s -k https://x.example/\n", {"FW-TLS-NO-VERIFY"}},
      {"curl --insecure",
       "/usr/bin/fetch.sh",
       "curl --insecure https://x.example/\n",
       {"FW-TLS-NO-VERIFY"}},
      {"wget no check",
       "/usr/bin/fetch.sh",
       "wget --no-check-certificate https://x/\n",
       {"FW-TLS-NO-VERIFY"}},
      {"curlopt",
       "/usr/src/a.c",
       "curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);\n",
       {"FW-TLS-NO-VERIFY"}},
      {"verify = 0", "/etc/stunnel/stunnel.conf", "verify = 0\n", {"FW-TLS-NO-VERIFY"}},
      {"verify = 2", "/etc/stunnel/stunnel.conf", "verify = 2\n", {}},
      {"password in script", "/usr/bin/x.sh", "PASSWORD=\"hunter22\"\n", {"FW-HARDCODED-PASSWORD"}},
      {"password from variable", "/usr/bin/x.sh", "PASSWORD=$1\npassword: ${PW}\n", {}},
      {"nsswitch", "/etc/nsswitch.conf", "passwd: files systemd\n", {}},
      {"chpasswd",
       "/etc/init.d/S01",
       "echo \"root:admin123\" | chpasswd\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"api key", "/etc/app.conf", "api_key = 0123456789abcdef0123\n", {"FW-HARDCODED-SECRET"}},
      {"aws secret access key",
       "/usr/bin/cloud.py",
       "AWS_SECRET_ACCESS_KEY = \"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzYXWVUTSRQ\"\n",
       {"FW-HARDCODED-SECRET"}},
      {"json client secret",
       "/etc/app.json",
       "{\"client_secret\": \"4fe1c0a7d2b94e6b8a1f0c3d5e7a9b2c\"}\n",
       {"FW-HARDCODED-SECRET"}},
      {"python's standard library",
       "/usr/lib/python3.11/urllib/request.py",
       "authinfo.add_password(realm='PDQ',\n    passwd='geheim$parole')\n"
       "ctx = ssl._create_unverified_context()\n",
       {}},
      {"a device's python package",
       "/usr/lib/python3.11/site-packages/vendor/cloud.py",
       "ctx = ssl._create_unverified_context()\n",
       {"FW-TLS-NO-VERIFY"}},
      {"a conditional reading the setting",
       "/usr/lib/node_modules/agent/lib/options.js",
       "  strictSsl: secure ? !!options.rejectUnauthorized : false,\n",
       {}},
      {"askpass program", "/usr/lib/app/git.js", "  GIT_ASKPASS: 'echo',\n", {}},
      {"a password masked with Xs", "/usr/lib/app/log.js", "  password: 'XXXXX',\n", {}},
      {"a package's readme",
       "/usr/lib/node_modules/x/README.md",
       "Log in with `password=correcthorse` in your config.\n",
       {}},
      {"npm dependency named after pass",
       "/usr/lib/node_modules/x/package.json",
       "  \"dependencies\": {\n    \"minipass\": \"^7.0.3\"\n  }\n",
       {}},
      {"verify=False of a TLS client",
       "/usr/lib/app/cloud.py",
       "r = requests.get(\n    API,\n    verify=False)\n",
       {"FW-TLS-NO-VERIFY"}},
      {"verify=False of a numerical solver",
       "/usr/lib/python3/sympy/solvers.py",
       "    ans = nsolve(f, 3.14*100, verify=False)\n",
       {}},
      {"mosquitto password",
       "/etc/init.d/S90mqtt",
       "mosquitto_pub -h broker -u dev -P Mq77secret -t x -m y\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"mysql password",
       "/usr/bin/db.sh",
       "mysql -uroot -pDbR00tpw -e 'select 1'\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"mysql asks for the password", "/usr/bin/db.sh", "mysql -u root -p mydb\n", {}},
      {"mysql usage placeholder", "/usr/bin/db.sh", "echo usage: mysql -uroot -pPASSWORD\n", {}},
      {"mysql password from a variable", "/usr/bin/db.sh", "mysql -uroot -p$DB_PW\n", {}},
      {"wgetrc", "/etc/wgetrc", "check_certificate = off\n", {"FW-TLS-NO-VERIFY"}},
      {"wgetrc checking", "/etc/wgetrc", "check_certificate = on\n", {}},
      {"curlrc", "/root/.curlrc", "silent\ninsecure\n", {"FW-TLS-NO-VERIFY"}},
      {"sshd empty passwords",
       "/etc/ssh/sshd_config",
       "PermitEmptyPasswords yes\n",
       {"FW-SSH-EMPTY-PASSWORD"}},
      {"sshd empty passwords without password logins",
       "/etc/ssh/sshd_config",
       "PermitEmptyPasswords yes\nPasswordAuthentication no\n",
       {}},
      {"bind shell at boot",
       "/etc/init.d/S99debug",
       "nc -l -p 4444 -e /bin/sh &\n",
       {"FW-DEBUG-SERVICE"}},
      {"socat bind shell",
       "/etc/rc.local",
       "socat TCP-LISTEN:23,fork EXEC:/bin/ash\n",
       {"FW-DEBUG-SERVICE"}},
      {"nc without a shell", "/etc/init.d/S99log", "nc -l -p 514 > /tmp/log &\n", {}},
      {"busybox httpd password",
       "/etc/httpd.conf",
       "A:*\n/cgi-bin:admin:Adm1nPw\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"busybox httpd default password hash",
       "/etc/httpd.conf",
       "/:admin:$1$Ab3dEf9h$eS/o/HH5b1gFv/4YRZ0hd1\n",
       {"FW-DEFAULT-PASSWORD"}},
      {"aws key", "/etc/cloud.conf", "id=AKIAIOSFODNN7EXAMPLE\n", {"FW-API-TOKEN"}},
      {"wireguard key",
       "/etc/wireguard/wg0.conf",
       "[Interface]\nPrivateKey = 0MCo3CjGF5vz1gwxwCdMiWLYZ3MTKvtMpS12QtLj7HI=\n",
       {"FW-PRIVATE-KEY"}},
      {"wireguard key in uci",
       "/etc/config/network",
       "config interface 'wg0'\n\toption private_key "
       "'WNPVRnfiWi27z+5kIiek4DmlLBwHN3qOrBSpdk50Fls='\n",
       {"FW-PRIVATE-KEY"}},
      {"wireguard peer public key",
       "/etc/wireguard/wg0.conf",
       "[Peer]\nPublicKey = 0MCo3CjGF5vz1gwxwCdMiWLYZ3MTKvtMpS12QtLj7HI=\n",
       {}},
      {"random base64 called a private key",
       "/etc/app.conf",
       "private_key = o56KQSVNmLOxYxIcoQpmkMWzWTWkgxyJ22HgVoGjOwY=\n",
       {}},
      {"github token",
       "/etc/ci.conf",
       "token ghp_0123456789abcdefghijABCDEFGHIJ012345\n",
       {"FW-API-TOKEN"}},
      {"github oauth token",
       "/etc/ci.conf",
       "token=gho_0123456789abcdefghijABCDEFGHIJ012345\n",
       {"FW-API-TOKEN"}},
      {"github fine-grained token",
       "/etc/ci.conf",
       "GITHUB_TOKEN=github_pat_11ABCDEFG0123456789abc_"
       "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456\n",
       {"FW-API-TOKEN"}},
      {"google api key",
       "/www/maps.js",
       "var key = \"AIzaSyA0123456789abcdefghijklmnopqrstuv\";\n",
       {"FW-API-TOKEN"}},
      {"google api key inside a longer run",
       "/www/maps.js",
       "XAIzaSyA0123456789abcdefghijklmnopqrstuv\n",
       {}},
      {"stripe live key",
       "/etc/billing.conf",
       "stripe sk_live_0123456789abcdefABCDEFGH\n",
       {"FW-API-TOKEN"}},
      {"stripe test key", "/etc/billing.conf", "stripe sk_test_0123456789abcdefABCDEFGH\n", {}},
      {"stripe restricted key",
       "/etc/billing.conf",
       "stripe_rk=rk_live_51Hq9aLk3Jd8Fh2Gs7Pq0Wn5Xc4Vb6NmZz\n",
       {"FW-API-TOKEN"}},
      {"slack webhook",
       "/etc/alerts.conf",
       "webhook=https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/aBcDeFgHiJkLmNoPqRsTuVwX\n",
       {"FW-API-TOKEN"}},
      {"aws temporary key id", "/etc/cloud.conf", "key=ASIAQ2W3E4R5T6Y7U8I9\n", {"FW-API-TOKEN"}},
      {"github fine-grained token one character short of today's form",
       "/etc/ci.conf",
       "gh1=github_pat_11ABCDEFG0123456789abc_"
       "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV\n",
       {"FW-API-TOKEN"}},
      // Credentials in URLs and curl options.
      {"wget url credentials",
       "/usr/bin/upd.sh",
       "wget -q http://admin:fw_upd4te@updates.example.com/fw.bin\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"ftp url credentials",
       "/usr/bin/upd.sh",
       "curl ftp://backup:S3cretBkp@10.0.0.2/d\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"curl -u",
       "/usr/bin/upd.sh",
       "curl -u admin:Adm1nPass! ftp://10.0.0.1/x\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"curl --user=",
       "/usr/bin/upd.sh",
       "curl --user=svc:Pw0rd99 https://h/x\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"curl -u from variables", "/usr/bin/upd.sh", "curl -u $USER:$PASS https://h/\n", {}},
      {"curl -u user only", "/usr/bin/upd.sh", "curl -u admin https://h/\n", {}},
      {"usage text placeholder",
       "/usr/bin/upd.sh",
       "echo \"proxy: http://user:password@host:port\"\n",
       {}},
      {"url with a port", "/etc/app.conf", "server=https://example.com:8443/api\n", {}},
      {"optional user info in brackets",
       "/usr/lib/app/cli.py",
       "help=\"a proxy as scheme://[user:passwd@]proxy.server:port\"\n",
       {}},
      {"password option in prose",
       "/usr/lib/app/README",
       "give the --username and --password instead of a URL\n"
       "information is provided via the --username and --password options\n"
       "Fix certtool --password with PKCS #12 files\n",
       {}},
      {"curl -k with credentials",
       "/usr/bin/up.sh",
       "curl -k -u admin:S3cretLeakA https://api.example.com/x\n",
       {"FW-TLS-NO-VERIFY", "FW-HARDCODED-PASSWORD"}},
      {"password option",
       "/etc/inittab",
       "::respawn:/usr/sbin/telnetd -l /bin/login --password S3cretLeakC\n",
       {"FW-PLAINTEXT-SERVICE", "FW-HARDCODED-PASSWORD"}},
      {"sshpass",
       "/usr/bin/sync.sh",
       "sshpass -p 'Backup99' ssh backup@10.0.0.2\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"password option from a variable", "/usr/bin/sync.sh", "app --password \"$PW\"\n", {}},
      {"password option in usage text", "/usr/bin/sync.sh", "echo \"  --password PASSWORD\"\n", {}},
      {"password file option", "/usr/bin/sync.sh", "app --password-file /etc/app.pw\n", {}},
      // Node.js switches certificate checks off.
      {"node tls env",
       "/www/app.js",
       "process.env.NODE_TLS_REJECT_UNAUTHORIZED = \"0\";\n",
       {"FW-TLS-NO-VERIFY"}},
      {"node https agent",
       "/www/app.js",
       "const agent = new https.Agent({ rejectUnauthorized: false });\n",
       {"FW-TLS-NO-VERIFY"}},
      {"node https agent verifying",
       "/www/app.js",
       "https.Agent({ rejectUnauthorized: true })\n",
       {}},
      // Android init and properties.
      {"adbd service started by its class",
       "/init.usb.rc",
       "service adbd /system/bin/adbd --root_seclabel=u:r:su:s0\n    class core\n"
       "    socket adbd stream 660 system system\n",
       {"FW-DEBUG-SERVICE"}},
      {"adbd service disabled",
       "/init.usb.rc",
       "service adbd /system/bin/adbd\n    class core\n    disabled\n",
       {}},
      {"adbd started on boot", "/init.rc", "on boot\n    start adbd\n", {"FW-DEBUG-SERVICE"}},
      {"adbd started by a property trigger",
       "/system/etc/init/usb.rc",
       "on property:sys.usb.config=adb\n    start adbd\n",
       {}},
      {"adb on by default",
       "/system/build.prop",
       "ro.build.type=user\npersist.sys.usb.config=mtp,adb\n",
       {"FW-DEBUG-SERVICE"}},
      {"adb without key check", "/default.prop", "ro.adb.secure=0\n", {"FW-DEBUG-SERVICE"}},
      {"adb with key check", "/default.prop", "ro.adb.secure=1\npersist.sys.usb.config=mtp\n", {}},
      // dropbear lets root log in with a password unless -w, -g or -s.
      {"dropbear in init script",
       "/etc/init.d/S50dropbear",
       "#!/bin/sh\n/usr/sbin/dropbear -R -p 22\n",
       {"FW-SSH-ROOT-PASSWORD"}},
      {"dropbear systemd unit",
       "/etc/systemd/system/dropbear.service",
       "[Service]\nExecStart=/usr/sbin/dropbear -F -E -p 22\n",
       {"FW-SSH-ROOT-PASSWORD"}},
      {"dropbear without root logins", "/etc/init.d/S50dropbear", "dropbear -R -w -p 22\n", {}},
      {"dropbear combined flags", "/etc/init.d/S50dropbear", "dropbear -Rg -p 22\n", {}},
      {"dropbear without password logins", "/etc/init.d/S50dropbear", "dropbear -s\n", {}},
      {"dropbear path in a variable",
       "/etc/init.d/dropbear",
       "DAEMON=/usr/sbin/dropbear\nstart-stop-daemon -S -x $DAEMON -- $DROPBEAR_ARGS\n",
       {}},
      {"dropbear options from a variable",
       "/etc/init.d/S50dropbear",
       "start-stop-daemon -S -x /usr/sbin/dropbear -- $DROPBEAR_ARGS\n",
       {}},
      {"dropbear defaults",
       "/etc/default/dropbear",
       "NO_START=0\nDROPBEAR_EXTRA_ARGS=\"-p 2222\"\n",
       {"FW-SSH-ROOT-PASSWORD"}},
      {"dropbear defaults without root",
       "/etc/default/dropbear",
       "DROPBEAR_ARGS=\"-w -p 22\"\n",
       {}},
      {"empty password",
       "/etc/passwd",
       "root:x:0:0::/root:/bin/sh\nguest::100:100::/:/bin/sh\n",
       {"FW-EMPTY-PASSWORD"}},
      {"uid 0 twice",
       "/etc/passwd",
       "root:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\n",
       {"FW-UID0-DUPLICATE"}},
      {"locked shadow", "/etc/shadow", "root:*:1:0:99999:7:::\nfoo:!$6$x$y:1:0::::\n", {}},
      // False positives.
      {"aws key id inside a word",
       "/usr/share/unicode/names.txt",
       "ARABICLETTERISAKIAISLANDISSHARITA\n",
       {}},
      {"aws key id followed by more capitals", "/etc/x.txt", "AKIAIOSFODNN7EXAMPLEX\n", {}},
      {"github token inside a word",
       "/etc/x.txt",
       "xghp_0123456789abcdefghijABCDEFGHIJ012345\n",
       {}},
      {"bypass", "/etc/config/firewall", "option bypass=enabled\n", {}},
      {"compass and trespass", "/etc/app.conf", "compass=northwest\ntrespass: forbidden\n", {}},
      {"a password source in a trailing comment",
       "/etc/ssl/openssl.cnf",
       "secret = $insta::secret # pass:insta\n",
       {}},
      {"perl sub call", "/usr/sbin/adduser", "my $passwd = &which('passwd');\n", {}},
      {"quoted command", "/usr/sbin/addgnupghome", "cat_passwd='getent passwd'\n", {}},
      {"an OpenSSL password source as a value",
       "/etc/ssl/openssl.cnf",
       "[insta] # CMP with the Insta Demo CA\nsecret = pass:insta\n",
       {}},
      {"an OpenSSL password source in a script",
       "/etc/init.d/certs",
       "openssl pkcs12 -in a.p12 -passin pass:Vendor2019 -out a.pem\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"lua form value",
       "/usr/lib/lua/luci/controller/admin.lua",
       "local pass = luci.http.formvalue(\"password\")\n",
       {}},
      {"js element value",
       "/www/login.js",
       "var password = document.getElementById(\"pwd\").value;\n",
       {}},
      {"dotted identifier path", "/www/app.js", "password = config.auth.password;\n", {}},
      {"indexed value", "/www/app.js", "password=args[2]\n", {}},
      {"quoted dotted password",
       "/etc/app.conf",
       "password=\"my.secret.value\"\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"dbpass", "/etc/app.conf", "dbpass=Zx81secret\n", {"FW-HARDCODED-PASSWORD"}},
      // 5.1: hard-coded passwords in other syntaxes.
      {"json password",
       "/etc/app/config.json",
       "{\n  \"user\": \"admin\",\n  \"password\": \"Adm1nPass!\"\n}\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"json password hint", "/etc/app/ui.json", "{\"passwordHint\": \"Your pet\"}\n", {}},
      {"uci password",
       "/etc/config/mwan",
       "config login\n\toption username 'admin'\n\toption password 'SuperSecret1'\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"prose about a password", "/usr/lib/app/x.txt", "Enter the password 'twice' here\n", {}},
      {"xml password",
       "/etc/device.xml",
       "<Account><Password>Xml0Secret</Password></Account>\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"xml example in a comment",
       "/etc/maven/settings.xml",
       "<!--\n <proxy>\n  <password>proxypass</password>\n </proxy>\n-->\n<a/>\n",
       {}},
      {"xml password after a comment",
       "/etc/device.xml",
       "<!-- account -->\n<Password>Xml0Secret</Password>\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"perl config define", "/usr/lib/perl/Config_heavy.pl", "d_pwpasswd='define'\n", {}},
      {"html password field", "/www/login.html", "<input type=\"password\">Password</b>\n", {}},
      {"php define",
       "/www/config.php",
       "<?php\ndefine(\"DB_PASSWORD\", \"Php5ecret\");\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"php define from env",
       "/www/config.php",
       "define(\"DB_PASSWORD\", getenv(\"DB_PASSWORD\"));\n",
       {}},
      {"wpa psk",
       "/etc/wpa_supplicant.conf",
       "network={\n ssid=\"home\"\n psk=\"correcthorse\"\n}\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"hostapd passphrase",
       "/etc/hostapd.conf",
       "wpa_passphrase=Wifi12345\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"passwd -d", "/etc/init.d/rcS", "#!/bin/sh\npasswd -d root\n", {"FW-EMPTY-PASSWORD"}},
      {"echo into passwd",
       "/etc/init.d/S50setup",
       "echo -e \"admin\\nadmin\" | passwd root\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"variable into passwd", "/etc/init.d/S50setup", "echo \"$PW\" | passwd root\n", {}},
      // 5.6: consoles and services.
      {"login -f root",
       "/etc/inittab",
       "ttyS0::respawn:/bin/login -f root\n",
       {"FW-CONSOLE-ROOT-SHELL"}},
      {"login asks", "/etc/inittab", "ttyS0::respawn:/bin/login\n", {}},
      {"cttyhack shell",
       "/etc/inittab",
       "::respawn:/bin/cttyhack /bin/sh\n",
       {"FW-CONSOLE-ROOT-SHELL"}},
      {"cttyhack login", "/etc/inittab", "::respawn:/bin/cttyhack /bin/login\n", {}},
      {"etc_ro inittab", "/etc_ro/inittab", "::respawn:-/bin/sh\n", {"FW-CONSOLE-ROOT-SHELL"}},
      {"echo before telnetd",
       "/etc/init.d/rcS",
       "echo \"start\"; telnetd -l /bin/sh &\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"echo after telnetd",
       "/etc/init.d/rcS",
       "/usr/sbin/telnetd -l /bin/sh || echo failed\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"telnetd only echoed", "/etc/init.d/rcS", "echo \"no telnetd; ftpd here\"\n", {}},
      {"etc_ro rcS", "/etc_ro/rcS", "telnetd &\n", {"FW-PLAINTEXT-SERVICE"}},
      {"usr etc init.d", "/usr/etc/init.d/S50ftp", "vsftpd &\n", {"FW-PLAINTEXT-SERVICE"}},
      {"runit run", "/etc/sv/telnet/run", "#!/bin/sh\nexec telnetd -F\n", {"FW-PLAINTEXT-SERVICE"}},
      {"runit log run", "/etc/sv/telnet/log/config", "telnetd\n", {}},
      {"proftpd",
       "/etc/init.d/proftpd",
       "start-stop-daemon -S -x /usr/sbin/proftpd\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"pure-ftpd", "/etc/init.d/S70ftp", "/usr/sbin/pure-ftpd -B\n", {"FW-PLAINTEXT-SERVICE"}},
      {"sshd drop-in",
       "/etc/ssh/sshd_config.d/50-root.conf",
       "PermitRootLogin yes\n",
       {"FW-SSH-ROOT-PASSWORD"}},
      {"dropbear uci root password",
       "/etc/config/dropbear",
       "config dropbear\n\toption PasswordAuth 'on'\n\toption RootPasswordAuth 'on'\n",
       {"FW-SSH-ROOT-PASSWORD"}},
      {"dropbear uci default password auth",
       "/etc/config/dropbear",
       "config dropbear\n\toption RootPasswordAuth 'on'\n\toption Port '22'\n",
       {"FW-SSH-ROOT-PASSWORD"}},
      {"dropbear uci no root password",
       "/etc/config/dropbear",
       "config dropbear\n\toption PasswordAuth 'on'\n\toption RootPasswordAuth 'off'\n",
       {}},
      {"dropbear uci passwords off",
       "/etc/config/dropbear",
       "config dropbear\n\toption PasswordAuth 'off'\n\toption RootPasswordAuth 'on'\n",
       {}},
      // 5.5: verification and protocols.
      {"curl -sk", "/usr/bin/fetch.sh", "curl -sk https://x.example/\n", {"FW-TLS-NO-VERIFY"}},
      {"curl -fsSLk",
       "/usr/bin/fetch.sh",
       "curl -fsSLk -o /tmp/a https://x/\n",
       {"FW-TLS-NO-VERIFY"}},
      {"curl -sS", "/usr/bin/fetch.sh", "curl -sS -o /tmp/k https://x/\n", {}},
      {"continued no-check-certificate",
       "/usr/bin/fetch.sh",
       "wget -O /tmp/a \\\n  --no-check-certificate https://x/\n",
       {"FW-TLS-NO-VERIFY"}},
      {"sql comment", "/usr/share/db.sql", "-- wget --no-check-certificate\n", {}},
      {"php curlopt",
       "/www/api.php",
       "curl_setopt_array($ch, [CURLOPT_SSL_VERIFYPEER => false]);\n",
       {"FW-TLS-NO-VERIFY"}},
      {"php curlopt true", "/www/api.php", "CURLOPT_SSL_VERIFYPEER => true,\n", {}},
      {"curl tlsv1.0", "/usr/bin/fetch.sh", "curl --tlsv1.0 https://x/\n", {"FW-TLS-OLD-PROTOCOL"}},
      {"curl tlsv1 or newer", "/usr/bin/fetch.sh", "curl --tlsv1 https://x/\n", {}},
      {"curl tlsv1.2", "/usr/bin/fetch.sh", "curl --tlsv1.2 https://x/\n", {}},
      {"python unverified context",
       "/usr/lib/python3/app.py",
       "ctx = ssl._create_unverified_context()\n",
       {"FW-TLS-NO-VERIFY"}},
      {"git sslverify command",
       "/etc/init.d/S90sync",
       "git config --global http.sslVerify false\n",
       {"FW-TLS-NO-VERIFY"}},
      {"git config file",
       "/root/.gitconfig",
       "[http]\n\tsslVerify = false\n",
       {"FW-TLS-NO-VERIFY"}},
      {"git sslverify true", "/root/.gitconfig", "[http]\n\tsslVerify = true\n", {}},
      {"git no verify env",
       "/etc/profile.d/git.sh",
       "export GIT_SSL_NO_VERIFY=1\n",
       {"FW-TLS-NO-VERIFY"}},
      {"mosquitto bridge insecure",
       "/etc/mosquitto/mosquitto.conf",
       "connection cloud\nbridge_insecure true\n",
       {"FW-TLS-NO-VERIFY"}},
      {"mosquitto bridge secure", "/etc/mosquitto/mosquitto.conf", "bridge_insecure false\n", {}},
      // Source code quotes its literals: unquoted values are names.
      {"python names",
       "/usr/lib/python3/dist-packages/auth.py",
       "        self.password = password\n"
       "        key = load_pem_private_key(key, password=None)\n"
       "    def build(self, password: bytes) -> Encryption:\n"
       "    PASS = ignore\n",
       {}},
      {"python literal",
       "/usr/lib/app/config.py",
       "password = \"Adm1nPass\"\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"shell unquoted literal",
       "/etc/init.d/S50app",
       "PASSWORD=Adm1nPass\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"documented parameters",
       "/usr/lib/python3/dist-packages/crypto.py",
       "        :type passphrase: :py:data:`bytes`\n"
       "        :param password: the password to use\n"
       "    Pass :meth:`peek` a default value\n",
       {}},
      {"masked value", "/usr/lib/python3/misc.py", "        password = \":****\"\n", {}},
      {"grub module lists",
       "/boot/grub/x86_64-efi/command.lst",
       "legacy_check_password: legacycfg\npassword: password\npassword_pbkdf2: password_pbkdf2\n",
       {}},
      {"protocol names in a library's source",
       "/usr/lib/python3/dist-packages/urllib3/contrib/pyopenssl.py",
       "    _openssl_versions[ssl.PROTOCOL_SSLv3] = OpenSSL.SSL.SSLv3_METHOD\n"
       "if hasattr(ssl, \"PROTOCOL_TLSv1\"):\n",
       {}},
      {"protocol set in a configuration file",
       "/etc/nginx/nginx.conf",
       "ssl_protocols SSLv3 TLSv1.2;\n",
       {"FW-TLS-OLD-PROTOCOL"}},
      {"verify defaults in a library's source",
       "/usr/lib/python3/dist-packages/pip/_vendor/requests/sessions.py",
       "    def __init__(self, filename=None, sign=False, verify=False):\n"
       "            verify=None,\n",
       {}},
      {"verification switched off in a program",
       "/usr/lib/app/update.py",
       "r = requests.get(url, verify=False)\n",
       {"FW-TLS-NO-VERIFY"}},
      {"documentation",
       "/usr/share/man/man1/curl.1",
       "curl --insecure https://example.com\ncurl --sslv3 https://example.com\n"
       "password=Secret123\n",
       {}},
      {"dpkg log",
       "/var/log/dpkg.log",
       "2026-11-29 08:51:32 install base-passwd:amd64 <none> 3.6.1\n",
       {}},
      {"dpkg messages naming a package (debootstrap's log)",
       "/var/log/bootstrap.log",
       "dpkg: base-passwd: dependency problems, but configuring anyway as you requested:\n"
       "  dpkg: passwd: warning: something\n",
       {}},
      {"the same words as a configuration line",
       "/etc/app.yaml",
       "base-passwd: dependency\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"enum constants in a C header",
       "/usr/include/wolfssl/wolfcrypt/error-crypt.h",
       "    NO_PASSWORD        = -176,  /* no password provided by user */\n"
       "    NO_VERIFY   = 0,\n"
       "    MBEDTLS_CIPHER_ID_ARC4,      /**< The RC4 cipher. */\n"
       "    const SSL_CIPHER* cipher = NULL;\n",
       {}},
      {"a weak cipher list in C code is a string literal",
       "/usr/src/app/client.c",
       "    SSL_CTX_set_cipher_list(ctx, \"RC4-SHA:AES128-SHA\");\n",
       {"FW-TLS-WEAK-CIPHER"}},
      {"a negated setting that keeps verification on",
       "/etc/app/client.yaml",
       "skip_verify: false\nno-verify = 0\n",
       {}},
      {"verification off in a configuration file",
       "/etc/app/client.conf",
       "ssl_verify = 0\n",
       {"FW-TLS-NO-VERIFY"}},
      {"a dict that maps a constant to its label",
       "/usr/lib/python3/dist-packages/cryptography/hazmat/_oid.py",
       "    AttributeOID.CHALLENGE_PASSWORD: \"challengePassword\",\n",
       {}},
      {"a password in a JavaScript object",
       "/www/js/app.js",
       "const login = {user: \"admin\", password: \"Adm1n!2024\"};\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"a comparison with the negotiated protocol",
       "/usr/lib/python3/dist-packages/urllib3/connection.py",
       "        and self.sock.version() in {\"TLSv1\", \"TLSv1.1\"}\n"
       "    if protocol_version == \"SSLv3\":\n",
       {}},
      {"an old protocol set in code",
       "/usr/lib/app/client.py",
       "ctx = make_context(protocol=\"TLSv1\")\n",
       {"FW-TLS-OLD-PROTOCOL"}},
      {"an init script names its daemon in many lines: one finding",
       "/etc/init.d/S50telnet",
       "DESC=\"the telnetd service\"\nDAEMON=/usr/sbin/telnetd\n"
       "start-stop-daemon --start --exec $DAEMON\nif ps -C telnetd; then :; fi\n"
       "/usr/sbin/telnetd -l /bin/login\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"a description names a service, the Exec line starts another",
       "/lib/systemd/system/files.service",
       "[Unit]\nDescription=vsftpd replacement\n[Service]\nExecStart=/usr/sbin/in.tftpd -s /srv\n",
       {"FW-PLAINTEXT-SERVICE"}},
      {"a description alone starts nothing", "/etc/init.d/S60files", "DESC=\"HPA's tftpd\"\n", {}},
      {"library code of Ruby, Perl and Lua",
       "/usr/lib/ruby/3.1.0/net/http.rb",
       "      port, p_addr, p_port, p_user, p_pass = *arg\n"
       "      pass = proxy_uri&.password\n"
       "    uri.password = Gem::UriFormatter.new(password).escape\n"
       "    pass = \"[REDACTED]\"\n"
       "    passwd = \"anonymous@\"\n",
       {}},
      {"type signatures and Perl messages",
       "/usr/lib/perl5/Net/SSLeay.pm",
       "    my $out = $as->{pass} ? \"PASS\" : \"FAIL\";\n"
       "\twarn \"ssl_version has been set to 2, but OpenSSL lacks SSLv2 support\";\n"
       "    $version == 0x0300 ? 'SSLv3' :\n"
       "    [ SSL3_VERSION    => \"SSLv3\" ],\n",
       {}},
      {"a setting in Perl code stays a finding",
       "/usr/lib/vendor/Client.pm",
       "my $ctx = IO::Socket::SSL->new(SSL_version => 'SSLv3', password => 'Vend0r!pw');\n",
       {"FW-TLS-OLD-PROTOCOL", "FW-HARDCODED-PASSWORD"}},
      {"credentials of documentation's example hosts",
       "/usr/share/perl/5.36.0/HTTP/Tiny.pm",
       "    $http->request('GET', 'http://john%40example.com:s3cr3t@example.com/');\n",
       {}},
      {"credentials of a real host",
       "/etc/app/backup.sh",
       "curl -T x ftp://backup:Zx81-pass@10.0.0.2/\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"a Perl script installed without an extension is source code",
       "/usr/sbin/ftpasswd",
       "#! /usr/bin/perl -w\n"
       "my $db_passwd = undef;\n"
       "  die \"$program: --passwd: missing required argument: --name\\n\"\n"
       "my %opts = (passwd => 'FtpSecret9');\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"a node script: a name is no literal",
       "/usr/share/nodejs/wscat/bin/wscat",
       "#!/usr/bin/env node\noptions.passphrase = passphrase;\n",
       {}},
      {"a shell script keeps unquoted literals",
       "/usr/sbin/setup-db",
       "#!/bin/sh\nDB_PASSWORD=Sh3llSecret\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"booleans are no passwords",
       "/etc/app/auth.conf",
       "require_password = true\nallow_empty_password = false\n",
       {}},
      {"a library's doc folder and test suite",
       "/usr/share/nodejs/mqtt/test/secure_client.js",
       "const config = { protocol: 'mqtts', rejectUnauthorized: false, password: 'test1234' }\n",
       {}},
      {"Lua and Erlang method calls",
       "/usr/lib/prosody/modules/mod_auth_ldap.lua",
       "local ldap_password = module:get_option_string(\"ldap_password\", \"\");\n"
       "local a_password = a_conference:get_child_text(\"password\");\n",
       {}},
      {"an Erlang header",
       "/usr/lib/ejabberd/include/eldap.hrl",
       "\t   password = M:ldap_password(H),\n",
       {}},
      {"minified JavaScript: a flag and a comparison",
       "/www/js/jquery.min.js",
       "for(b in{radio:!0,checkbox:!0,password:!0,image:!0})d[b]=mb(b);"
       "\"password\"===g||c.ngTrim&&(e=U(e));\n",
       {}},
      {"translated message bundles",
       "/org/apache/tomcat/util/net/LocalStrings_fr.properties",
       "sslUtilBase.ssl3=SSLv3 a \\u00e9t\\u00e9 explicitement activ\\u00e9 (protocole)\n"
       "jsse.password=Password=motdepasse inconnu\n",
       {}},
      {"a properties file of settings stays checked",
       "/etc/app/server.properties",
       "db.password=Pr0d-Secret\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"OpenWrt's shipped Wi-Fi key",
       "/etc/config/wireless",
       "config wifi-iface 'default_radio0'\n\toption encryption 'psk2'\n"
       "\toption key 'MyWifiPass123'\n"
       "config wifi-iface 'wep'\n\toption key '1'\n\toption key1 's:abcde'\n",
       {"FW-HARDCODED-PASSWORD", "FW-HARDCODED-PASSWORD"}},
      {"a PHP array entry",
       "/var/www/config.php",
       "<?php\n$config['db_password'] = 'PhpSecret77';\n",
       {"FW-HARDCODED-PASSWORD"}},
      {"a shell as init on the kernel command line",
       "/boot/uEnv.txt",
       "bootargs=console=ttyS0,115200 root=/dev/mtdblock2 init=/bin/sh\n",
       {"FW-CONSOLE-ROOT-SHELL"}},
      {"a commented-out or longer init",
       "/boot/grub/grub.cfg",
       "#  linux /vmlinuz root=/dev/sda1 init=/bin/sh\n"
       "  linux /vmlinuz root=/dev/sda1 init=/bin/shell-wrapper myinit=/bin/sh\n",
       {}},
      {"test log verdicts",
       "/var/lib/binutils/test-summary",
       "PASS: addr2line\nPASS: ar thin archive\n",
       {}},
  };
  auto checker = MakeChecker();
  auto portable = MakeChecker(ScannerEngine::kPortable);
  for (const TextCase& c : cases) {
    SCOPED_TRACE(c.name);
    const ExtractedFile file = File(c.path, c.content);
    EXPECT_EQ(Rules(*checker, file), c.expected);
    EXPECT_EQ(Rules(*portable, file), c.expected) << "portable engine";
  }
}

TEST(CheckerTest, FindsDefaultPasswordsInEveryHashScheme) {
  auto checker = MakeChecker();
  for (const char* prefix : {"$1$", "$6$", "$y$"}) {
    SCOPED_TRACE(prefix);
    const std::string root_hash = Hash(prefix, "xc3511");
    const std::string shadow = "root:" + root_hash + ":19000:0:99999:7:::\n" +
                               "svc:" + Hash(prefix, "Q7#unlisted-pass!") + ":19000::::::\n";
    FileResults results;
    checker->CheckFile(File("/etc/shadow", shadow), &results);
    ASSERT_EQ(results.findings.size(), 2U);
    EXPECT_EQ(results.findings[0].rule_id, "FW-DEFAULT-PASSWORD");
    EXPECT_EQ(results.findings[1].rule_id, "FW-FIXED-PASSWORD-HASH");
    for (const Finding& f : results.findings) {
      EXPECT_EQ(f.evidence.find("xc3511"), std::string::npos) << "password must be masked";
      EXPECT_EQ(f.evidence.find(root_hash.substr(root_hash.size() - 8)), std::string::npos)
          << "hash must be masked";
    }
  }
}

TEST(CheckerTest, TriesTheDefaultPasswordsOfTheAccountNameFirst) {
  auto checker = MakeChecker();
  const struct {
    const char* prefix;
    const char* user;
    const char* password;
  } cases[] = {
      {"$y$", "pi", "raspberry"},
      {"$y$", "websecadm", "changeme"},
      {"$2b$", "dpn", "changeme"},
      {"$6$", "admin", "changeme"},
      // No pair for these names: the passwords many vendors' pairs share.
      {"$y$", "op", "changeme"},
      {"$6$", "support", "changeme"},
      {"$y$", "svc", "1234"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.prefix) + c.user);
    const std::string shadow =
        std::string(c.user) + ":" + Hash(c.prefix, c.password) + ":19000:0:99999:7:::\n";
    FileResults results;
    checker->CheckFile(File("/etc/shadow", shadow), &results);
    ASSERT_EQ(results.findings.size(), 1U);
    EXPECT_EQ(results.findings[0].rule_id, "FW-DEFAULT-PASSWORD");
    EXPECT_EQ(results.findings[0].evidence.find(c.password), std::string::npos);
  }
}

TEST(CheckerTest, ChecksWebServerPasswordFiles) {
  auto checker = MakeChecker();
  const struct {
    const char* path;
    std::string content;
    std::multiset<std::string> expected;
  } cases[] = {
      {"/www/.htpasswd",
       "admin:$apr1$Tq3rNk0v$KposcQAq5LUSndZvYXSq30\nuser:" + Hash("$2b$", "password") + "\n",
       {"FW-DEFAULT-PASSWORD", "FW-DEFAULT-PASSWORD"}},
      {"/etc/lighttpd/site.htpasswd",
       "admin:{SHA}0DPiKuNIrrVmD8IUCuw1hQxNqZc=\n",
       {"FW-DEFAULT-PASSWORD"}},
      {"/www/.htpasswd",
       "ops:" + Hash("$1$", "Q7#unlisted-pass!") + "\n",
       {"FW-FIXED-PASSWORD-HASH"}},
      {"/etc/lighttpd/lighttpd.user", "admin:Summer2024\n", {"FW-HARDCODED-PASSWORD"}},
      {"/www/notes.txt", "admin:$apr1$Tq3rNk0v$KposcQAq5LUSndZvYXSq30\n", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path + std::string(" ") + c.content);
    FileResults results;
    checker->CheckFile(File(c.path, c.content), &results);
    std::multiset<std::string> rules;
    for (const Finding& f : results.findings) {
      rules.insert(f.rule_id);
      EXPECT_EQ(f.evidence.find("Summer"), std::string::npos);
      EXPECT_EQ(f.evidence.find("Kposc"), std::string::npos);
    }
    EXPECT_EQ(rules, c.expected);
  }
}

TEST(CheckerTest, StopsPasswordTriesWhenTheScansBudgetIsSpent) {
  AnalyzerOptions options;
  options.password_lists = DefaultPasswordListDir();
  // Enough for about three sha512crypt tries in the whole scan.
  options.password_try_budget_micros = 3 * 4500;
  auto checker = Checker::Create(options);
  ASSERT_TRUE(checker) << checker.error().message();
  // "root" is the account name: found on the first try.
  const std::string first = "root:" + Hash("$6$", "root") + ":19000::::::\n";
  // Needs more tries than are left.
  const std::string second = "admin:" + Hash("$6$", "changeme") + ":19000::::::\n";
  FileResults results;
  (*checker)->CheckFile(File("/etc/shadow", first + second), &results);
  ASSERT_EQ(results.findings.size(), 2U);
  EXPECT_EQ(results.findings[0].rule_id, "FW-DEFAULT-PASSWORD");
  EXPECT_EQ(results.findings[1].rule_id, "FW-FIXED-PASSWORD-HASH");
  EXPECT_NE(results.findings[1].message.find("budget for password tries was spent"),
            std::string::npos)
      << results.findings[1].message;
}

// Account files outside /etc/passwd and /etc/shadow (backups made by
// shadow-utils, vendor folders) are recognised by their form.
TEST(CheckerTest, ChecksAccountFilesAnywhereByTheirForm) {
  auto checker = MakeChecker();
  const std::string shadow_line = "root:" + Hash("$1$", "root") + ":19000:0:99999:7:::\n";
  const struct {
    const char* path;
    std::string content;
    std::multiset<std::string> expected;
  } cases[] = {
      {"/etc/shadow-", shadow_line, {"FW-DEFAULT-PASSWORD"}},
      {"/etc/config/shadow",
       "# users\n" + shadow_line + "daemon:*:19000:0:99999:7:::\n",
       {"FW-DEFAULT-PASSWORD"}},
      {"/var/passwd",
       "root:x:0:0:root:/root:/bin/sh\nguest::1000:1000::/:/bin/sh\n",
       {"FW-EMPTY-PASSWORD"}},
      {"/etc/passwd-",
       "root:x:0:0:root:/root:/bin/sh\nbackdoor:x:0:0::/:/bin/sh\n",
       {"FW-UID0-DUPLICATE"}},
      // Not account files: other colon-separated forms.
      {"/etc/config/network", "config interface 'lan'\n\toption ipaddr '192.168.1.1'\n", {}},
      {"/usr/lib/app/notes.txt", "at 12:00:00 the job ran\nuser: admin\n", {}},
      {"/etc/group", "root:x:0:\nusers::100:\n", {}},
      {"/etc/mapping", "a:b:c:d:e:f:g\n", {}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_EQ(Rules(*checker, File(c.path, c.content)), c.expected);
  }
}

// The same account and hash in a second file (/etc/shadow-, the other
// rootfs of an A/B image) gets the first file's answer without new tries.
TEST(CheckerTest, TriesEachHashOncePerScan) {
  AnalyzerOptions options;
  options.password_lists = DefaultPasswordListDir();
  // One sha512crypt try in the whole scan: the account name, which matches.
  options.password_try_budget_micros = 4500;
  auto checker = Checker::Create(options);
  ASSERT_TRUE(checker) << checker.error().message();
  const std::string line = "root:" + Hash("$6$", "root") + ":19000:0:99999:7:::\n";
  EXPECT_EQ(Rules(**checker, File("/etc/shadow", line)),
            std::multiset<std::string>{"FW-DEFAULT-PASSWORD"});
  EXPECT_EQ(Rules(**checker, File("/etc/shadow-", line)),
            std::multiset<std::string>{"FW-DEFAULT-PASSWORD"});
}

TEST(CheckerTest, SkipsPasswordTriesOnHashesTooCostlyForADevice) {
  auto checker = MakeChecker();
  const struct {
    const char* name;
    std::string line;
  } cases[] = {
      {"sha512crypt 999999999 rounds",
       "root:$6$rounds=999999999$abcdefgh$" + std::string(86, 'A') + ":19000::::::\n"},
      {"sha256crypt 5000000 rounds",
       "root:$5$rounds=5000000$abcdefgh$" + std::string(43, 'A') + ":19000::::::\n"},
      {"bcrypt cost 14", "root:$2b$14$" + std::string(53, 'A') + ":19000::::::\n"},
      {"bcrypt cost 31", "root:$2y$31$" + std::string(53, 'A') + ":19000::::::\n"},
      // crypt_gensalt("$y$", 11): N = 2^18, r = 32, 1 GiB a try.
      {"yescrypt cost 11",
       "root:$y$jFT$jRikIVttx7OKNv9Ktg7r30$" + std::string(43, 'A') + ":19000::::::\n"},
      {"yescrypt with a parallelism field",
       "root:$y$j9T6$n8.Og6kvn/fCG5h2xE/tb0$" + std::string(43, 'A') + ":19000::::::\n"},
      // N = 2^20, r = 32: 4 GiB a try.
      {"scrypt N=2^20",
       "root:$7$IU..../....rZiFq3mEPqwe8QxWJ/h6E.$" + std::string(43, 'A') + ":19000::::::\n"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(Rules(*checker, File("/etc/shadow", c.line)),
              std::multiset<std::string>{"FW-FIXED-PASSWORD-HASH"});
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(2));
  }
}

TEST(CheckerTest, EvidenceRevealsNoCharacterOfASecret) {
  auto checker = MakeChecker();
  const struct {
    const char* path;
    const char* content;
    const char* secret;
    const char* evidence;
  } cases[] = {
      {"/usr/bin/x.sh", "PASSWORD=\"Zebra-hunter22\"\n", "Zeb", "PASSWORD=****(14 chars)"},
      {"/etc/app.conf", "api_key = 0123456789abcdef0123\n", "0123", "api_key=****(20 chars)"},
      {"/etc/cloud.conf", "id=AKIAIOSFODNN7EXAMPLE\n", "AKIA", "****(20 chars)"},
      // Rules that quote the line mask what it holds.
      {"/etc/inittab", "::respawn:/usr/sbin/telnetd -l /bin/login --password S3cretLeakC\n",
       "S3cret", "::respawn:/usr/sbin/telnetd -l /bin/login --password ****"},
      {"/usr/bin/up.sh", "wget --no-check-certificate --password=$PW https://x/f\n", "S3cret",
       "wget --no-check-certificate --password=$PW https://x/f"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.content);
    FileResults results;
    checker->CheckFile(File(c.path, c.content), &results);
    // Every finding on the line shows the same masked evidence.
    ASSERT_FALSE(results.findings.empty());
    for (const Finding& f : results.findings) {
      EXPECT_EQ(f.evidence, c.evidence) << f.rule_id;
      EXPECT_EQ(f.evidence.find(c.secret), std::string::npos) << f.rule_id;
    }
  }
}

TEST(CheckerTest, ReportsMetadataWeaknesses) {
  auto checker = MakeChecker();
  EXPECT_EQ(Rules(*checker, File("/bin/busybox",
                                 "\x7F"
                                 "ELF",
                                 04755)),
            std::multiset<std::string>{"FW-SETUID-SHELL"});
  EXPECT_EQ(Rules(*checker, File("/usr/bin/tool",
                                 "\x7F"
                                 "ELF",
                                 0777)),
            std::multiset<std::string>{"FW-WORLD-WRITABLE-EXEC"});
  EXPECT_EQ(Rules(*checker, File("/usr/bin/gdbserver",
                                 "\x7F"
                                 "ELF",
                                 0755)),
            std::multiset<std::string>{"FW-DEBUG-TOOL-PRESENT"});
  FileResults results;
  checker->CheckFile(File("/bin/sh",
                          "\x7F"
                          "ELF",
                          04755),
                     &results);
  ASSERT_EQ(results.findings.size(), 1U);
  EXPECT_EQ(results.findings[0].evidence.substr(0, 11), "mode 04755,");
  // A shell under another name, found by what every shell holds.
  const std::string shell = std::string(
                                "\x7F"
                                "ELF\0\0",
                                6) +
                            "getopts" + std::string(1, '\0') + "OPTIND" + std::string(1, '\0') +
                            "PS1";
  EXPECT_EQ(Rules(*checker, File("/usr/bin/.x", shell, 06755)),
            std::multiset<std::string>{"FW-SETUID-SHELL"});
  EXPECT_TRUE(Rules(*checker, File("/usr/bin/.x", shell, 0755)).empty());
  EXPECT_TRUE(Rules(*checker, File("/usr/bin/ls",
                                   "\x7F"
                                   "ELF",
                                   04755))
                  .empty());
}

TEST(CheckerTest, ReportsOnlyKeysThatParse) {
  auto checker = MakeChecker();
  const std::string fake =
      "-----BEGIN RSA PRIVATE KEY-----\nnot a key at all\n-----END RSA PRIVATE KEY-----\n";
  EXPECT_TRUE(Rules(*checker, File("/etc/fake.pem", fake)).empty());
  const std::string strings = std::string(
                                  "\x7F"
                                  "ELF\0\0",
                                  6) +
                              "-----BEGIN %s PRIVATE KEY-----" + std::string(1, '\0') +
                              "ANY PRIVATE KEY";
  EXPECT_TRUE(Rules(*checker, File("/usr/lib/libcrypto.so", strings)).empty());
}

// A fresh P-256 key as DER (SEC1) and PEM (PKCS#8).
std::pair<std::string, std::string> EcKey() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  EXPECT_NE(key, nullptr);
  std::pair<std::string, std::string> out;
  unsigned char* der = nullptr;
  const int length = i2d_PrivateKey(key, &der);
  EXPECT_GT(length, 0);
  out.first.assign(reinterpret_cast<const char*>(der), static_cast<std::size_t>(length));
  OPENSSL_free(der);
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* pem = nullptr;
  const long pem_length = BIO_get_mem_data(bio, &pem);
  out.second.assign(pem, static_cast<std::size_t>(pem_length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return out;
}

TEST(CheckerTest, IgnoresTestKeysInsideCryptoLibrariesOnly) {
  auto checker = MakeChecker();
  const auto [der, pem] = EcKey();
  const std::string elf = std::string(
                              "\x7F"
                              "ELF\2\1\1\0",
                              8) +
                          std::string(56, '\0') + der + std::string(8, '\0') + pem;
  const struct {
    const char* path;
    std::string content;
    std::size_t keys;
  } cases[] = {
      {"/usr/lib/libgnutls.so.30", elf, 0},
      {"/usr/lib/libcrypto.so.3", elf, 0},
      {"/usr/bin/openssl", elf, 0},
      {"/usr/lib/libgnutls.a", "!<arch>\n" + pem, 0},
      {"/usr/lib/libvendor.a", "!<arch>\n" + pem, 1},
      {"/usr/lib/libmbedcrypto.so.7", elf, 0},
      {"/usr/lib/x86_64-linux-gnu/libmbedx509.so.1", elf, 0},  // mbed TLS's test certificates.
      {"/usr/lib/dovecot/libdovecot.so.0", elf, 0},            // Its TLS stream tests' key.
      {"/usr/lib/x86_64-linux-gnu/libmbedx509.a", "!<arch>\n" + pem, 0},
      {"/usr/lib/libwolfssl.so.35", elf, 0},
      {"/usr/lib/libvendor.so", elf, 2},
      {"/usr/bin/openssl-helper", elf, 2},
      {"/etc/ssl/libcrypto.pem", pem, 1},  // Not an ELF file: a real key file.
      {"/usr/share/nodejs/mqtt/test/helpers/tls-key.pem", pem, 0},  // A library's fixture.
      {"/usr/lib/python3/dist-packages/tornado/test/test.key", pem, 0},
      {"/opt/vendor/tests/device.pem", pem, 1},  // Not a library under /usr.
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.path);
    EXPECT_EQ(Rules(*checker, File(c.path, c.content)).count("FW-PRIVATE-KEY"), c.keys);
  }
}

// A DSA key with 1024-bit parameters (quick to generate).
EVP_PKEY* DsaKey() {
  EVP_PKEY_CTX* params_ctx = EVP_PKEY_CTX_new_from_name(nullptr, "DSA", nullptr);
  EVP_PKEY* params = nullptr;
  EXPECT_EQ(EVP_PKEY_paramgen_init(params_ctx), 1);
  EXPECT_EQ(EVP_PKEY_CTX_set_dsa_paramgen_bits(params_ctx, 1024), 1);
  EXPECT_EQ(EVP_PKEY_paramgen(params_ctx, &params), 1);
  EVP_PKEY_CTX_free(params_ctx);
  EVP_PKEY_CTX* key_ctx = EVP_PKEY_CTX_new(params, nullptr);
  EVP_PKEY* key = nullptr;
  EXPECT_EQ(EVP_PKEY_keygen_init(key_ctx), 1);
  EXPECT_EQ(EVP_PKEY_keygen(key_ctx, &key), 1);
  EVP_PKEY_CTX_free(key_ctx);
  EVP_PKEY_free(params);
  return key;
}

// The key in PKCS#8 (PrivateKeyInfo), whatever its type.
std::string Pkcs8Der(EVP_PKEY* key) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(key);
  EXPECT_NE(info, nullptr);
  unsigned char* der = nullptr;
  const int length = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  EXPECT_GT(length, 0);
  std::string out(reinterpret_cast<const char*>(der),
                  static_cast<std::size_t>(std::max(length, 0)));
  OPENSSL_free(der);
  PKCS8_PRIV_KEY_INFO_free(info);
  EVP_PKEY_free(key);
  return out;
}

std::string Der(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PrivateKey(key, &der);
  EXPECT_GT(length, 0);
  std::string out(reinterpret_cast<const char*>(der),
                  static_cast<std::size_t>(std::max(length, 0)));
  OPENSSL_free(der);
  EVP_PKEY_free(key);
  return out;
}

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

// A PKCS#8 X25519 prefix kept as a constant in code (Python's cryptography
// package), followed by unrelated bytes, parses as a key: only random key
// bytes are one.
TEST(CheckerTest, IgnoresARawKeyPrefixFollowedByCode) {
  auto checker = MakeChecker();
  static constexpr char kPrefix[] =
      "\x30\x2e\x02\x01\x00\x30\x05\x06\x03\x2b\x65\x6e\x04\x22\x04\x20";
  static constexpr char kCode[] =
      "\xe9\x30\x00\x00\x00\x72\x02\x00\x00\x00\xe9\x10\x00\x00\x00\x29"
      "\x0f\x72\xb8\x00\x00\x00\x72\xf0\x00\x00\x00\xda\x11_zeroed_bytearray";
  // sizeof - 1: the literals' own bytes, embedded NULs included.
  const std::string prefix(kPrefix, sizeof(kPrefix) - 1);
  const std::string code(kCode, sizeof(kCode) - 1);
  EXPECT_TRUE(Rules(*checker, File("/usr/lib/python3/backend.pyc", "s" + prefix + code)).empty());
  std::string random_key(32, '\0');
  std::mt19937 random(3);
  for (char& c : random_key)
    c = static_cast<char>(random() % 255 + 1);
  EXPECT_EQ(Rules(*checker, File("/usr/lib/python3/keys.bin", "s" + prefix + random_key + "e")),
            std::multiset<std::string>{"FW-PRIVATE-KEY"});
}

// OpenWrt's console: inittab runs /usr/libexec/login.sh, which starts a
// root shell unless the UCI option system.ttylogin is 1.
TEST(CheckerTest, FollowsTheConsoleIntoTheScriptItRuns) {
  const std::string login_sh =
      "#!/bin/sh\n\n[ \"$(uci -q get system.@system[0].ttylogin)\" = 1 ] || exec /bin/ash "
      "--login\n\nexec /bin/login\n";
  const auto checker = MakeChecker();
  const auto console_findings = [&](const std::vector<ExtractedFile>& files) {
    FileResults results;
    for (const ExtractedFile& file : files)
      checker->CheckFile(file, &results);
    std::multiset<std::string> rules;
    for (const Finding& finding : results.findings)
      rules.insert(finding.rule_id);
    for (const Finding& finding : ConsoleShellFindings(results))
      rules.insert(finding.rule_id + " " + finding.path);
    return rules;
  };
  const ExtractedFile inittab = File(
      "/etc/inittab", "::sysinit:/etc/init.d/rcS S boot\n::askconsole:/usr/libexec/login.sh\n");
  const ExtractedFile script = File("/usr/libexec/login.sh", login_sh, 0755);
  EXPECT_EQ(console_findings({inittab, script}),
            std::multiset<std::string>{"FW-CONSOLE-ROOT-SHELL /etc/inittab"});
  EXPECT_TRUE(
      console_findings(
          {inittab, script, File("/etc/config/system", "config system\n\toption ttylogin '1'\n")})
          .empty());
  EXPECT_TRUE(console_findings({inittab}).empty()) << "the script is not in the image";
  EXPECT_TRUE(console_findings({inittab, File("/usr/libexec/login.sh",
                                              "#!/bin/sh\nexec /bin/login\nexec /bin/sh\n", 0755)})
                  .empty());
  EXPECT_TRUE(console_findings({inittab, File("/usr/libexec/login.sh",
                                              "#!/bin/sh\nexec /bin/sh -c /usr/bin/app\n", 0755)})
                  .empty());
  EXPECT_EQ(console_findings({inittab, File("/usr/libexec/login.sh",
                                            "#!/bin/sh\necho hello\nexec /bin/sh -l\n", 0755)}),
            std::multiset<std::string>{"FW-CONSOLE-ROOT-SHELL /etc/inittab"});
}

TEST(CheckerTest, ChecksNoTextInArchivesKeptAsDocumentation) {
  ExtractedFile file = File("/examples/stunnel.conf", "sslVersion = SSLv3\npassword=S3cretDoc\n");
  const auto checker = MakeChecker();
  EXPECT_EQ(Rules(*checker, file),
            (std::multiset<std::string>{"FW-HARDCODED-PASSWORD", "FW-TLS-OLD-PROTOCOL"}));
  file.chain =
      "fw.bin > squashfs@0x0 > /usr/share/doc/stunnel4/examples.tar.gz > gzip@0x0 > "
      "/usr/share/doc/stunnel4/examples.tar > tar@0x0";
  EXPECT_TRUE(Rules(*checker, file).empty());
}

TEST(CheckerTest, ReportsNoOpenPgpBlockWithoutASecretKeyPacket) {
  const auto checker = MakeChecker();
  for (const std::string body : {
           // A public-key packet (0x98) under a private-key armor line.
           "mCAEZQAAABYAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0=",
           // A v3 secret-key packet cut off before its algorithm byte.
           "lAYDZQAAAAAA",
           "not base64 at all!",
           "",
       }) {
    SCOPED_TRACE(body);
    const ExtractedFile file =
        File("/etc/opkg/keys/release.asc", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n" + body +
                                               "\n=abcd\n-----END PGP PRIVATE KEY BLOCK-----\n");
    EXPECT_TRUE(Rules(*checker, file).empty());
  }
}

TEST(CheckerTest, FindsPrivateKeysInEveryEncoding) {
  const std::string rsa1024 = Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{1024}));
  ASSERT_EQ(rsa1024.substr(4, 5), std::string("\x02\x01\x00\x02\x81", 5))
      << "PKCS#1 with a one-byte modulus length";
  const std::string pem = EcKey().second;
  const std::string elf = std::string(
                              "\x7F"
                              "ELF\2\1\1\0",
                              8) +
                          std::string(56, '\1');
  const struct {
    const char* name;
    const char* path;
    std::string content;
  } cases[] = {
      {"RSA 1024 PKCS#1 DER", "/usr/lib/libvendor.so", elf + rsa1024 + elf},
      {"RSA 512 PKCS#1 DER (short modulus length)", "/usr/lib/libvendor.so",
       elf + Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{512})) + elf},
      {"RSA 2048 PKCS#8 DER", "/usr/lib/libvendor.so",
       elf + Pkcs8Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048})) + elf},
      {"EC P-256 SEC1 DER", "/usr/lib/libvendor.so",
       elf + Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")) + elf},
      {"EC P-384 PKCS#8 DER", "/usr/lib/libvendor.so",
       elf + Pkcs8Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384")) + elf},
      {"DSA PKCS#8 DER (long AlgorithmIdentifier)", "/usr/lib/libvendor.so",
       elf + Pkcs8Der(DsaKey()) + elf},
      {"Ed25519 PKCS#8 DER", "/usr/lib/libvendor.so",
       elf + Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519")) + elf},
      {"X25519 PKCS#8 DER", "/usr/lib/libvendor.so",
       elf + Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "X25519")) + elf},
      {"Ed448 PKCS#8 DER", "/usr/lib/libvendor.so",
       elf + Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED448")) + elf},
      {"X448 PKCS#8 DER", "/usr/lib/libvendor.so",
       elf + Der(EVP_PKEY_Q_keygen(nullptr, nullptr, "X448")) + elf},
      {"PEM in JSON", "/etc/app/cloud.json",
       "{\"private_key\": \"" + ReplaceAll(pem, "\n", "\\n") + "\"}\n"},
      {"PEM on one line", "/etc/app/key.conf", "key=" + ReplaceAll(pem, "\n", "") + "\n"},
      {"PEM on one line with spaces", "/etc/app/key.conf",
       "key=" + ReplaceAll(pem, "\n", " ") + "\n"},
      // A v4 EdDSA Secret-Key packet (old-format header 0x94): the start
      // of what `gpg --armor --export-secret-keys` writes.
      {"OpenPGP secret key", "/etc/opkg/signing.asc",
       "-----BEGIN PGP PRIVATE KEY BLOCK-----\nComment: release key\n\n"
       "lCAEZQAAABYAAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0=\n=abcd\n"
       "-----END PGP PRIVATE KEY BLOCK-----\n"},
  };
  auto checker = MakeChecker();
  auto portable = MakeChecker(ScannerEngine::kPortable);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const ExtractedFile file = File(c.path, c.content);
    EXPECT_EQ(Rules(*checker, file), std::multiset<std::string>{"FW-PRIVATE-KEY"});
    EXPECT_EQ(Rules(*portable, file), std::multiset<std::string>{"FW-PRIVATE-KEY"})
        << "portable engine";
  }
}

TEST(CheckerTest, FindsAShellAsInitInAUbootEnvironment) {
  // A raw environment partition: CRC32, then NUL-separated name=value.
  auto checker = MakeChecker();
  const std::string env = std::string("\x12\x34\x56\x78", 4) + "bootcmd=bootm 0x9f050000" +
                          std::string(1, '\0') + "bootargs=console=ttyS0 rdinit=/bin/ash" +
                          std::string(2, '\0');
  FileResults results;
  checker->CheckFile(File("/dev/mtd1", env), &results);
  ASSERT_EQ(results.findings.size(), 1U);
  EXPECT_EQ(results.findings[0].rule_id, "FW-CONSOLE-ROOT-SHELL");
  EXPECT_EQ(results.findings[0].offset, 29U);  // Where "bootargs=" starts.
  EXPECT_EQ(results.findings[0].evidence, "bootargs=console=ttyS0 rdinit=/bin/ash");
}

TEST(CheckerTest, RecordsComponentVersions) {
  auto checker = MakeChecker();
  FileResults results;
  checker->CheckFile(File("/bin/busybox", std::string("\x7F"
                                                      "ELF\0",
                                                      5) +
                                              "BusyBox v1.36.1 (2024)" + std::string(1, '\0') +
                                              "SSH-2.0-dropbear_2022.83"),
                     &results);
  ASSERT_EQ(results.components.size(), 2U);
  std::set<std::string> seen;
  for (const Component& c : results.components)
    seen.insert(c.name + " " + c.version);
  EXPECT_EQ(seen, (std::set<std::string>{"busybox 1.36.1", "dropbear 2022.83"}));
}

TEST(CheckerTest, RecordsVersionsOfOldAndVendorBuilds) {
  // The forms old router images carry: a FIPS build of OpenSSL 1.0.2, the
  // version string followed by a NUL, and the U-Boot 1.x series.
  auto checker = MakeChecker();
  FileResults results;
  const std::string nul(1, '\0');
  checker->CheckFile(File("/lib/libcrypto.so.10", std::string("\x7F"
                                                              "ELF\0",
                                                              5) +
                                                      "OpenSSL 1.0.2k-fips  26 Jan 2017" + nul +
                                                      "OpenSSL 1.1.1w" + nul),
                     &results);
  checker->CheckFile(File("/boot/u-boot.bin", "U-Boot 1.1.3 (Jul 18 2012 - 10:20:09)" + nul),
                     &results);
  std::set<std::string> seen;
  for (const Component& c : results.components)
    seen.insert(c.name + " " + c.version);
  EXPECT_EQ(seen, (std::set<std::string>{"openssl 1.0.2k", "openssl 1.1.1w", "u-boot 1.1.3"}));
}

TEST(CheckerTest, TakesNoComponentsFromChangelogs) {
  // Release notes name every version there ever was; the device runs none
  // of them.
  auto checker = MakeChecker();
  FileResults results;
  checker->CheckFile(File("/usr/share/doc/openssl/NEWS.md",
                          "### Major changes between OpenSSL 1.1.1 and OpenSSL 3.0.0 \n"
                          "  * Fixed in OpenSSL 0.9.8 and BusyBox v1.2.3 too\n"),
                     &results);
  EXPECT_TRUE(results.components.empty());
  checker->CheckFile(File("/usr/lib/libssl.so.3", std::string("\x7F"
                                                              "ELF\0",
                                                              5) +
                                                      "OpenSSL 3.0.17 1 Jul 2025" + '\0'),
                     &results);
  ASSERT_EQ(results.components.size(), 1U);
  EXPECT_EQ(results.components[0].version, "3.0.17");
}

TEST(PatternScannerTest, EnginesAgreeOnMatches) {
  const std::vector<Pattern> patterns = {{1, "AKIA[0-9A-Z]{16}", "AKIA", false, 24},
                                         {2, "pass(word)?=[a-z]+", "pass", true, 32}};
  const std::string data = "x AKIAABCDEFGHIJKLMNOP y PASSWORD=abc z";
  std::vector<std::set<std::pair<unsigned, std::uint64_t>>> results;
  for (const ScannerEngine engine : {ScannerEngine::kBest, ScannerEngine::kPortable}) {
    auto scanner = MakePatternScanner(patterns, engine);
    ASSERT_TRUE(scanner) << scanner.error().message();
    std::set<std::pair<unsigned, std::uint64_t>> starts;
    ASSERT_TRUE((*scanner)->Scan(data, [&](const Match& m) { starts.insert({m.id, m.start}); }));
    results.push_back(starts);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[1], (std::set<std::pair<unsigned, std::uint64_t>>{{1, 2}, {2, 25}}));
}

TEST(PatternScannerTest, BigDataScannedInHalvesReportsEveryMatchOnce) {
  // 9 MiB is scanned as two overlapping halves on two threads: matches at
  // both ends, straddling the middle, inside the overlap and straddling
  // its end.
  const std::vector<Pattern> patterns = {{1, "AKIA[0-9A-Z]{16}", "AKIA", false, 24},
                                         {2, "pass(word)?=[a-z]{3}", "pass", true, 32}};
  std::string data(std::size_t{9} << 20, '.');
  const std::string key = "AKIAABCDEFGHIJKLMNOP";
  const std::string pass = "PASSWORD=abc";
  const std::size_t middle = data.size() / 2;
  std::set<std::pair<unsigned, std::uint64_t>> planted;
  for (const std::size_t at :
       {std::size_t{0}, middle - 10, middle + 100, middle + 4090, data.size() - key.size()}) {
    data.replace(at, key.size(), key);
    planted.insert({1, at});
  }
  for (const std::size_t at : {std::size_t{40}, middle - 5000, middle + 2000}) {
    data.replace(at, pass.size(), pass);
    planted.insert({2, at});
  }
  for (const ScannerEngine engine : {ScannerEngine::kBest, ScannerEngine::kPortable}) {
    auto scanner = MakePatternScanner(patterns, engine);
    ASSERT_TRUE(scanner) << scanner.error().message();
    SCOPED_TRACE((*scanner)->Engine());
    using Found = std::multiset<std::pair<unsigned, std::uint64_t>>;
    Found found;
    ASSERT_TRUE((*scanner)->Scan(data, [&](const Match& m) { found.insert({m.id, m.start}); }));
    EXPECT_EQ(found, Found(planted.begin(), planted.end()));
  }
}

TEST(PatternScannerTest, CachedDatabaseIsWrittenOnceAndFindsTheSameMatches) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("provisio-pattern-cache-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::vector<Pattern> patterns = {{1, "AKIA[0-9A-Z]{16}", "AKIA", false, 24},
                                         {2, "pass(word)?=[a-z]+", "pass", true, 32}};
  const std::string data = "x AKIAABCDEFGHIJKLMNOP y PASSWORD=abc z";
  std::vector<std::set<std::pair<unsigned, std::uint64_t>>> results;
  for (int run = 0; run < 2; ++run) {
    SCOPED_TRACE(run == 0 ? "compiled and stored" : "loaded from the cache");
    auto scanner = MakePatternScanner(patterns, ScannerEngine::kBest, dir);
    ASSERT_TRUE(scanner) << scanner.error().message();
    std::set<std::pair<unsigned, std::uint64_t>> starts;
    ASSERT_TRUE((*scanner)->Scan(data, [&](const Match& m) { starts.insert({m.id, m.start}); }));
    results.push_back(starts);
  }
  EXPECT_EQ(results[0], results[1]);
  EXPECT_EQ(results[1], (std::set<std::pair<unsigned, std::uint64_t>>{{1, 2}, {2, 25}}));
  std::size_t files = 0;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    (void)entry;
    ++files;
  }
  auto scanner = MakePatternScanner(patterns, ScannerEngine::kBest);
  ASSERT_TRUE(scanner);
  EXPECT_EQ(files, (*scanner)->Engine() == "hyperscan" ? 1U : 0U);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace provisio::firmware
