// UBI and UBIFS readers. Layout facts (from the Linux ubi-media.h and
// ubifs-media.h headers, in our words):
//  - UBI: every physical erase block (PEB) starts with a 64-byte big-endian
//    erase-counter header ("UBI#") that says where the volume-identifier
//    header ("UBI!": volume id, logical block number, sequence number) and
//    the data start. The internal layout volume holds the volume table
//    (names). The copy with the highest sequence number of a logical block
//    wins.
//  - UBIFS: a log of 8-byte-aligned little-endian nodes with a common header
//    (magic 0x06101831, CRC, sequence number, length, type). Inode, data and
//    directory-entry nodes carry 8-byte keys (inode number; type << 29 |
//    block or name hash). Replaying them in sequence order rebuilds the tree.
#include "firmware/ubi_reader.h"

#include <lzo/lzo1x.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include <zlib.h>
#include <zstd.h>

#include "firmware/bytes.h"
#include "firmware/inode_tree.h"

namespace provisio::firmware {
namespace {

// UBI and UBIFS use the reflected CRC-32 seeded with 0xFFFFFFFF and without
// the final inversion: zlib's crc32() seeded with 0, inverted.
std::uint32_t MediaCrc(const unsigned char* data, std::size_t size) {
  return ~static_cast<std::uint32_t>(crc32(0UL, data, static_cast<uInt>(size)));
}

constexpr std::uint32_t kUbifsMagic = 0x06101831;

// Defined with the UBIFS reader below.
std::uint64_t ReadUbifsNodes(Unpacker& unpacker,
                             std::string_view data,
                             const std::string& chain,
                             unsigned depth);
std::string UbifsSuperblockProblem(std::string_view data);

// ---------------------------------------------------------------- UBI ----

constexpr std::size_t kUbiHeaderBytes = 64;
constexpr std::uint32_t kLayoutVolume = 0x7FFFEFFF;
constexpr std::uint32_t kFirstInternalVolume = 0x7FFFEF00;
constexpr std::size_t kVolumeRecordBytes = 172;
constexpr std::size_t kMaxVolumes = 128;

struct EraseCounterHeader {
  std::uint32_t vid_offset = 0;
  std::uint32_t data_offset = 0;
};

bool ReadEraseCounterHeader(std::string_view data, std::size_t at, EraseCounterHeader* header) {
  if (at > data.size() || data.size() - at < kUbiHeaderBytes) {
    return false;
  }
  const unsigned char* p = UnsignedBytes(data, at);
  if (std::memcmp(p, "UBI#", 4) != 0 || MediaCrc(p, 60) != LoadBe32(data, at + 60)) {
    return false;
  }
  header->vid_offset = LoadBe32(data, at + 16);
  header->data_offset = LoadBe32(data, at + 20);
  return header->vid_offset >= kUbiHeaderBytes && header->data_offset > header->vid_offset;
}

bool AllErased(std::string_view data, std::size_t at, std::size_t size) {
  const std::size_t end = std::min(data.size(), at + size);
  for (std::size_t i = at; i < end; ++i) {
    if (static_cast<unsigned char>(data[i]) != 0xFF) {
      return false;
    }
  }
  return true;
}

struct LogicalBlock {
  std::uint64_t sequence = 0;
  std::string_view data;
};

class UbiReader {
 public:
  UbiReader(Unpacker& unpacker, std::string_view data, const std::string& chain, unsigned depth)
      : unpacker_(unpacker), data_(data), chain_(chain), depth_(depth) {}

