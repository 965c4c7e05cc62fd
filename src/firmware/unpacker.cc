#include "firmware/unpacker.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <utility>

#include <archive.h>
#include <archive_entry.h>

#include "firmware/bytes.h"
#include "firmware/cramfs_reader.h"
#include "firmware/headers.h"
#include "firmware/jffs2_reader.h"
#include "firmware/stream_decoders.h"
#include "firmware/ubi_reader.h"

namespace provisio::firmware {
namespace {

bool StartsWith(std::string_view data, std::size_t at, std::string_view magic) {
  return at <= data.size() && data.size() - at >= magic.size() &&
         std::memcmp(data.data() + at, magic.data(), magic.size()) == 0;
}

// The first two bytes of every magic we look for (a new container format
// adds its prefix here). Random data hits one of them once per ~4000 bytes
// instead of once per 16 bytes for the first byte alone, which made the
// carver the largest cost when scanning incompressible blobs.
constexpr std::array<std::array<unsigned char, 2>, 20> kMagicPrefixes = {{
    {'h', 's'},    // squashfs "hsqs"
    {'s', 'q'},    // big-endian squashfs "sqsh" (noted, not read)
    {0x45, 0x3D},  // CramFS 0x28CD3D45, little endian
    {0x28, 0xCD},  // CramFS, big endian (noted, not read)
    {0x1F, 0x8B},  // gzip
    {0xFD, '7'},   // xz
    {'B', 'Z'},    // bzip2 "BZh"
    {0x28, 0xB5},  // zstd
    {0x04, 0x22},  // LZ4 frame (arm64 kernels, initramfs)
    {'0', '7'},    // cpio "0707"
    {'u', 's'},    // tar "ustar" at 257
    {'P', 'K'},    // zip
    {0x53, 0xEF},  // ext2/3/4 superblock magic at 1080
    {0x27, 0x05},  // uImage
    {'H', 'D'},    // TRX "HDR0"
    {0x5D, 0x00},  // lzma: the dictionary size (a power of two >= 64 KiB) starts with 0
    {0x85, 0x19},  // JFFS2, little endian
    {0x19, 0x85},  // JFFS2, big endian
    {'U', 'B'},    // UBI "UBI#"
    {0x31, 0x18},  // UBIFS 0x06101831, little endian
}};

// Bytes that can start a magic we look for.
constexpr std::array<bool, 256> MakeFirstBytes() {
  std::array<bool, 256> table{};
  for (const auto& prefix : kMagicPrefixes) {
    table[prefix[0]] = true;
  }
  return table;
}
constexpr std::array<bool, 256> kFirstBytes = MakeFirstBytes();
// NextMagicCandidate skips erased (0xFF) and zeroed words on this.
static_assert(!kFirstBytes[0x00] && !kFirstBytes[0xFF]);

// Two-byte prefixes as a table indexed by first byte + 256 * second byte
// (64 KiB: the carver's hot loop looks up every pair of an image in it).
constexpr std::array<std::uint8_t, 65536> MakePrefixPairs() {
  std::array<std::uint8_t, 65536> table{};
  for (const auto& prefix : kMagicPrefixes) {
    table[std::size_t{prefix[0]} + 256 * std::size_t{prefix[1]}] = 1;
  }
  return table;
}
constexpr std::array<std::uint8_t, 65536> kPrefixPairs = MakePrefixPairs();

unsigned PrefixPairAt(const unsigned char* bytes) {
  return kPrefixPairs[std::size_t{bytes[0]} | std::size_t{bytes[1]} << 8];
}

// The first offset at or after `from` where a magic may start, or `size`.
// Most of an image has none (compressed data, erased flash), so eight
// pairs are looked up and OR-ed per branch. A branch per byte ran at half
// a GB/s, which made carving 0xFF-filled flash slower than unpacking a
// file system.
std::size_t NextMagicCandidate(const unsigned char* bytes, std::size_t from, std::size_t size) {
  std::size_t i = from;
  for (; i + 8 < size; i += 8) {
    const unsigned char* block = bytes + i;
    // Erased flash (0xFF) and zero fill: no magic starts with either byte,
    // so one compare clears the block.
    std::uint64_t word = 0;
    std::memcpy(&word, block, sizeof word);
    if (word == 0 || word == ~std::uint64_t{0})
      continue;
    const unsigned any = PrefixPairAt(block) | PrefixPairAt(block + 1) | PrefixPairAt(block + 2) |
                         PrefixPairAt(block + 3) | PrefixPairAt(block + 4) |
                         PrefixPairAt(block + 5) | PrefixPairAt(block + 6) |
                         PrefixPairAt(block + 7);
    if (any != 0)
      break;
  }
  for (; i + 1 < size; ++i) {
    if (PrefixPairAt(bytes + i) != 0)
      return i;
  }
  // The last byte has no second byte to pair with; TryContainer rejects it
  // by length, as it did when every first byte was probed.
  return i < size && kFirstBytes[bytes[i]] ? i : size;
}

std::uint64_t Fingerprint(std::string_view blob) {
  const std::size_t edge = std::min<std::size_t>(blob.size(), 4096);
  const std::uint64_t head = std::hash<std::string_view>{}(blob.substr(0, edge));
  const std::uint64_t tail = std::hash<std::string_view>{}(blob.substr(blob.size() - edge));
  return (head * 0x9E3779B97F4A7C15ULL) ^ tail ^ (blob.size() << 1);
}

// A cpio header worth handing to libarchive: the digits of every field,
// a name size of 1..4096 with the NUL where it says, a data size within
// the blob. Without this, a run of "070701" made libarchive resynchronise
// from every offset (quadratic time).
bool LooksLikeCpio(std::string_view data, std::size_t at) {
  const std::size_t left = data.size() - at;
  auto field = [&](std::size_t offset, std::size_t length, unsigned base, std::uint64_t* value) {
    std::uint64_t result = 0;
    for (std::size_t i = 0; i < length; ++i) {
      const char c = data[at + offset + i];
      unsigned digit = 0;
      if (c >= '0' && c <= '9') {
        digit = static_cast<unsigned>(c - '0');
      } else if (base == 16 && c >= 'a' && c <= 'f') {
        digit = static_cast<unsigned>(c - 'a' + 10);
      } else if (base == 16 && c >= 'A' && c <= 'F') {
        digit = static_cast<unsigned>(c - 'A' + 10);
      } else {
        return false;
      }
      if (digit >= base)
        return false;
      result = result * base + digit;
    }
    *value = result;
    return true;
  };
  std::size_t header = 0;
  std::uint64_t name_size = 0;
  std::uint64_t file_size = 0;
  if (data[at + 5] == '7') {  // odc: 76 bytes of octal fields.
    header = 76;
    if (left < header)
      return false;
    std::uint64_t ignored = 0;
    for (std::size_t offset = 6; offset < 48; offset += 6) {
      if (!field(offset, 6, 8, &ignored))
        return false;
    }
    if (!field(48, 11, 8, &ignored) || !field(59, 6, 8, &name_size) ||
        !field(65, 11, 8, &file_size))
      return false;
  } else {  // newc / crc: 13 fields of 8 hex digits.
    header = 110;
    if (left < header)
      return false;
    std::uint64_t value = 0;
    for (std::size_t index = 0; index < 13; ++index) {
      if (!field(6 + index * 8, 8, 16, &value))
        return false;
      if (index == 6)
        file_size = value;
      if (index == 11)
        name_size = value;
    }
  }
  return name_size >= 1 && name_size <= 4096 && header + name_size <= left &&
         data[at + header + name_size - 1] == '\0' && file_size <= left - header - name_size;
}

// An x86 bzImage (boot sector signature and "HdrS" setup header) or an ARM
// zImage (its magic number at 0x24, either byte order).
bool IsCompressedKernelImage(std::string_view data) {
  if (data.size() >= 0x240 && LoadLe16(data, 0x1FE) == 0xAA55U && data.substr(0x202, 4) == "HdrS")
    return true;
  return data.size() >= 0x30 &&
         (LoadLe32(data, 0x24) == 0x016F2818U || LoadBe32(data, 0x24) == 0x016F2818U);
}

// "/a/b.xml.gz" -> "/a/b.xml", "/a/x.tgz" -> "/a/x.tar"; a name without a
// compression suffix is kept.
std::string StripCompressionSuffix(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::size_t dot = path.rfind('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash + 2))
    return path;
  std::string suffix = path.substr(dot + 1);
  for (char& c : suffix)
    c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const std::string_view strip :
       {"gz", "gzip", "z", "xz", "bz2", "bz", "zst", "zstd", "lzma", "lz4"}) {
    if (suffix == strip)
      return path.substr(0, dot);
  }
  for (const std::string_view tar : {"tgz", "tbz", "tbz2", "txz", "tzst"}) {
    if (suffix == tar)
      return path.substr(0, dot) + ".tar";
  }
  return path;
}

bool LooksLikeLzma(std::string_view data, std::size_t at) {
  if (data.size() - at < 13 || static_cast<unsigned char>(data[at]) != 0x5D)
    return false;
  const std::uint32_t dict = LoadLe32(data, at + 1);
  if (dict < (1U << 16) || dict > (1U << 26) || (dict & (dict - 1)) != 0)
    return false;
  const std::uint32_t size_high = LoadLe32(data, at + 9);
  return size_high == 0 || size_high == 0xFFFFFFFFU;
}

// The Unix modes (type and permission bits) of a zip's members, by the
// offset of their local header, from the zip's central directory. The
// streaming reader sees only the local headers, which carry no mode; Info-ZIP
// on Unix stores it in the upper half of the external attributes. Only the
// central directory whose end record lies in the last 64 KiB of `data` (a zip
// starting at data[0]) is read; members made on other hosts get no entry.
std::map<std::uint64_t, std::uint32_t> ZipUnixModes(std::string_view data) {
  std::map<std::uint64_t, std::uint32_t> modes;
  constexpr std::size_t kEndSize = 22;
  if (data.size() < kEndSize)
    return modes;
  const std::size_t lowest =
      data.size() - kEndSize - std::min<std::size_t>(data.size() - kEndSize, 0xFFFF);
  for (std::size_t end = data.size() - kEndSize + 1; end-- > lowest;) {
    if (!StartsWith(data, end, "PK\x05\x06"))
      continue;
    const std::uint64_t directory_size = LoadLe32(data, end + 12);
    const std::uint64_t directory_at = LoadLe32(data, end + 16);
    if (directory_at + directory_size != end)
      continue;  // Not this zip's end record (or zip64, or a zip with a prefix).
    std::size_t at = static_cast<std::size_t>(directory_at);
    while (at + 46 <= end && StartsWith(data, at, "PK\x01\x02")) {
      const unsigned host = LoadLe16(data, at + 4) >> 8;
      const std::uint32_t mode = LoadLe32(data, at + 38) >> 16;
      if (host == 3 && mode != 0)
        modes[LoadLe32(data, at + 42)] = mode;
      at += 46 + std::size_t{LoadLe16(data, at + 28)} + LoadLe16(data, at + 30) +
            LoadLe16(data, at + 32);
    }
    break;
  }
  return modes;
}

}  // namespace

std::string NormalizeImagePath(std::string_view raw, bool* escaped) {
  std::vector<std::string> parts;
  std::size_t i = 0;
  while (i <= raw.size()) {
    const std::size_t slash = raw.find('/', i);
    const std::size_t end = slash == std::string_view::npos ? raw.size() : slash;
    std::string part(raw.substr(i, end - i));
    i = end + 1;
    if (part.empty() || part == ".")
      continue;
    if (part == "..") {
      if (parts.empty()) {
        if (escaped != nullptr)
          *escaped = true;
      } else {
        parts.pop_back();
      }
      continue;
    }
    for (char& c : part) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F)
        c = '?';
    }
    parts.push_back(std::move(part));
  }
  std::string out;
  for (const std::string& part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

Unpacker::Unpacker(const UnpackLimits& limits, FileSink sink)
    : limits_(limits), sink_(std::move(sink)) {
}

void Unpacker::Note(std::string_view chain, std::string message) {
  if (notes_.size() >= 1000)
    return;
  notes_.push_back(UnpackNote{std::string(chain), std::move(message)});
}

bool Unpacker::Reserve(std::uint64_t bytes, std::string_view chain) {
  if (budget_exhausted_)
    return false;
  if (bytes > limits_.max_total_bytes - std::min(extracted_bytes_, limits_.max_total_bytes)) {
    budget_exhausted_ = true;
    Note(chain, "total extracted size limit (" + std::to_string(limits_.max_total_bytes) +
                    " bytes) reached; the rest of the image was not unpacked");
    return false;
  }
  extracted_bytes_ += bytes;
  return true;
}

bool Unpacker::CountFile(std::string_view chain) {
  if (files_exhausted_)
    return false;
  if (files_ >= limits_.max_files) {
    files_exhausted_ = true;
    Note(chain, "file count limit (" + std::to_string(limits_.max_files) +
                    ") reached; further files were skipped");
    return false;
  }
  ++files_;
  return true;
}

void Unpacker::EmitFile(ExtractedFile file, unsigned depth) {
  if (!CountFile(file.chain))
    return;
  if (file.kind != ExtractedFile::Kind::kRegular || file.data.empty()) {
    sink_(std::move(file));
    return;
  }
  // A file that is an archive or file system (an uncompressed tar, cpio,
  // squashfs, ...) is handed over after its members. Its bytes were then
  // scanned as those members (or as the raw pieces between them): it keeps
  // its name and metadata for the checks but not those bytes, so that what
  // it holds is reported once, at the member's path. Bytes after the
  // container's end are scanned as raw data, as the carver does.
  const std::uint64_t claimed = UnpackFileContents(file, depth);
  if (claimed == 0) {
    sink_(std::move(file));
    return;
  }
  const std::string_view data = file.data;
  std::shared_ptr<const std::string> owner = std::move(file.owner);
  ExtractedFile rest;
  if (claimed < data.size()) {
    rest.kind = ExtractedFile::Kind::kRaw;
    rest.path = "(raw)";
    rest.chain = file.chain + " > " + file.path;
    rest.base_offset = claimed;
    rest.owner = owner;
    rest.data = data.substr(static_cast<std::size_t>(claimed));
  }
  file.data = std::string_view();
  sink_(std::move(file));
  if (!rest.data.empty())
    sink_(std::move(rest));
}

void Unpacker::Unpack(std::shared_ptr<const std::string> image, std::string_view name) {
  const std::string_view view(*image);
  Carve(image, view, std::string(name), 0);
}

void Unpacker::Unpack(std::shared_ptr<const std::string> owner,
                      std::string_view image,
                      std::string_view name) {
  Carve(owner, image, std::string(name), 0);
}

bool Unpacker::EnterBlob(std::string_view blob, const std::string& chain, unsigned depth) {
  if (depth > limits_.max_depth) {
    Note(chain, "nesting depth limit (" + std::to_string(limits_.max_depth) +
                    ") reached; scanned as raw data without unpacking");
    return false;
  }
  const std::uint64_t fingerprint = Fingerprint(blob);
  if (std::find(ancestors_.begin(), ancestors_.end(), fingerprint) != ancestors_.end()) {
    Note(chain, "cycle: this data repeats a container it is inside of; not unpacked again");
    return false;
  }
  ancestors_.push_back(fingerprint);
  return true;
}

void Unpacker::Carve(const std::shared_ptr<const std::string>& owner,
                     std::string_view blob,
                     const std::string& chain,
                     unsigned depth) {
  std::vector<Region> regions;
  if (EnterBlob(blob, chain, depth)) {
    std::uint64_t next_free = 0;
    std::uint64_t failed_probes = 0;
    const unsigned char* bytes = UnsignedBytes(blob);
    for (std::size_t i = NextMagicCandidate(bytes, 0, blob.size()); i < blob.size();
         i = NextMagicCandidate(bytes,
                                static_cast<std::size_t>(std::max<std::uint64_t>(i + 1, next_free)),
                                blob.size())) {
      Region region;
      const Probe probe = TryContainer(owner, blob, i, chain, depth, &region);
      if (probe == Probe::kFound && region.start >= next_free) {
        if (region.end > region.start) {
          regions.push_back(region);
          next_free = region.end;
        } else if (region.skip_end > i) {
          // A compressed stream: its bytes stay raw data, but no container
          // starts inside what its decoder consumed (each member of a
          // concatenated gzip would otherwise decode all that follow).
          next_free = region.skip_end;
        }
      } else if (probe == Probe::kFailed && ++failed_probes >= kMaxFailedProbes) {
        Note(chain, std::to_string(failed_probes) +
                        " container signatures in this data were not valid containers; stopped "
                        "looking for more after offset " +
                        FormatHex(i) + " (the rest is scanned as raw data)");
        break;
      }
      if (budget_exhausted_)
        break;
    }
    ancestors_.pop_back();
  }
  // Everything no container claimed is scanned as raw bytes.
  std::uint64_t at = 0;
  regions.push_back(Region{blob.size(), blob.size(), 0});
  for (const Region& region : regions) {
    if (region.start > at) {
      ExtractedFile raw;
      raw.kind = ExtractedFile::Kind::kRaw;
      raw.path = "(raw)";
      raw.chain = chain;
      raw.base_offset = at;
      raw.owner = owner;
      raw.data = blob.substr(at, region.start - at);
      sink_(std::move(raw));
    }
    at = std::max(at, region.end);
  }
}

Unpacker::Probe Unpacker::TryContainer(const std::shared_ptr<const std::string>& owner,
                                       std::string_view blob,
                                       std::size_t at,
                                       const std::string& chain,
                                       unsigned depth,
                                       Region* region) {
  const auto byte = static_cast<unsigned char>(blob[at]);
  std::size_t start = at;
  std::string_view kind;
  if (byte == 'h' && StartsWith(blob, at, "hsqs")) {
    kind = "squashfs";
  } else if (byte == 0x45 && LooksLikeCramfs(blob.substr(at))) {
    kind = "cramfs";
    const std::size_t pad = CramfsPadding(blob.substr(at));
    if (at >= pad)
      start = at - pad;
  } else if (byte == 0x28 && StartsWith(blob, at, "\x28\xCD\x3D\x45") && blob.size() - at >= 76 &&
             blob.substr(at + 16, 16) == "Compressed ROMFS") {
    Note(chain + " > cramfs@" + FormatHex(at),
         "big-endian cramfs is not supported; its contents were scanned as raw data without "
         "unpacking");
    return Probe::kNoMagic;
  } else if (byte == 's' && StartsWith(blob, at, "sqsh") && blob.size() - at >= 96) {
    // Big-endian squashfs (old MIPS routers, versions 1.x to 3.x):
    // libsquashfs reads only little-endian version 4. A note, and the
    // bytes stay raw data.
    const unsigned major = LoadBe16(blob, at + 28);
    const unsigned minor = LoadBe16(blob, at + 30);
    if (major >= 1 && major <= 4 && minor <= 1) {
      Note(chain + " > squashfs@" + FormatHex(at),
           "big-endian squashfs version " + std::to_string(major) + "." + std::to_string(minor) +
               " is not supported (libsquashfs reads little-endian version 4); its contents "
               "were scanned as raw data without unpacking");
    }
    return Probe::kNoMagic;
  } else if (byte == 0x27 && StartsWith(blob, at, "\x27\x05\x19\x56")) {
    kind = "uimage";
  } else if (byte == 'H' && StartsWith(blob, at, "HDR0")) {
    kind = "trx";
  } else if (byte == 0x1F && StartsWith(blob, at, "\x1F\x8B\x08") && blob.size() - at > 18 &&
             static_cast<unsigned char>(blob[at + 3]) < 0x20) {
    kind = "gzip";
  } else if (byte == 0xFD && StartsWith(blob, at,
                                        std::string_view("\xFD"
                                                         "7zXZ\0",
                                                         6))) {
    kind = "xz";
  } else if (byte == 'B' && StartsWith(blob, at, "BZh") && blob.size() - at > 10 &&
             blob[at + 3] >= '1' && blob[at + 3] <= '9' &&
             StartsWith(blob, at + 4, "\x31\x41\x59\x26\x53\x59")) {
    kind = "bzip2";
  } else if (byte == 0x28 && StartsWith(blob, at, "\x28\xB5\x2F\xFD")) {
    kind = "zstd";
  } else if (byte == 0x04 && StartsWith(blob, at, "\x04\x22\x4D\x18") && blob.size() - at > 7 &&
             (static_cast<unsigned char>(blob[at + 4]) & 0xC0) == 0x40) {
    kind = "lz4";  // Frame magic, then a descriptor of version 01.
  } else if (byte == 0x5D && LooksLikeLzma(blob, at)) {
    kind = "lzma";
  } else if (byte == '0' &&
             (StartsWith(blob, at, "070701") || StartsWith(blob, at, "070702") ||
              StartsWith(blob, at, "070707")) &&
             LooksLikeCpio(blob, at)) {
    kind = "cpio";
  } else if (byte == 'u' && StartsWith(blob, at, "ustar") && at >= 257) {
    kind = "tar";
    start = at - 257;
  } else if (byte == 'P' && StartsWith(blob, at, "PK\x03\x04")) {
    kind = "zip";
  } else if ((byte == 0x85 || byte == 0x19) && at % 4 == 0 && LooksLikeJffs2(blob.substr(at))) {
    kind = "jffs2";
  } else if (byte == 'U' && at % 512 == 0 && StartsWith(blob, at, "UBI#") &&
             LooksLikeUbi(blob.substr(at))) {
    kind = "ubi";
  } else if (byte == 0x31 && at % 8 == 0 && LooksLikeUbifs(blob.substr(at))) {
    kind = "ubifs";
  } else if (byte == 0x53 && at >= 1080 && StartsWith(blob, at, "\x53\xEF") &&
             LooksLikeExt(blob.substr(at - 1080))) {
    kind = "ext";
    start = at - 1080;
  } else {
    return Probe::kNoMagic;
  }
  const std::string_view data = blob.substr(start);
  const std::string child = chain + " > " + std::string(kind) + "@" + FormatHex(start);
  std::uint64_t used = 0;
  if ((kind == "squashfs" || kind == "ext" || kind == "jffs2" || kind == "ubi" || kind == "ubifs" ||
       kind == "cramfs") &&
      depth + 1 > limits_.max_depth) {
    Note(child, "nesting depth limit (" + std::to_string(limits_.max_depth) +
                    ") reached; scanned as raw data without unpacking");
    return Probe::kNoMagic;
  }
  if (kind == "squashfs") {
    used = ReadSquashfs(*this, owner, data, child, depth + 1);
  } else if (kind == "ext") {
    used = ReadExt(*this, data, child, depth + 1);
  } else if (kind == "jffs2") {
    used = ReadJffs2(*this, data, child, depth + 1);
  } else if (kind == "cramfs") {
    used = ReadCramfs(*this, data, child, depth + 1);
  } else if (kind == "ubi") {
    used = ReadUbi(*this, data, child, depth + 1);
  } else if (kind == "ubifs") {
    used = ReadUbifs(*this, data, child, depth + 1);
  } else if (kind == "uimage") {
    used = ReadUImage(owner, data, child, depth + 1);
  } else if (kind == "trx") {
    used = ReadTrx(owner, data, child, depth + 1);
  } else if (kind == "cpio" || kind == "tar" || kind == "zip") {
    used = ReadArchive(owner, data, kind, child, depth + 1, false);
  } else {
    // Compressed streams: their length is only known to the decoder, so
    // the carver keeps looking inside them (region of length 0).
    const std::uint64_t consumed = Decompress(data, kind, child, depth + 1);
    if (consumed == 0)
      return Probe::kFailed;
    *region = Region{start, start, start + std::min<std::uint64_t>(consumed, data.size())};
    return Probe::kFound;
  }
  if (used == 0)
    return Probe::kFailed;
  containers_.push_back(child);
  *region = Region{start, start + std::min<std::uint64_t>(used, data.size()), 0};
  return Probe::kFound;
}

std::uint64_t Unpacker::UnpackFileContents(const ExtractedFile& file, unsigned depth) {
  const std::string_view data = file.data;
  // A kernel image keeps its compressed kernel after the decompressor's
  // code, not at offset 0: it is carved whole, as a raw image is, so that
  // the kernel (its version, what it holds) is read.
  if (IsCompressedKernelImage(data)) {
    Carve(file.owner, data, file.chain + " > " + file.path, depth);
    return data.size();
  }
  std::size_t at = std::string_view::npos;
  for (const std::size_t candidate : {std::size_t{0}, std::size_t{257}, std::size_t{1080}}) {
    if (candidate >= data.size())
      break;
    const auto byte = static_cast<unsigned char>(data[candidate]);
    if ((candidate == 0 && kFirstBytes[byte] && byte != 'u' && byte != 0x53) ||
        (candidate == 257 && byte == 'u') || (candidate == 1080 && byte == 0x53)) {
      at = candidate;
      break;
    }
  }
  if (at == std::string_view::npos)
    return 0;
  Region region;
  const bool limited_before = budget_exhausted_ || files_exhausted_;
  // A compressed file is decoded into the file it stands for (see Decompress).
  whole_file_ = at == 0 ? &file : nullptr;
  const Probe probe =
      TryContainer(file.owner, data, at, file.chain + " > " + file.path, depth, &region);
  whole_file_ = nullptr;
  // A compressed stream claims no bytes (region of length 0); a container
  // cut short by the size or file limits may not have handed over all it
  // claims, so the file is then scanned whole as well.
  if (probe != Probe::kFound || region.start != 0 || region.end <= region.start ||
      (!limited_before && (budget_exhausted_ || files_exhausted_))) {
    return 0;
  }
  return std::min<std::uint64_t>(region.end, data.size());
}

std::uint64_t Unpacker::Decompress(std::string_view stream,
                                   std::string_view kind,
                                   const std::string& chain,
                                   unsigned depth) {
  // Set by UnpackFileContents when `stream` is a whole file; taken here so
  // that nested streams do not see it.
  const ExtractedFile* const whole_file = std::exchange(whole_file_, nullptr);
  const std::uint64_t ratio_cap =
      std::max(limits_.ratio_floor_bytes, limits_.max_ratio * std::uint64_t{stream.size()});
  const std::uint64_t cap = std::min(limits_.max_file_bytes, ratio_cap);
  // xz and zstd: our own loops, which stop at the stream's end (see
  // stream_decoders.h); the other formats through libarchive, which peels
  // stacked compression in one read: every layer beyond the first counts
  // toward the depth bound.
  const unsigned max_layers = depth <= limits_.max_depth ? limits_.max_depth - depth + 1 : 1;
  DecodedStream decoded = kind == "xz"     ? DecodeXzStream(stream, cap)
                          : kind == "zstd" ? DecodeZstdFrames(stream, cap)
                                           : DecodeWithLibarchive(stream, cap, max_layers);
  const unsigned extra_layers = decoded.layers - 1;
  if (decoded.too_deep) {
    Note(chain, "nesting depth limit (" + std::to_string(limits_.max_depth) + ") reached inside " +
                    std::to_string(decoded.layers) +
                    " stacked compression layers; scanned as raw data without unpacking");
    return 0;
  }
  std::string out = std::move(decoded.data);
  const bool truncated = decoded.capped;
  const bool cut = decoded.cut;
  const std::string& error_text = decoded.error;
  const std::uint64_t consumed = std::clamp<std::uint64_t>(decoded.consumed, 1, stream.size());
  if (truncated && cap == ratio_cap) {
    // A compressible stream that holds a tar or cpio archive (a .tgz with
    // a big file of zeros first): read the archive straight through the
    // decoder with per-entry accounting, so one compressible entry cannot
    // hide the ones after it.
    const std::string_view archive_kind = StartsWith(out, 257, "ustar") ? "tar"
                                          : StartsWith(out, 0, "07070") ? "cpio"
                                                                        : "";
    const std::string child = chain + " > " + std::string(archive_kind) + "@0x0";
    if (!archive_kind.empty() &&
        ReadArchive(nullptr, stream, archive_kind, child, depth + extra_layers + 1, true) > 0) {
      containers_.push_back(chain);
      containers_.push_back(child);
      return consumed;
    }
  }
  if (truncated) {
    Note(chain, cap == ratio_cap ? "decompression stopped at " + std::to_string(cap) +
                                       " bytes: ratio above " + std::to_string(limits_.max_ratio) +
                                       " (possible decompression bomb); the rest was not unpacked"
                                 : "decompression stopped at the per-file limit of " +
                                       std::to_string(cap) + " bytes");
  }
  // A stream whose input ends early (a file or image cut short) is noted
  // with what could be recovered, and that part is scanned.
  if (cut && kind == "gzip") {
    std::string prefix = InflateGzipPrefix(stream, cap);
    if (prefix.size() > out.size())
      out = std::move(prefix);
  }
  if (out.empty()) {
    if (cut) {
      Note(chain, std::string(kind) + " stream truncated: its input ends before the stream does (" +
                      error_text + "); nothing could be decoded, scanned as raw data");
    }
    return 0;
  }
  if ((cut || decoded.damaged) && !truncated) {
    Note(chain, std::string(kind) + " stream " +
                    (cut ? "truncated: its input ends before the stream does" : "damaged") + " (" +
                    error_text + "); the first " + std::to_string(out.size()) +
                    " decoded bytes were recovered and scanned");
  }
  if (!Reserve(out.size(), chain))
    return 0;
  containers_.push_back(chain);
  auto owned = std::make_shared<const std::string>(std::move(out));
  if (whole_file != nullptr && whole_file->data.data() == stream.data() &&
      depth + extra_layers <= limits_.max_depth) {
    // "/etc/init.d/rcS.gz" holds "/etc/init.d/rcS": emit it as that regular
    // file, so the checks read it as what it is (text, a tar, ...). Its
    // permission metadata stays with the stored file: no setuid or
    // world-write bits here, so such findings are not reported twice.
    ExtractedFile inner;
    inner.kind = ExtractedFile::Kind::kRegular;
    inner.path = StripCompressionSuffix(whole_file->path);
    inner.chain = chain;
    inner.mode = whole_file->mode & 0755U;
    inner.uid = whole_file->uid;
    inner.owner = owned;
    inner.data = std::string_view(*owned);
    EmitFile(std::move(inner), depth + extra_layers);
    return consumed;
  }
  Carve(owned, std::string_view(*owned), chain, depth + extra_layers);
  return consumed;
}

std::uint64_t Unpacker::ReadArchive(const std::shared_ptr<const std::string>& owner,
                                    std::string_view data,
                                    std::string_view kind,
                                    const std::string& chain,
                                    unsigned depth,
                                    bool compressed) {
  archive* reader = archive_read_new();
  if (reader == nullptr)
    return 0;
  if (compressed)
    archive_read_support_filter_all(reader);
  if (kind == "tar") {
    archive_read_support_format_tar(reader);
  } else if (kind == "cpio") {
    archive_read_support_format_cpio(reader);
  } else {
    archive_read_support_format_zip_streamable(reader);
  }
  if (archive_read_open_memory(reader, data.data(), data.size()) != ARCHIVE_OK) {
    archive_read_free(reader);
    return 0;
  }
  const std::uint64_t ratio_cap =
      std::max(limits_.ratio_floor_bytes, limits_.max_ratio * std::uint64_t{data.size()});
  std::uint64_t produced = 0;
  std::uint64_t entries = 0;
  std::uint64_t end = 0;
  bool path_escape_noted = false;
  // Through a decompressor (`compressed`), each entry may decode to
  // max_ratio times the compressed bytes it took ("earned"); bytes beyond
  // that come from `pool`, one ratio allowance for the whole stream. All
  // the decoding, stored or skipped, is bounded by `work_cap`.
  std::uint64_t pool = ratio_cap;
  const std::uint64_t work_cap = std::max(limits_.max_file_bytes, ratio_cap);
  bool work_exhausted = false;
  std::string chunk;
  auto within_work = [&] {
    if (compressed && static_cast<std::uint64_t>(
                          std::max<la_int64_t>(archive_filter_bytes(reader, 0), 0)) > work_cap) {
      work_exhausted = true;
    }
    return !work_exhausted;
  };
  auto drain = [&] {
    chunk.resize(1 << 16);
    while (archive_read_data(reader, chunk.data(), chunk.size()) > 0) {
      if (!within_work())
        return false;
    }
    return within_work();
  };
  // Hard links: every name of a multiply linked file is emitted with the
  // file's data. tar stores the data with the first name and later names
  // as links to it; newc cpio stores it with the LAST name (libarchive
  // turns every name after the first into a link to the first), so names
  // seen before their data are held back until it arrives.
  struct LinkGroup {
    std::shared_ptr<const std::string> owner;  // Keeps `data` alive.
    std::string_view data;
    bool has_data = false;
    std::vector<ExtractedFile> waiting;
    std::uint64_t names = 0;  // The link count newc gives its first name.
  };
  std::map<std::string, LinkGroup> links;
  const std::map<std::uint64_t, std::uint32_t> zip_modes =
      kind == "zip" ? ZipUnixModes(data) : std::map<std::uint64_t, std::uint32_t>{};
  auto emit_with = [&](ExtractedFile file, const LinkGroup& group) {
    file.owner = group.owner;
    file.data = group.owner != nullptr ? group.data : std::string_view();
    EmitFile(std::move(file), depth);
  };
  // Whether [block, block + size) lies inside `data` (the archive bytes that
  // `owner` keeps alive).
  auto inside_archive = [&](const void* block, std::size_t size) {
    const auto* at = static_cast<const char*>(block);
    return owner != nullptr && at >= data.data() && size <= data.size() &&
           at - data.data() <= static_cast<std::ptrdiff_t>(data.size() - size);
  };
  // An entry whose data libarchive cannot decode (an unsupported zip
  // method such as 99 = AES, 7 or 20) is listed empty: say which and why.
  std::uint64_t unreadable = 0;
  auto note_unreadable = [&](const std::string& path) {
    ++unreadable;
    if (unreadable > 10)
      return;
    const char* why = archive_error_string(reader);
    Note(chain, "entry '" + path + "' could not be read: " +
                    (why != nullptr ? why : "unknown error") + "; its contents were not checked");
  };
  // Where a damaged newc/odc cpio is cut so that the caller carves on
  // from there, one well-formed header at a time.
  std::optional<std::uint64_t> resync_at;
  archive_entry* entry = nullptr;
  int status = ARCHIVE_OK;
  while (true) {
    // libarchive would skip the rest of an entry's data without a bound.
    if (compressed && entries > 0 && !drain())
      break;
    const la_int64_t consumed_before = archive_filter_bytes(reader, -1);
    status = archive_read_next_header(reader, &entry);
    if (status == ARCHIVE_FATAL && kind == "cpio" && !compressed && entries > 0 &&
        consumed_before > 0) {
      // A header libarchive could not read: carve on after the last good
      // entry, so the well-formed headers behind it are still read.
      resync_at = static_cast<std::uint64_t>(consumed_before);
    }
    if (status != ARCHIVE_OK && status != ARCHIVE_WARN)
      break;
    const la_int64_t header_at = archive_read_header_position(reader);
    if (status == ARCHIVE_WARN) {
      // libarchive skipped damaged headers (and the entries behind them)
      // to find the next valid one; header_at is where the skip began.
      const char* why = archive_error_string(reader);
      const std::string_view message = why != nullptr ? why : "";
      if (message.starts_with("Skipped")) {
        const bool cut = kind == "cpio" && !compressed && header_at >= 0;
        Note(chain, std::string(kind) + " archive damaged at offset " +
                        FormatHex(static_cast<std::uint64_t>(std::max<la_int64_t>(header_at, 0))) +
                        " after " + std::to_string(entries) + " entries (" + std::string(message) +
                        (cut ? "); the entries from there on are looked for header by header"
                             : "); the skipped entries were not unpacked"));
        if (cut) {
          resync_at = static_cast<std::uint64_t>(header_at);
          break;
        }
      }
    }
    ++entries;
    const char* name = archive_entry_pathname(entry);
    bool escaped = false;
    ExtractedFile file;
    file.path = NormalizeImagePath(name != nullptr ? name : "", &escaped);
    if (escaped && !path_escape_noted) {
      path_escape_noted = true;
      Note(chain,
           "entry '" + file.path + "' tried to leave the archive root with '..'; kept inside it");
    }
    file.chain = chain;
    file.mode = static_cast<std::uint32_t>(archive_entry_mode(entry)) & 07777U;
    file.uid = static_cast<std::uint32_t>(archive_entry_uid(entry));
    const la_int64_t size = archive_entry_size(entry);
    auto type = archive_entry_filetype(entry);
    const char* hardlink = archive_entry_hardlink(entry);
    if (const auto unix_mode = header_at >= 0
                                   ? zip_modes.find(static_cast<std::uint64_t>(header_at))
                                   : zip_modes.end();
        unix_mode != zip_modes.end()) {
      // A zip made on Unix: its central directory has the mode the local
      // header lacks. A symlink is stored as a file holding its target.
      const std::uint32_t zip_type = unix_mode->second & 0170000U;
      if (zip_type == 0120000U && type == AE_IFREG) {
        type = AE_IFLNK;
        std::string target(4096, '\0');
        const la_ssize_t n = archive_read_data(reader, target.data(), target.size());
        if (n < 0)
          note_unreadable(file.path);
        target.resize(static_cast<std::size_t>(std::max<la_ssize_t>(n, 0)));
        file.link_target = std::move(target);
      }
      if (zip_type == 0120000U || (zip_type == 0040000U) == (type == AE_IFDIR))
        file.mode = unix_mode->second & 07777U;
    }
    if (header_at >= 0) {
      end = std::max<std::uint64_t>(end,
                                    static_cast<std::uint64_t>(header_at) + 512 +
                                        static_cast<std::uint64_t>(std::max<la_int64_t>(size, 0)));
    }
    if (type == AE_IFDIR) {
      file.kind = ExtractedFile::Kind::kDirectory;
    } else if (type == AE_IFLNK) {
      file.kind = ExtractedFile::Kind::kSymlink;
      if (const char* target = archive_entry_symlink(entry); target != nullptr)
        file.link_target = target;
    } else if (type == AE_IFREG || (hardlink != nullptr && type == 0)) {
      file.kind = ExtractedFile::Kind::kRegular;
      if (archive_entry_is_data_encrypted(entry) == 1) {
        // A password-protected zip entry: say so rather than pass it quietly.
        Note(chain, "entry '" + file.path + "' is encrypted; its contents could not be checked");
        continue;
      }
      const std::string key =
          hardlink != nullptr ? NormalizeImagePath(hardlink, nullptr) : file.path;
      const std::uint64_t want = static_cast<std::uint64_t>(std::max<la_int64_t>(size, 0));
      if (want == 0 && hardlink != nullptr) {
        // A later name of a file whose data came (or will come) elsewhere.
        LinkGroup& group = links[key];
        if (group.has_data) {
          emit_with(std::move(file), group);
        } else {
          group.waiting.push_back(std::move(file));
        }
        if (budget_exhausted_ || files_exhausted_)
          break;
        continue;
      }
      if (want == 0 && hardlink == nullptr && archive_entry_nlink(entry) > 1 && kind == "cpio") {
        // newc: the first name of a linked file; its data comes with the last.
        LinkGroup& group = links[key];
        group.names = static_cast<std::uint64_t>(archive_entry_nlink(entry));
        group.waiting.push_back(std::move(file));
        continue;
      }
      auto content = std::make_shared<std::string>();
      std::string_view viewed;  // Set when the entry is a view of the archive.
      if (compressed) {
        const std::uint64_t take = std::min(want, limits_.max_file_bytes);
        const la_int64_t in_start = archive_filter_bytes(reader, -1);
        auto earned = [&] {
          return limits_.max_ratio * (static_cast<std::uint64_t>(std::max<la_int64_t>(
                                          archive_filter_bytes(reader, -1) - in_start, 0)) +
                                      1);
        };
        bool cut = want > take;
        chunk.resize(1 << 16);
        while (true) {
          const la_ssize_t n = archive_read_data(reader, chunk.data(), chunk.size());
          if (n < 0)
            note_unreadable(file.path);
          if (n <= 0 || !within_work())
            break;
          const std::uint64_t allowed = std::min(take, earned() + pool);
          const std::uint64_t room = cut ? 0 : allowed - std::min(allowed, content->size());
          if (room < static_cast<std::uint64_t>(n) && allowed < take)
            cut = true;
          content->append(chunk.data(), static_cast<std::size_t>(std::min<std::uint64_t>(
                                            room, static_cast<std::uint64_t>(n))));
        }
        const std::uint64_t used = earned();
        pool -= std::min(pool, content->size() > used ? content->size() - used : 0);
        if (cut) {
          Note(chain, "entry '" + file.path + "' (" + std::to_string(want) +
                          " bytes) exceeds the size or ratio limit; only its first " +
                          std::to_string(content->size()) + " bytes were scanned");
        }
        if (!Reserve(content->size(), chain))
          break;
      } else {
        const std::uint64_t cap =
            std::min(limits_.max_file_bytes, ratio_cap - std::min(ratio_cap, produced));
        if (want > cap) {
          Note(chain, "entry '" + file.path + "' (" + std::to_string(want) +
                          " bytes) exceeds the size or ratio limit; only its first " +
                          std::to_string(cap) + " bytes were scanned");
        }
        const std::uint64_t take = std::min(want, cap);
        if (!Reserve(take, chain))
          break;
        // A stored entry of an archive held in memory (a tar or cpio in the
        // image or in a decoded stream) is handed over as a view of the
        // archive's bytes: no copy, and a stacked archive does not hold
        // every layer twice. Anything else (a deflated zip member, a
        // sparse or damaged entry) is copied block by block.
        std::size_t got = 0;
        std::size_t filled = 0;  // Bytes of `content` written so far.
        while (got < take) {
          const void* block = nullptr;
          std::size_t block_size = 0;
          la_int64_t block_offset = 0;
          const int read = archive_read_data_block(reader, &block, &block_size, &block_offset);
          if (read == ARCHIVE_EOF)
            break;
          if (read != ARCHIVE_OK && read != ARCHIVE_WARN) {
            if (filled == 0) {
              note_unreadable(file.path);
            } else {
              const char* why = archive_error_string(reader);
              Note(chain, "entry '" + file.path + "' could not be read past byte " +
                              std::to_string(filled) + ": " +
                              (why != nullptr ? why : "unknown error") +
                              "; the bytes before it were checked");
            }
            break;
          }
          const auto offset = static_cast<std::uint64_t>(std::max<la_int64_t>(block_offset, 0));
          if (offset >= take)
            break;
          const std::size_t usable =
              static_cast<std::size_t>(std::min<std::uint64_t>(block_size, take - offset));
          if (offset == 0 && usable == take && filled == 0 && inside_archive(block, usable)) {
            viewed = std::string_view(static_cast<const char*>(block), usable);
            got = usable;
            break;
          }
          if (content->size() < take)
            content->resize(static_cast<std::size_t>(take));  // Sparse holes stay zero.
          std::memcpy(content->data() + offset, block, usable);
          filled = std::max<std::size_t>(filled, static_cast<std::size_t>(offset) + usable);
          got = filled;
        }
        if (viewed.data() == nullptr)
          content->resize(got);
        produced += got;
      }
      // The entry's bytes: a view of the archive, or `content`.
      const std::shared_ptr<const std::string> entry_owner =
          viewed.data() != nullptr ? owner : std::shared_ptr<const std::string>(content);
      const std::string_view entry_data = viewed.data() != nullptr ? viewed : *content;
      if (kind == "cpio" && hardlink == nullptr && archive_entry_nlink(entry) <= 1) {
        // cpio counts links: a file with one name is never linked to, so
        // its data need not be kept until the end of the archive.
        emit_with(std::move(file), LinkGroup{entry_owner, entry_data, true, {}, 0});
      } else {
        LinkGroup& group = links[key];
        group.owner = entry_owner;
        group.data = entry_data;
        group.has_data = true;
        std::vector<ExtractedFile> waiting = std::move(group.waiting);
        group.waiting.clear();
        emit_with(std::move(file), group);
        for (ExtractedFile& other : waiting)
          emit_with(std::move(other), group);
      }
      if (budget_exhausted_ || files_exhausted_)
        break;
      continue;
    } else {
      file.kind = ExtractedFile::Kind::kOther;
    }
    EmitFile(std::move(file), depth);
    if (budget_exhausted_ || files_exhausted_)
      break;
  }
  // Names whose data never arrived (a link to a missing file, or a
  // truncated archive) are still reported, empty.
  for (auto& [key, group] : links) {
    if (group.waiting.empty() || budget_exhausted_ || files_exhausted_)
      continue;
    // Every name seen and none with data: an empty file, not a lost one.
    if (group.names == 0 || group.waiting.size() < group.names) {
      Note(chain, "hard link '" + group.waiting.front().path + "' to '" + key +
                      "': the linked data is not in the archive; listed empty");
    }
    for (ExtractedFile& other : group.waiting)
      emit_with(std::move(other), group);
  }
  if (unreadable > 10) {
    Note(chain, std::to_string(unreadable - 10) + " more entries could not be read (" +
                    std::to_string(unreadable) + " in all); their contents were not checked");
  }
  if (work_exhausted) {
    Note(chain, "stopped after decoding " + std::to_string(work_cap) +
                    " bytes of this compressed archive (possible decompression bomb); the "
                    "rest was not read");
  }
  if (status == ARCHIVE_FATAL && entries > 0) {
    const char* why = archive_error_string(reader);
    Note(chain, std::string(kind) + " archive damaged after " + std::to_string(entries) +
                    " entries: " + (why != nullptr ? why : "unknown error") +
                    (resync_at ? "; the entries from offset " + FormatHex(*resync_at) +
                                     " on are looked for header by header"
                               : ""));
  }
  // At a clean end, what libarchive consumed is where the archive ends
  // (the estimate from the last header overshot by up to 1.5 KiB and hid a
  // second cpio right behind the first, as in an initramfs with early
  // microcode).
  const la_int64_t taken = archive_filter_bytes(reader, -1);
  archive_read_free(reader);
  if (resync_at)
    return *resync_at;
  if (entries == 0)
    return 0;
  if (status == ARCHIVE_EOF && !compressed && taken > 0)
    return static_cast<std::uint64_t>(taken);
  return std::max<std::uint64_t>(end + 1024, 1);
}

std::uint64_t Unpacker::ReadUImage(const std::shared_ptr<const std::string>& owner,
                                   std::string_view data,
                                   const std::string& chain,
                                   unsigned depth) {
  auto header = ParseUImage(data);
  if (!header)
    return 0;
  if (!header->header_crc_ok) {
    Note(chain, "uImage '" + header->name + "' header CRC mismatch: the header says " +
                    FormatHex(header->header_crc) + ", its bytes give " +
                    FormatHex(header->computed_header_crc) + "; unpacked anyway");
  }
  if (header->truncated) {
    Note(chain, "uImage '" + header->name + "' payload truncated: header says " +
                    std::to_string(header->data_size) + " bytes");
  } else if (!header->data_crc_ok) {
    Note(chain, "uImage '" + header->name + "' data CRC mismatch: the header says " +
                    FormatHex(header->data_crc) + ", the payload gives " +
                    FormatHex(header->computed_data_crc) + "; unpacked anyway");
  }
  std::size_t index = 0;
  for (const auto& [offset, size] : header->parts) {
    const std::string_view part = data.substr(offset, size);
    const std::string part_chain =
        header->parts.size() > 1 ? chain + "#" + std::to_string(index) : chain;
    ++index;
    const UImageCompression compression = header->compression;
    // A multi-file image's compression field describes its kernel at most;
    // each part is recognised by its own magic instead. A boot script
    // (type 6) is plain text whatever that field says (Debian's installer
    // ships one marked gzip).
    if (compression == UImageCompression::kNone || header->parts.size() > 1 || header->type == 6) {
      Carve(owner, part, part_chain, depth);
    } else if (Decompress(part, ToString(compression),
                          part_chain + " > " + std::string(ToString(compression)), depth) == 0) {
      Note(part_chain, "uImage payload compressed with " + std::string(ToString(compression)) +
                           " could not be decompressed; scanned as raw data");
      Carve(owner, part, part_chain, depth);
    }
  }
  return kUImageHeaderSize +
         std::min<std::uint64_t>(header->data_size, data.size() - kUImageHeaderSize);
}

std::uint64_t Unpacker::ReadTrx(const std::shared_ptr<const std::string>& owner,
                                std::string_view data,
                                const std::string& chain,
                                unsigned depth) {
  auto header = ParseTrx(data);
  if (!header) {
    // A TRX magic and version whose length or partition offsets are
    // impossible: what it holds may still be found by its own magic, but
    // the header was not followed, so say so.
    const std::uint32_t version = data.size() >= 28 ? LoadLe32(data, 12) >> 16 : 0;
    if (version == 1 || version == 2) {
      Note(chain, "TRX header rejected (" + header.error().message() +
                      "); its partitions were not unpacked from it");
    }
    return 0;
  }
  if (header->truncated) {
    Note(chain, "TRX image truncated: header says " + std::to_string(header->length) + " bytes");
  } else if (!header->crc_ok) {
    Note(chain, "TRX CRC mismatch: the header says " + FormatHex(header->crc) +
                    ", the image gives " + FormatHex(header->computed_crc) + "; unpacked anyway");
  }
  std::size_t index = 0;
  for (const auto& [offset, size] : header->partitions) {
    Carve(owner, data.substr(offset, size), chain + "/part" + std::to_string(index), depth);
    ++index;
  }
  return std::min<std::uint64_t>(header->length, data.size());
}

std::string FormatHex(std::uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  do {
    out.insert(out.begin(), kDigits[value & 0xFU]);
    value >>= 4;
  } while (value != 0);
  return "0x" + out;
}

}  // namespace provisio::firmware
