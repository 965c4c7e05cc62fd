// Recursive, bounded unpacking of firmware images into memory. Nothing is
// written outside a private temporary folder (used only to hand ext2/3/4
// images to libext2fs), paths are normalised inside the image's root,
// symlinks are recorded and never followed.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/buffer_pool.h"
#include "provisio/firmware/analyzer.h"
#include "provisio/firmware/finding.h"

namespace provisio::firmware {

struct ExtractedFile {
  enum class Kind { kRegular, kDirectory, kSymlink, kOther, kRaw };
  Kind kind = Kind::kRegular;
  std::string
      path;  // Normalised absolute path in its filesystem, or "(raw)" for unrecognised data.
  std::string chain;       // Containers from the image inward.
  std::uint32_t mode = 0;  // Permission bits including setuid/setgid/sticky (07777).
  std::uint32_t uid = 0;
  std::string link_target;                   // For symlinks, as stored (never followed).
  std::uint64_t base_offset = 0;             // For kRaw: where `data` starts in its container.
  std::shared_ptr<const std::string> owner;  // Keeps `data` alive.
  std::string_view data;
  // Set when these very bytes were already handed over under another name
  // (hard links): the binary patterns, which do not depend on the name,
  // need not run again.
  bool same_data_as_earlier_file = false;
  // Set by the analyzer (AccountLinkResolver) when an account-file symlink
  // such as /etc/shadow leads to this file: the link's path.
  std::string reached_as;
  // A copy of a file scanned already, handed over again for the account
  // checks that its link (`reached_as`) calls for.
  bool accounts_only = false;
};

using FileSink = std::function<void(ExtractedFile)>;

// Turns `raw` into a normalised absolute path: "/"-separated, no "." or ".."
// components ("..", at the root, stays at the root), control bytes replaced
// by '?'. Sets *escaped when a ".." tried to leave the root.
std::string NormalizeImagePath(std::string_view raw, bool* escaped);

class Unpacker {
 public:
  Unpacker(const UnpackLimits& limits, FileSink sink);

  // Unpacks the image and passes every file to the sink, in order.
  void Unpack(std::shared_ptr<const std::string> image, std::string_view name);
  // The same for an image that `owner` keeps alive (e.g. a file mapping).
  void Unpack(std::shared_ptr<const std::string> owner,
              std::string_view image,
              std::string_view name);

  const std::vector<UnpackNote>& notes() const { return notes_; }
  const std::vector<std::string>& containers() const { return containers_; }
  std::uint64_t extracted_bytes() const { return extracted_bytes_; }
  std::uint64_t files() const { return files_; }

  // The handlers below are called by the format readers (unpacker.cc,
  // squashfs_reader.cc, ext_reader.cc); not for other callers.
  void Note(std::string_view chain, std::string message);
  // Reserves `bytes` of the total budget; false (and a note) when exhausted.
  bool Reserve(std::uint64_t bytes, std::string_view chain);
  bool CountFile(std::string_view chain);
  // Passes a file to the sink and unpacks what it holds. A regular file
  // whose bytes are a container is passed after its members, with `data`
  // empty (see unpacker.cc); bytes after the container follow as kRaw.
  void EmitFile(ExtractedFile file, unsigned depth);
  const UnpackLimits& limits() const { return limits_; }
  // Where format readers decode file contents (recycled across files).
  BufferPool& file_buffers() { return file_buffers_; }

 private:
  struct Region {
    std::uint64_t start = 0;
    std::uint64_t end = 0;
    std::uint64_t skip_end = 0;  // Compressed streams: no container starts before this.
  };
  enum class Probe { kNoMagic, kFailed, kFound };
  // Failed container probes (a magic but no valid container) per blob
  // before the carver stops looking: bounds the time hostile data full of
  // magics can cost.
  static constexpr std::uint64_t kMaxFailedProbes = 4096;

  // Looks for containers at every offset of a raw blob and emits the
  // regions between them as kRaw pseudo-files.
  void Carve(const std::shared_ptr<const std::string>& owner,
             std::string_view blob,
             const std::string& chain,
             unsigned depth);
  // Tries the container whose magic sits at `at` (the match position);
  // on kFound, `region` is what it occupied.
  Probe TryContainer(const std::shared_ptr<const std::string>& owner,
                     std::string_view blob,
                     std::size_t at,
                     const std::string& chain,
                     unsigned depth,
                     Region* region);
  // For files from filesystems: unpack only if a container starts at 0.
  // Returns how many bytes from the file's start the container claimed and
  // handed over (as members or raw pieces), 0 when none.
  std::uint64_t UnpackFileContents(const ExtractedFile& file, unsigned depth);
  bool EnterBlob(std::string_view blob, const std::string& chain, unsigned depth);

  // Decodes a compressed stream and carves the result; returns how many
  // bytes of `stream` the decoder consumed (0: not a valid stream).
  std::uint64_t Decompress(std::string_view stream,
                           std::string_view kind,
                           const std::string& chain,
                           unsigned depth);
  // `compressed`: `data` is a compressed stream holding the archive, read
  // through libarchive's decoders with a ratio allowance per entry.
  std::uint64_t ReadArchive(const std::shared_ptr<const std::string>& owner,
                            std::string_view data,
                            std::string_view kind,
                            const std::string& chain,
                            unsigned depth,
                            bool compressed);
  std::uint64_t ReadUImage(const std::shared_ptr<const std::string>& owner,
                           std::string_view data,
                           const std::string& chain,
                           unsigned depth);
  std::uint64_t ReadTrx(const std::shared_ptr<const std::string>& owner,
                        std::string_view data,
                        const std::string& chain,
                        unsigned depth);

  UnpackLimits limits_;
  FileSink sink_;
  std::vector<UnpackNote> notes_;
  std::vector<std::string> containers_;
  std::vector<std::uint64_t> ancestors_;  // Fingerprints of the blobs being unpacked.
  std::uint64_t extracted_bytes_ = 0;
  std::uint64_t files_ = 0;
  const ExtractedFile* whole_file_ = nullptr;  // See UnpackFileContents.
  bool budget_exhausted_ = false;
  bool files_exhausted_ = false;
  BufferPool file_buffers_{std::size_t{64} << 20};
};

// Format readers in their own files. Each returns the number of bytes the
// container occupies in `data` (0 when it is not a valid container) and
// emits the files through unpacker.EmitFile with chain `chain`.
std::uint64_t ReadSquashfs(Unpacker& unpacker,
                           const std::shared_ptr<const std::string>& owner,
                           std::string_view data,
                           const std::string& chain,
                           unsigned depth);
std::uint64_t ReadExt(Unpacker& unpacker,
                      std::string_view data,
                      const std::string& chain,
                      unsigned depth);
// Quick plausibility check of an ext2/3/4 superblock at data[1024].
bool LooksLikeExt(std::string_view data);

}  // namespace provisio::firmware
