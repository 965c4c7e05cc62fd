// JFFS2 reader. Layout facts (from the Linux jffs2 headers, in our words):
// every node starts on a 4-byte boundary with magic 0x1985, a node type, its
// total length and a CRC of those 8 bytes. Directory entries (0xE001) name a
// child inode inside a parent inode at a version; inode nodes (0xE002) carry
// the inode's metadata and one compressed fragment of its data at an offset.
// The newest version wins; a directory entry for inode 0 is a deletion.
// Both byte orders exist in the field (mkfs.jffs2 -l / -b).
#include "firmware/jffs2_reader.h"

#include <lzo/lzo1x.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <utility>
#include <vector>

#include <zlib.h>

#include "firmware/bytes.h"
#include "firmware/inode_tree.h"

namespace provisio::firmware {
namespace {

constexpr std::uint16_t kMagic = 0x1985;
constexpr std::uint16_t kDirentNode = 0xE001;
constexpr std::uint16_t kInodeNode = 0xE002;
constexpr std::size_t kNodeHeaderBytes = 12;
constexpr std::size_t kDirentHeaderBytes = 40;
constexpr std::size_t kInodeHeaderBytes = 68;
constexpr std::uint32_t kRootInode = 1;
// A data node holds at most one page; real systems use 4 KiB to 64 KiB.
constexpr std::uint32_t kMaxFragmentBytes = 1U << 20;
// How far past a damaged region we look for the next node before deciding
// the file system has ended.
constexpr std::size_t kResyncWindow = 64 * 1024;

enum Compression : std::uint8_t {
  kNone = 0x00,
  kZero = 0x01,
  kRtime = 0x02,
  kCopy = 0x04,
  kZlib = 0x06,
  kLzo = 0x07,
};

// The image's byte order, found from the first node's magic.
struct ByteOrder {
  bool big_endian = false;

  // REQUIRES: offset + 2 <= data.size().
  std::uint16_t Load16(std::string_view data, std::size_t offset) const {
    return big_endian ? LoadBe16(data, offset) : LoadLe16(data, offset);
  }
  // REQUIRES: offset + 4 <= data.size().
  std::uint32_t Load32(std::string_view data, std::size_t offset) const {
    return big_endian ? LoadBe32(data, offset) : LoadLe32(data, offset);
  }
};

// JFFS2's CRC-32 is the reflected 0xEDB88320 polynomial seeded with 0 and
// without the final inversion; zlib's crc32() inverts on entry and exit, so
// seeding it with ~0 and inverting the result gives the same value.
std::uint32_t Jffs2Crc(const unsigned char* data, std::size_t size) {
  const uLong crc = crc32(0xFFFFFFFFUL, data, static_cast<uInt>(size));
  return ~static_cast<std::uint32_t>(crc);
}

bool DetectByteOrder(std::string_view data, ByteOrder* order) {
  if (data.size() < kNodeHeaderBytes) {
    return false;
  }
  const unsigned char* p = UnsignedBytes(data);
  if (p[0] == 0x85 && p[1] == 0x19) {
    order->big_endian = false;
  } else if (p[0] == 0x19 && p[1] == 0x85) {
    order->big_endian = true;
  } else {
    return false;
  }
  return Jffs2Crc(p, 8) == order->Load32(data, 8);
}

struct Fragment {
  std::uint32_t version = 0;
  std::uint32_t offset = 0;
  std::uint32_t data_size = 0;  // Uncompressed.
  std::uint8_t compression = kNone;
  std::string_view payload;
};

struct InodeState {
  std::uint32_t latest_version = 0;
  bool seen = false;
  std::uint32_t mode = 0;
  std::uint32_t uid = 0;
  std::uint32_t size = 0;
  std::vector<Fragment> fragments;
};

// The "rtime" codec: each literal byte is followed by a repeat count that
// copies from the previous position that literal appeared at.
bool DecompressRtime(std::string_view in, unsigned char* out, std::size_t out_size) {
  std::size_t positions[256] = {};
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  while (out_pos < out_size) {
    if (in_pos + 2 > in.size()) {
      return false;
    }
    const auto value = static_cast<unsigned char>(in[in_pos++]);
    std::size_t repeat = static_cast<unsigned char>(in[in_pos++]);
    out[out_pos++] = value;
    std::size_t back = positions[value];
    positions[value] = out_pos;
    if (repeat > out_size - out_pos) {
      return false;
    }
    // Byte by byte: the source may overlap what is being written.
    while (repeat-- > 0) {
      out[out_pos++] = out[back++];
    }
  }
  return true;
}

bool DecompressZlib(std::string_view in, unsigned char* out, std::size_t out_size) {
  uLongf produced = static_cast<uLongf>(out_size);
  const int rc = uncompress(out, &produced, UnsignedBytes(in), static_cast<uLong>(in.size()));
  return rc == Z_OK && produced == out_size;
}

bool DecompressLzo(std::string_view in, unsigned char* out, std::size_t out_size) {
  lzo_uint produced = out_size;
  const int rc = lzo1x_decompress_safe(UnsignedBytes(in), static_cast<lzo_uint>(in.size()), out,
                                       &produced, nullptr);
  return rc == LZO_E_OK && produced == out_size;
}

class Jffs2Reader {
 public:
  Jffs2Reader(Unpacker& unpacker, std::string_view data, const std::string& chain, unsigned depth)
      : unpacker_(unpacker), data_(data), chain_(chain), depth_(depth) {}

