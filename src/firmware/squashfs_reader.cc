// SquashFS through libsquashfs (squashfs-tools-ng), read from memory.
#include <libdeflate.h>
#include <lzo/lzo1x.h>
#include <sqfs/block.h>
#include <sqfs/compressor.h>
#include <sqfs/data_reader.h>
#include <sqfs/dir_reader.h>
#include <sqfs/error.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/super.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "firmware/bytes.h"
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

// A decoder for LZO squashfs, which libsquashfs is often built without:
// blocks are plain lzo1x streams (any lzo1x compression level decodes with
// lzo1x_decompress_safe). Lives on the stack of ReadSquashfs, so destroy
// does nothing and copy is refused.
struct LzoDecoder {
  sqfs_compressor_t compressor;  // First member: libsquashfs sees a sqfs_compressor_t*.
  sqfs_u32 block_size = 0;
};

void LzoDestroy(sqfs_object_t*) {
}
sqfs_object_t* LzoCopy(const sqfs_object_t*) {
  return nullptr;
}
void LzoConfiguration(const sqfs_compressor_t* compressor, sqfs_compressor_config_t* config) {
  std::memset(config, 0, sizeof(*config));
  config->id = SQFS_COMP_LZO;
  config->block_size = reinterpret_cast<const LzoDecoder*>(compressor)->block_size;
  config->flags = SQFS_COMP_FLAG_UNCOMPRESS;
}
int LzoWriteOptions(sqfs_compressor_t*, sqfs_file_t*) {
  return SQFS_ERROR_UNSUPPORTED;
}
int LzoReadOptions(sqfs_compressor_t*, sqfs_file_t*) {
  return 0;  // Options (algorithm, level) only matter when compressing.
}
sqfs_s32 LzoDecodeBlock(
    sqfs_compressor_t*, const sqfs_u8* in, sqfs_u32 size, sqfs_u8* out, sqfs_u32 outsize) {
  lzo_uint produced = outsize;
  const int status = lzo1x_decompress_safe(in, size, out, &produced, nullptr);
  if (status == LZO_E_OUTPUT_OVERRUN)
    return 0;  // "Output buffer too small" in libsquashfs's terms.
  if (status != LZO_E_OK || produced > 0x7FFFFFFFU)
    return SQFS_ERROR_CORRUPTED;
  return static_cast<sqfs_s32>(produced);
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
  bool own_compressor = true;  // False for the LzoDecoder on the stack.
  ~Readers() {
    if (root != nullptr)
      sqfs_dir_tree_destroy(root);
    if (data != nullptr)
      sqfs_destroy(data);
    if (dirs != nullptr)
      sqfs_destroy(dirs);
    if (ids != nullptr)
      sqfs_destroy(ids);
    if (compressor != nullptr && own_compressor)
      sqfs_destroy(compressor);
  }
};

// libdeflate decodes squashfs's zlib blocks two to three times faster than
// zlib; one decompressor per filesystem walk.
struct Inflater {
  libdeflate_decompressor* decompressor = libdeflate_alloc_decompressor();
  Inflater() = default;
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;
  ~Inflater() {
    if (decompressor != nullptr)
      libdeflate_free_decompressor(decompressor);
  }
};

// One data block of a file: where it is stored and where it goes.
struct BlockJob {
  std::uint64_t disk = 0;    // Offset in the filesystem image.
  std::uint32_t stored = 0;  // Bytes on disk; 0 for a sparse block.
  bool compressed = false;
  std::uint64_t dest = 0;    // Offset in the file.
  std::size_t want = 0;      // Bytes of it the file needs (less when cut by a limit).
  std::size_t expected = 0;  // Decoded size of the whole block.
};

// The gzip data blocks of a file whose decoding has started.
struct PendingContent {
  std::vector<BlockJob> jobs;
  std::shared_ptr<char[]> buffer;
  std::size_t chunks_left = 0;   // Guarded by DecodeAhead's mutex.
  std::size_t first_failed = 0;  // Index of the first damaged block; jobs.size() if none.
};