  std::uint64_t Read() {
    EraseCounterHeader first;
    if (!ReadEraseCounterHeader(data_, 0, &first)) {
      return 0;
    }
    const std::size_t block_size = FindBlockSize(first);
    if (block_size == 0) {
      return 0;
    }
    if (block_size == data_.size()) {
      // UBI needs at least the two layout-volume blocks and one more, so an
      // image without a second erase-counter header was cut short.
      unpacker_.Note(chain_, "UBI image ends inside its first erase block (" +
                                 std::to_string(data_.size()) +
                                 " bytes, no second erase-counter header): it looks truncated; "
                                 "its volumes are missing");
    }
    std::size_t at = 0;
    std::size_t end = 0;
    for (; at + block_size <= data_.size() || at == 0; at += block_size) {
      EraseCounterHeader header;
      if (!ReadEraseCounterHeader(data_, at, &header)) {
        if (AllErased(data_, at, kUbiHeaderBytes)) {
          continue;  // An erased block inside the partition.
        }
        break;
      }
      end = std::min(data_.size(), at + block_size);
      if (header.data_offset >= block_size) {
        ++damaged_;
        continue;
      }
      MapBlock(at, block_size, header);
    }
    if (damaged_ > 0) {
      unpacker_.Note(chain_, std::to_string(damaged_) +
                                 " UBI erase blocks had damaged headers and were ignored");
    }
    // A cut image (a partial dump, a truncated download) ends inside an
    // erase block that starts with a valid header.
    EraseCounterHeader partial;
    if (at > 0 && at < data_.size() && data_.size() - at < block_size &&
        ReadEraseCounterHeader(data_, at, &partial)) {
      unpacker_.Note(chain_, "UBI image ends inside the erase block at " + FormatHex(at) + " (" +
                                 std::to_string(data_.size() - at) + " of " +
                                 std::to_string(block_size) +
                                 " bytes): it looks truncated; that block and whatever followed "
                                 "it are missing");
      end = data_.size();
    }
    ReadVolumeNames();
    EmitVolumes();
    return end;
  }

 private:
  // The erase-block size is the distance to the next valid header; it is a
  // power of two larger than the data offset.
  std::size_t FindBlockSize(const EraseCounterHeader& first) const {
    for (std::size_t size = 4096; size <= (std::size_t{16} << 20); size *= 2) {
      if (size <= first.data_offset) {
        continue;
      }
      EraseCounterHeader next;
      if (ReadEraseCounterHeader(data_, size, &next)) {
        return size;
      }
    }
    // A single erase block: everything to the end.
    return data_.size() > first.data_offset ? data_.size() : 0;
  }

  void MapBlock(std::size_t at, std::size_t block_size, const EraseCounterHeader& header) {
    if (header.vid_offset + kUbiHeaderBytes > block_size) {
      ++damaged_;
      return;
    }
    const std::string_view vid = data_.substr(at + header.vid_offset, kUbiHeaderBytes);
    if (vid.substr(0, 4) != "UBI!") {
      return;  // Free block: no volume owns it.
    }
    if (MediaCrc(UnsignedBytes(vid), 60) != LoadBe32(vid, 60)) {
      ++damaged_;
      return;
    }
    const std::uint32_t volume = LoadBe32(vid, 8);
    const std::uint32_t logical = LoadBe32(vid, 12);
    const std::uint32_t static_size = LoadBe32(vid, 20);
    const auto volume_type = static_cast<std::uint8_t>(vid[5]);  // 1 dynamic, 2 static.
    const std::uint64_t sequence = LoadBe64(vid, 40);
    std::size_t size = block_size - header.data_offset;
    if (volume_type == 2 && static_size <= size) {
      size = static_size;
    }
    if (logical > (1U << 24)) {
      ++damaged_;
      return;
    }
    LogicalBlock& slot = volumes_[volume][logical];
    if (slot.data.empty() || sequence >= slot.sequence) {
      slot.sequence = sequence;
      slot.data = data_.substr(at + header.data_offset, size);
    }
  }

