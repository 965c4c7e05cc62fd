// Scans a firmware image: unpacks it recursively (raw flash images, uImage,
// TRX, squashfs, ext2/3/4, cpio, tar, zip, gzip/xz/bzip2/zstd/lzma streams)
// into memory, never onto disk, and runs the checks for EN 303 645 5.1, 5.4,
// 5.5 and 5.6 over every file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "provisio/core/result.h"
#include "provisio/firmware/finding.h"
#include "provisio/firmware/pattern_scanner.h"

namespace provisio::firmware {

// Bounds that keep hostile images from exhausting the machine. Anything cut
// off by a limit is reported as an UnpackNote.
struct UnpackLimits {
  unsigned max_depth = 8;                         // Containers inside containers.
  std::uint64_t max_total_bytes = 4ULL << 30;     // All extracted data together.
  std::uint64_t max_file_bytes = 1ULL << 30;      // One extracted file or stream.
  std::uint64_t max_files = 200000;               // Files over all containers.
  std::uint64_t max_ratio = 200;                  // Decompressed / compressed size.
  std::uint64_t ratio_floor_bytes = 16ULL << 20;  // Ratio applies above this size.
};

struct AnalyzerOptions {
  UnpackLimits limits;
  // Folder with default-passwords.txt and common-passwords.txt (one
  // password per line). Empty: no hash cracking, only structural checks.
  std::filesystem::path password_lists;
  // The most CPU time the password tries of one scan may take, in estimated
  // microseconds (one sha512crypt try counts 4500, a yescrypt try 31000):
  // a shadow file of thousands of slow hashes cannot stall the scan. Hashes
  // met after it is spent are reported without tries, and say so.
  std::uint64_t password_try_budget_micros = 20'000'000;
  unsigned threads = 2;  // Files scanned in parallel.
  ScannerEngine engine = ScannerEngine::kBest;
  // SHA-256 of the whole image into ScanReport::image_sha256 (JSON, SARIF,
  // SBOM and evidence name the image by it). It costs about as much CPU as
  // the rest of the scan on machines without SHA instructions, so callers
  // that only print a summary may switch it off; image_sha256 stays empty.
  bool hash_image = true;
  // Where compiled pattern databases are cached between runs (see
  // MakePatternScanner); empty: compiled every time.
  std::filesystem::path pattern_cache_dir;
};

// Reads, unpacks and checks the image at `path`. Fails with kNotFound or kIo
// when the image cannot be read; an image that is partly unreadable is not a
// failure (see ScanReport::notes).
Result<ScanReport> ScanImage(const std::filesystem::path& path, const AnalyzerOptions& options);

// The same for an image already in memory; `name` is used in chains.
Result<ScanReport> ScanBuffer(std::string_view image,
                              std::string_view name,
                              const AnalyzerOptions& options);

}  // namespace provisio::firmware

namespace provisio::firmware {

// The folder of the password lists this build ships, used when the caller
// does not name one: data/firmware/ in the source tree it was built from,
// else PREFIX/share/provisio/firmware of an installed binary.
std::filesystem::path DefaultPasswordListDir();

}  // namespace provisio::firmware