  std::uint64_t Read() {
    if (!DetectByteOrder(data_, &order_)) {
      return 0;
    }
    const std::size_t end = ScanNodes();
    if (inodes_.empty() && entries_.empty()) {
      NoteLosses();
      return 0;
    }
    EmitTree();
    NoteLosses();
    // A cut node belongs to this file system: the carver must not probe it
    // again as one of its own.
    return cut_.present ? data_.size() : end;
  }

 private:
  // Walks the node log; returns where the last valid node ends.
  std::size_t ScanNodes() {
    std::size_t at = 0;
    std::size_t end = 0;
    std::size_t damaged = 0;
    while (at + kNodeHeaderBytes <= data_.size()) {
      const std::size_t length = ValidNodeAt(at);
      if (length > 0) {
        ParseNode(at, length);
        at += (length + 3) & ~std::size_t{3};
        end = at;
        continue;
      }
      const std::uint32_t word = order_.Load32(data_, at);
      if (word == 0xFFFFFFFFU || word == 0) {
        at = EndOfFill(at, word);  // Erased flash or padding to the end of an erase block.
        continue;
      }
      // Damage or the end of the file system: resynchronise on the next
      // valid node close by, or stop.
      const std::size_t resumed = NextNodeWithin(at + 4, kResyncWindow);
      if (resumed == 0) {
        RecordCutNode(at);
        break;
      }
      damaged += resumed - at;
      at = resumed;
    }
    if (damaged > 0) {
      unpacker_.Note(chain_, "skipped " + std::to_string(damaged) +
                                 " bytes of damaged or unknown JFFS2 data between nodes");
    }
    if (skipped_nodes_ > 0) {
      unpacker_.Note(chain_, std::to_string(skipped_nodes_) +
                                 " JFFS2 nodes failed their CRC or size checks and were ignored");
    }
    return end;
  }

  // Where a run of `fill` words (all zero or all one bits) starting at `at`
  // ends, in whole 4-byte words as nodes are aligned. Eight bytes per step:
  // the erased blocks of a new device's overlay partition are most of it.
  std::size_t EndOfFill(std::size_t at, std::uint32_t fill) const {
    const std::uint64_t wide = fill == 0 ? 0 : ~std::uint64_t{0};
    while (at + 8 <= data_.size() && LoadLe64(data_, at) == wide)
      at += 8;
    while (at + 4 <= data_.size() && order_.Load32(data_, at) == fill)
      at += 4;
    return at;
  }

  // Length of the node at `at` when its header is valid, else 0.
  std::size_t ValidNodeAt(std::size_t at) const {
    if (order_.Load16(data_, at) != kMagic) {
      return 0;
    }
    const std::uint32_t length = order_.Load32(data_, at + 4);
    if (length < kNodeHeaderBytes || length > data_.size() - at) {
      return 0;
    }
    if (Jffs2Crc(UnsignedBytes(data_, at), 8) != order_.Load32(data_, at + 8)) {
      return 0;
    }
    return length;
  }

  // The data ends inside the node at `at` when its header is valid but its
  // length runs past the end: remember what it held, for a note.
  void RecordCutNode(std::size_t at) {
    if (order_.Load16(data_, at) != kMagic ||
        Jffs2Crc(UnsignedBytes(data_, at), 8) != order_.Load32(data_, at + 8)) {
      return;
    }
    const std::uint32_t length = order_.Load32(data_, at + 4);
    if (length <= data_.size() - at) {
      return;
    }
    cut_ = Cut{};
    cut_.present = true;
    cut_.offset = at;
    cut_.length = length;
    cut_.type = order_.Load16(data_, at + 2);
    if (cut_.type == kInodeNode && data_.size() - at >= 20) {
      cut_.inode = order_.Load32(data_, at + 12);
    } else if (cut_.type == kDirentNode && data_.size() - at >= kDirentHeaderBytes) {
      cut_.parent = order_.Load32(data_, at + 12);
      const std::size_t name_size = static_cast<unsigned char>(data_[at + 28]);
      cut_.name = std::string(data_.substr(
          at + kDirentHeaderBytes, std::min(name_size, data_.size() - at - kDirentHeaderBytes)));
    }
  }

