#include "firmware/ubi_reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/files.h"

namespace provisio::firmware {
namespace {

namespace fs = std::filesystem;

struct Unpacked {
  std::map<std::string, ExtractedFile> files;  // Regular files, symlinks, directories.
  std::vector<UnpackNote> notes;
};

Unpacked UnpackImage(const std::string& image) {
  Unpacked unpacked;
  Unpacker unpacker(UnpackLimits{}, [&](ExtractedFile file) {
    if (file.kind != ExtractedFile::Kind::kRaw) {
      unpacked.files[file.chain + "!" + file.path] = file;
    }
  });
  unpacker.Unpack(std::make_shared<const std::string>(image), "flash.bin");
  unpacked.notes = unpacker.notes();
  return unpacked;
}

class UbiImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("provisio_ubi_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "root/etc/dropbear");
    fs::create_directories(dir_ / "root/bin");
    passwd_ = "root::0:0:root:/root:/bin/sh\n";
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/passwd", passwd_));
    std::mt19937 random(5);
    for (int i = 0; i < 30000; ++i) {
      blob_.push_back(static_cast<char>(random() & 0xFF));
    }
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/bin/blob", blob_));
    for (int i = 0; i < 3000; ++i) {
      text_ += "option " + std::to_string(i) + " PermitRootLogin yes\n";
    }
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/dropbear/config", text_));
    fs::create_symlink("../bin/blob", dir_ / "root/etc/link");
    ::chmod((dir_ / "root/bin/blob").c_str(), 04755);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Run(const std::string& command) {
    const int rc = std::system((command + " >/dev/null 2>&1").c_str());
    ASSERT_EQ(rc, 0) << command << " failed; scripts/install-deps installs mtd-utils";
  }

  // mkfs.ubifs with `compressor`, then ubinize into a UBI image with one
  // volume named "rootfs".
  std::string MakeUbi(const std::string& compressor) {
    const fs::path ubifs = dir_ / "rootfs.ubifs";
    const fs::path ini = dir_ / "ubi.ini";
    const fs::path ubi = dir_ / "flash.ubi";
    Run("mkfs.ubifs -r '" + (dir_ / "root").string() + "' -m 2048 -e 126976 -c 64 -x " +
        compressor + " -o '" + ubifs.string() + "'");
    EXPECT_TRUE(WriteFileAtomically(ini, "[rootfs]\nmode=ubi\nimage=" + ubifs.string() +
                                             "\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\n"));
    Run("ubinize -o '" + ubi.string() + "' -m 2048 -p 131072 -s 2048 '" + ini.string() + "'");
    return ReadFile(ubi).value_or("");
  }

  fs::path dir_;
  std::string passwd_;
  std::string blob_;
  std::string text_;
};

constexpr const char* kChain = "flash.bin > ubi@0x10000 > /rootfs > ubifs@0x0";

TEST_F(UbiImageTest, UnpacksUbifsInsideUbiWithEveryCompressor) {
  for (const char* compressor : {"lzo", "zlib", "zstd", "none", "favor_lzo"}) {
    SCOPED_TRACE(compressor);
    // A 64 KiB bootloader before the UBI partition, as on real flash.
    std::string flash(0x10000, '\x5A');
    const std::string ubi = MakeUbi(compressor);
    ASSERT_FALSE(ubi.empty());
    EXPECT_TRUE(LooksLikeUbi(ubi));
    flash += ubi;

    const Unpacked unpacked = UnpackImage(flash);

    const std::string prefix = std::string(kChain) + "!";
    ASSERT_TRUE(unpacked.files.count(prefix + "/etc/passwd")) << [&] {
      std::string seen;
      for (const auto& [key, file] : unpacked.files)
        seen += key + "\n";
      for (const UnpackNote& note : unpacked.notes)
        seen += note.message + "\n";
      return seen;
    }();
    EXPECT_EQ(unpacked.files.at(prefix + "/etc/passwd").data, passwd_);
    EXPECT_EQ(unpacked.files.at(prefix + "/bin/blob").data, blob_);
    EXPECT_EQ(unpacked.files.at(prefix + "/bin/blob").mode, 04755U);
    EXPECT_EQ(unpacked.files.at(prefix + "/etc/dropbear/config").data, text_);
    EXPECT_EQ(unpacked.files.at(prefix + "/etc/link").kind, ExtractedFile::Kind::kSymlink);
    EXPECT_EQ(unpacked.files.at(prefix + "/etc/link").link_target, "../bin/blob");
    EXPECT_EQ(unpacked.files.at(prefix + "/etc/dropbear").kind, ExtractedFile::Kind::kDirectory);
  }
}

TEST_F(UbiImageTest, ReadsABareUbifsImage) {
  MakeUbi("lzo");
  const std::string ubifs = ReadFile(dir_ / "rootfs.ubifs").value_or("");
  EXPECT_TRUE(LooksLikeUbifs(ubifs));

  const Unpacked unpacked = UnpackImage(ubifs);

  ASSERT_TRUE(unpacked.files.count("flash.bin > ubifs@0x0!/etc/passwd"));
  EXPECT_EQ(unpacked.files.at("flash.bin > ubifs@0x0!/etc/passwd").data, passwd_);
}

TEST_F(UbiImageTest, SurvivesTruncationAndDamage) {
  const std::string ubi = MakeUbi("zlib");
  for (std::size_t cut = 0; cut < ubi.size(); cut += ubi.size() / 23 + 1) {
    SCOPED_TRACE(cut);
    (void)UnpackImage(ubi.substr(0, cut));
  }
  std::string damaged = ubi;
  std::mt19937 random(9);
  for (int i = 0; i < 200; ++i) {
    damaged[random() % damaged.size()] = static_cast<char>(random() & 0xFF);
  }
  (void)UnpackImage(damaged);  // Must not crash; CRCs reject what changed.
}

TEST_F(UbiImageTest, NotesAnImageCutInsideAnEraseBlock) {
  const std::string ubi = MakeUbi("lzo");
  // ubinize writes whole 128 KiB erase blocks; cut half-way into the third.
  const std::string cut = ubi.substr(0, 2 * 131072 + 65536);

  const Unpacked unpacked = UnpackImage(cut);

  bool noted = false;
  for (const UnpackNote& note : unpacked.notes)
    noted = noted || note.message.find("looks truncated") != std::string::npos;
  EXPECT_TRUE(noted);
  for (const UnpackNote& note : UnpackImage(ubi).notes)
    EXPECT_EQ(note.message.find("looks truncated"), std::string::npos) << note.message;
}

bool AnyNote(const Unpacked& unpacked, const std::string& text) {
  for (const UnpackNote& note : unpacked.notes) {
    if (note.message.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string AllNotes(const Unpacked& unpacked) {
  std::string all;
  for (const UnpackNote& note : unpacked.notes)
    all += note.chain + ": " + note.message + "\n";
  return all;
}

TEST_F(UbiImageTest, NotesAUbifsVolumeWithADamagedSuperblockAndReplaysItsNodes) {
  const std::string ubi = MakeUbi("lzo");
  EXPECT_TRUE(UnpackImage(ubi).notes.empty()) << AllNotes(UnpackImage(ubi));
  // ubinize puts the layout volume in blocks 0 and 1; the rootfs volume's
  // first logical block (the UBIFS superblock) starts block 2's data.
  std::string damaged = ubi;
  const std::size_t superblock = 2 * 131072 + 4096;
  ASSERT_EQ(damaged.substr(superblock, 4), std::string("\x31\x18\x10\x06"));
  damaged[superblock + 1000] = static_cast<char>(damaged[superblock + 1000] ^ 0x40);

  const Unpacked unpacked = UnpackImage(damaged);

  EXPECT_TRUE(AnyNote(unpacked,
                      "UBI volume 0 ('rootfs') holds UBIFS whose superblock node fails "
                      "its CRC check"))
      << AllNotes(unpacked);
  const std::string key = "flash.bin > ubi@0x0 > /rootfs > ubifs@0x0!/etc/passwd";
  ASSERT_TRUE(unpacked.files.count(key)) << AllNotes(unpacked);
  EXPECT_EQ(unpacked.files.at(key).data, passwd_);
}

TEST_F(UbiImageTest, NotesATruncatedBareUbifsImage) {
  MakeUbi("lzo");
  const std::string ubifs = ReadFile(dir_ / "rootfs.ubifs").value_or("");
  ASSERT_GT(ubifs.size(), 126976U * 4);
  EXPECT_TRUE(UnpackImage(ubifs).notes.empty()) << AllNotes(UnpackImage(ubifs));

  // Cut between logical blocks: the index root is gone.
  const Unpacked between = UnpackImage(ubifs.substr(0, ubifs.size() - 126976));
  EXPECT_TRUE(AnyNote(between, "UBIFS is truncated")) << AllNotes(between);

  // Cut inside a node.
  const std::size_t node = ubifs.find("\x31\x18\x10\x06", 3 * 126976);
  ASSERT_NE(node, std::string::npos);
  const Unpacked inside = UnpackImage(ubifs.substr(0, node + 30));
  EXPECT_TRUE(AnyNote(inside, "UBIFS image ends inside the node at offset")) << AllNotes(inside);
}

TEST_F(UbiImageTest, NotesAnImageCutInsideItsFirstEraseBlock) {
  const std::string ubi = MakeUbi("lzo");

  const Unpacked unpacked = UnpackImage(ubi.substr(0, 59449));

  EXPECT_TRUE(AnyNote(unpacked, "UBI image ends inside its first erase block"))
      << AllNotes(unpacked);
}

TEST(UbiNoiseTest, IgnoresDataThatIsNotUbi) {
  std::mt19937 random(13);
  std::string noise = "UBI#";
  for (int i = 0; i < 200000; ++i) {
    noise.push_back(static_cast<char>(random() & 0xFF));
  }
  EXPECT_FALSE(LooksLikeUbi(noise));
  EXPECT_FALSE(LooksLikeUbifs("\x31\x18\x10\x06" + noise));
}

}  // namespace
}  // namespace provisio::firmware