// Decodes gzip blocks of the files the walk has reached on a helper thread
// while the walk goes on. Without it, a run of small files was decoded by
// one thread while the other core waited for files to scan, and one half of
// a big file often finished long before the other. Work is shared in
// chunks of a few blocks, in file order; the walking thread decodes too
// while it waits for the file it must emit next.
class DecodeAhead {
 public:
  using DecodeRange = std::function<std::size_t(
      const std::vector<BlockJob>&, std::size_t, std::size_t, char*, Inflater&, std::string&)>;
  explicit DecodeAhead(DecodeRange decode) : decode_(std::move(decode)) {}
  DecodeAhead(const DecodeAhead&) = delete;
  DecodeAhead& operator=(const DecodeAhead&) = delete;
  ~DecodeAhead() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    changed_.notify_all();
    if (helper_.joinable())
      helper_.join();
  }

  void Submit(const std::shared_ptr<PendingContent>& content) {
    constexpr std::size_t kChunkBlocks = 8;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      for (std::size_t from = 0; from < content->jobs.size(); from += kChunkBlocks) {
        tasks_.push_back({content, from, std::min(content->jobs.size(), from + kChunkBlocks)});
        ++content->chunks_left;
      }
      if (!helper_.joinable())
        helper_ = std::thread([this] { HelperLoop(); });
    }
    changed_.notify_all();
  }

  bool Done(const std::shared_ptr<PendingContent>& content) {
    std::lock_guard<std::mutex> lock(mutex_);
    return content->chunks_left == 0;
  }

  // Returns once every block of `content` is decoded, decoding queued
  // chunks (of this file or earlier ones) meanwhile.
  void Wait(const std::shared_ptr<PendingContent>& content,
            Inflater& inflater,
            std::string& scratch) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (content->chunks_left > 0) {
      if (!tasks_.empty()) {
        RunOne(lock, inflater, scratch);
      } else {
        changed_.wait(lock);
      }
    }
  }

 private:
  struct Task {
    std::shared_ptr<PendingContent> content;
    std::size_t from = 0;
    std::size_t to = 0;
  };

  // Called and returns with `lock` held; runs one task without it.
  void RunOne(std::unique_lock<std::mutex>& lock, Inflater& inflater, std::string& scratch) {
    Task task = std::move(tasks_.front());
    tasks_.pop_front();
    lock.unlock();
    const std::size_t failed = decode_(task.content->jobs, task.from, task.to,
                                       task.content->buffer.get(), inflater, scratch);
    lock.lock();
    if (failed < task.to)
      task.content->first_failed = std::min(task.content->first_failed, failed);
    --task.content->chunks_left;
    changed_.notify_all();
  }

  void HelperLoop() {
    Inflater inflater;
    std::string scratch;
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      changed_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
      if (tasks_.empty())
        return;  // Stopping.
      RunOne(lock, inflater, scratch);
    }
  }

  DecodeRange decode_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::thread helper_;
};

struct Walker {
  Unpacker& unpacker;
  sqfs_data_reader_t* data;
  sqfs_compressor_t* compressor;
  const std::shared_ptr<const std::string>& owner;  // Keeps `image` alive.
  std::string_view image;                           // The whole filesystem.
  std::uint32_t block_size;
  bool gzip;
  const std::string& chain;
  unsigned depth;
  // Decompression-bomb defence. Each file may decode up to max_ratio times
  // the bytes it occupies on disk ("earned"), so an ordinary file is always
  // read whole, whatever came before it. Bytes beyond that (files of zeros,
  // sparse blocks, blocks shared by deduplicated files) come from `pool`,
  // one allowance of max(ratio_floor_bytes, max_ratio * filesystem size)
  // for the whole filesystem: once a compressible file has used it up,
  // later compressible files are cut at what they earned, with a note.
  std::uint64_t pool;
  std::set<std::uint64_t> block_lists;  // Block starts already earned (dedup).
  // A file whose content may still be decoding: emitted, in walk order,
  // once it is complete.
  struct PendingFile {
    ExtractedFile file;
    const sqfs_inode_generic_t* inode = nullptr;  // For a regular file's fragment.
    std::uint64_t take = 0;
    std::uint64_t planned = 0;  // Bytes the data blocks give.
    bool ok = true;
    std::shared_ptr<PendingContent> content;  // Null: `file` is complete (or a view).
  };

  Inflater inflater;
  std::string scratch;                // One block, for a block cut short by a size limit.
  std::deque<PendingFile> pending{};  // Visited, not yet emitted (walk order).
  std::uint64_t pending_bytes = 0;    // Decoded bytes they hold.
  DecodeAhead decode_ahead{[this](const std::vector<BlockJob>& jobs,
                                  std::size_t from,
                                  std::size_t to,
                                  char* content,
                                  Inflater& with,
                                  std::string& block) {
    return DecodeRange(jobs, from, to, content, with, block);
  }};