  void ReadVolumeNames() {
    const auto layout = volumes_.find(kLayoutVolume);
    if (layout == volumes_.end() || layout->second.empty()) {
      return;
    }
    const std::string_view table = layout->second.begin()->second.data;
    for (std::size_t index = 0; index < kMaxVolumes; ++index) {
      const std::size_t at = index * kVolumeRecordBytes;
      if (at + kVolumeRecordBytes > table.size()) {
        break;
      }
      const std::string_view record = table.substr(at, kVolumeRecordBytes);
      if (MediaCrc(UnsignedBytes(record), 168) != LoadBe32(record, 168) ||
          LoadBe32(record, 0) == 0) {
        continue;
      }
      const std::size_t name_size = std::min<std::size_t>(LoadBe32(record, 12) & 0xFFFF, 127);
      names_[static_cast<std::uint32_t>(index)] = std::string(record.substr(16, name_size));
    }
  }

  void EmitVolumes() {
    for (const auto& [volume, blocks] : volumes_) {
      if (volume >= kFirstInternalVolume || blocks.empty()) {
        continue;
      }
      const auto named = names_.find(volume);
      const std::string name = named != names_.end() && !named->second.empty()
                                   ? named->second
                                   : "volume" + std::to_string(volume);
      bool escaped = false;
      const std::string path = NormalizeImagePath(name, &escaped);
      // Logical blocks in order; unmapped ones read as erased flash.
      const std::uint64_t last = blocks.rbegin()->first;
      std::size_t leb_size = 0;
      for (const auto& [logical, block] : blocks) {
        leb_size = std::max(leb_size, block.data.size());
      }
      const std::uint64_t total = (last + 1) * leb_size;
      if (!unpacker_.Reserve(total, chain_)) {
        return;
      }
      auto content = std::make_shared<std::string>();
      content->reserve(static_cast<std::size_t>(total));
      for (std::uint64_t logical = 0; logical <= last; ++logical) {
        const auto found = blocks.find(static_cast<std::uint32_t>(logical));
        if (found == blocks.end()) {
          if (logical < last) {
            content->append(leb_size, '\xFF');
          }
          continue;
        }
        content->append(found->second.data);
      }
      if (LooksLikeUbifs(*content)) {
        // Read in place: the volume's bytes are the file system's own
        // nodes, so scanning them as one more file would report every
        // finding twice.
        const std::string child = chain_ + " > " + path + " > ubifs@0x0";
        if (depth_ + 1 > unpacker_.limits().max_depth) {
          unpacker_.Note(child, "nesting depth limit reached; UBIFS volume not unpacked");
          continue;
        }
        ReadUbifs(unpacker_, *content, child, depth_ + 1);
        continue;
      }
      if (content->size() >= 4 && LoadLe32(*content, 0) == kUbifsMagic) {
        // A UBIFS volume whose superblock is damaged: replay the nodes that
        // remain, but say the volume could not be read as a whole.
        const std::string child = chain_ + " > " + path + " > ubifs@0x0";
        unpacker_.Note(chain_, "UBI volume " + std::to_string(volume) + " ('" + name +
                                   "') holds UBIFS whose superblock node " +
                                   UbifsSuperblockProblem(*content) +
                                   ": the file system could not be read as a whole; the scan "
                                   "of this volume is inconclusive");
        if (depth_ + 1 <= unpacker_.limits().max_depth &&
            ReadUbifsNodes(unpacker_, *content, child, depth_ + 1) > 0) {
          unpacker_.Note(child,
                         "files recovered from the UBIFS nodes that passed their CRC "
                         "checks; others may be missing");
          continue;
        }
        unpacker_.Note(chain_, "UBI volume " + std::to_string(volume) + " ('" + name +
                                   "'): no UBIFS files could be recovered; scanned as raw data");
      }
      ExtractedFile file;
      file.kind = ExtractedFile::Kind::kRegular;
      file.path = path;
      file.chain = chain_;
      file.mode = 0444;
      file.data = *content;
      file.owner = std::move(content);
      unpacker_.EmitFile(std::move(file), depth_);
    }
  }

