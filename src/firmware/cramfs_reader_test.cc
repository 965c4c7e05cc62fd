#include "firmware/cramfs_reader.h"

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

struct Collected {
  std::map<std::string, ExtractedFile> files;
  std::vector<UnpackNote> notes;
  std::uint64_t consumed = 0;
};

Collected ReadImage(const std::string& image) {
  Collected collected;
  auto owner = std::make_shared<const std::string>(image);
  Unpacker unpacker({}, [&](ExtractedFile file) {
    if (file.kind != ExtractedFile::Kind::kRaw && file.chain == "fs.cramfs")
      collected.files[file.path] = file;
  });
  collected.consumed = ReadCramfs(unpacker, *owner, "fs.cramfs", 1);
  collected.notes = unpacker.notes();
  return collected;
}

bool AnyNoteContains(const std::vector<UnpackNote>& notes, std::string_view text) {
  for (const UnpackNote& note : notes) {
    if (note.message.find(text) != std::string::npos)
      return true;
  }
  return false;
}

// Images built by util-linux's mkfs.cramfs, the real peer.
class CramfsImageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("provisio_cramfs_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "root/etc/init.d");
    fs::create_directories(dir_ / "root/bin");
    fs::create_directories(dir_ / "root/empty");
    passwd_ = "root::0:0:root:/root:/bin/sh\n";
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/passwd", passwd_));
    std::mt19937 random(11);
    for (int i = 0; i < 20000; ++i)
      blob_.push_back(static_cast<char>(random() & 0xFF));
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/bin/blob", blob_));
    for (int i = 0; i < 3000; ++i)
      script_ += "line " + std::to_string(i) + ": telnetd -l /bin/sh\n";
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/init.d/rcS", script_));
    // Pages of zeros between data: holes with mkfs.cramfs -z.
    sparse_ = "head" + std::string(3 * 4096, '\0') + "tail";
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/sparse", sparse_));
    EXPECT_TRUE(WriteFileAtomically(dir_ / "root/etc/empty.conf", ""));
    fs::create_symlink("/bin/blob", dir_ / "root/bin/link");
    ::chmod((dir_ / "root/bin/blob").c_str(), 04755);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string MakeImage(const std::string& flags) {
    const fs::path image = dir_ / "fs.img";
    fs::remove(image);
    const std::string command = "mkfs.cramfs " + flags + " '" + (dir_ / "root").string() + "' '" +
                                image.string() + "' >/dev/null 2>&1";
    const int rc = std::system(command.c_str());
    EXPECT_EQ(rc, 0) << command << " failed (mkfs.cramfs comes with util-linux)";
    return ReadFile(image).value_or("");
  }

  void ExpectEveryFile(const Collected& c) {
    ASSERT_EQ(c.files.count("/etc/passwd"), 1U);
    EXPECT_EQ(c.files.at("/etc/passwd").data, passwd_);
    EXPECT_EQ(c.files.at("/etc/init.d/rcS").data, script_);
    EXPECT_EQ(c.files.at("/etc/sparse").data, sparse_);
    EXPECT_EQ(c.files.at("/etc/empty.conf").data, "");
    EXPECT_EQ(c.files.at("/etc/empty.conf").kind, ExtractedFile::Kind::kRegular);
    const ExtractedFile& blob = c.files.at("/bin/blob");
    EXPECT_EQ(blob.data, blob_);
    EXPECT_EQ(blob.mode, 04755U);
    EXPECT_EQ(blob.uid, static_cast<std::uint32_t>(::getuid()) & 0xFFFFU);
    EXPECT_EQ(c.files.at("/bin/link").kind, ExtractedFile::Kind::kSymlink);
    EXPECT_EQ(c.files.at("/bin/link").link_target, "/bin/blob");
    EXPECT_EQ(c.files.at("/empty").kind, ExtractedFile::Kind::kDirectory);
    EXPECT_EQ(c.files.at("/etc/init.d").kind, ExtractedFile::Kind::kDirectory);
  }

  fs::path dir_;
  std::string passwd_;
  std::string blob_;
  std::string script_;
  std::string sparse_;
};