  // Bytes of `inode` (a file of `size` bytes) on disk that no earlier file
  // shares: its data blocks, and its tail in a fragment counted at its size.
  std::uint64_t OwnBytes(const sqfs_inode_generic_t* inode, std::uint64_t size) {
    sqfs_u64 start = 0;
    sqfs_u32 fragment_index = 0xFFFFFFFFU;
    sqfs_u32 fragment_offset = 0;
    if (sqfs_inode_get_file_block_start(inode, &start) != 0 ||
        sqfs_inode_get_frag_location(inode, &fragment_index, &fragment_offset) != 0) {
      return 0;
    }
    const std::size_t blocks = sqfs_inode_get_file_block_count(inode);
    std::uint64_t own = 0;
    if (blocks > 0 && block_lists.insert(start).second) {
      for (std::size_t i = 0; i < blocks; ++i)
        own += SQFS_ON_DISK_BLOCK_SIZE(inode->extra[i]);
    }
    const std::uint64_t in_blocks = std::uint64_t{block_size} * blocks;
    if (fragment_index != 0xFFFFFFFFU && size > in_blocks)
      own += std::min<std::uint64_t>(size - in_blocks, block_size);
    return own;
  }

  // Decodes one compressed data block of `expected` bytes into `out`;
  // false when the block is damaged.
  bool DecodeBlock(std::string_view in, char* out, std::size_t expected, Inflater& with) {
    if (gzip && with.decompressor != nullptr) {
      std::size_t got = 0;
      return libdeflate_zlib_decompress(with.decompressor, in.data(), in.size(), out, expected,
                                        &got) == LIBDEFLATE_SUCCESS &&
             got == expected;
    }
    const sqfs_s32 n = compressor->do_block(
        compressor, reinterpret_cast<const sqfs_u8*>(in.data()), static_cast<sqfs_u32>(in.size()),
        reinterpret_cast<sqfs_u8*>(out), static_cast<sqfs_u32>(expected));
    return n >= 0 && static_cast<std::size_t>(n) == expected;
  }

  // Decodes jobs [from, to) into `content`; returns the index of the first
  // damaged block, or `to`.
  std::size_t DecodeRange(const std::vector<BlockJob>& jobs,
                          std::size_t from,
                          std::size_t to,
                          char* content,
                          Inflater& with,
                          std::string& block) {
    for (std::size_t i = from; i < to; ++i) {
      const BlockJob& job = jobs[i];
      char* out = content + job.dest;
      bool ok = true;
      if (job.stored == 0) {  // Sparse: a block of zeros.
        std::memset(out, 0, job.want);
        continue;
      }
      const std::string_view in = image.substr(static_cast<std::size_t>(job.disk), job.stored);
      if (!job.compressed) {
        ok = job.stored == job.expected;
        if (ok)
          std::memcpy(out, in.data(), job.want);
      } else if (job.want == job.expected) {
        ok = DecodeBlock(in, out, job.expected, with);
      } else {
        block.resize(job.expected);
        ok = DecodeBlock(in, block.data(), job.expected, with);
        if (ok)
          std::memcpy(out, block.data(), job.want);
      }
      if (!ok)
        return i;
    }
    return to;
  }