  Unpacker& unpacker_;
  std::string_view data_;
  const std::string& chain_;
  unsigned depth_;
  std::map<std::uint32_t, std::map<std::uint32_t, LogicalBlock>> volumes_;
  std::map<std::uint32_t, std::string> names_;
  std::size_t damaged_ = 0;
};

// -------------------------------------------------------------- UBIFS ----

constexpr std::size_t kCommonHeaderBytes = 24;
constexpr std::uint8_t kInodeNode = 0;
constexpr std::uint8_t kDataNode = 1;
constexpr std::uint8_t kDirentNode = 2;
constexpr std::uint8_t kSuperblockNode = 6;
constexpr std::uint8_t kMasterNode = 7;
constexpr std::size_t kInodeNodeBytes = 160;
constexpr std::size_t kDataNodeBytes = 48;
constexpr std::size_t kDirentNodeBytes = 56;
constexpr std::uint32_t kBlockBytes = 4096;
constexpr std::uint32_t kMaxNodeBytes = 1U << 20;
constexpr std::uint64_t kRootInode = 1;

enum UbifsCompression : std::uint16_t { kNone = 0, kLzo = 1, kZlib = 2, kZstd = 3 };

// Length of a valid node at `at`, else 0.
std::size_t UbifsNodeAt(std::string_view data, std::size_t at) {
  if (at > data.size() || data.size() - at < kCommonHeaderBytes) {
    return 0;
  }
  if (LoadLe32(data, at) != kUbifsMagic) {
    return 0;
  }
  const std::uint32_t length = LoadLe32(data, at + 16);
  if (length < kCommonHeaderBytes || length > kMaxNodeBytes || length > data.size() - at) {
    return 0;
  }
  if (MediaCrc(UnsignedBytes(data, at + 8), length - 8) != LoadLe32(data, at + 4)) {
    return 0;
  }
  return length;
}

struct UbifsInode {
  std::uint64_t sequence = 0;
  std::uint64_t created = 0;
  std::uint64_t size = 0;
  std::uint32_t uid = 0;
  std::uint32_t mode = 0;
  std::string_view inline_data;  // Symlink target.
};

struct UbifsBlock {
  std::uint64_t sequence = 0;
  std::uint32_t size = 0;  // Uncompressed.
  std::uint16_t compression = kNone;
  std::string_view payload;
};

bool Inflate(std::string_view in, unsigned char* out, std::size_t out_size) {
  z_stream stream{};
  // UBIFS stores raw deflate streams (no zlib header).
  if (inflateInit2(&stream, -15) != Z_OK) {
    return false;
  }
  stream.next_in = const_cast<Bytef*>(UnsignedBytes(in));
  stream.avail_in = static_cast<uInt>(in.size());
  stream.next_out = out;
  stream.avail_out = static_cast<uInt>(out_size);
  const int rc = inflate(&stream, Z_FINISH);
  const bool ok =
      (rc == Z_STREAM_END || rc == Z_OK || rc == Z_BUF_ERROR) && stream.total_out == out_size;
  inflateEnd(&stream);
  return ok;
}

bool DecodeBlock(const UbifsBlock& block, unsigned char* out) {
  switch (block.compression) {
    case kNone:
      if (block.payload.size() < block.size) {
        return false;
      }
      std::memcpy(out, block.payload.data(), block.size);
      return true;
    case kLzo: {
      lzo_uint produced = block.size;
      return lzo1x_decompress_safe(UnsignedBytes(block.payload),
                                   static_cast<lzo_uint>(block.payload.size()), out, &produced,
                                   nullptr) == LZO_E_OK &&
             produced == block.size;
    }
    case kZlib:
      return Inflate(block.payload, out, block.size);
    case kZstd: {
      const std::size_t produced =
          ZSTD_decompress(out, block.size, block.payload.data(), block.payload.size());
      return !ZSTD_isError(produced) && produced == block.size;
    }
    default:
      return false;
  }
}

class UbifsReader {
 public:
  UbifsReader(Unpacker& unpacker, std::string_view data, const std::string& chain, unsigned depth)
      : unpacker_(unpacker), data_(data), chain_(chain), depth_(depth) {}

