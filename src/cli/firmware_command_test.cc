#include "cli/firmware_command.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "provisio/core/files.h"

namespace provisio::cli {
namespace {

namespace fs = std::filesystem;

// A one-file ustar archive, written by hand.
std::string Tar(const std::string& name, const std::string& content, const char* mode = "0000644") {
  std::string header(512, '\0');
  header.replace(0, name.size(), name);
  header.replace(100, 7, mode);
  header.replace(108, 7, "0000000");
  header.replace(116, 7, "0000000");
  char size[13];
  std::snprintf(size, sizeof(size), "%011o", static_cast<unsigned>(content.size()));
  header.replace(124, 11, size);
  header.replace(136, 11, "00000000000");
  header[156] = '0';
  header.replace(257, 6, std::string("ustar\0", 6));
  header.replace(263, 2, "00");
  header.replace(148, 8, "        ");
  unsigned sum = 0;
  for (const char c : header)
    sum += static_cast<unsigned char>(c);
  char checksum[8];
  std::snprintf(checksum, sizeof(checksum), "%06o", sum);
  header.replace(148, 7, std::string(checksum, 6) + '\0');
  std::string body = content;
  body.resize((content.size() + 511) / 512 * 512, '\0');
  return header + body + std::string(1024, '\0');
}

class FirmwareCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "provisio-fwcli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  int Scan(const std::string& image, FirmwareScanOptions options = {}) {
    options.image = image;
    // Hermetic: never read or write the user's compiled-pattern cache
    // (the cache itself is tested in src/firmware/checks_test.cc).
    options.no_pattern_cache = true;
    std::ostringstream out_stream;
    std::ostringstream err_stream;
    const int status = RunFirmwareScan(options, out_stream, err_stream);
    out_ = out_stream.str();
    err_ = err_stream.str();
    return status;
  }
  fs::path dir_;
  std::string out_;
  std::string err_;
};

TEST_F(FirmwareCommandTest, ExitsThreeOnFindingsZeroWhenCleanOneWhenUnreadable) {
  ASSERT_TRUE(
      WriteFileAtomically(dir_ / "bad.tar", Tar("etc/shadow", "root::19000:0:99999:7:::\n")));
  ASSERT_TRUE(
      WriteFileAtomically(dir_ / "good.tar", Tar("etc/shadow", "root:*:19000:0:99999:7:::\n")));

  EXPECT_EQ(Scan((dir_ / "bad.tar").string()), kExitFindings) << err_;
  EXPECT_NE(out_.find("FW-EMPTY-PASSWORD"), std::string::npos) << out_;
  EXPECT_EQ(Scan((dir_ / "good.tar").string()), kExitOk) << err_;
  EXPECT_NE(out_.find("findings: none"), std::string::npos) << out_;
  EXPECT_EQ(Scan((dir_ / "missing.tar").string()), kExitFailure);
  EXPECT_NE(err_.find("provisio firmware scan:"), std::string::npos);
}

TEST_F(FirmwareCommandTest, RefusesPipesAndCharacterDevicesInsteadOfReadingForever) {
  ASSERT_EQ(mkfifo((dir_ / "fifo").c_str(), 0600), 0);
  for (const std::string& image : {(dir_ / "fifo").string(), std::string("/dev/zero")}) {
    SCOPED_TRACE(image);
    EXPECT_EQ(Scan(image), kExitFailure);
    EXPECT_NE(err_.find("not a regular file or block device"), std::string::npos) << err_;
  }
}

TEST_F(FirmwareCommandTest, WritesSarifSbomJsonAndEvidence) {
  ASSERT_TRUE(
      WriteFileAtomically(dir_ / "bad.tar", Tar("etc/shadow", "root::19000:0:99999:7:::\n")));
  FirmwareScanOptions options;
  options.json = true;
  options.sarif_path = (dir_ / "scan.sarif").string();
  options.sbom_path = (dir_ / "sbom.json").string();
  options.evidence_path = (dir_ / "evidence.json").string();
  options.product_version = "2.0.1";

  EXPECT_EQ(Scan((dir_ / "bad.tar").string(), options), kExitFindings) << err_;

  EXPECT_NE(out_.find("\"provisio.firmware-scan/v1\""), std::string::npos);
  auto sarif = ReadFile(dir_ / "scan.sarif");
  ASSERT_TRUE(sarif);
  EXPECT_NE(sarif->find("\"2.1.0\""), std::string::npos);
  // One URI segment per container, then the path inside the last one.
  EXPECT_NE(sarif->find("\"bad.tar/tar@0x0/etc/shadow\""), std::string::npos) << *sarif;
  EXPECT_NE(sarif->find("\"An account has an empty password\""), std::string::npos);
  auto sbom = ReadFile(dir_ / "sbom.json");
  ASSERT_TRUE(sbom);
  EXPECT_NE(sbom->find("\"CycloneDX\""), std::string::npos);
  auto evidence = ReadFile(dir_ / "evidence.json");
  ASSERT_TRUE(evidence);
  EXPECT_NE(evidence->find("\"fail\""), std::string::npos);
  EXPECT_NE(evidence->find("\"2.0.1\""), std::string::npos);
}