  // Starts reading the first `take` bytes of a regular file. When every
  // data block is stored uncompressed and there is no fragment, the file is
  // a view into the image (no copy). gzip blocks are decoded ahead (see
  // DecodeAhead); other compressors are not thread-safe and decode here.
  void StartContent(std::uint64_t size, PendingFile* item) {
    const sqfs_inode_generic_t* inode = item->inode;
    const std::uint64_t take = item->take;
    ExtractedFile* file = &item->file;
    sqfs_u64 start = 0;
    sqfs_u32 fragment_index = 0xFFFFFFFFU;
    sqfs_u32 fragment_offset = 0;
    if (sqfs_inode_get_file_block_start(inode, &start) != 0 ||
        sqfs_inode_get_frag_location(inode, &fragment_index, &fragment_offset) != 0) {
      item->ok = false;
      return;
    }
    const bool has_fragment = fragment_index != 0xFFFFFFFFU;
    const std::size_t blocks = sqfs_inode_get_file_block_count(inode);
    const sqfs_u32* sizes = inode->extra;
    // Zero-copy: all blocks stored raw, contiguous, the file ends in a block.
    if (!has_fragment && take == size && start <= image.size() && size <= image.size() - start) {
      bool raw = blocks > 0;
      for (std::size_t i = 0; raw && i < blocks; ++i) {
        const std::uint64_t expected =
            std::min<std::uint64_t>(block_size, size - std::uint64_t{block_size} * i);
        raw = !SQFS_IS_BLOCK_COMPRESSED(sizes[i]) && SQFS_ON_DISK_BLOCK_SIZE(sizes[i]) == expected;
      }
      if (raw) {
        file->owner = owner;
        file->data = image.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(size));
        item->planned = take;
        return;
      }
    }
    // Where each block lies on disk and in the file, up to `take` bytes.
    auto content = std::make_shared<PendingContent>();
    std::vector<BlockJob>& jobs = content->jobs;
    jobs.reserve(blocks);
    std::uint64_t planned = 0;
    std::uint64_t at = start;  // Next block on disk.
    for (std::size_t i = 0; i < blocks && planned < take; ++i) {
      BlockJob job;
      job.expected = static_cast<std::size_t>(std::min<std::uint64_t>(block_size, size - planned));
      job.want = static_cast<std::size_t>(std::min<std::uint64_t>(job.expected, take - planned));
      job.stored = SQFS_ON_DISK_BLOCK_SIZE(sizes[i]);
      job.compressed = SQFS_IS_BLOCK_COMPRESSED(sizes[i]);
      job.disk = at;
      job.dest = planned;
      if (job.stored != 0 && (at > image.size() || job.stored > image.size() - at)) {
        item->ok = false;
        break;
      }
      at += job.stored;
      planned += job.want;
      jobs.push_back(job);
    }
    item->planned = planned;
    // Left uninitialised (every byte up to `got` is written before it is
    // read): zero filling first cost 6% of all instructions of a scan.
    content->buffer = unpacker.file_buffers().Acquire(static_cast<std::size_t>(take));
    content->first_failed = jobs.size();
    if (gzip && inflater.decompressor != nullptr && !jobs.empty()) {
      decode_ahead.Submit(content);
    } else {
      content->first_failed =
          DecodeRange(jobs, 0, jobs.size(), content->buffer.get(), inflater, scratch);
    }
    item->content = std::move(content);
  }

  // Completes a regular file once its blocks are decoded: the fragment
  // (read here: libsquashfs's reader is not thread-safe), then the view.
  // Returns false when the data is damaged, after filling the file with
  // what could be read.
  bool FinishContent(PendingFile* item) {
    ExtractedFile* file = &item->file;
    if (item->content == nullptr)
      return item->ok;  // A view into the image, or nothing could be read.
    PendingContent& content = *item->content;
    decode_ahead.Wait(item->content, inflater, scratch);
    bool ok = item->ok;
    std::uint64_t got = item->planned;
    if (content.first_failed < content.jobs.size()) {
      ok = false;
      got = content.jobs[content.first_failed].dest;
    }
    char* const buffer = content.buffer.get();
    const std::uint64_t take = item->take;
    sqfs_u32 fragment_index = 0xFFFFFFFFU;
    sqfs_u32 fragment_offset = 0;
    const bool has_fragment =
        sqfs_inode_get_frag_location(item->inode, &fragment_index, &fragment_offset) == 0 &&
        fragment_index != 0xFFFFFFFFU;
    if (ok && got < take && has_fragment) {
      std::size_t length = 0;
      sqfs_u8* fragment = nullptr;
      if (sqfs_data_reader_get_fragment(data, item->inode, &length, &fragment) == 0 &&
          fragment != nullptr) {
        const std::size_t want =
            static_cast<std::size_t>(std::min<std::uint64_t>(length, take - got));
        std::memcpy(buffer + got, fragment, want);
        got += want;
      } else {
        ok = false;
      }
      std::free(fragment);
    }
    if (got < take)
      ok = false;
    // ExtractedFile::owner only keeps data alive and is never read: an
    // aliasing pointer that owns the buffer and points to an empty string.
    static const std::string kUnused;
    file->owner = std::shared_ptr<const std::string>(content.buffer, &kUnused);
    file->data = std::string_view(buffer, static_cast<std::size_t>(got));
    return ok;
  }

  // Emits pending files in walk order: those already complete, and more
  // (waiting for them) while too many or too many bytes are pending.
  void EmitPending(bool all) {
    constexpr std::size_t kMaxFiles = 64;
    constexpr std::uint64_t kMaxBytes = std::uint64_t{32} << 20;
    while (!pending.empty()) {
      PendingFile& head = pending.front();
      const bool over = pending.size() > kMaxFiles || pending_bytes > kMaxBytes;
      if (!all && !over && head.content != nullptr && !decode_ahead.Done(head.content))
        break;
      if (head.file.kind == ExtractedFile::Kind::kRegular && !FinishContent(&head)) {
        unpacker.Note(chain, "file '" + head.file.path + "' could not be read after " +
                                 std::to_string(head.file.data.size()) +
                                 " bytes (damaged data block)");
      }
      pending_bytes -= head.content != nullptr ? head.take : 0;
      ExtractedFile file = std::move(head.file);
      pending.pop_front();
      unpacker.EmitFile(std::move(file), depth);
    }
  }

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
        const UnpackLimits& limits = unpacker.limits();
        const std::uint64_t earned = limits.max_ratio * OwnBytes(inode, size);
        const std::uint64_t cap = std::min(limits.max_file_bytes, earned + pool);
        if (size > cap) {
          unpacker.Note(chain, "file '" + path + "' (" + std::to_string(size) +
                                   " bytes) exceeds the size or ratio limit; only its first " +
                                   std::to_string(cap) + " bytes were scanned");
        }
        const std::uint64_t take = std::min<std::uint64_t>(size, cap);
        if (!unpacker.Reserve(take, chain))
          return;
        const std::uint64_t beyond = take > earned ? take - earned : 0;
        pool -= std::min(pool, beyond);
        PendingFile pending_file;
        pending_file.file = std::move(file);
        pending_file.inode = inode;
        pending_file.take = take;
        StartContent(size, &pending_file);
        if (pending_file.content != nullptr)
          pending_bytes += take;
        pending.push_back(std::move(pending_file));
        EmitPending(false);
        return;
      }
      default:
        file.kind = ExtractedFile::Kind::kOther;
        break;
    }
    PendingFile other;
    other.file = std::move(file);
    pending.push_back(std::move(other));
    EmitPending(false);
  }
};

}  // namespace

