#include "firmware/stream_decoders.h"

#include <algorithm>
#include <array>
#include <memory>

#include <archive.h>
#include <archive_entry.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "firmware/bytes.h"

namespace provisio::firmware {
namespace {

constexpr std::size_t kChunk = std::size_t{1} << 16;

// Appends what fits under `cap`; false when `cap` cut the chunk.
bool AppendCapped(DecodedStream* result, const char* data, std::size_t size, std::uint64_t cap) {
  const std::uint64_t room = cap - std::min<std::uint64_t>(cap, result->data.size());
  result->data.append(data, static_cast<std::size_t>(std::min<std::uint64_t>(size, room)));
  if (size > room) {
    result->capped = true;
    return false;
  }
  return true;
}

std::string LzmaError(lzma_ret status) {
  switch (status) {
    case LZMA_FORMAT_ERROR:
      return "not an xz stream";
    case LZMA_OPTIONS_ERROR:
      return "unsupported xz options";
    case LZMA_DATA_ERROR:
      return "corrupted input data";
    case LZMA_MEMLIMIT_ERROR:
      return "the stream needs more decoder memory than allowed";
    case LZMA_MEM_ERROR:
      return "out of memory";
    default:
      return "xz decoder error " + std::to_string(static_cast<int>(status));
  }
}

bool IsZstdFrame(std::string_view data, std::size_t at) {
  return at + 4 <= data.size() && LoadLe32(data, at) == 0xFD2FB528U;
}

bool IsSkippableFrame(std::string_view data, std::size_t at) {
  return at + 8 <= data.size() && (LoadLe32(data, at) & 0xFFFFFFF0U) == 0x184D2A50U;
}

}  // namespace

DecodedStream DecodeXzStream(std::string_view stream,
                             std::uint64_t cap,
                             std::uint64_t memory_limit) {
  DecodedStream result;
  lzma_stream decoder = LZMA_STREAM_INIT;
  // No LZMA_CONCATENATED: the decoder stops at the end of this stream.
  if (lzma_stream_decoder(&decoder, memory_limit, 0) != LZMA_OK) {
    result.damaged = true;
    result.error = "the xz decoder could not be set up";
    return result;
  }
  std::array<char, kChunk> buffer{};
  decoder.next_in = UnsignedBytes(stream);
  decoder.avail_in = stream.size();
  while (true) {
    decoder.next_out = reinterpret_cast<std::uint8_t*>(buffer.data());
    decoder.avail_out = buffer.size();
    const lzma_ret status = lzma_code(&decoder, LZMA_FINISH);
    if (!AppendCapped(&result, buffer.data(), buffer.size() - decoder.avail_out, cap))
      break;
    if (status == LZMA_STREAM_END) {
      result.consumed = decoder.total_in;
      break;
    }
    if (status == LZMA_OK)
      continue;
    if (status == LZMA_BUF_ERROR && decoder.avail_in == 0) {
      result.cut = true;
      result.error = "truncated xz input";
    } else {
      result.damaged = true;
      result.error = LzmaError(status);
    }
    result.consumed = decoder.total_in;
    break;
  }
  if (result.capped)
    result.consumed = decoder.total_in;
  lzma_end(&decoder);
  return result;
}

DecodedStream DecodeZstdFrames(std::string_view stream, std::uint64_t cap) {
  DecodedStream result;
  const std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> context(ZSTD_createDCtx(),
                                                                     &ZSTD_freeDCtx);
  if (context == nullptr ||
      ZSTD_isError(ZSTD_DCtx_setParameter(context.get(), ZSTD_d_windowLogMax, 31))) {
    result.damaged = true;
    result.error = "the zstd decoder could not be set up";
    return result;
  }
  std::array<char, kChunk> buffer{};
  ZSTD_inBuffer in{stream.data(), stream.size(), 0};
  bool in_frame = false;
  while (true) {
    if (!in_frame) {
      // Between frames: go on only into another frame (skippable ones are
      // metadata); anything else is what follows the stream.
      while (IsSkippableFrame(stream, in.pos)) {
        const std::uint64_t size = LoadLe32(stream, in.pos + 4);
        if (size > stream.size() - in.pos - 8)
          break;
        in.pos += static_cast<std::size_t>(8 + size);
        result.consumed = in.pos;
      }
      if (!IsZstdFrame(stream, in.pos))
        break;
      in_frame = true;
    }
    ZSTD_outBuffer out{buffer.data(), buffer.size(), 0};
    const std::size_t hint = ZSTD_decompressStream(context.get(), &out, &in);
    if (!AppendCapped(&result, buffer.data(), out.pos, cap)) {
      result.consumed = in.pos;
      break;
    }
    if (ZSTD_isError(hint)) {
      result.damaged = true;
      result.error = ZSTD_getErrorName(hint);
      result.consumed = in.pos;
      break;
    }
    if (hint == 0) {  // The frame is complete and flushed.
      in_frame = false;
      result.consumed = in.pos;
      continue;
    }
    if (in.pos == in.size && out.pos < out.size) {
      // Needs input that is not there.
      result.cut = true;
      result.error = "truncated zstd input";
      result.consumed = in.pos;
      break;
    }
  }
  return result;
}

DecodedStream DecodeWithLibarchive(std::string_view stream,
                                   std::uint64_t cap,
                                   unsigned max_layers) {
  DecodedStream result;
  const std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                      &archive_read_free);
  if (reader == nullptr) {
    result.damaged = true;
    result.error = "the libarchive reader could not be set up";
    return result;
  }
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_raw(reader.get());
  auto fail = [&] {
    const char* why = archive_error_string(reader.get());
    result.error = why != nullptr ? why : "unknown error";
    // libarchive says so in words only.
    result.cut = result.error.find("runcated") != std::string::npos ||
                 result.error.find("premature") != std::string::npos ||
                 result.error.find("No progress") != std::string::npos;
    result.damaged = !result.cut;
  };
  if (archive_read_open_memory(reader.get(), stream.data(), stream.size()) != ARCHIVE_OK) {
    fail();
    return result;
  }
  if (archive_filter_code(reader.get(), 0) == ARCHIVE_FILTER_NONE)
    return result;  // Not compressed.
  // Opening decodes the first block already for some decoders (bzip2).
  archive_entry* entry = nullptr;
  if (archive_read_next_header(reader.get(), &entry) != ARCHIVE_OK) {
    fail();
    return result;
  }
  // The filters are counted with the reader of `stream` at the bottom.
  result.layers = static_cast<unsigned>(std::max(archive_filter_count(reader.get()) - 1, 1));
  if (result.layers > max_layers) {
    result.too_deep = true;
    return result;
  }
  std::array<char, kChunk> buffer{};
  while (true) {
    const la_ssize_t n = archive_read_data(reader.get(), buffer.data(), buffer.size());
    if (n == 0)
      break;
    if (n < 0) {
      fail();
      break;
    }
    if (!AppendCapped(&result, buffer.data(), static_cast<std::size_t>(n), cap))
      break;
  }
  // The bottom filter's position: exact, as libarchive counts only what a
  // decoder consumed.
  const la_int64_t taken = archive_filter_bytes(reader.get(), -1);
  result.consumed =
      taken > 0 ? std::min<std::uint64_t>(static_cast<std::uint64_t>(taken), stream.size()) : 0;
  return result;
}

std::string InflateGzipPrefix(std::string_view stream, std::uint64_t cap) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK)
    return {};
  std::string out;
  std::array<unsigned char, 1 << 16> buffer{};
  z.next_in = const_cast<Bytef*>(UnsignedBytes(stream));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(stream.size(), 0x7FFFFFFFU));
  while (out.size() < cap) {
    z.next_out = buffer.data();
    z.avail_out = static_cast<uInt>(buffer.size());
    const int status = inflate(&z, Z_NO_FLUSH);
    const std::size_t produced = buffer.size() - z.avail_out;
    out.append(reinterpret_cast<const char*>(buffer.data()),
               static_cast<std::size_t>(std::min<std::uint64_t>(produced, cap - out.size())));
    if (status == Z_STREAM_END && z.avail_in >= 2 && z.next_in[0] == 0x1F && z.next_in[1] == 0x8B &&
        inflateReset(&z) == Z_OK) {
      continue;
    }
    if (status != Z_OK)
      break;
  }
  inflateEnd(&z);
  return out;
}

}  // namespace provisio::firmware