  // `require_superblock`: false to replay the nodes of a volume whose
  // superblock is damaged.
  std::uint64_t Read(bool require_superblock) {
    if (require_superblock && !LooksLikeUbifs(data_)) {
      return 0;
    }
    if (LooksLikeUbifs(data_) && data_.size() >= 40) {
      leb_size_ = LoadLe32(data_, 36);
    }
    for (std::size_t at = 0; at + kCommonHeaderBytes <= data_.size();) {
      const std::size_t length = UbifsNodeAt(data_, at);
      if (length == 0) {
        RecordBadNode(at);
        at += 8;
        continue;
      }
      if (static_cast<std::uint8_t>(data_[at + 20]) == kMasterNode) {
        RecordMaster(at, data_.substr(at, length));
      }
      ParseNode(data_.substr(at, length));
      at += (length + 7) & ~std::size_t{7};
    }
    NoteDamage();
    if (entries_.empty()) {
      return 0;
    }
    WalkInodeTree(unpacker_, chain_, "UBIFS", entries_.LiveChildren(), kRootInode,
                  [&](std::uint64_t inode, const std::string& path) { return Emit(inode, path); });
    NoteOrphans();
    return data_.size();
  }

 private:
  void ParseNode(std::string_view node) {
    const std::uint64_t sequence = LoadLe64(node, 8);
    switch (static_cast<std::uint8_t>(node[20])) {
      case kInodeNode: {
        if (node.size() < kInodeNodeBytes) {
          return;  // A node of another layout with this type number.
        }
        const std::uint64_t number = LoadLe32(node, 24);
        UbifsInode& inode = inodes_[number];
        if (sequence < inode.sequence) {
          return;
        }
        const std::uint32_t inline_size = LoadLe32(node, 112);
        if (inline_size > node.size() - kInodeNodeBytes) {
          ++skipped_;
          return;
        }
        inode.sequence = sequence;
        inode.created = LoadLe64(node, 40);
        inode.size = LoadLe64(node, 48);
        inode.uid = LoadLe32(node, 96);
        inode.mode = LoadLe32(node, 104);
        inode.inline_data = node.substr(kInodeNodeBytes, inline_size);
        return;
      }
      case kDataNode: {
        if (node.size() < kDataNodeBytes) {
          return;  // A node of another layout with this type number.
        }
        const std::uint64_t number = LoadLe32(node, 24);
        const std::uint32_t block = LoadLe32(node, 28) & 0x1FFFFFFF;
        UbifsBlock data;
        data.sequence = sequence;
        data.size = LoadLe32(node, 40);
        data.compression = LoadLe16(node, 44);
        data.payload = node.substr(kDataNodeBytes);
        if (data.size > kBlockBytes) {
          ++skipped_;
          return;
        }
        UbifsBlock& slot = blocks_[number][block];
        if (data.sequence >= slot.sequence) {
          slot = data;
        }
        return;
      }
      case kDirentNode: {
        if (node.size() < kDirentNodeBytes) {
          return;  // A node of another layout with this type number.
        }
        const std::uint64_t parent = LoadLe32(node, 24);
        const std::size_t name_size = LoadLe16(node, 50);
        if (name_size == 0 || name_size > node.size() - kDirentNodeBytes) {
          ++skipped_;
          return;
        }
        entries_.Record(parent, std::string(node.substr(kDirentNodeBytes, name_size)), sequence,
                        LoadLe64(node, 40));
        return;
      }
      default:
        // Superblock, master, index, padding, orphan, reference. Truncation
        // nodes too: the inode node written with one carries the new size,
        // so keeping the newest inode node is all a truncation needs.
        return;
    }
  }

