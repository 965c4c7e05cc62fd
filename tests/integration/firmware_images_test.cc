// Builds real firmware images with the packaging tools (mksquashfs, cpio,
// tar, mke2fs, mkimage) and a TRX header of our own, then expects exactly
// the planted findings, and none on a clean image holding real TLS libraries.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/files.h"
#include "provisio/firmware/analyzer.h"
#include "provisio/firmware/report.h"

namespace provisio::firmware {
namespace {

namespace fs = std::filesystem;
using RulePaths = std::multiset<std::pair<std::string, std::string>>;

const RulePaths kPlanted = {
    {"FW-API-TOKEN", "/etc/config/cloud.conf"},
    {"FW-CONSOLE-ROOT-SHELL", "/etc/inittab"},
    {"FW-DEBUG-SERVICE", "/etc/init.d/rcS"},
    {"FW-DEBUG-TOOL-PRESENT", "/usr/bin/gdbserver"},
    {"FW-DEFAULT-PASSWORD", "/etc/shadow"},
    {"FW-EMPTY-PASSWORD", "/etc/passwd"},
    {"FW-FIXED-PASSWORD-HASH", "/etc/shadow"},
    {"FW-HARDCODED-PASSWORD", "/usr/bin/update.sh"},
    {"FW-PLAINTEXT-SERVICE", "/etc/init.d/rcS"},
    {"FW-PRIVATE-KEY", "/etc/config/network"},
    {"FW-PRIVATE-KEY", "/etc/dropbear/dropbear_ed25519_host_key"},
    {"FW-PRIVATE-KEY", "/etc/ssl/private/device.key"},
    {"FW-PRIVATE-KEY", "/usr/lib/libvendor.so"},
    {"FW-SETUID-SHELL", "/bin/busybox"},
    {"FW-SSH-ROOT-PASSWORD", "/etc/ssh/sshd_config"},
    {"FW-TLS-NO-VERIFY", "/usr/bin/update.sh"},
    {"FW-TLS-OLD-PROTOCOL", "/etc/nginx/nginx.conf"},
    {"FW-TLS-WEAK-CIPHER", "/etc/nginx/nginx.conf"},
    {"FW-UID0-DUPLICATE", "/etc/passwd"},
    {"FW-WORLD-WRITABLE-EXEC", "/usr/sbin/helper"},
};

// Expected container kinds on the way to the root filesystem.
const std::vector<std::pair<std::string, std::string>> kVariants = {
    {"squashfs-lzo", "squashfs@0x0"},
    {"uimage-squashfs",
     "uimage@0x0 > squashfs@0x0"},  // Offsets are relative to the enclosing payload.
    {"trx-cpio", "trx@0x0/part1 > gzip@0x0 > cpio@0x0"},
    {"raw-tar", "tar@0x"},
    {"ext4", "ext@0x0"},
    {"jffs2", "jffs2@0x10000"},
    {"ubi", "ubi@0x20000 > /rootfs > ubifs@0x0"},
    {"cramfs", "cramfs@0x10000"},
};

class FirmwareImagesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string pattern = (fs::temp_directory_path() / "provisio-fw-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = new fs::path(pattern);
    for (const char* kind : {"planted", "clean"}) {
      fs::create_directories(*dir_ / kind);
      const std::string command = std::string("bash '") + PROVISIO_SOURCE_DIR +
                                  "/tests/integration/firmware_make_images.sh' '" +
                                  (*dir_ / kind).string() + "' " + kind + " > /dev/null";
      ASSERT_EQ(std::system(command.c_str()), 0) << command;
    }
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(*dir_, ec);
    delete dir_;
  }

  // Each image is scanned once; the tests share the reports.
  static const ScanReport& Scan(const std::string& kind, const std::string& variant) {
    static std::map<std::string, ScanReport> cache;
    const std::string key = kind + "/" + variant;
    if (auto it = cache.find(key); it != cache.end())
      return it->second;
    AnalyzerOptions options;
    options.password_lists = DefaultPasswordListDir();
    auto report = ScanImage(*dir_ / kind / (variant + ".bin"), options);
    EXPECT_TRUE(report) << report.error().message();
    return cache[key] = report ? *report : ScanReport{};
  }

  static fs::path* dir_;
};

fs::path* FirmwareImagesTest::dir_ = nullptr;

RulePaths RulesOf(const ScanReport& report) {
  RulePaths found;
  for (const Finding& f : report.findings)
    found.insert({f.rule_id, f.path});
  return found;
}

std::string Describe(const ScanReport& report) {
  std::string text;
  for (const Finding& f : report.findings)
    text += f.rule_id + " " + f.chain + " > " + f.path + ": " + f.evidence + "\n";
  for (const UnpackNote& n : report.notes)
    text += "note " + n.chain + ": " + n.message + "\n";
  return text;
}

TEST_F(FirmwareImagesTest, FindsExactlyThePlantedWeaknessesInEveryPackaging) {
  for (const auto& [variant, chain] : kVariants) {
    SCOPED_TRACE(variant);
    const ScanReport& report = Scan("planted", variant);
    EXPECT_EQ(RulesOf(report), kPlanted) << Describe(report);
    for (const Finding& f : report.findings) {
      EXPECT_NE(f.chain.find(chain), std::string::npos) << f.chain;
      EXPECT_EQ(f.evidence.find("xc3511"), std::string::npos);
      EXPECT_EQ(f.evidence.find("Sup3rS3cret"), std::string::npos);
      EXPECT_EQ(f.evidence.find("AKIAIOSFODNN7EXAMPLE"), std::string::npos);
    }
  }
}

TEST_F(FirmwareImagesTest, CleanImagesWithRealTlsLibrariesHaveNoFindings) {
  for (const auto& [variant, chain] : kVariants) {
    SCOPED_TRACE(variant);
    const ScanReport& report = Scan("clean", variant);
    EXPECT_TRUE(report.findings.empty()) << Describe(report);
    EXPECT_GT(report.statistics.files, 10U);
  }
}

TEST_F(FirmwareImagesTest, InventoriesComponentsFromVersionStrings) {
  const ScanReport& report = Scan("planted", "trx-cpio");
  std::set<std::string> components;
  for (const Component& c : report.components)
    components.insert(c.name + " " + c.version);
  EXPECT_EQ(components.count("busybox 1.36.1"), 1U);
  EXPECT_EQ(components.count("linux-kernel 5.15.137"), 1U);
}

}  // namespace
}  // namespace provisio::firmware