TEST_F(CramfsImageTest, ReadsEveryFileByteForByte) {
  for (const char* flags : {"", "-z", "-n vendor -e 7"}) {
    SCOPED_TRACE(flags);
    const std::string image = MakeImage(flags);
    ASSERT_TRUE(LooksLikeCramfs(image));
    EXPECT_EQ(CramfsPadding(image), 0U);
    Collected c = ReadImage(image);
    EXPECT_EQ(c.consumed, image.size());
    EXPECT_TRUE(c.notes.empty()) << c.notes.front().message;
    ExpectEveryFile(c);
  }
}

TEST_F(CramfsImageTest, ReadsAnImagePaddedForBootCode) {
  const std::string image = MakeImage("-p");
  ASSERT_FALSE(LooksLikeCramfs(image));
  ASSERT_TRUE(LooksLikeCramfs(image.substr(512)));
  EXPECT_EQ(CramfsPadding(image.substr(512)), 512U);
  Collected c = ReadImage(image);
  EXPECT_EQ(c.consumed, image.size());
  ExpectEveryFile(c);
}

TEST_F(CramfsImageTest, IsFoundAtAnyOffsetOfARawImage) {
  for (const char* flags : {"", "-p"}) {
    SCOPED_TRACE(flags);
    const std::string cramfs = MakeImage(flags);
    const std::string image = std::string(4100, '\x11') + cramfs + std::string(700, '\x22');
    std::map<std::string, ExtractedFile> files;
    Unpacker unpacker({}, [&](ExtractedFile file) {
      if (file.kind != ExtractedFile::Kind::kRaw)
        files[file.path] = file;
    });
    unpacker.Unpack(std::make_shared<const std::string>(image), "flash.bin");
    ASSERT_EQ(files.count("/etc/passwd"), 1U);
    EXPECT_EQ(files["/etc/passwd"].data, passwd_);
    EXPECT_EQ(files["/etc/passwd"].chain, "flash.bin > cramfs@0x1004");
    EXPECT_EQ(files["/bin/blob"].data, blob_);
  }
}

TEST_F(CramfsImageTest, NotesDamageAndKeepsWhatItCanRead) {
  const std::string image = MakeImage("");
  // Cut short: the superblock's size is noted, no read outside the data.
  for (const std::size_t keep : {image.size() / 2, std::size_t{200}, std::size_t{80}}) {
    SCOPED_TRACE(keep);
    Collected c = ReadImage(image.substr(0, keep));
    EXPECT_TRUE(AnyNoteContains(c.notes, "cramfs truncated"));
  }
  // Garbage over the compressed data of every file.
  std::string damaged = image;
  for (std::size_t at = image.size() / 3; at < image.size(); at += 97)
    damaged[at] = static_cast<char>(damaged[at] ^ 0x5A);
  Collected c = ReadImage(damaged);
  EXPECT_TRUE(AnyNoteContains(c.notes, "could not be read after"));
}

TEST_F(CramfsImageTest, NotesBigEndianImagesItCannotRead) {
  const std::string image = std::string(64, '\0') + MakeImage("-N big");
  Unpacker unpacker({}, [](ExtractedFile) {});
  unpacker.Unpack(std::make_shared<const std::string>(image), "flash.bin");
  EXPECT_TRUE(AnyNoteContains(unpacker.notes(), "big-endian cramfs is not supported"));
}

TEST(CramfsReaderTest, SurvivesRandomBytesAfterAValidSuperblock) {
  std::mt19937 random(5);
  for (int round = 0; round < 200; ++round) {
    std::string image(4096, '\0');
    for (char& c : image)
      c = static_cast<char>(random() & 0xFF);
    // Magic, a size, no flags, the signature; everything else random.
    const std::string magic("\x45\x3D\xCD\x28", 4);
    image.replace(0, 4, magic);
    image.replace(4, 4, std::string("\x00\x10\x00\x00", 4));
    image.replace(8, 4, std::string(4, '\0'));
    image.replace(16, 16, "Compressed ROMFS");
    (void)ReadImage(image);
  }
  SUCCEED();
}

}  // namespace
}  // namespace provisio::firmware