  // A node header (magic at an aligned offset) that failed its checks:
  // cut off by the end of the image, or damaged.
  void RecordBadNode(std::size_t at) {
    if (data_.size() - at < kCommonHeaderBytes || LoadLe32(data_, at) != kUbifsMagic) {
      return;
    }
    const std::uint32_t length = LoadLe32(data_, at + 16);
    if (length >= kCommonHeaderBytes && length <= kMaxNodeBytes && length > data_.size() - at) {
      if (!cut_) {
        cut_ = true;
        cut_offset_ = at;
        cut_length_ = length;
      }
      return;
    }
    ++bad_nodes_;
  }

  void RecordMaster(std::size_t at, std::string_view node) {
    if (node.size() < 60) {
      return;
    }
    if (leb_size_ == 0 && at > 0) {
      leb_size_ = at;  // The first master node starts logical block 1.
    }
    const std::uint64_t sequence = LoadLe64(node, 8);
    if (master_seen_ && sequence < master_sequence_) {
      return;
    }
    master_seen_ = true;
    master_sequence_ = sequence;
    root_lnum_ = LoadLe32(node, 48);
    root_offs_ = LoadLe32(node, 52);
    root_len_ = LoadLe32(node, 56);
  }

  void NoteDamage() {
    if (skipped_ > 0) {
      unpacker_.Note(
          chain_, std::to_string(skipped_) + " UBIFS nodes had impossible sizes and were ignored");
    }
    if (cut_) {
      unpacker_.Note(chain_, "UBIFS image ends inside the node at offset " +
                                 FormatHex(cut_offset_) + " (" +
                                 std::to_string(data_.size() - cut_offset_) + " of " +
                                 std::to_string(cut_length_) +
                                 " bytes present): it looks truncated; that node and whatever "
                                 "followed it are missing");
    }
    if (bad_nodes_ > 0) {
      unpacker_.Note(chain_, std::to_string(bad_nodes_) +
                                 " UBIFS nodes failed their CRC or length checks and were "
                                 "ignored: files may be missing or incomplete");
    }
    if (master_seen_ && leb_size_ > 0) {
      const std::uint64_t root = std::uint64_t{root_lnum_} * leb_size_ + root_offs_;
      if (root + root_len_ > data_.size()) {
        unpacker_.Note(chain_,
                       "UBIFS is truncated: its master node places the index root at "
                       "logical block " +
                           std::to_string(root_lnum_) + " offset " + std::to_string(root_offs_) +
                           " (byte " + FormatHex(root) + "), past the end of the " +
                           std::to_string(data_.size()) +
                           " bytes present; nodes written there are missing");
      }
    }
  }

  void NoteOrphans() {
    if (!orphans_.empty())
      unpacker_.Note(chain_, MissingInodesNote("UBIFS", orphans_));
  }

  // Emits one file; true when it is a directory to descend into.
  bool Emit(std::uint64_t number, const std::string& path) {
    const auto found = inodes_.find(number);
    if (found == inodes_.end()) {
      orphans_.push_back(path);
      EmitOrphanEntry(unpacker_, chain_, path, depth_);
      return false;
    }
    const UbifsInode& inode = found->second;
    return EmitInodeFile(unpacker_, chain_, path, InodeAttributes{inode.mode, inode.uid}, depth_,
                         [&]() -> std::shared_ptr<std::string> {
                           if (IsSymlinkMode(inode.mode)) {  // The target is kept inline.
                             return std::make_shared<std::string>(inode.inline_data);
                           }
                           return Assemble(number, inode, path);
                         });
  }

