#include "provisio/firmware/analyzer.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <tuple>

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

}  // namespace
}  // namespace provisio::firmware
