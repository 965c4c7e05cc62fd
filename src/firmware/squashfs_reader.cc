// SquashFS through libsquashfs (squashfs-tools-ng), read from memory.
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include <algorithm>
#include <cstring>

#include "firmware/unpacker.h"

namespace provisio::firmware {
namespace {

// A read-only sqfs_file_t over a byte range in memory.
struct MemoryFile {
  sqfs_file_t file;  // First member: libsquashfs sees a sqfs_file_t*.
  std::string_view data;
};

int MemoryReadAt(sqfs_file_t* file, sqfs_u64 offset, void* buffer, size_t size) {
  const auto* self = reinterpret_cast<MemoryFile*>(file);
  if (offset > self->data.size() || size > self->data.size() - offset) {
    return SQFS_ERROR_OUT_OF_BOUNDS;
  }
  std::memcpy(buffer, self->data.data() + offset, size);
  return 0;
}
int MemoryWriteAt(sqfs_file_t*, sqfs_u64, const void*, size_t) {
  return SQFS_ERROR_IO;
}
sqfs_u64 MemoryGetSize(const sqfs_file_t* file) {
  return reinterpret_cast<const MemoryFile*>(file)->data.size();
}
int MemoryTruncate(sqfs_file_t*, sqfs_u64) {
  return SQFS_ERROR_IO;
}
void MemoryDestroy(sqfs_object_t*) {
}
sqfs_object_t* MemoryCopy(const sqfs_object_t*) {
  return nullptr;
}

// Owns the libsquashfs objects of one image.
struct Readers {
  sqfs_compressor_t* compressor = nullptr;
  sqfs_id_table_t* ids = nullptr;
  sqfs_dir_reader_t* dirs = nullptr;
  sqfs_data_reader_t* data = nullptr;
  sqfs_tree_node_t* root = nullptr;
  Readers() = default;
  Readers(const Readers&) = delete;
  Readers& operator=(const Readers&) = delete;
  ~Readers() {
    if (root != nullptr)
      sqfs_dir_tree_destroy(root);
    if (data != nullptr)
      sqfs_destroy(data);
    if (dirs != nullptr)
      sqfs_destroy(dirs);
    if (ids != nullptr)
      sqfs_destroy(ids);
    if (compressor != nullptr)
      sqfs_destroy(compressor);
  }
};

struct Walker {
  Unpacker& unpacker;
  sqfs_data_reader_t* data;
  const std::string& chain;
  unsigned depth;
  std::uint64_t budget;  // Ratio bound for this filesystem.
  std::uint64_t produced = 0;

  void Walk(const sqfs_tree_node_t* node, const std::string& path, unsigned level) {
    if (level > 256) {
      unpacker.Note(chain, "directory nesting deeper than 256 at '" + path + "'; not descended");
      return;
    }
    for (const sqfs_tree_node_t* child = node->children; child != nullptr; child = child->next) {
      const char* name = reinterpret_cast<const char*>(child->name);
      bool escaped = false;
      const std::string child_path = NormalizeImagePath(path + "/" + name, &escaped);
      Visit(child, child_path);
      if (child->inode->base.type == SQFS_INODE_DIR ||
          child->inode->base.type == SQFS_INODE_EXT_DIR) {
        Walk(child, child_path, level + 1);
      }
    }
  }

