#include "firmware/cramfs_reader.h"

#include <libdeflate.h>

#include <algorithm>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <set>

#include "firmware/bytes.h"
#include "firmware/inode_tree.h"

namespace provisio::firmware {
namespace {

// Layout (Linux include/uapi/linux/cramfs_fs.h), little-endian:
// superblock: magic, size, flags, future (4 bytes each), the 16-byte
// signature, fsid (crc, edition, blocks, files), a 16-byte name, then the
// root inode. An inode is three words: mode:16 uid:16 | size:24 gid:8 |
// namelen:6 offset:26, followed by the name in namelen * 4 bytes (NUL
// padded). offset * 4 is where a directory's entries or a file's block
// pointers are.
constexpr std::uint32_t kMagic = 0x28CD3D45;
constexpr std::string_view kSignature = "Compressed ROMFS";
constexpr std::size_t kRootInodeAt = 64;
constexpr std::size_t kInodeBytes = 12;
constexpr std::size_t kPad = 512;
// Pages of this size are compressed one by one (the page size of the
// systems CramFS is built for; mkfs.cramfs -b must equal it).
constexpr std::size_t kBlockSize = 4096;
// Flags the reader understands; others mean a layout it would misread.
constexpr std::uint32_t kFlagHoles = 0x100;
constexpr std::uint32_t kFlagWrongSignature = 0x200;
constexpr std::uint32_t kFlagShiftedRootOffset = 0x400;
constexpr std::uint32_t kFlagExtBlockPointers = 0x800;
constexpr std::uint32_t kKnownFlags =
    0xFF | kFlagHoles | kFlagWrongSignature | kFlagShiftedRootOffset | kFlagExtBlockPointers;

struct CramfsInode {
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t size = 0;
  std::size_t name_bytes = 0;
  std::uint64_t offset = 0;  // In bytes, from the start of the file system.
};

CramfsInode ParseInode(std::string_view data, std::size_t at) {
  const std::uint32_t word0 = LoadLe32(data, at);
  const std::uint32_t word1 = LoadLe32(data, at + 4);
  const std::uint32_t word2 = LoadLe32(data, at + 8);
  CramfsInode inode;
  inode.mode = word0 & 0xFFFF;
  inode.uid = word0 >> 16;
  inode.size = word1 & 0xFFFFFF;
  inode.name_bytes = std::size_t{word2 & 0x3F} * 4;
  inode.offset = std::uint64_t{word2 >> 6} * 4;
  return inode;
}

class CramfsReader {
 public:
  CramfsReader(Unpacker& unpacker, std::string_view fs, const std::string& chain, unsigned depth)
      : unpacker_(unpacker), fs_(fs), chain_(chain), depth_(depth) {}
  CramfsReader(const CramfsReader&) = delete;
  CramfsReader& operator=(const CramfsReader&) = delete;
  ~CramfsReader() {
    if (decompressor_ != nullptr)
      libdeflate_free_decompressor(decompressor_);
  }

  void Read(std::size_t superblock, std::uint32_t flags) {
    flags_ = flags;
    const std::uint64_t root = superblock + kRootInodeAt;
    CollectDirectories(root);
    WalkInodeTree(unpacker_, chain_, "cramfs", children_, root,
                  [&](std::uint64_t id, const std::string& path) { return Visit(id, path); });
    if (damaged_entries_ > 0) {
      unpacker_.Note(chain_, std::to_string(damaged_entries_) +
                                 " cramfs directory entries lie outside the image; skipped");
    }
  }

 private:
  // Reads every directory's entries, breadth first from the root, into
  // children_ (ids are the offsets of the inode records).
  void CollectDirectories(std::uint64_t root) {
    std::deque<std::uint64_t> pending = {root};
    std::set<std::uint64_t> listed;
    while (!pending.empty()) {
      const std::uint64_t id = pending.front();
      pending.pop_front();
      const CramfsInode dir = ParseInode(fs_, static_cast<std::size_t>(id));
      if (dir.size == 0 || !listed.insert(dir.offset).second)
        continue;  // Empty, or a region already listed (a cycle).
      if (dir.offset > fs_.size() || dir.size > fs_.size() - dir.offset) {
        ++damaged_entries_;
        continue;
      }
      std::vector<InodeEntry>& entries = children_[id];
      std::uint64_t at = dir.offset;
      const std::uint64_t end = dir.offset + dir.size;
      while (at + kInodeBytes <= end) {
        const CramfsInode child = ParseInode(fs_, static_cast<std::size_t>(at));
        const std::uint64_t name_at = at + kInodeBytes;
        if (child.name_bytes == 0 || child.name_bytes > end - name_at) {
          ++damaged_entries_;
          break;
        }
        std::string name(fs_.substr(static_cast<std::size_t>(name_at), child.name_bytes));
        name.resize(std::strlen(name.c_str()));  // NUL padding.
        entries.push_back(InodeEntry{name, at});
        if ((child.mode & 0170000) == 0040000)
          pending.push_back(at);
        at = name_at + child.name_bytes;
      }
    }
  }

