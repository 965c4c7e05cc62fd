#include "firmware/jffs2_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <zlib.h>

#include "provisio/core/files.h"

namespace provisio::firmware {
namespace {

namespace fs = std::filesystem;

struct Collected {
  std::map<std::string, ExtractedFile> files;
  std::vector<UnpackNote> notes;
  std::uint64_t consumed = 0;
};

Collected ReadImage(const std::string& image, const UnpackLimits& limits = {}) {
  Collected collected;
  auto owner = std::make_shared<const std::string>(image);
  Unpacker unpacker(limits, [&](ExtractedFile file) {
    if (file.kind != ExtractedFile::Kind::kRaw && file.chain == "fs.jffs2") {
      collected.files[file.path] = file;
    }
  });
  collected.consumed = ReadJffs2(unpacker, *owner, "fs.jffs2", 1);
  collected.notes = unpacker.notes();
  return collected;
}

bool AnyNoteContains(const Collected& collected, std::string_view text) {
  for (const UnpackNote& note : collected.notes) {
    if (note.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

class Jffs2ImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("provisio_jffs2_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "root/etc/init.d");
    fs::create_directories(dir_ / "root/bin");
    passwd_ = "root::0:0:root:/root:/bin/sh\nadmin:x:1000:1000::/home/admin:/bin/sh\n";
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/passwd", passwd_));
    std::mt19937 random(7);
    for (int i = 0; i < 20000; ++i) {
      blob_.push_back(static_cast<char>(random() & 0xFF));
    }
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/bin/blob", blob_));
    for (int i = 0; i < 4000; ++i) {
      log_ += "line " + std::to_string(i) + ": telnetd -l /bin/sh started\n";
    }
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/init.d/rcS", log_));
    fs::create_symlink("/bin/blob", dir_ / "root/bin/link");
    ::chmod((dir_ / "root/bin/blob").c_str(), 04755);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Builds an image with mkfs.jffs2 (Debian mtd-utils) and the given flags.
  std::string MakeImage(const std::string& flags) {
    const fs::path image = dir_ / "fs.img";
    const std::string command = "mkfs.jffs2 -r '" + (dir_ / "root").string() + "' -o '" +
                                image.string() + "' " + flags + " 2>&1";
    const int rc = std::system(command.c_str());
    EXPECT_EQ(rc, 0) << command << " failed; scripts/install-deps installs mtd-utils";
    return ReadFile(image).value_or("");
  }

  fs::path dir_;
  std::string passwd_;
  std::string blob_;
  std::string log_;
};

TEST_F(Jffs2ImageTest, ReadsImagesOfBothByteOrdersWithEveryCompressor) {
  const char* const byte_orders[] = {"-l", "-b"};
  const char* const compressors[] = {
      "",                               // zlib, then rtime (mkfs.jffs2's default priority)
      "-x zlib -x rtime",               // stored uncompressed
      "-x zlib",                        // rtime only
      "-X lzo -x zlib -x rtime",        // lzo only
      "-e 0x20000 -p --squash-uids -n"  // other erase size, padding, no clean markers
  };
  for (const char* order : byte_orders) {
    for (const char* compressor : compressors) {
      const std::string flags = std::string(order) + " " + compressor;
      SCOPED_TRACE(flags);
      const std::string image = MakeImage(flags);
      ASSERT_FALSE(image.empty());
      EXPECT_TRUE(LooksLikeJffs2(image));

      const Collected collected = ReadImage(image);

      EXPECT_GT(collected.consumed, 0U);
      EXPECT_LE(collected.consumed, image.size());
      ASSERT_TRUE(collected.files.count("/etc/passwd"));
      EXPECT_EQ(collected.files.at("/etc/passwd").data, passwd_);
      ASSERT_TRUE(collected.files.count("/bin/blob"));
      EXPECT_EQ(collected.files.at("/bin/blob").data, blob_);
      EXPECT_EQ(collected.files.at("/bin/blob").mode, 04755U);
      ASSERT_TRUE(collected.files.count("/etc/init.d/rcS"));
      EXPECT_EQ(collected.files.at("/etc/init.d/rcS").data, log_);
      ASSERT_TRUE(collected.files.count("/bin/link"));
      EXPECT_EQ(collected.files.at("/bin/link").kind, ExtractedFile::Kind::kSymlink);
      EXPECT_EQ(collected.files.at("/bin/link").link_target, "/bin/blob");
      ASSERT_TRUE(collected.files.count("/etc/init.d"));
      EXPECT_EQ(collected.files.at("/etc/init.d").kind, ExtractedFile::Kind::kDirectory);
      EXPECT_TRUE(collected.notes.empty()) << collected.notes.front().message;
    }
  }
}

TEST_F(Jffs2ImageTest, IsFoundInsideARawFlashImage) {
  std::string flash(0x10000, '\0');
  std::mt19937 random(3);
  for (char& byte : flash) {
    byte = static_cast<char>(random() & 0xFF);
  }
  flash += MakeImage("-b");
  flash += std::string(4096, '\xFF');

  std::map<std::string, std::string> chains;
  Unpacker unpacker(UnpackLimits{}, [&](ExtractedFile file) {
    if (file.kind == ExtractedFile::Kind::kRegular) {
      chains[file.path] = file.chain;
    }
  });
  unpacker.Unpack(std::make_shared<const std::string>(flash), "flash.bin");

  ASSERT_TRUE(chains.count("/etc/passwd"));
  EXPECT_EQ(chains.at("/etc/passwd"), "flash.bin > jffs2@0x10000");
}

TEST_F(Jffs2ImageTest, SkipsDamagedNodesWithANoteAndKeepsTheRest) {
  std::string image = MakeImage("-l");
  const std::size_t position = image.find("admin:x");
  // The passwd text is stored compressed; damage the middle of the image
  // instead, where the large files' fragments are.
  const std::size_t at = position != std::string::npos ? position : image.size() / 2;
  image[at] = static_cast<char>(image[at] ^ 0x5A);

  const Collected collected = ReadImage(image);

  EXPECT_TRUE(AnyNoteContains(collected, "failed their CRC") ||
              AnyNoteContains(collected, "damaged"));
  EXPECT_TRUE(collected.files.count("/bin/link"));
}

TEST_F(Jffs2ImageTest, SurvivesEveryTruncation) {
  const std::string image = MakeImage("-b");
  for (std::size_t cut = 0; cut < image.size(); cut += 997) {
    SCOPED_TRACE(cut);
    const Collected collected = ReadImage(image.substr(0, cut));
    EXPECT_LE(collected.consumed, cut);
  }
}

// Hand-made little-endian nodes, for histories mkfs.jffs2 never writes.
std::uint32_t Crc(const std::string& bytes) {
  return ~static_cast<std::uint32_t>(crc32(
      0xFFFFFFFFUL, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void Put16(std::string& out, std::uint32_t value) {
  out.push_back(static_cast<char>(value & 0xFF));
  out.push_back(static_cast<char>((value >> 8) & 0xFF));
}

void Put32(std::string& out, std::uint32_t value) {
  Put16(out, value & 0xFFFF);
  Put16(out, value >> 16);
}

std::string Header(std::uint16_t type, std::size_t length) {
  std::string header;
  Put16(header, 0x1985);
  Put16(header, type);
  Put32(header, static_cast<std::uint32_t>(length));
  Put32(header, Crc(header));
  return header;
}

void Pad(std::string& out) {
  while (out.size() % 4 != 0) {
    out.push_back('\xFF');
  }
}

void Dirent(std::string& out,
            std::uint32_t parent,
            std::uint32_t version,
            std::uint32_t inode,
            const std::string& name) {
  std::string node = Header(0xE001, 40 + name.size());
  Put32(node, parent);
  Put32(node, version);
  Put32(node, inode);
  Put32(node, 0);  // mctime
  node.push_back(static_cast<char>(name.size()));
  node.push_back(8);  // DT_REG
  node.append(2, '\0');
  Put32(node, Crc(node));
  Put32(node, Crc(name));
  node += name;
  out += node;
  Pad(out);
}

void Inode(std::string& out,
           std::uint32_t inode,
           std::uint32_t version,
           std::uint32_t mode,
           std::uint32_t size,
           std::uint32_t offset,
           const std::string& data) {
  std::string node = Header(0xE002, 68 + data.size());
  Put32(node, inode);
  Put32(node, version);
  Put32(node, mode);
  Put16(node, 0);  // uid
  Put16(node, 0);  // gid
  Put32(node, size);
  Put32(node, 0);
  Put32(node, 0);
  Put32(node, 0);  // times
  Put32(node, offset);
  Put32(node, static_cast<std::uint32_t>(data.size()));  // compressed
  Put32(node, static_cast<std::uint32_t>(data.size()));  // uncompressed
  node.push_back(0);                                     // no compression
  node.push_back(0);
  Put16(node, 0);
  Put32(node, Crc(data));
  Put32(node, Crc(node.substr(0, 60)));  // Covers the header up to data_crc.
  node += data;
  out += node;
  Pad(out);
}

TEST(Jffs2HistoryTest, TheNewestVersionOfEveryNodeWins) {
  std::string image;
  Inode(image, 1, 1, 040755, 0, 0, "");
  Dirent(image, 1, 1, 2, "config");
  Inode(image, 2, 1, 0100644, 11, 0, "password=ab");
  Inode(image, 2, 2, 0100600, 11, 9, "se");  // Newer partial overwrite.
  Dirent(image, 1, 3, 3, "old");
  Inode(image, 3, 1, 0100644, 3, 0, "old");
  Dirent(image, 1, 4, 0, "old");  // Deleted later.
  Dirent(image, 1, 5, 4, "shrunk");
  Inode(image, 4, 1, 0100644, 10, 0, "0123456789");
  Inode(image, 4, 2, 0100644, 4, 0, "");  // Truncated to 4 bytes.

  const Collected collected = ReadImage(image);

  ASSERT_TRUE(collected.files.count("/config"));
  EXPECT_EQ(collected.files.at("/config").data, "password=se");
  EXPECT_EQ(collected.files.at("/config").mode, 0600U);
  EXPECT_FALSE(collected.files.count("/old"));
  ASSERT_TRUE(collected.files.count("/shrunk"));
  EXPECT_EQ(collected.files.at("/shrunk").data, "0123");
  EXPECT_EQ(collected.consumed, image.size());
}

TEST(Jffs2HistoryTest, ReadsNodesBetweenErasedAndZeroedRunsOfAnyLength) {
  // Erased (0xFF) and zeroed gaps are skipped eight bytes at a time, then a
  // word at a time: a node after a gap of any whole number of words must be
  // found, and the erased tail is not part of the file system.
  std::string image;
  Inode(image, 1, 1, 040755, 0, 0, "");
  std::uint32_t inode = 2;
  for (const std::size_t words : {1U, 2U, 3U, 5U, 8U, 17U, 1024U}) {
    for (const char fill : {'\xFF', '\0'}) {
      image.append(words * 4, fill);
      const std::string name = "f" + std::to_string(inode);
      Dirent(image, 1, inode, inode, name);
      Inode(image, inode, 1, 0100644, static_cast<std::uint32_t>(name.size()), 0, name);
      ++inode;
    }
  }
  const std::size_t end = image.size();
  image.append(4096 + 4, '\xFF');

  const Collected collected = ReadImage(image);

  for (std::uint32_t i = 2; i < inode; ++i) {
    const std::string path = "/f" + std::to_string(i);
    ASSERT_TRUE(collected.files.count(path)) << path;
    EXPECT_EQ(collected.files.at(path).data, path.substr(1));
  }
  EXPECT_EQ(collected.consumed, end);
  EXPECT_FALSE(AnyNoteContains(collected, "damaged"));
}

TEST(Jffs2HistoryTest, KeepsHostileNamesInsideAndStopsAtCycles) {
  std::string image;
  Inode(image, 1, 1, 040755, 0, 0, "");
  Dirent(image, 1, 1, 2, "..");
  Inode(image, 2, 1, 040755, 0, 0, "");
  Dirent(image, 2, 1, 5, "shadow");
  Inode(image, 5, 1, 0100600, 2, 0, "x:");
  Dirent(image, 2, 2, 2, "loop");  // A directory inside itself.
  Dirent(image, 1, 3, 6, "huge");
  Inode(image, 6, 1, 0100644, 0xFFFFFFF0U, 0, "tiny");

  UnpackLimits limits;
  limits.max_file_bytes = 1 << 20;
  const Collected collected = ReadImage(image, limits);

  EXPECT_TRUE(collected.files.count("/shadow"));
  EXPECT_TRUE(AnyNoteContains(collected, "tried to leave the root"));
  EXPECT_TRUE(AnyNoteContains(collected, "cycle"));
  EXPECT_TRUE(AnyNoteContains(collected, "over the per-file limit"));
  for (const auto& [path, file] : collected.files) {
    EXPECT_EQ(path.find(".."), std::string::npos) << path;
  }
}

TEST(Jffs2HistoryTest, NotesAnImageCutInsideANodeAndKeepsTheCompleteNodes) {
  std::string image;
  Inode(image, 1, 1, 040755, 0, 0, "");
  Dirent(image, 1, 1, 2, "passwd");
  Inode(image, 2, 1, 0100644, 5, 0, "root:");
  Dirent(image, 1, 2, 3, "shadow");
  const std::size_t cut_at = image.size();
  Inode(image, 3, 1, 0100600, 20, 0, "root:$1$salt$hash::");
  const std::string cut = image.substr(0, image.size() - 10);

  const Collected collected = ReadImage(cut);

  ASSERT_TRUE(collected.files.count("/passwd"));
  EXPECT_EQ(collected.files.at("/passwd").data, "root:");
  EXPECT_TRUE(AnyNoteContains(collected, "ends inside a node at offset " + FormatHex(cut_at)));
  EXPECT_TRUE(AnyNoteContains(collected, "data of file '/shadow' is incomplete"));
  // The whole image: no note.
  EXPECT_TRUE(ReadImage(image).notes.empty());
}

TEST(Jffs2HistoryTest, NotesDirectoryEntriesWhoseInodeNodesAreMissing) {
  std::string image;
  Inode(image, 1, 1, 040755, 0, 0, "");
  Dirent(image, 1, 1, 2, "shadow");
  Dirent(image, 1, 2, 3, "passwd");
  Inode(image, 3, 1, 0100644, 5, 0, "root:");

  const Collected collected = ReadImage(image);

  EXPECT_TRUE(collected.files.count("/passwd"));
  EXPECT_TRUE(AnyNoteContains(collected, "inode nodes are missing"));
  EXPECT_TRUE(AnyNoteContains(collected, "'/shadow'"));
}

TEST(Jffs2HistoryTest, IgnoresDataThatIsNotJffs2) {
  std::mt19937 random(11);
  std::string noise;
  for (int i = 0; i < 65536; ++i) {
    noise.push_back(static_cast<char>(random() & 0xFF));
  }
  EXPECT_FALSE(LooksLikeJffs2(noise));
  EXPECT_EQ(ReadImage(noise).consumed, 0U);
  // A valid first header followed by garbage ends the file system there.
  std::string image = Header(0x2003, 12) + noise;
  EXPECT_TRUE(LooksLikeJffs2(image));
  const Collected collected = ReadImage(image);
  EXPECT_EQ(collected.consumed, 0U);  // No directory entries or inodes: not a file system.
}

}  // namespace
}  // namespace provisio::firmware