  // Notes what a cut image or lost inode nodes took away.
  void NoteLosses() {
    if (cut_.present) {
      std::string message = "JFFS2 image ends inside a node at offset " + FormatHex(cut_.offset) +
                            " (" + std::to_string(data_.size() - cut_.offset) + " of " +
                            std::to_string(cut_.length) + " bytes present): it looks truncated; ";
      if (cut_.type == kInodeNode && cut_.inode != 0) {
        const auto named = paths_.find(cut_.inode);
        message += "data of " +
                   (named != paths_.end() ? "file '" + named->second + "'"
                                          : "inode " + std::to_string(cut_.inode)) +
                   " is incomplete";
      } else if (cut_.type == kDirentNode && !cut_.name.empty()) {
        message += "the directory entry '" + cut_.name + "' (in directory inode " +
                   std::to_string(cut_.parent) + ") is lost";
      } else {
        message += "that node is lost";
      }
      message += ", and whatever followed it is missing";
      unpacker_.Note(chain_, std::move(message));
    }
    if (!orphans_.empty())
      unpacker_.Note(chain_, MissingInodesNote("JFFS2", orphans_));
  }

  std::size_t NextNodeWithin(std::size_t from, std::size_t window) const {
    const std::size_t limit = std::min(data_.size(), from + window);
    for (std::size_t at = from; at + kNodeHeaderBytes <= limit; at += 4) {
      if (ValidNodeAt(at) > 0) {
        return at;
      }
    }
    return 0;
  }

  void ParseNode(std::size_t at, std::size_t length) {
    const std::string_view node = data_.substr(at, length);
    const std::uint16_t type = order_.Load16(node, 2);
    if (type == kDirentNode) {
      ParseDirent(node);
    } else if (type == kInodeNode) {
      ParseInode(node);
    }
    // Clean markers, padding, summaries and xattrs carry no file data.
  }

  void ParseDirent(std::string_view node) {
    if (node.size() < kDirentHeaderBytes) {
      ++skipped_nodes_;
      return;
    }
    const std::uint32_t parent = order_.Load32(node, 12);
    const std::uint32_t version = order_.Load32(node, 16);
    const std::uint32_t inode = order_.Load32(node, 20);
    const std::size_t name_size = static_cast<unsigned char>(node[28]);
    if (Jffs2Crc(UnsignedBytes(node), 32) != order_.Load32(node, 32) ||
        kDirentHeaderBytes + name_size > node.size() || name_size == 0) {
      ++skipped_nodes_;
      return;
    }
    entries_.Record(parent, std::string(node.substr(kDirentHeaderBytes, name_size)), version,
                    inode);
  }

  void ParseInode(std::string_view node) {
    if (node.size() < kInodeHeaderBytes) {
      ++skipped_nodes_;
      return;
    }
    if (Jffs2Crc(UnsignedBytes(node), 60) != order_.Load32(node, 64)) {
      ++skipped_nodes_;
      return;
    }
    const std::uint32_t inode = order_.Load32(node, 12);
    const std::uint32_t version = order_.Load32(node, 16);
    Fragment fragment;
    fragment.version = version;
    fragment.offset = order_.Load32(node, 44);
    const std::uint32_t compressed_size = order_.Load32(node, 48);
    fragment.data_size = order_.Load32(node, 52);
    fragment.compression = static_cast<std::uint8_t>(node[56]);
    if (compressed_size > node.size() - kInodeHeaderBytes ||
        fragment.data_size > kMaxFragmentBytes) {
      ++skipped_nodes_;
      return;
    }
    fragment.payload = node.substr(kInodeHeaderBytes, compressed_size);
    if (Jffs2Crc(UnsignedBytes(fragment.payload), fragment.payload.size()) !=
        order_.Load32(node, 60)) {
      ++skipped_nodes_;
      return;
    }
    InodeState& state = inodes_[inode];
    if (!state.seen || version >= state.latest_version) {
      state.seen = true;
      state.latest_version = version;
      state.mode = order_.Load32(node, 20);
      state.uid = order_.Load16(node, 24);
      state.size = order_.Load32(node, 28);
    }
    if (fragment.data_size > 0) {
      state.fragments.push_back(fragment);
    }
  }