  bool Visit(std::uint64_t id, const std::string& path) {
    const CramfsInode inode = ParseInode(fs_, static_cast<std::size_t>(id));
    return EmitInodeFile(unpacker_, chain_, path, InodeAttributes{inode.mode, inode.uid}, depth_,
                         [&] { return ReadData(inode, path); });
  }

  // A file's (or a symlink target's) bytes: one compressed block per page,
  // after an array of pointers to where each block ends.
  std::shared_ptr<std::string> ReadData(const CramfsInode& inode, const std::string& path) {
    std::shared_ptr<std::string> content =
        AllocateInodeContent(unpacker_, chain_, "cramfs", path, inode.size);
    if (content == nullptr || inode.size == 0)
      return content;
    if ((flags_ & kFlagExtBlockPointers) != 0) {
      unpacker_.Note(chain_, "cramfs file '" + path +
                                 "' uses extended block pointers (not supported); not extracted");
      return nullptr;
    }
    const std::uint64_t blocks = (std::uint64_t{inode.size} + kBlockSize - 1) / kBlockSize;
    const std::uint64_t pointers = inode.offset;
    if (pointers > fs_.size() || blocks * 4 > fs_.size() - pointers) {
      Damaged(path, 0);
      return content;
    }
    if (decompressor_ == nullptr)
      decompressor_ = libdeflate_alloc_decompressor();
    std::uint64_t start = pointers + blocks * 4;
    for (std::uint64_t i = 0; i < blocks; ++i) {
      const std::uint64_t end = LoadLe32(fs_, static_cast<std::size_t>(pointers + i * 4));
      const std::size_t dest = static_cast<std::size_t>(i * kBlockSize);
      const std::size_t want = std::min<std::size_t>(kBlockSize, content->size() - dest);
      if (end == start) {  // A hole: the page is zeros (the buffer already is).
        continue;
      }
      std::size_t got = 0;
      if (end < start || end > fs_.size() || decompressor_ == nullptr ||
          libdeflate_zlib_decompress(decompressor_, fs_.data() + start, end - start,
                                     content->data() + dest, want, &got) != LIBDEFLATE_SUCCESS ||
          got != want) {
        Damaged(path, dest);
        content->resize(dest);
        return content;
      }
      start = end;
    }
    return content;
  }

  void Damaged(const std::string& path, std::size_t read) {
    unpacker_.Note(chain_, "cramfs file '" + path + "' could not be read after " +
                               std::to_string(read) + " bytes (damaged data block)");
  }

  Unpacker& unpacker_;
  std::string_view fs_;
  const std::string& chain_;
  unsigned depth_;
  std::uint32_t flags_ = 0;
  InodeChildren children_;
  std::uint64_t damaged_entries_ = 0;
  libdeflate_decompressor* decompressor_ = nullptr;
};

}  // namespace

bool LooksLikeCramfs(std::string_view data) {
  return data.size() >= kRootInodeAt + kInodeBytes && LoadLe32(data, 0) == kMagic &&
         data.substr(16, kSignature.size()) == kSignature;
}

std::size_t CramfsPadding(std::string_view superblock) {
  if (!LooksLikeCramfs(superblock))
    return 0;
  // The root directory's entries follow the superblock: at 76 unpadded,
  // at 512 + 76 after a pad.
  const CramfsInode root = ParseInode(superblock, kRootInodeAt);
  return root.offset >= kPad + kRootInodeAt + kInodeBytes ? kPad : 0;
}

std::uint64_t ReadCramfs(Unpacker& unpacker,
                         std::string_view data,
                         const std::string& chain,
                         unsigned depth) {
  std::size_t superblock = 0;
  if (!LooksLikeCramfs(data)) {
    if (data.size() <= kPad || !LooksLikeCramfs(data.substr(kPad)))
      return 0;
    superblock = kPad;
  }
  const std::uint32_t size = LoadLe32(data, superblock + 4);
  const std::uint32_t flags = LoadLe32(data, superblock + 8);
  if (size < superblock + kRootInodeAt + kInodeBytes)
    return 0;
  if ((flags & ~kKnownFlags) != 0) {
    unpacker.Note(chain, "cramfs with unknown feature flags " + FormatHex(flags) +
                             "; scanned as raw data without unpacking");
    return 0;
  }
  std::string_view fs = data;
  if (size > data.size()) {
    unpacker.Note(chain, "cramfs truncated: superblock says " + std::to_string(size) + " bytes, " +
                             std::to_string(data.size()) + " present");
  } else {
    fs = data.substr(0, size);
  }
  CramfsReader reader(unpacker, fs, chain, depth);
  reader.Read(superblock, flags);
  return fs.size();
}

}  // namespace provisio::firmware