  void Visit(const sqfs_tree_node_t* node, const std::string& path) {
    const sqfs_inode_generic_t* inode = node->inode;
    ExtractedFile file;
    file.path = path;
    file.chain = chain;
    file.mode = inode->base.mode & 07777U;
    file.uid = node->uid;
    switch (inode->base.type) {
      case SQFS_INODE_DIR:
      case SQFS_INODE_EXT_DIR:
        file.kind = ExtractedFile::Kind::kDirectory;
        break;
      case SQFS_INODE_SLINK:
      case SQFS_INODE_EXT_SLINK: {
        file.kind = ExtractedFile::Kind::kSymlink;
        const sqfs_u32 size = inode->base.type == SQFS_INODE_SLINK
                                  ? inode->data.slink.target_size
                                  : inode->data.slink_ext.target_size;
        file.link_target.assign(reinterpret_cast<const char*>(inode->extra),
                                std::min<sqfs_u32>(size, inode->payload_bytes_used));
        break;
      }
      case SQFS_INODE_FILE:
      case SQFS_INODE_EXT_FILE: {
        file.kind = ExtractedFile::Kind::kRegular;
        sqfs_u64 size = 0;
        if (sqfs_inode_get_file_size(inode, &size) != 0)
          return;
        const std::uint64_t limits_cap = unpacker.limits().max_file_bytes;
        const std::uint64_t cap = std::min(limits_cap, budget - std::min(budget, produced));
        if (size > cap) {
          unpacker.Note(chain, "file '" + path + "' (" + std::to_string(size) +
                                   " bytes) exceeds the size or ratio limit; only its first " +
                                   std::to_string(cap) + " bytes were scanned");
        }
        const std::uint64_t take = std::min<std::uint64_t>(size, cap);
        if (!unpacker.Reserve(take, chain))
          return;
        auto content = std::make_shared<std::string>();
        content->resize(static_cast<std::size_t>(take));
        std::uint64_t got = 0;
        while (got < take) {
          const auto want = static_cast<sqfs_u32>(std::min<std::uint64_t>(take - got, 1U << 20));
          const sqfs_s32 n = sqfs_data_reader_read(data, inode, got, content->data() + got, want);
          if (n <= 0) {
            unpacker.Note(chain, "file '" + path + "' could not be read after " +
                                     std::to_string(got) + " bytes (damaged data block)");
            break;
          }
          got += static_cast<std::uint64_t>(n);
        }
        content->resize(static_cast<std::size_t>(got));
        produced += got;
        file.owner = content;
        file.data = std::string_view(*content);
        break;
      }
      default:
        file.kind = ExtractedFile::Kind::kOther;
        break;
    }
    unpacker.EmitFile(std::move(file), depth);
  }
};

}  // namespace

std::uint64_t ReadSquashfs(Unpacker& unpacker,
                           std::string_view data,
                           const std::string& chain,
                           unsigned depth) {
  MemoryFile memory{};
  memory.file.base.destroy = MemoryDestroy;
  memory.file.base.copy = MemoryCopy;
  memory.file.read_at = MemoryReadAt;
  memory.file.write_at = MemoryWriteAt;
  memory.file.get_size = MemoryGetSize;
  memory.file.truncate = MemoryTruncate;
  memory.data = data;
  sqfs_file_t* file = &memory.file;

  sqfs_super_t super{};
  if (sqfs_super_read(&super, file) != 0) {
    return 0;  // Not a squashfs superblock after all (or a version we cannot read).
  }
  const std::uint64_t extent = std::min<std::uint64_t>(super.bytes_used, data.size());
  if (super.bytes_used > data.size()) {
    unpacker.Note(chain, "squashfs truncated: superblock says " + std::to_string(super.bytes_used) +
                             " bytes, " + std::to_string(data.size()) + " present");
  }
  memory.data = data.substr(0, static_cast<std::size_t>(extent));

  Readers readers;
  sqfs_compressor_config_t config{};
  if (sqfs_compressor_config_init(&config, static_cast<SQFS_COMPRESSOR>(super.compression_id),
                                  super.block_size, SQFS_COMP_FLAG_UNCOMPRESS) != 0 ||
      sqfs_compressor_create(&config, &readers.compressor) != 0) {
    unpacker.Note(chain, "squashfs compressor id " + std::to_string(super.compression_id) +
                             " is not supported by libsquashfs here; scanned as raw data");
    return 0;
  }
  readers.ids = sqfs_id_table_create(0);
  readers.dirs = sqfs_dir_reader_create(&super, readers.compressor, file, 0);
  readers.data = sqfs_data_reader_create(file, super.block_size, readers.compressor, 0);
  if (readers.ids == nullptr || readers.dirs == nullptr || readers.data == nullptr) {
    return 0;
  }
  int error = sqfs_id_table_read(readers.ids, file, &super, readers.compressor);
  if (error == 0 && super.fragment_entry_count > 0) {
    error = sqfs_data_reader_load_fragment_table(readers.data, &super);
  }
  if (error == 0) {
    error =
        sqfs_dir_reader_get_full_hierarchy(readers.dirs, readers.ids, nullptr, 0, &readers.root);
  }
  if (error != 0 || readers.root == nullptr) {
    unpacker.Note(chain, "squashfs metadata damaged (libsquashfs error " + std::to_string(error) +
                             "); scanned as raw data");
    return 0;
  }
  const UnpackLimits& limits = unpacker.limits();
  Walker walker{unpacker, readers.data, chain, depth,
                std::max(limits.ratio_floor_bytes, limits.max_ratio * extent)};
  walker.Walk(readers.root, "", 0);
  return extent;
}

}  // namespace provisio::firmware
