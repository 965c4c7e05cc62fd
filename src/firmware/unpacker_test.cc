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

#include "firmware/headers.h"
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

// A raw stream of `data` compressed with libarchive's filter `filter`.
std::string Compress(const std::string& data, int filter) {
  std::string buffer(data.size() / 2 + (1 << 16), '\0');
  std::size_t used = 0;
  archive* writer = archive_write_new();
  archive_write_set_format_raw(writer);
  archive_write_add_filter(writer, filter);
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

std::string Gzip(const std::string& data) {
  return Compress(data, ARCHIVE_FILTER_GZIP);
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

TEST(UnpackerTest, FindsAContainerAtEveryAlignmentAfterErasedZeroAndRandomFill) {
  // The carver skips erased and zeroed flash a word at a time and tests
  // other bytes in blocks of eight: a magic at any position of a block, or
  // in the last bytes of the data, must still be found.
  const std::string tar = MakeArchive({{"etc/hostname", "device\n"}}, true);
  std::mt19937 random(7);
  std::string noise(64, '\0');
  for (char& byte : noise)
    byte = static_cast<char>(random() % 251 + 1);  // 1..251: never 0x00 or 0xFF, no word skipped
  for (const std::string& fill : {std::string(64, '\xFF'), std::string(64, '\0'), noise}) {
    for (std::size_t lead = 0; lead < 18; ++lead) {
      for (const bool flush_end : {false, true}) {
        SCOPED_TRACE(std::to_string(static_cast<unsigned char>(fill[0])) + " lead " +
                     std::to_string(lead) + (flush_end ? " at the end" : ""));
        const std::string image = fill + fill.substr(0, lead) + tar + (flush_end ? "" : fill);
        Collected c = UnpackAll(image);
        ASSERT_EQ(c.files.count("/etc/hostname"), 1U);
        EXPECT_EQ(c.files["/etc/hostname"].chain,
                  "image.bin > gzip@" + FormatHex(64 + lead) + " > tar@0x0");
      }
    }
  }
}

TEST(UnpackerTest, FindsAnLz4CompressedCpioInRawData) {
  // An LZ4 frame, as arm64 kernels and their initramfs are packed.
  const std::string cpio =
      MakeArchive({{"etc/shadow", "root::0:0:::::\n"}}, false, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
  const std::string image =
      std::string(77, '\xAA') + Compress(cpio, ARCHIVE_FILTER_LZ4) + std::string(5, '\x55');

  Collected c = UnpackAll(image);

  ASSERT_EQ(c.files.count("/etc/shadow"), 1U);
  EXPECT_EQ(c.files["/etc/shadow"].data, "root::0:0:::::\n");
  EXPECT_EQ(c.files["/etc/shadow"].chain, "image.bin > lz4@0x4d > cpio@0x0");
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
std::string MakeSquashfs(const std::map<std::string, std::string>& files,
                         const std::string& compressor = "gzip") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("provisio-sqfs-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "root");
  for (const auto& [name, content] : files) {
    std::ofstream(dir / "root" / name, std::ios::binary) << content;
  }
  const std::string command = "mksquashfs '" + (dir / "root").string() + "' '" +
                              (dir / "fs.sqfs").string() + "' -b 4096 -comp " + compressor +
                              " -noappend -quiet -all-root >/dev/null 2>&1";
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

// Writes `files` under a fresh folder, adds hard links (new name, existing
// name), runs `pack` there (it writes ../out) and returns what it wrote;
// empty when the tool is missing.
std::string PackFolder(const std::map<std::string, std::string>& files,
                       const std::vector<std::pair<std::string, std::string>>& hard_links,
                       const std::string& pack) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("provisio-pack-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "root");
  for (const auto& [name, content] : files) {
    std::filesystem::create_directories((dir / "root" / name).parent_path());
    std::ofstream(dir / "root" / name, std::ios::binary) << content;
  }
  for (const auto& [link, existing] : hard_links)
    std::filesystem::create_hard_link(dir / "root" / existing, dir / "root" / link);
  const std::string command =
      "cd '" + (dir / "root").string() + "' && (" + pack + ") >/dev/null 2>&1";
  std::string image;
  if (std::system(command.c_str()) == 0) {
    std::ifstream in(dir / "out", std::ios::binary);
    image.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::filesystem::remove_all(dir);
  return image;
}

// A stored entry of a tar, cpio or uncompressed archive held in memory is a
// view of the archive's bytes (no copy; a stacked archive does not hold
// each layer twice); its owner keeps those bytes alive.
TEST(UnpackerTest, HandsStoredArchiveEntriesOverAsViewsOfTheArchive) {
  const std::string big(1 << 20, 'b');
  for (const bool gzip : {false, true}) {
    SCOPED_TRACE(gzip ? "tar in a gzip stream" : "tar in the image");
    const std::string archive =
        MakeArchive({Entry("etc/config", "option x 1\n"), Entry("opt/big.bin", big)}, gzip);
    auto image = std::make_shared<const std::string>(archive);
    std::map<std::string, ExtractedFile> files;
    Unpacker unpacker({}, [&](ExtractedFile file) {
      if (file.kind == ExtractedFile::Kind::kRegular)
        files[file.path] = file;
    });
    unpacker.Unpack(image, "image.bin");
    ASSERT_EQ(files.count("/opt/big.bin"), 1U);
    const ExtractedFile& file = files["/opt/big.bin"];
    EXPECT_EQ(file.data, big);
    ASSERT_NE(file.owner, nullptr);
    // The owner is the buffer the archive lies in, and the data inside it.
    const char* begin = file.owner->data();
    if (!gzip) {
      EXPECT_EQ(file.owner, image);
    }
    EXPECT_GE(file.data.data(), begin);
    EXPECT_LE(file.data.data() + file.data.size(), begin + file.owner->size());
    EXPECT_EQ(files["/etc/config"].owner, file.owner);
  }
}

TEST(UnpackerTest, GivesEveryNameOfAHardLinkedFileItsData) {
  const std::string shadow = "root:$1$abc$def:0:0:99999:7:::\n";
  struct Case {
    const char* name;
    const char* pack;
  };
  const Case cases[] = {
      {"cpio newc", "find . | sort | cpio -o -H newc > ../out"},
      {"cpio odc", "find . | sort | cpio -o -H odc > ../out"},
      {"gnu tar", "tar -cf ../out --sort=name ."},
  };
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    // "shadow-" sorts after "shadow": each order of data and link is covered
    // by the two link pairs.
    const std::string image = PackFolder(
        {{"etc/shadow", shadow}, {"etc/b-first", "x\n"}, {"etc/empty", ""}},
        {{"etc/shadow-", "etc/shadow"}, {"etc/a", "etc/b-first"}, {"etc/empty2", "etc/empty"}},
        k.pack);
    if (image.empty())
      GTEST_SKIP() << "cpio or tar is not installed";

    Collected c = UnpackAll(image);

    for (const char* path : {"/etc/shadow", "/etc/shadow-"}) {
      SCOPED_TRACE(path);
      ASSERT_EQ(c.files.count(path), 1U);
      EXPECT_EQ(c.files[path].kind, ExtractedFile::Kind::kRegular);
      EXPECT_EQ(c.files[path].data, shadow);
    }
    for (const char* path : {"/etc/a", "/etc/b-first"}) {
      SCOPED_TRACE(path);
      ASSERT_EQ(c.files.count(path), 1U);
      EXPECT_EQ(c.files[path].data, "x\n");
    }
    ASSERT_EQ(c.files.count("/etc/empty2"), 1U);
    EXPECT_TRUE(c.files["/etc/empty2"].data.empty());
    EXPECT_FALSE(AnyNoteContains(c, "hard link"));
  }
}

TEST(UnpackerTest, ReadsEachPartOfAMultiFileUImageByItsOwnMagic) {
  // The header claims bzip2 (it describes the kernel at most); the second
  // part is a gzipped tar and must be read as one.
  const std::string image = PackFolder(
      {{"etc/shadow", "root::19000:0:99999:7:::\n"}, {"kernel", "Linux version 5.10.1\n"}}, {},
      "gzip -c kernel > ../k.gz && tar -czf ../r.tgz etc && "
      "mkimage -A arm -O linux -T multi -C bzip2 -n multi -d ../k.gz:../r.tgz ../out");
  if (image.empty())
    GTEST_SKIP() << "mkimage (u-boot-tools) is not installed";

  Collected c = UnpackAll(image);

  ASSERT_EQ(c.files.count("/etc/shadow"), 1U);
  EXPECT_EQ(c.files["/etc/shadow"].chain, "image.bin > uimage@0x0#1 > gzip@0x0 > tar@0x0");
}

TEST(UnpackerTest, UnpacksAUImageWithADamagedHeaderOrPayloadAndNotesTheCrcs) {
  const std::string tar = MakeArchive({{"etc/shadow", "root::19000:0:99999:7:::\n"}}, false);
  auto be32 = [](std::string& s, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
      s[at + static_cast<std::size_t>(i)] = static_cast<char>(v >> (24 - 8 * i));
  };
  std::string header(64, '\0');
  be32(header, 0, kUImageMagic);
  be32(header, 12, static_cast<std::uint32_t>(tar.size()));
  be32(header, 24, Crc32(tar));
  header[28] = 5;  // Linux
  header[29] = 2;  // ARM
  header[30] = 3;  // ramdisk
  header.replace(32, 6, "rootfs");
  be32(header, 4, Crc32(header));
  struct Case {
    const char* name;
    std::size_t at;  // The byte of the image that is changed.
    const char* note;
  };
  const Case cases[] = {
      {"header", 8, "uImage 'rootfs' header CRC mismatch: the header says "},
      {"payload", 64 + tar.find("19000"), "uImage 'rootfs' data CRC mismatch: the header says "},
  };
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);
    std::string image = header + tar;
    image[test.at] = '\x5A';
    auto parsed = ParseUImage(image);
    ASSERT_TRUE(parsed);
    const std::string expected = test.at < 64
                                     ? FormatHex(parsed->header_crc) + ", its bytes give " +
                                           FormatHex(parsed->computed_header_crc)
                                     : FormatHex(parsed->data_crc) + ", the payload gives " +
                                           FormatHex(parsed->computed_data_crc);

    Collected c = UnpackAll(image);

    ASSERT_EQ(c.files.count("/etc/shadow"), 1U);
    EXPECT_EQ(c.files["/etc/shadow"].chain, "image.bin > uimage@0x0 > tar@0x0");
    EXPECT_TRUE(AnyNoteContains(c, test.note + expected + "; unpacked anyway"));
    EXPECT_EQ(c.notes.size(), 1U);
  }
}

TEST(UnpackerTest, NotesEncryptedArchiveEntries) {
  const std::string image =
      PackFolder({{"etc/shadow", "root::19000:0:99999:7:::\n"}, {"etc/motd", "hello\n"}}, {},
                 "zip -q -P secret ../out.zip etc/shadow && zip -q ../out.zip etc/motd && "
                 "mv ../out.zip ../out");
  if (image.empty())
    GTEST_SKIP() << "zip is not installed";

  Collected c = UnpackAll(image);

  EXPECT_TRUE(AnyNoteContains(c, "'/etc/shadow' is encrypted"));
  EXPECT_EQ(c.files.count("/etc/shadow"), 0U);
  ASSERT_EQ(c.files.count("/etc/motd"), 1U);
  EXPECT_EQ(c.files["/etc/motd"].data, "hello\n");
}

TEST(UnpackerTest, NotesZipEntriesWithAnUnsupportedCompressionMethod) {
  const std::string stored =
      PackFolder({{"etc/shadow", "root::19000:0:99999:7:::\n"}, {"etc/motd", "hello\n"}}, {},
                 "zip -q -0 ../out.zip etc/shadow etc/motd && mv ../out.zip ../out");
  if (stored.empty())
    GTEST_SKIP() << "zip is not installed";
  for (const std::uint16_t method : {std::uint16_t{7}, std::uint16_t{20}, std::uint16_t{99}}) {
    SCOPED_TRACE(method);
    // Rewrite the method of the first member (etc/shadow) in its local
    // header and its central directory entry.
    std::string zip = stored;
    const std::size_t local = zip.find("PK\x03\x04");
    const std::size_t central = zip.find("PK\x01\x02");
    ASSERT_NE(local, std::string::npos);
    ASSERT_NE(central, std::string::npos);
    for (const std::size_t at : {local + 8, central + 10}) {
      zip[at] = static_cast<char>(method & 0xFFU);
      zip[at + 1] = static_cast<char>(method >> 8);
    }

    Collected c = UnpackAll(zip);

    EXPECT_TRUE(AnyNoteContains(c, "entry '/etc/shadow' could not be read"));
    EXPECT_FALSE(AnyNoteContains(c, "entry '/etc/motd'"));
  }
}

TEST(UnpackerTest, NotesATrxHeaderWithAnImpossibleLengthOrPartitionOffset) {
  const std::string tar = MakeArchive({{"etc/passwd", "root:x:0:0::/root:/bin/sh\n"}}, false);
  auto le32 = [](std::uint32_t v) {
    std::string out(4, '\0');
    for (std::size_t i = 0; i < 4; ++i)
      out[i] = static_cast<char>((v >> (8 * i)) & 0xFFU);
    return out;
  };
  const auto total = static_cast<std::uint32_t>(28 + tar.size());
  struct Case {
    const char* name;
    std::uint32_t length;
    std::uint32_t first_offset;
  };
  const Case cases[] = {{"zero length", 0, 28}, {"offset past the end", total, 0x7FFFFFF0U}};
  for (const Case& t : cases) {
    SCOPED_TRACE(t.name);
    const std::string image = "HDR0" + le32(t.length) + le32(0) + le32(1U << 16) +
                              le32(t.first_offset) + le32(0) + le32(0) + tar;

    Collected c = UnpackAll(image);

    EXPECT_TRUE(AnyNoteContains(c, "TRX header rejected"));
    EXPECT_EQ(c.files.count("/etc/passwd"), 1U);
  }
}

TEST(UnpackerTest, KeepsTheUnixModesOfZipMembers) {
  const std::string zip = PackFolder(
      {{"bin/sh", "#!shell\n"}, {"usr/bin/ww", "echo hi\n"}, {"etc/motd", "hello\n"}}, {},
      "chmod 4755 bin/sh && chmod 777 usr/bin/ww && chmod 640 etc/motd && ln -s sh bin/ls && "
      "zip -q -r --symlinks ../out.zip . && mv ../out.zip ../out");
  if (zip.empty())
    GTEST_SKIP() << "zip is not installed";
  // The same zip with its central directory saying "made on FAT": no modes.
  std::string fat = zip;
  for (std::size_t at = fat.find("PK\x01\x02"); at != std::string::npos;
       at = fat.find("PK\x01\x02", at + 1)) {
    fat[at + 5] = '\0';
  }
  struct Case {
    const char* name;
    std::string image;
    bool unix_modes;
  };
  const Case cases[] = {
      {"whole zip", zip, true},
      {"zip inside raw data", std::string(4099, '\x11') + zip + std::string(777, '\x22'), true},
      {"zip made on FAT", fat, false},
  };
  const Collected plain = UnpackAll(fat);
  ASSERT_EQ(plain.files.count("/bin/sh"), 1U);
  const std::uint32_t default_mode = plain.files.at("/bin/sh").mode;
  for (const Case& test : cases) {
    SCOPED_TRACE(test.name);

    Collected c = UnpackAll(test.image);

    ASSERT_EQ(c.files.count("/bin/sh"), 1U);
    ASSERT_EQ(c.files.count("/usr/bin/ww"), 1U);
    ASSERT_EQ(c.files.count("/bin/ls"), 1U);
    EXPECT_EQ(c.files["/bin/sh"].data, "#!shell\n");
    if (test.unix_modes) {
      EXPECT_EQ(c.files["/bin/sh"].mode, 04755U);
      EXPECT_EQ(c.files["/usr/bin/ww"].mode, 0777U);
      EXPECT_EQ(c.files["/etc/motd"].mode, 0640U);
      EXPECT_EQ(c.files["/bin/ls"].kind, ExtractedFile::Kind::kSymlink);
      EXPECT_EQ(c.files["/bin/ls"].link_target, "sh");
    } else {
      EXPECT_EQ(c.files["/usr/bin/ww"].mode, default_mode);
      EXPECT_EQ(c.files["/bin/ls"].kind, ExtractedFile::Kind::kRegular);
    }
  }
}

TEST(UnpackerTest, DecodesConcatenatedGzipMembersOnceNotFromEveryMember) {
  // Every member offset used to decode all members after it (quadratic).
  const std::string member = Gzip("AAAAAAAAAA");
  std::string image;
  while (image.size() < (64U << 10))
    image += member;

  Collected c = UnpackAll(image);

  EXPECT_EQ(c.containers.size(), 1U);
}

TEST(UnpackerTest, HandsOnlyWellFormedCpioHeadersToLibarchive) {
  // A bare magic is no header: libarchive would resynchronise from there
  // (quadratic on a run of magics) and claim the real archive behind it.
  const std::string cpio = MakeArchive({{"etc/passwd", "root:x:0:0::/root:/bin/sh\n"}}, false,
                                       ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
  const std::string odc =
      MakeArchive({{"etc/group", "root:x:0:\n"}}, false, ARCHIVE_FORMAT_CPIO_POSIX);
  const std::string image = "070701" + cpio + std::string(4096, '\0') + "070707" + odc;

  Collected c = UnpackAll(image);

  ASSERT_EQ(c.files.count("/etc/passwd"), 1U);
  EXPECT_EQ(c.files["/etc/passwd"].chain, "image.bin > cpio@0x6");
  ASSERT_EQ(c.files.count("/etc/group"), 1U);
  EXPECT_EQ(c.files["/etc/group"].data, "root:x:0:\n");
}

TEST(UnpackerTest, NotesADamagedCpioHeaderAndReadsTheEntriesAfterIt) {
  std::string cpio = MakeArchive({{"etc/inittab", "::sysinit:/etc/init.d/rcS\n"},
                                  {"etc/motd", "hello\n"},
                                  {"etc/shadow", "root::19000:0:99999:7:::\n"},
                                  {"etc/passwd", "root:x:0:0::/root:/bin/sh\n"}},
                                 false, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
  // Damage the file size field (offset 54) of the second header.
  const std::size_t second = cpio.find("070701", 1);
  ASSERT_NE(second, std::string::npos);
  cpio[second + 54 + 2] = 'I';

  Collected c = UnpackAll(cpio);

  EXPECT_TRUE(AnyNoteContains(c, "cpio archive damaged"));
  EXPECT_EQ(c.files.count("/etc/inittab"), 1U);
  ASSERT_EQ(c.files.count("/etc/shadow"), 1U);
  EXPECT_EQ(c.files["/etc/shadow"].data, "root::19000:0:99999:7:::\n");
  EXPECT_EQ(c.files.count("/etc/passwd"), 1U);
}

TEST(UnpackerTest, StopsProbingAfterTooManyInvalidContainers) {
  std::string image;
  for (int i = 0; i < 5000; ++i)
    image += "hsqs" + std::string(60, '\x01');

  Collected c = UnpackAll(image);

  EXPECT_TRUE(AnyNoteContains(c, "were not valid containers"));
}

TEST(UnpackerTest, NotesSquashfsVersionsItCannotRead) {
  // Superblocks of squashfs 3.0, little-endian ("hsqs") and big-endian
  // ("sqsh"), as older router images carry them: the version at offset 28.
  std::string little = "hsqs" + std::string(92, '\0');
  little[28] = 3;
  std::string big = "sqsh" + std::string(92, '\0');
  big[29] = 3;
  const std::string filler(4096, '\x5A');
  Collected c = UnpackAll(filler + little + filler + big + filler);
  EXPECT_TRUE(AnyNoteContains(c, "squashfs version 3.0 is not supported"));
  EXPECT_TRUE(AnyNoteContains(c, "big-endian squashfs version 3.0 is not supported"));
  // Four bytes that only look like a magic are not worth a note.
  Collected noise = UnpackAll(filler + "sqsh" + std::string(92, '\x7F') + filler);
  EXPECT_TRUE(noise.notes.empty());
}

TEST(UnpackerTest, ReadsEveryOrdinaryFileAfterAHugeCompressibleOneInSquashfs) {
  // 20 MiB of zeros packs into a few KiB; it used to take the whole ratio
  // budget of the filesystem, leaving 0 bytes for the files after it.
  const std::string shadow = "root:$1$abc$def:0:0:99999:7:::\n";
  const std::string fs = MakeSquashfs({{"a-swap.img", std::string(20U << 20, '\0')},
                                       {"shadow", shadow},
                                       {"zz-more.img", std::string(20U << 20, '\0')},
                                       {"zz-passwd", "root:x:0:0::/root:/bin/sh\n"}});
  if (fs.empty())
    GTEST_SKIP() << "mksquashfs (squashfs-tools) is not installed";

  Collected c = UnpackAll(fs);

  ASSERT_EQ(c.files.count("/shadow"), 1U);
  EXPECT_EQ(c.files["/shadow"].data, shadow);
  ASSERT_EQ(c.files.count("/zz-passwd"), 1U);
  EXPECT_EQ(c.files["/zz-passwd"].data, "root:x:0:0::/root:/bin/sh\n");
  EXPECT_TRUE(AnyNoteContains(c, "'/a-swap.img' (20971520 bytes) exceeds"));
  // The allowance for compressible data is spent once, not per file.
  ASSERT_EQ(c.files.count("/zz-more.img"), 1U);
  EXPECT_LT(c.files["/zz-more.img"].data.size() + c.files["/a-swap.img"].data.size(), (20U << 20));
}

TEST(UnpackerTest, ReadsSquashfsOfEveryCompressorByteForByte) {
  std::string text;
  for (int i = 0; text.size() < 50000; ++i)
    text += "line " + std::to_string(i) + " of a compressible file\n";
  const std::map<std::string, std::string> files = {{"text.bin", text}, {"small.txt", "hello"}};
  for (const char* compressor : {"gzip", "lzo", "xz", "lz4", "zstd"}) {
    SCOPED_TRACE(compressor);
    const std::string fs = MakeSquashfs(files, compressor);
    if (fs.empty())
      continue;  // This mksquashfs was built without it.

    Collected c = UnpackAll(fs);

    for (const auto& [name, content] : files) {
      SCOPED_TRACE(name);
      ASSERT_EQ(c.files.count("/" + name), 1U);
      EXPECT_TRUE(std::string(c.files.at("/" + name).data) == content);
    }
    EXPECT_FALSE(AnyNoteContains(c, "not supported"));
  }
}

TEST(UnpackerTest, EmitsACompressedFileAsTheFileItHolds) {
  const std::string config = "<config><password>admin</password></config>\n";
  const std::string inner_tar = MakeArchive({{"etc/shadow", "root::0:0:::::\n"}}, false);
  const std::string tar = MakeArchive(
      {{"etc/defaults/config.xml.gz", Gzip(config), 0104755}, {"backup.tgz", Gzip(inner_tar)}},
      false);

  Collected c = UnpackAll(tar);

  ASSERT_EQ(c.files.count("/etc/defaults/config.xml"), 1U);
  const ExtractedFile& decoded = c.files["/etc/defaults/config.xml"];
  EXPECT_EQ(decoded.kind, ExtractedFile::Kind::kRegular);
  EXPECT_EQ(decoded.data, config);
  EXPECT_EQ(decoded.chain, "image.bin > tar@0x0 > /etc/defaults/config.xml.gz > gzip@0x0");
  EXPECT_EQ(decoded.mode, 0755U);  // Metadata findings stay with the stored file.
  ASSERT_EQ(c.files.count("/backup.tar"), 1U);
  ASSERT_EQ(c.files.count("/etc/shadow"), 1U);
  EXPECT_EQ(c.files["/etc/shadow"].chain,
            "image.bin > tar@0x0 > /backup.tgz > gzip@0x0 > /backup.tar > tar@0x0");
}

TEST(UnpackerTest, NotesEveryCompressedStreamCutShortAndScansWhatCameBefore) {
  std::mt19937 random(3);
  std::string text;
  while (text.size() < 400000)
    text += "word" + std::to_string(random() % 100000) + (random() % 9 == 0 ? "\n" : " ");
  struct Case {
    const char* name;
    int filter;
  };
  const Case cases[] = {{"gzip", ARCHIVE_FILTER_GZIP},   {"xz", ARCHIVE_FILTER_XZ},
                        {"bzip2", ARCHIVE_FILTER_BZIP2}, {"zstd", ARCHIVE_FILTER_ZSTD},
                        {"lzma", ARCHIVE_FILTER_LZMA},   {"lz4", ARCHIVE_FILTER_LZ4}};
  for (const Case& k : cases) {
    SCOPED_TRACE(k.name);
    const std::string whole = Compress(text, k.filter);
    ASSERT_GT(whole.size(), 1000U);
    const std::string image = std::string(4096, '\xAA') + whole.substr(0, whole.size() / 2);
    std::string recovered;
    Unpacker unpacker({}, [&](ExtractedFile file) {
      if (file.kind == ExtractedFile::Kind::kRaw && file.chain != "image.bin")
        recovered += file.data;
    });

    unpacker.Unpack(std::make_shared<const std::string>(image), "image.bin");

    bool noted = false;
    for (const UnpackNote& note : unpacker.notes()) {
      noted = noted || (note.message.find("truncated") != std::string::npos &&
                        note.chain == "image.bin > " + std::string(k.name) + "@0x1000");
    }
    EXPECT_TRUE(noted);
    EXPECT_TRUE(text.compare(0, recovered.size(), recovered) == 0);
    if (k.filter == ARCHIVE_FILTER_GZIP) {
      EXPECT_GT(recovered.size(), text.size() / 3);
    }
  }
}

TEST(UnpackerTest, ReadsEveryOrdinaryFileAfterAHugeCompressibleOneInACompressedArchive) {
  // Each zero entry decodes to ~1000 times its compressed size, more than
  // max_ratio: it gets what it earned plus the stream's one allowance.
  const std::string shadow = "root:$1$abc$def:0:0:99999:7:::\n";
  for (const bool cpio : {false, true}) {
    SCOPED_TRACE(cpio ? "cpio.gz" : "tar.gz");
    const std::string archive = MakeArchive(
        {{"a/swap.img", std::string(40U << 20, '\0')},
         {"etc/shadow", shadow},
         {"b/more.img", std::string(40U << 20, '\0')},
         {"etc/passwd", "root:x:0:0::/root:/bin/sh\n"}},
        true, cpio ? ARCHIVE_FORMAT_CPIO_SVR4_NOCRC : ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);

    Collected c = UnpackAll(archive);

    ASSERT_EQ(c.files.count("/etc/shadow"), 1U);
    EXPECT_EQ(c.files["/etc/shadow"].data, shadow);
    ASSERT_EQ(c.files.count("/etc/passwd"), 1U);
    EXPECT_EQ(c.files["/etc/passwd"].data, "root:x:0:0::/root:/bin/sh\n");
    EXPECT_TRUE(AnyNoteContains(c, "'/a/swap.img' (41943040 bytes) exceeds"));
    ASSERT_EQ(c.files.count("/b/more.img"), 1U);
    EXPECT_LT(c.files["/a/swap.img"].data.size() + c.files["/b/more.img"].data.size(), (40U << 20));
  }
}

TEST(UnpackerTest, FindsASecondCpioRightBehindTheFirst) {
  // An initramfs: an early-microcode cpio, then the root filesystem's.
  const std::string first =
      MakeArchive({{"kernel/x86/microcode/a.bin", "ucode"}}, false, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
  const std::string second = MakeArchive({{"etc/shadow", "root::0:0:99999:7:::\n"}}, false,
                                         ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
  ASSERT_EQ(first.size() % 4, 0U);

  Collected c = UnpackAll(first + second);

  ASSERT_EQ(c.files.count("/kernel/x86/microcode/a.bin"), 1U);
  ASSERT_EQ(c.files.count("/etc/shadow"), 1U);
  EXPECT_EQ(c.files["/etc/shadow"].chain, "image.bin > cpio@" + FormatHex(first.size()));
}

// Every piece of data the unpacker hands over, in order.
std::vector<ExtractedFile> UnpackPieces(const std::string& image) {
  std::vector<ExtractedFile> pieces;
  Unpacker unpacker({}, [&](ExtractedFile file) { pieces.push_back(std::move(file)); });
  unpacker.Unpack(std::make_shared<const std::string>(image), "image.bin");
  return pieces;
}

TEST(UnpackerTest, HandsOverTheBytesOfANestedArchiveOnlyAsItsMembers) {
  const std::string marker = "aws=AKIAABCDEFGHIJKLMNOP";
  auto holding = [&](const char* name) {
    return std::vector<Entry>{{"etc/motd", "hello\n"}, {name, marker + " " + name + "\n"}};
  };
  const std::string plain_tar = MakeArchive(holding("tar.conf"), false);
  const std::string cpio = MakeArchive(holding("cpio.conf"), false, ARCHIVE_FORMAT_CPIO_SVR4_NOCRC);
  const std::string tgz = MakeArchive(holding("tgz.conf"), true);
  const std::string with_tail = MakeArchive(holding("head.conf"), false) + marker + " tail\n";
  std::string broken = MakeArchive(holding("broken.conf"), false);
  broken.replace(148, 8, "XXXXXXXX");  // The header checksum: no valid tar.
  ASSERT_NE(broken.find("ustar"), std::string::npos);
  const std::string image = MakeArchive({{"data/plain.tar", plain_tar, 0100777},
                                         {"data/a.cpio", cpio},
                                         {"data/x.tgz", tgz},
                                         {"data/tail.tar", with_tail},
                                         {"data/broken.tar", broken}},
                                        false);

  const std::vector<ExtractedFile> pieces = UnpackPieces(image);

  // Where each planted line was handed over: exactly once each.
  std::map<std::string, std::vector<std::string>> seen;
  for (const ExtractedFile& piece : pieces) {
    for (std::size_t at = piece.data.find(marker); at != std::string_view::npos;
         at = piece.data.find(marker, at + 1)) {
      const std::string_view rest = piece.data.substr(at + marker.size() + 1);
      seen[std::string(rest.substr(0, rest.find('\n')))].push_back(
          piece.chain + " > " + piece.path + " @" + FormatHex(piece.base_offset + at));
    }
  }
  const std::map<std::string, std::vector<std::string>> expected = {
      {"tar.conf", {"image.bin > tar@0x0 > /data/plain.tar > tar@0x0 > /tar.conf @0x0"}},
      {"cpio.conf", {"image.bin > tar@0x0 > /data/a.cpio > cpio@0x0 > /cpio.conf @0x0"}},
      {"tgz.conf",
       {"image.bin > tar@0x0 > /data/x.tgz > gzip@0x0 > /data/x.tar > tar@0x0 > /tgz.conf @0x0"}},
      {"head.conf", {"image.bin > tar@0x0 > /data/tail.tar > tar@0x0 > /head.conf @0x0"}},
      {"tail",
       {"image.bin > tar@0x0 > /data/tail.tar > (raw) @" +
        FormatHex(with_tail.size() - marker.size() - 6)}},
      {"broken.conf",
       {"image.bin > tar@0x0 > /data/broken.tar @" + FormatHex(broken.find(marker))}},
  };
  EXPECT_EQ(seen, expected);
  // The archives themselves are still handed over, with their metadata.
  std::map<std::string, const ExtractedFile*> by_path;
  for (const ExtractedFile& piece : pieces)
    by_path[piece.path] = &piece;
  for (const char* path : {"/data/plain.tar", "/data/a.cpio", "/data/x.tgz", "/data/x.tar",
                           "/data/tail.tar", "/data/broken.tar"}) {
    SCOPED_TRACE(path);
    ASSERT_EQ(by_path.count(path), 1U);
    EXPECT_EQ(by_path[path]->kind, ExtractedFile::Kind::kRegular);
  }
  EXPECT_EQ(by_path["/data/plain.tar"]->mode, 0777U);
  EXPECT_TRUE(by_path["/data/plain.tar"]->data.empty());
  EXPECT_EQ(by_path["/data/x.tgz"]->data, tgz);  // Compressed bytes stay scanned.
  EXPECT_EQ(by_path["/data/broken.tar"]->data, broken);
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