  void EmitTree() {
    WalkInodeTree(unpacker_, chain_, "JFFS2", entries_.LiveChildren(), kRootInode,
                  [&](std::uint64_t inode, const std::string& path) {
                    return EmitInode(static_cast<std::uint32_t>(inode), path);
                  });
  }

  // Emits one file; returns true when it is a directory to descend into.
  bool EmitInode(std::uint32_t inode, const std::string& path) {
    paths_.emplace(inode, path);
    const auto found = inodes_.find(inode);
    if (found == inodes_.end()) {
      // An entry without any inode node: its data was lost.
      if (!(cut_.present && cut_.inode == inode)) {  // Already named by the cut note.
        orphans_.push_back(path);
      }
      EmitOrphanEntry(unpacker_, chain_, path, depth_);
      return false;
    }
    const InodeState& state = found->second;
    return EmitInodeFile(unpacker_, chain_, path, InodeAttributes{state.mode, state.uid}, depth_,
                         [&] { return Assemble(state, path); });
  }

  // The inode's bytes: every fragment, oldest version first, so newer writes
  // overwrite older ones; then cut to the newest size.
  std::shared_ptr<std::string> Assemble(const InodeState& state, const std::string& path) {
    const std::uint64_t size = state.size;
    std::shared_ptr<std::string> content =
        AllocateInodeContent(unpacker_, chain_, "JFFS2", path, size);
    if (content == nullptr) {
      return nullptr;
    }
    std::vector<const Fragment*> ordered;
    ordered.reserve(state.fragments.size());
    for (const Fragment& fragment : state.fragments) {
      ordered.push_back(&fragment);
    }
    std::stable_sort(ordered.begin(), ordered.end(),
                     [](const Fragment* a, const Fragment* b) { return a->version < b->version; });
    std::vector<unsigned char> scratch;
    bool reported_codec = false;
    bool reported_damage = false;
    for (const Fragment* fragment : ordered) {
      if (fragment->offset >= size) {
        continue;  // Truncated away by a later write.
      }
      scratch.assign(fragment->data_size, 0);
      bool ok = true;
      switch (fragment->compression) {
        case kNone:
        case kCopy:
          ok = fragment->payload.size() >= fragment->data_size;
          if (ok) {
            std::memcpy(scratch.data(), fragment->payload.data(), fragment->data_size);
          }
          break;
        case kZero:
          break;
        case kRtime:
          ok = DecompressRtime(fragment->payload, scratch.data(), scratch.size());
          break;
        case kZlib:
          ok = DecompressZlib(fragment->payload, scratch.data(), scratch.size());
          break;
        case kLzo:
          ok = DecompressLzo(fragment->payload, scratch.data(), scratch.size());
          break;
        default:
          if (!reported_codec) {
            reported_codec = true;
            unpacker_.Note(chain_, "JFFS2 file '" + path + "' uses compression type " +
                                       std::to_string(fragment->compression) +
                                       ", which this reader does not decode; those parts are "
                                       "left as zero bytes");
          }
          continue;
      }
      if (!ok) {
        if (!reported_damage) {
          reported_damage = true;
          unpacker_.Note(chain_, "JFFS2 file '" + path +
                                     "' has a fragment that does not decompress; left as zero "
                                     "bytes");
        }
        continue;
      }
      const std::size_t take =
          std::min<std::size_t>(scratch.size(), static_cast<std::size_t>(size - fragment->offset));
      std::memcpy(content->data() + fragment->offset, scratch.data(), take);
    }
    return content;
  }

  Unpacker& unpacker_;
  std::string_view data_;
  const std::string& chain_;
  unsigned depth_;
  ByteOrder order_;
  std::map<std::uint32_t, InodeState> inodes_;
  DirectoryLog entries_;
  std::size_t skipped_nodes_ = 0;
  struct Cut {
    bool present = false;
    std::size_t offset = 0;
    std::uint32_t length = 0;
    std::uint16_t type = 0;
    std::uint32_t inode = 0;
    std::uint32_t parent = 0;
    std::string name;
  };
  Cut cut_;
  std::map<std::uint32_t, std::string> paths_;  // Inode -> first path that names it.
  std::vector<std::string> orphans_;
};

}  // namespace

bool LooksLikeJffs2(std::string_view data) {
  ByteOrder order;
  return DetectByteOrder(data, &order);
}

std::uint64_t ReadJffs2(Unpacker& unpacker,
                        std::string_view data,
                        const std::string& chain,
                        unsigned depth) {
  Jffs2Reader reader(unpacker, data, chain, depth);
  return reader.Read();
}

}  // namespace provisio::firmware
