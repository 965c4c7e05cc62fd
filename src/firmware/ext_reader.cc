// ext2/3/4 through libext2fs (e2fsprogs). libext2fs reads through an I/O
// manager that wants a file name, so the filesystem's bytes are copied into
// a private temporary folder (0700, unlinked once written); nothing from inside
// the image is ever written to disk under its own name.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <vector>

#include <ext2fs/ext2fs.h>

#include "firmware/bytes.h"
#include "firmware/unpacker.h"

namespace provisio::firmware {
namespace {

// A private temporary copy that removes itself. Its name is unlinked as
// soon as the copy is written and libext2fs reads it through
// /proc/self/fd/N, so a scan killed midway (SIGTERM, SIGKILL) leaves no
// file behind; without /proc the named file stays until the destructor.
class TempImage {
 public:
  explicit TempImage(std::string_view data) {
    std::error_code ec;
    std::string pattern =
        (std::filesystem::temp_directory_path(ec) / "provisio-fw-XXXXXX").string();
    if (ec || mkdtemp(pattern.data()) == nullptr)
      return;
    dir_ = pattern;
    path_ = dir_ + "/fs.img";
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd_ < 0)
      return;
    std::size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
      if (n <= 0)
        break;
      done += static_cast<std::size_t>(n);
    }
    ok_ = done == data.size();
    const std::string by_descriptor = "/proc/self/fd/" + std::to_string(fd_);
    if (ok_ && ::access(by_descriptor.c_str(), R_OK) == 0) {
      RemoveFolder();
      path_ = by_descriptor;
    }
  }
  TempImage(const TempImage&) = delete;
  TempImage& operator=(const TempImage&) = delete;
  ~TempImage() {
    if (fd_ >= 0)
      ::close(fd_);
    RemoveFolder();
  }
  bool ok() const { return ok_; }
  const std::string& path() const { return path_; }