TEST_F(FirmwareCommandTest, ImageWithNothingToCheckIsAFailureWithInconclusiveEvidence) {
  // Random bytes and an empty file hold no file system: "no findings" there
  // must not become a pass.
  std::string noise(64 * 1024, '\0');
  std::uint32_t state = 12345;
  for (char& c : noise) {
    state = state * 1103515245U + 12345U;
    c = static_cast<char>(state >> 24);
  }
  for (const auto& [name, content] : {std::pair<std::string, std::string>{"noise.bin", noise},
                                      std::pair<std::string, std::string>{"empty.bin", ""}}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(WriteFileAtomically(dir_ / name, content));
    FirmwareScanOptions options;
    options.evidence_path = (dir_ / (name + ".evidence.json")).string();
    options.product_version = "1.0";

    EXPECT_EQ(Scan((dir_ / name).string(), options), kExitFailure);

    EXPECT_NE(err_.find("no file system or archive"), std::string::npos) << err_;
    EXPECT_NE(out_.find("verdict: inconclusive"), std::string::npos) << out_;
    auto evidence = ReadFile(options.evidence_path);
    ASSERT_TRUE(evidence);
    EXPECT_NE(evidence->find("\"inconclusive\""), std::string::npos);
    EXPECT_EQ(evidence->find("\"pass\""), std::string::npos) << *evidence;
  }
}

TEST_F(FirmwareCommandTest, CleanArchiveIsPassEvidence) {
  ASSERT_TRUE(
      WriteFileAtomically(dir_ / "good.tar", Tar("etc/shadow", "root:*:19000:0:99999:7:::\n")));
  FirmwareScanOptions options;
  options.evidence_path = (dir_ / "evidence.json").string();
  options.product_version = "1.0";

  EXPECT_EQ(Scan((dir_ / "good.tar").string(), options), kExitOk) << err_;

  auto evidence = ReadFile(options.evidence_path);
  ASSERT_TRUE(evidence);
  EXPECT_NE(evidence->find("\"pass\""), std::string::npos);
  EXPECT_EQ(evidence->find("\"inconclusive\""), std::string::npos) << *evidence;
}

TEST_F(FirmwareCommandTest, HardLinkedFilesAreScannedForPatternsOnce) {
  // Four names of one file holding an AWS key id: one finding, not four.
  const fs::path root = dir_ / "root";
  fs::create_directories(root / "bin");
  ASSERT_TRUE(WriteFileAtomically(
      root / "bin" / "busybox",
      std::string(8192, 'x') + " AKIAIOSFODNN7EXAMPLE " + std::string(8192, 'y')));
  for (const char* name : {"sh", "ls", "cat"})
    fs::create_hard_link(root / "bin" / "busybox", root / "bin" / name);
  const std::string command =
      "tar -C '" + root.string() + "' -cf '" + (dir_ / "links.tar").string() + "' .";
  ASSERT_EQ(std::system(command.c_str()), 0);

  EXPECT_EQ(Scan((dir_ / "links.tar").string()), kExitFindings) << err_;

  std::size_t count = 0;
  for (std::size_t at = out_.find("FW-API-TOKEN"); at != std::string::npos;
       at = out_.find("FW-API-TOKEN", at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, 1U) << out_;
}

TEST_F(FirmwareCommandTest, EvidenceWithoutProductVersionIsAUsageError) {
  FirmwareScanOptions options;
  options.evidence_path = (dir_ / "e.json").string();
  EXPECT_EQ(Scan((dir_ / "x").string(), options), kExitUsage);
}

}  // namespace
}  // namespace provisio::cli
