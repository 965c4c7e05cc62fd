#include "firmware/unpacker.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include "provisio/firmware/analyzer.h"

namespace provisio::firmware {
namespace {

struct Entry {
  Entry(std::string p, std::string c, unsigned m = 0100644, std::string s = "")
      : path(std::move(p)), content(std::move(c)), mode(m), symlink(std::move(s)) {}
  std::string path;
  std::string content;
  unsigned mode;
  std::string symlink;
};

// Writes a tar (optionally gzip-compressed) archive in memory with libarchive.
std::string MakeArchive(const std::vector<Entry>& entries,
                        bool gzip,
                        int format = ARCHIVE_FORMAT_TAR_PAX_RESTRICTED) {
  std::string buffer(1 << 22, '\0');
  std::size_t used = 0;
  archive* writer = archive_write_new();
  archive_write_set_format(writer, format);
  if (gzip)
    archive_write_add_filter_gzip(writer);
  archive_write_set_bytes_in_last_block(writer, 1);
  EXPECT_EQ(archive_write_open_memory(writer, buffer.data(), buffer.size(), &used), ARCHIVE_OK);
  for (const Entry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    if (!e.symlink.empty()) {
      archive_entry_set_filetype(entry, AE_IFLNK);
      archive_entry_set_perm(entry, 0777);
      archive_entry_set_symlink(entry, e.symlink.c_str());
    } else {
      archive_entry_set_mode(entry, static_cast<mode_t>(e.mode));
      archive_entry_set_size(entry, static_cast<la_int64_t>(e.content.size()));
    }
    archive_write_header(writer, entry);
    if (!e.content.empty())
      archive_write_data(writer, e.content.data(), e.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
  buffer.resize(used);
  return buffer;
}

// A raw gzip stream of `data`.
std::string Gzip(const std::string& data) {
  std::string buffer(data.size() / 2 + (1 << 16), '\0');
  std::size_t used = 0;
  archive* writer = archive_write_new();
  archive_write_set_format_raw(writer);
  archive_write_add_filter_gzip(writer);
  archive_write_set_bytes_in_last_block(writer, 1);
  archive_write_open_memory(writer, buffer.data(), buffer.size(), &used);
  archive_entry* entry = archive_entry_new();
  archive_entry_set_filetype(entry, AE_IFREG);
  archive_write_header(writer, entry);
  archive_write_data(writer, data.data(), data.size());
  archive_entry_free(entry);
  archive_write_close(writer);
  archive_write_free(writer);
  buffer.resize(used);
  return buffer;
}

struct Collected {
  std::map<std::string, ExtractedFile> files;
  std::vector<UnpackNote> notes;
  std::vector<std::string> containers;
};

Collected UnpackAll(const std::string& image, const UnpackLimits& limits = {}) {
  Collected collected;
  Unpacker unpacker(limits, [&](ExtractedFile file) {
    if (file.kind != ExtractedFile::Kind::kRaw)
      collected.files[file.path] = file;
  });
  unpacker.Unpack(std::make_shared<const std::string>(image), "image.bin");
  collected.notes = unpacker.notes();
  collected.containers = unpacker.containers();
  return collected;
}

bool AnyNoteContains(const Collected& c, std::string_view text) {
  for (const UnpackNote& n : c.notes) {
    if (n.message.find(text) != std::string::npos)
      return true;
  }
  return false;
}

TEST(NormalizeImagePathTest, KeepsEveryPathInsideTheRoot) {
  struct Case {
    const char* raw;
    const char* expected;
    bool escaped;
  };
  const Case cases[] = {
      {"etc/passwd", "/etc/passwd", false},      {"./etc//shadow", "/etc/shadow", false},
      {"../../etc/shadow", "/etc/shadow", true}, {"a/b/../../../x", "/x", true},
      {"/abs/./path/", "/abs/path", false},      {"", "/", false},
      {"bad\nname", "/bad?name", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.raw);
    bool escaped = false;
    EXPECT_EQ(NormalizeImagePath(c.raw, &escaped), c.expected);
    EXPECT_EQ(escaped, c.escaped);
  }
}

TEST(UnpackerTest, FindsAGzippedTarAtAnOddOffsetInRawData) {
  const std::string tar = MakeArchive({{"etc/hostname", "device\n"}}, true);
  const std::string image = std::string(1001, '\xAA') + tar + std::string(333, '\x55');

  Collected c = UnpackAll(image);

  ASSERT_EQ(c.files.count("/etc/hostname"), 1U);
  EXPECT_EQ(c.files["/etc/hostname"].data, "device\n");
  EXPECT_EQ(c.files["/etc/hostname"].chain, "image.bin > gzip@0x3e9 > tar@0x0");
}

TEST(UnpackerTest, KeepsEscapingEntriesInsideAndNotesThem) {
  const std::string tar = MakeArchive({{"../../../etc/shadow", "root::0:0\n"}}, false);

  Collected c = UnpackAll(tar);

  EXPECT_EQ(c.files.count("/etc/shadow"), 1U);
  EXPECT_TRUE(AnyNoteContains(c, "leave the archive root"));
}

TEST(UnpackerTest, RecordsSymlinksWithoutFollowingThem) {
  const std::string tar =
      MakeArchive({{"etc/passwd", "", 0120777, "/../../../../etc/passwd"}}, false);

  Collected c = UnpackAll(tar);

  ASSERT_EQ(c.files.count("/etc/passwd"), 1U);
  EXPECT_EQ(c.files["/etc/passwd"].kind, ExtractedFile::Kind::kSymlink);
  EXPECT_TRUE(c.files["/etc/passwd"].data.empty());
}

TEST(UnpackerTest, StopsDecompressionBombsAtTheRatioLimit) {
  const std::string bomb = Gzip(std::string(16U << 20, '\0'));
  UnpackLimits limits;
  limits.max_ratio = 50;
  limits.ratio_floor_bytes = 1U << 20;

  Collected c = UnpackAll(bomb, limits);

  EXPECT_TRUE(AnyNoteContains(c, "decompression bomb"));
}

TEST(UnpackerTest, StopsAtTheDepthLimit) {
  // libarchive peels stacked compression in one go, so nest tar.gz in tar.
  std::string nested = MakeArchive({{"deep/file", "x"}}, false);
  for (int i = 0; i < 4; ++i)
    nested = MakeArchive({{"level" + std::to_string(i) + ".tar.gz", Gzip(nested)}}, false);
  UnpackLimits limits;
  limits.max_depth = 3;

  Collected c = UnpackAll(nested, limits);

  EXPECT_EQ(c.files.count("/deep/file"), 0U);
  EXPECT_TRUE(AnyNoteContains(c, "nesting depth limit"));
}

TEST(UnpackerTest, CountsStackedCompressionLayersTowardTheDepthLimit) {
  // gzip(gzip(gzip(gzip(tar)))) is peeled by libarchive in one read.
  std::string stacked = MakeArchive({{"deep/file", "x"}}, false);
  for (int i = 0; i < 4; ++i)
    stacked = Gzip(stacked);
  const std::string image = std::string(512, '\xAA') + stacked;
  for (const unsigned depth : {2U, 8U}) {
    SCOPED_TRACE("max_depth " + std::to_string(depth));
    UnpackLimits limits;
    limits.max_depth = depth;

    Collected c = UnpackAll(image, limits);

    EXPECT_EQ(c.files.count("/deep/file"), depth == 8U ? 1U : 0U);
    EXPECT_EQ(AnyNoteContains(c, "stacked compression layers"), depth == 2U);
  }
}

// Writes `files` under a fresh folder, packs it with mksquashfs (gzip,
// 4 KiB blocks) and returns the filesystem image; empty if mksquashfs fails.
std::string MakeSquashfs(const std::map<std::string, std::string>& files) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("provisio-sqfs-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "root");
  for (const auto& [name, content] : files) {
    std::ofstream(dir / "root" / name, std::ios::binary) << content;
  }
  const std::string command = "mksquashfs '" + (dir / "root").string() + "' '" +
                              (dir / "fs.sqfs").string() +
                              "' -b 4096 -comp gzip -noappend -quiet -all-root >/dev/null 2>&1";
  std::string image;
  if (std::system(command.c_str()) == 0) {
    std::ifstream in(dir / "fs.sqfs", std::ios::binary);
    image.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove_all(dir);
  return image;
}

TEST(UnpackerTest, ReadsSquashfsFilesOfEveryBlockLayoutByteForByte) {
  std::mt19937 random(7);
  auto noise = [&](std::size_t n) {
    std::string out(n, '\0');
    for (char& c : out)
      c = static_cast<char>(random() & 0xFFU);
    return out;
  };
  std::string text;
  for (int i = 0; text.size() < 300000; ++i)
    text += "line " + std::to_string(i) + " of a compressible file\n";
  text.resize(300000);  // 73 compressed blocks (decoded on two threads) + a fragment.
  const std::map<std::string, std::string> files = {
      {"text.bin", text},
      {"random.bin", noise(40960)},  // 10 blocks stored raw: read in place.
      {"mixed.bin", noise(4096) + std::string(4096, '\0') + text.substr(0, 4096) + noise(100)},
      {"small.txt", "hello"},  // Only a fragment.
  };
  const std::string fs = MakeSquashfs(files);
  if (fs.empty())
    GTEST_SKIP() << "mksquashfs (squashfs-tools) is not installed";
  const std::string image = std::string(4096, '\xAA') + fs;

  for (const std::uint64_t max_file : {std::uint64_t{1} << 30, std::uint64_t{10000}}) {
    SCOPED_TRACE("max_file_bytes " + std::to_string(max_file));
    UnpackLimits limits;
    limits.max_file_bytes = max_file;

    Collected c = UnpackAll(image, limits);

    for (const auto& [name, content] : files) {
      SCOPED_TRACE(name);
      ASSERT_EQ(c.files.count("/" + name), 1U);
      const std::string expected = content.substr(0, static_cast<std::size_t>(max_file));
      EXPECT_TRUE(std::string(c.files.at("/" + name).data) == expected);
    }
    EXPECT_EQ(AnyNoteContains(c, "exceeds the size or ratio limit"), max_file == 10000);
    EXPECT_FALSE(AnyNoteContains(c, "could not be read"));
  }
}

TEST(UnpackerTest, StopsAtTheFileCountLimit) {
  std::vector<Entry> entries;
  for (int i = 0; i < 50; ++i)
    entries.emplace_back("f" + std::to_string(i), "x");
  UnpackLimits limits;
  limits.max_files = 10;

  Collected c = UnpackAll(MakeArchive(entries, false), limits);

  EXPECT_EQ(c.files.size(), 10U);
  EXPECT_TRUE(AnyNoteContains(c, "file count limit"));
}

TEST(UnpackerTest, SurvivesRandomBytesFullOfMagics) {
  std::mt19937 random(42);
  const std::string magics[] = {"hsqs",
                                "\x1F\x8B\x08",
                                "070701",
                                "ustar",
                                "PK\x03\x04",
                                "HDR0",
                                std::string("\x27\x05\x19\x56", 4),
                                std::string("\xFD"
                                            "7zXZ\0",
                                            6),
                                "BZh91AY&SY",
                                "\x28\xB5\x2F\xFD",
                                "\x53\xEF",
                                "UBI#"};
  for (int round = 0; round < 3; ++round) {
    std::string image(1 << 16, '\0');
    for (char& c : image)
      c = static_cast<char>(random() & 0xFF);
    for (int k = 0; k < 64; ++k) {
      const std::string& m = magics[random() % std::size(magics)];
      image.replace(random() % (image.size() - 16), m.size(), m);
    }
    AnalyzerOptions options;
    auto report = ScanBuffer(image, "random.bin", options);
    ASSERT_TRUE(report);
  }
}

}  // namespace
}  // namespace provisio::firmware