std::uint64_t ReadSquashfs(Unpacker& unpacker,
                           const std::shared_ptr<const std::string>& owner,
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
    // Versions 1.x to 3.x (older router images, often with LZMA) keep the
    // version where 4.0 does; anything else was four bytes that only
    // looked like a magic.
    if (data.size() >= 96) {
      const unsigned major = LoadLe16(data, 28);
      const unsigned minor = LoadLe16(data, 30);
      if (major >= 1 && major <= 3 && minor <= 1) {
        unpacker.Note(chain, "squashfs version " + std::to_string(major) + "." +
                                 std::to_string(minor) +
                                 " is not supported (libsquashfs reads version 4); its "
                                 "contents were scanned as raw data without unpacking");
      }
    }
    return 0;
  }
  const std::uint64_t extent = std::min<std::uint64_t>(super.bytes_used, data.size());
  if (super.bytes_used > data.size()) {
    unpacker.Note(chain, "squashfs truncated: superblock says " + std::to_string(super.bytes_used) +
                             " bytes, " + std::to_string(data.size()) + " present");
  }
  memory.data = data.substr(0, static_cast<std::size_t>(extent));

  LzoDecoder lzo{};
  lzo.compressor.base.destroy = LzoDestroy;
  lzo.compressor.base.copy = LzoCopy;
  lzo.compressor.get_configuration = LzoConfiguration;
  lzo.compressor.write_options = LzoWriteOptions;
  lzo.compressor.read_options = LzoReadOptions;
  lzo.compressor.do_block = LzoDecodeBlock;
  lzo.block_size = super.block_size;
  Readers readers;
  sqfs_compressor_config_t config{};
  if (super.compression_id == SQFS_COMP_LZO) {
    readers.compressor = &lzo.compressor;
    readers.own_compressor = false;
  } else if (sqfs_compressor_config_init(&config,
                                         static_cast<SQFS_COMPRESSOR>(super.compression_id),
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
  Walker walker{unpacker,
                readers.data,
                readers.compressor,
                owner,
                memory.data,
                super.block_size,
                super.compression_id == SQFS_COMP_GZIP,
                chain,
                depth,
                std::max(limits.ratio_floor_bytes, limits.max_ratio * extent),
                {},
                {},
                {}};
  walker.Walk(readers.root, "", 0);
  walker.EmitPending(true);
  return extent;
}

}  // namespace provisio::firmware