  std::shared_ptr<std::string> Assemble(std::uint64_t number,
                                        const UbifsInode& inode,
                                        const std::string& path) {
    std::shared_ptr<std::string> content =
        AllocateInodeContent(unpacker_, chain_, "UBIFS", path, inode.size);
    if (content == nullptr) {
      return nullptr;
    }
    const auto blocks = blocks_.find(number);
    if (blocks == blocks_.end()) {
      return content;
    }
    std::vector<unsigned char> scratch(kBlockBytes);
    bool reported = false;
    for (const auto& [index, block] : blocks->second) {
      // A block written before this inode was created belongs to an earlier
      // file that had the same inode number.
      if (block.sequence < inode.created) {
        continue;
      }
      const std::uint64_t offset = std::uint64_t{index} * kBlockBytes;
      if (offset >= inode.size) {
        continue;  // Truncated away.
      }
      if (!DecodeBlock(block, scratch.data())) {
        if (!reported) {
          reported = true;
          unpacker_.Note(chain_, "UBIFS file '" + path +
                                     "' has a block that does not decompress (compression type " +
                                     std::to_string(block.compression) + "); left as zero bytes");
        }
        continue;
      }
      const std::size_t take =
          std::min<std::size_t>(block.size, static_cast<std::size_t>(inode.size - offset));
      std::memcpy(content->data() + offset, scratch.data(), take);
    }
    return content;
  }

  Unpacker& unpacker_;
  std::string_view data_;
  const std::string& chain_;
  unsigned depth_;
  std::map<std::uint64_t, UbifsInode> inodes_;
  std::map<std::uint64_t, std::map<std::uint32_t, UbifsBlock>> blocks_;
  DirectoryLog entries_;
  std::size_t skipped_ = 0;
  std::size_t bad_nodes_ = 0;
  bool cut_ = false;
  std::size_t cut_offset_ = 0;
  std::uint32_t cut_length_ = 0;
  std::uint64_t leb_size_ = 0;
  bool master_seen_ = false;
  std::uint64_t master_sequence_ = 0;
  std::uint32_t root_lnum_ = 0;
  std::uint32_t root_offs_ = 0;
  std::uint32_t root_len_ = 0;
  std::vector<std::string> orphans_;
};

std::uint64_t ReadUbifsNodes(Unpacker& unpacker,
                             std::string_view data,
                             const std::string& chain,
                             unsigned depth) {
  UbifsReader reader(unpacker, data, chain, depth);
  return reader.Read(false);
}

// Why the node at data[0] is not a valid UBIFS superblock.
std::string UbifsSuperblockProblem(std::string_view data) {
  if (data.size() < kCommonHeaderBytes || LoadLe32(data, 0) != kUbifsMagic) {
    return "is missing";
  }
  const std::uint32_t length = LoadLe32(data, 16);
  if (length < kCommonHeaderBytes || length > kMaxNodeBytes) {
    return "has an impossible length (" + std::to_string(length) + ")";
  }
  if (length > data.size()) {
    return "is cut off by the end of the volume";
  }
  if (MediaCrc(UnsignedBytes(data, 8), length - 8) != LoadLe32(data, 4)) {
    return "fails its CRC check";
  }
  return "has node type " + std::to_string(static_cast<unsigned char>(data[20])) +
         " instead of the superblock's";
}

}  // namespace

bool LooksLikeUbi(std::string_view data) {
  EraseCounterHeader header;
  return ReadEraseCounterHeader(data, 0, &header);
}

std::uint64_t ReadUbi(Unpacker& unpacker,
                      std::string_view data,
                      const std::string& chain,
                      unsigned depth) {
  UbiReader reader(unpacker, data, chain, depth);
  return reader.Read();
}

bool LooksLikeUbifs(std::string_view data) {
  return UbifsNodeAt(data, 0) > 0 && static_cast<std::uint8_t>(data[20]) == kSuperblockNode;
}

std::uint64_t ReadUbifs(Unpacker& unpacker,
                        std::string_view data,
                        const std::string& chain,
                        unsigned depth) {
  UbifsReader reader(unpacker, data, chain, depth);
  return reader.Read(true);
}

}  // namespace provisio::firmware
