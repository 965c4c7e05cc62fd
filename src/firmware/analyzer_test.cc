#include "provisio/firmware/analyzer.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/files.h"
#include "provisio/core/sha256.h"

namespace provisio::firmware {
namespace {

namespace fs = std::filesystem;

// The pipeline's moving parts at once: squashfs files decoded ahead of the
// walk (many small ones, one bigger than the scan queue's byte limit), a
// file scanned in two halves, recycled buffers, and the image digest beside
// it all. Two threads must report exactly what one does.
TEST(AnalyzerTest, ThreadsChangeNothingButTheTime) {
  const fs::path dir =
      fs::temp_directory_path() / ("provisio_analyzer_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "root/etc/conf.d");
  fs::create_directories(dir / "root/opt");
  const std::string key = "AKIAABCDEFGHIJKLMNOP";
  for (int i = 0; i < 300; ++i) {
    std::ofstream file(dir / "root/etc/conf.d" / ("unit" + std::to_string(i) + ".conf"));
    file << "name=unit" << i << "\nlevel=" << i * 7 << "\n";
    if (i % 100 == 42)
      file << "aws=" << key << "\n";
  }
  std::uint64_t last_key_at = 0;
  {
    // 64 MiB of text: more than the 48 MiB the scan queue holds, with a
    // token in the first half, across the middle and at the very end.
    std::ofstream big(dir / "root/opt/big.log");
    const std::string line = "Nov 28 12:00:00 dev daemon: connection accepted, session opened\n";
    std::size_t written = 0;
    const std::size_t size = std::size_t{64} << 20;
    while (written + line.size() < size) {
      if (written % (std::size_t{16} << 20) < line.size() && written > 0) {
        big << "token " << key << "\n";
        written += 7 + key.size();
      }
      big << line;
      written += line.size();
    }
    last_key_at = written;
    big << key;
  }
  {
    std::mt19937 random(9);
    std::string blob(std::size_t{12} << 20, '\0');
    for (char& c : blob)
      c = static_cast<char>(random() & 0xFF);
    std::ofstream(dir / "root/opt/blob.bin", std::ios::binary) << blob;
  }
  const std::string command = "mksquashfs '" + (dir / "root").string() + "' '" +
                              (dir / "fs.sqfs").string() +
                              "' -noappend -comp gzip -all-root -quiet >/dev/null 2>&1";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string image = std::string(4096, '\x11') + ReadFile(dir / "fs.sqfs").value_or("");
  fs::remove_all(dir);

  using Seen = std::set<std::tuple<std::string, std::string, std::uint64_t>>;
  Seen first;
  for (const unsigned threads : {1U, 2U}) {
    SCOPED_TRACE(threads);
    AnalyzerOptions options;
    options.threads = threads;
    auto report = ScanBuffer(image, "image.bin", options);
    ASSERT_TRUE(report) << report.error().message();
    EXPECT_EQ(report->image_sha256, Sha256Hex(image));
    EXPECT_TRUE(report->notes.empty());
    Seen seen;
    for (const Finding& finding : report->findings)
      seen.insert({finding.rule_id, finding.path, finding.offset});
    // 3 small files, and the big log 4 times (3 inside, 1 at the end).
    std::size_t tokens = 0;
    for (const auto& [rule, path, offset] : seen)
      tokens += rule == "FW-API-TOKEN" ? 1U : 0U;
    EXPECT_EQ(tokens, 7U);
    EXPECT_EQ(seen.count({"FW-API-TOKEN", "/opt/big.log", last_key_at}), 1U);
    if (threads == 1)
      first = seen;
    else
      EXPECT_EQ(seen, first);
  }
}

// Builds a tree under a fresh folder, runs `pack` in it (which writes
// ../out) and returns what it wrote; empty when a tool is missing.
std::string PackTree(const std::vector<std::pair<std::string, std::string>>& files,
                     const std::string& pack) {
  const fs::path dir =
      fs::temp_directory_path() / ("provisio_analyzer_pack_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "root");
  for (const auto& [name, content] : files) {
    fs::create_directories((dir / "root" / name).parent_path());
    std::ofstream(dir / "root" / name, std::ios::binary) << content;
  }
  const std::string command =
      "cd '" + (dir / "root").string() + "' && (" + pack + ") >/dev/null 2>&1";
  std::string out;
  if (std::system(command.c_str()) == 0)
    out = ReadFile(dir / "out").value_or("");
  fs::remove_all(dir);
  return out;
}

using Located = std::multiset<std::tuple<std::string, std::string, std::string>>;

Located FindingsOf(const std::string& image, const std::string& name) {
  AnalyzerOptions options;
  auto report = ScanBuffer(image, name, options);
  EXPECT_TRUE(report) << report.error().message();
  Located found;
  if (report) {
    for (const Finding& finding : report->findings)
      found.insert({finding.rule_id, finding.chain, finding.path});
  }
  return found;
}

TEST(AnalyzerTest, ReportsWhatANestedUncompressedArchiveHoldsOnceAtTheMembersPath) {
  const std::string image = PackTree(
      {{"in/k.conf", "aws_key=AKIAABCDEFGHIJKLMNOP\n"}, {"in/other.txt", "nothing here\n"}},
      "mkdir -p data && tar -cf data/plain.tar -C in k.conf other.txt && "
      "(cd in && find . | cpio -o -H newc --quiet > ../data/a.cpio) && "
      "chmod 777 data/plain.tar && tar -cf ../out data");
  ASSERT_FALSE(image.empty()) << "tar or cpio failed";

  const Located found = FindingsOf(image, "image.tar");

  const Located expected = {
      {"FW-API-TOKEN", "image.tar > tar@0x0 > /data/plain.tar > tar@0x0", "/k.conf"},
      {"FW-API-TOKEN", "image.tar > tar@0x0 > /data/a.cpio > cpio@0x0", "/k.conf"},
      {"FW-WORLD-WRITABLE-EXEC", "image.tar > tar@0x0", "/data/plain.tar"},
  };
  EXPECT_EQ(found, expected);
}

TEST(AnalyzerTest, ReadsSetuidAndWorldWritableModesFromAZipMadeOnUnix) {
  const std::string image =
      PackTree({{"bin/sh", "#!/bin/true\n"}, {"usr/bin/ww", "#!/bin/sh\necho hi\n"}},
               "chmod 4755 bin/sh && chmod 777 usr/bin/ww && zip -q -r --symlinks ../out.zip . && "
               "mv ../out.zip ../out");
  if (image.empty())
    GTEST_SKIP() << "zip is not installed";

  const Located found = FindingsOf(image, "image.zip");

  const Located expected = {
      {"FW-SETUID-SHELL", "image.zip > zip@0x0", "/bin/sh"},
      {"FW-WORLD-WRITABLE-EXEC", "image.zip > zip@0x0", "/usr/bin/ww"},
  };
  EXPECT_EQ(found, expected);
}

// /etc/shadow and /etc/passwd as symlinks to files elsewhere in the image,
// the target packed before or after its link: the account checks read the
// target, once, and say which link led there.
TEST(AnalyzerTest, ChecksAccountFilesReachedThroughSymlinks) {
  const std::vector<std::pair<std::string, std::string>> files = {
      // Short forms (fewer fields than shadow(5) and passwd(5) have), which
      // only the links make account files.
      {"data/shadow", "root:$1$q4Xp9sLm$uzDCBhtCx.EvIy46g/ab51:19000\n"},
      {"rw/passwd", "root:x:0:0\nguest::1000:1000\n"},
      {"data/users.conf", "admin:secret:1\n"}};
  const std::string links =
      "mkdir -p etc var && ln -s ../data/shadow etc/shadow && ln -s /var/passwd etc/passwd && "
      "ln -s ../rw/passwd var/passwd && ln -s /tmp/group etc/group && ";
  for (const std::string order : {"data rw etc var", "etc var data rw"}) {
    const std::string image = PackTree(files, links + "tar -cf ../out " + order);
    ASSERT_FALSE(image.empty()) << "tar failed";
    AnalyzerOptions options;
    options.password_lists = DefaultPasswordListDir();
    auto report = ScanBuffer(image, "image.tar", options);
    ASSERT_TRUE(report) << report.error().message();
    Located found;
    for (const Finding& finding : report->findings) {
      found.insert({finding.rule_id, finding.chain, finding.path});
      if (finding.rule_id == "FW-DEFAULT-PASSWORD") {
        EXPECT_NE(finding.message.find("reached through the symlink /etc/shadow"),
                  std::string::npos)
            << finding.message;
      }
    }
    const Located expected = {
        {"FW-DEFAULT-PASSWORD", "image.tar > tar@0x0", "/data/shadow"},
        {"FW-EMPTY-PASSWORD", "image.tar > tar@0x0", "/rw/passwd"},
    };
    EXPECT_EQ(found, expected) << "tar order: " << order;
  }
}

// In a flash image a compressed stream is followed by other data. The end
// of the stream's contents must still be scanned, without a damage note.
TEST(AnalyzerTest, ScansTheEndOfAnXzOrZstdStreamFollowedByOtherData) {
  for (const std::string tool : {"xz", "zstd -q", "gzip", "bzip2"}) {
    SCOPED_TRACE(tool);
    const std::string image =
        PackTree({{"p", std::string(200000, 'a') + "\naws=AKIAQWERTYUIOPASDFGH\n"}},
                 tool + " -c p > ../out && head -c 70000 /dev/urandom >> ../out");
    ASSERT_FALSE(image.empty()) << tool << " failed";
    AnalyzerOptions options;
    auto report = ScanBuffer(image, "flash.bin", options);
    ASSERT_TRUE(report) << report.error().message();
    // Found in the decoded stream (zstd keeps the token's bytes as a
    // literal, so the raw scan of the stream may find it as well).
    std::size_t decoded_tokens = 0;
    for (const Finding& finding : report->findings) {
      if (finding.rule_id == "FW-API-TOKEN" && finding.chain.find("@0x0") != std::string::npos)
        ++decoded_tokens;
    }
    EXPECT_EQ(decoded_tokens, 1u);
    for (const UnpackNote& note : report->notes)
      ADD_FAILURE() << note.chain << ": " << note.message;
  }
}

// A kernel image in a file system keeps its compressed kernel after the
// decompressor's code: it is carved so the kernel's version is listed. The
// kernel's own crypto self-test keys (DER) are not device keys; the same
// key in an ordinary file is.
TEST(AnalyzerTest, ReadsTheKernelInsideBzImageAndZImageFiles) {
  const std::string pack =
      "openssl genrsa -traditional -out k.pem 1024 && "
      "openssl rsa -in k.pem -outform DER -out key.der && rm k.pem && "
      // A kernel: its banner, a DER key vector, text enough to compress.
      "kernel() { printf 'Linux version %s (builder@host) (gcc 10.2) #1 SMP\\n' $1; "
      "cat key.der; yes 'kernel text' | head -c 65536; } && "
      // x86 bzImage: boot sector signature at 0x1FE, "HdrS" at 0x202.
      "mkdir -p boot && head -c 16384 /dev/zero > boot/vmlinuz && "
      "printf '\\125\\252' | dd of=boot/vmlinuz bs=1 seek=510 conv=notrunc && "
      "printf 'HdrS' | dd of=boot/vmlinuz bs=1 seek=514 conv=notrunc && "
      "kernel 5.10.0 | gzip -9 -n >> boot/vmlinuz && "
      // ARM zImage: its magic at 0x24.
      "head -c 8192 /dev/zero > boot/zImage && "
      "printf '\\030\\050\\157\\001' | dd of=boot/zImage bs=1 seek=36 conv=notrunc && "
      "kernel 5.15.0 | gzip -9 -n >> boot/zImage && "
      // A raw dump holding a kernel's banner and, elsewhere, a key: not all
      // kernel, so the key is reported.
      "kernel 4.19.0 > boot/flash.bin && tar -cf ../out boot key.der";
  const std::string image = PackTree({}, pack);
  ASSERT_FALSE(image.empty()) << "openssl, dd or tar failed";
  AnalyzerOptions options;
  auto report = ScanBuffer(image, "rootfs.tar", options);
  ASSERT_TRUE(report) << report.error().message();
  std::set<std::pair<std::string, std::string>> kernels;
  for (const Component& component : report->components) {
    if (component.name == "linux-kernel")
      kernels.insert({component.version, component.chain});
  }
  EXPECT_EQ(kernels, (std::set<std::pair<std::string, std::string>>{
                         {"4.19.0", "rootfs.tar > tar@0x0"},
                         {"5.10.0", "rootfs.tar > tar@0x0 > /boot/vmlinuz > gzip@0x4000"},
                         {"5.15.0", "rootfs.tar > tar@0x0 > /boot/zImage > gzip@0x2000"}}));
  Located found;
  for (const Finding& finding : report->findings)
    found.insert({finding.rule_id, finding.chain, finding.path});
  EXPECT_EQ(found, (Located{{"FW-PRIVATE-KEY", "rootfs.tar > tar@0x0", "/key.der"},
                            {"FW-PRIVATE-KEY", "rootfs.tar > tar@0x0", "/boot/flash.bin"}}));
}

// U-Boot boot scripts are plain text whatever their compression field says
// (Debian's installer ships one marked gzip): no "could not be
// decompressed" note, and their text is still scanned.
TEST(AnalyzerTest, ReadsABootScriptMarkedCompressedAsPlainText) {
  const std::string image =
      PackTree({{"s", "setenv token AKIAQWERTYUIOPASDFGH\nbootz ${kernel_addr_r}\n"}},
               "mkimage -A arm -O linux -T script -C gzip -n boot -d s ../out");
  ASSERT_FALSE(image.empty()) << "mkimage failed";
  AnalyzerOptions options;
  auto report = ScanBuffer(image, "boot.scr", options);
  ASSERT_TRUE(report) << report.error().message();
  for (const UnpackNote& note : report->notes)
    ADD_FAILURE() << note.chain << ": " << note.message;
  ASSERT_EQ(report->findings.size(), 1u);
  EXPECT_EQ(report->findings[0].rule_id, "FW-API-TOKEN");
}

}  // namespace
}  // namespace provisio::firmware