 private:
  void RemoveFolder() {
    if (!dir_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  std::string dir_;
  std::string path_;
  int fd_ = -1;
  bool ok_ = false;
};

struct DirEntry {
  std::string name;
  ext2_ino_t inode = 0;
};

int CollectEntry(ext2_ino_t, int, ext2_dir_entry* dirent, int, int, char*, void* priv) {
  auto* entries = static_cast<std::vector<DirEntry>*>(priv);
  const int length = ext2fs_dirent_name_len(dirent);
  std::string name(dirent->name, static_cast<std::size_t>(std::max(length, 0)));
  if (name == "." || name == ".." || dirent->inode == 0)
    return 0;
  entries->push_back(DirEntry{std::move(name), dirent->inode});
  return entries->size() > 1000000 ? DIRENT_ABORT : 0;
}

struct Walker {
  Unpacker& unpacker;
  ext2_filsys fs;
  const std::string& chain;
  unsigned depth;
  std::uint64_t budget;
  std::uint64_t produced = 0;
  std::set<ext2_ino_t> visited;

  std::string ReadData(ext2_ino_t ino, std::uint64_t size, const std::string& path, bool* ok) {
    *ok = false;
    ext2_file_t file = nullptr;
    std::string content;
    if (ext2fs_file_open(fs, ino, 0, &file) != 0)
      return content;
    content.resize(static_cast<std::size_t>(size));
    std::uint64_t got = 0;
    while (got < size) {
      unsigned int n = 0;
      const auto want = static_cast<unsigned int>(std::min<std::uint64_t>(size - got, 1U << 20));
      if (ext2fs_file_read(file, content.data() + got, want, &n) != 0 || n == 0)
        break;
      got += n;
    }
    ext2fs_file_close(file);
    if (got < size) {
      unpacker.Note(
          chain, "file '" + path + "' could not be read after " + std::to_string(got) + " bytes");
    }
    content.resize(static_cast<std::size_t>(got));
    *ok = true;
    return content;
  }

  void Walk(ext2_ino_t dir, const std::string& path, unsigned level) {
    if (!visited.insert(dir).second) {
      unpacker.Note(chain, "directory cycle at '" + path + "'; not descended again");
      return;
    }
    if (level > 256) {
      unpacker.Note(chain, "directory nesting deeper than 256 at '" + path + "'; not descended");
      return;
    }
    std::vector<DirEntry> entries;
    if (ext2fs_dir_iterate2(fs, dir, 0, nullptr, CollectEntry, &entries) != 0) {
      unpacker.Note(chain, "directory '" + path + "' could not be read");
      return;
    }
    for (const DirEntry& entry : entries) {
      bool escaped = false;
      const std::string child = NormalizeImagePath(path + "/" + entry.name, &escaped);
      ext2_inode inode{};
      if (ext2fs_read_inode(fs, entry.inode, &inode) != 0) {
        unpacker.Note(chain, "inode of '" + child + "' could not be read");
        continue;
      }
      ExtractedFile file;
      file.path = child;
      file.chain = chain;
      file.mode = inode.i_mode & 07777U;
      file.uid = inode_uid(inode);
      const std::uint64_t size = EXT2_I_SIZE(&inode);
      if (LINUX_S_ISDIR(inode.i_mode)) {
        file.kind = ExtractedFile::Kind::kDirectory;
        unpacker.EmitFile(std::move(file), depth);
        Walk(entry.inode, child, level + 1);
        continue;
      }
      if (LINUX_S_ISLNK(inode.i_mode)) {
        file.kind = ExtractedFile::Kind::kSymlink;
        if (ext2fs_is_fast_symlink(&inode) != 0) {
          file.link_target.assign(reinterpret_cast<const char*>(inode.i_block),
                                  std::min<std::uint64_t>(size, sizeof(inode.i_block)));
        } else if (size <= 4096) {
          bool ok = false;
          file.link_target = ReadData(entry.inode, size, child, &ok);
        }
      } else if (LINUX_S_ISREG(inode.i_mode)) {
        file.kind = ExtractedFile::Kind::kRegular;
        const std::uint64_t cap =
            std::min(unpacker.limits().max_file_bytes, budget - std::min(budget, produced));
        if (size > cap) {
          unpacker.Note(chain, "file '" + child + "' (" + std::to_string(size) +
                                   " bytes) exceeds the size or ratio limit; only its first " +
                                   std::to_string(cap) + " bytes were scanned");
        }
        const std::uint64_t take = std::min(size, cap);
        if (!unpacker.Reserve(take, chain))
          return;
        bool ok = false;
        auto content = std::make_shared<std::string>(ReadData(entry.inode, take, child, &ok));
        produced += content->size();
        file.owner = content;
        file.data = std::string_view(*content);
      } else {
        file.kind = ExtractedFile::Kind::kOther;
      }
      unpacker.EmitFile(std::move(file), depth);
    }
  }
};

}  // namespace

bool LooksLikeExt(std::string_view data) {
  if (data.size() < 2048 || LoadLe16(data, 1024 + 56) != 0xEF53)
    return false;
  const std::uint32_t inodes = LoadLe32(data, 1024 + 0);
  const std::uint32_t blocks = LoadLe32(data, 1024 + 4);
  const std::uint32_t log_block = LoadLe32(data, 1024 + 24);
  const std::uint32_t rev = LoadLe32(data, 1024 + 76);
  const std::uint32_t per_group = LoadLe32(data, 1024 + 32);
  return inodes > 0 && blocks > 0 && log_block <= 6 && rev <= 1 && per_group > 0;
}

std::uint64_t ReadExt(Unpacker& unpacker,
                      std::string_view data,
                      const std::string& chain,
                      unsigned depth) {
  if (!LooksLikeExt(data))
    return 0;
  const std::uint32_t log_block = LoadLe32(data, 1024 + 24);
  const std::uint64_t block_size = 1024ULL << log_block;
  const std::uint64_t blocks = LoadLe32(data, 1024 + 4);
  const std::uint64_t extent = std::min<std::uint64_t>(blocks * block_size, data.size());
  if (blocks * block_size > data.size()) {
    unpacker.Note(chain, "ext filesystem truncated: superblock says " +
                             std::to_string(blocks * block_size) + " bytes");
  }
  TempImage temp(data.substr(0, static_cast<std::size_t>(extent)));
  if (!temp.ok()) {
    unpacker.Note(chain,
                  "ext filesystem could not be staged in a temporary folder; scanned as raw data");
    return 0;
  }
  ext2_filsys fs = nullptr;
  const errcode_t error =
      ext2fs_open2(temp.path().c_str(), nullptr, EXT2_FLAG_64BITS, 0, 0, unix_io_manager, &fs);
  if (error != 0 || fs == nullptr) {
    unpacker.Note(chain, "ext filesystem could not be opened by libext2fs (error " +
                             std::to_string(error) + "); scanned as raw data");
    return 0;
  }
  const UnpackLimits& limits = unpacker.limits();
  Walker walker{
      unpacker, fs, chain, depth, std::max(limits.ratio_floor_bytes, limits.max_ratio * extent),
      0,        {}};
  walker.Walk(EXT2_ROOT_INO, "", 0);
  ext2fs_close_free(&fs);
  return extent;
}

}  // namespace provisio::firmware
