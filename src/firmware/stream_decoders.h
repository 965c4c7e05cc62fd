// Decoders for the compressed streams found in an image: our own loops for
// xz and zstd, libarchive's filters for the rest.
//
// In a flash image a compressed stream is followed by something else (the
// next partition, padding, an ar member header). libarchive reads xz and
// zstd input as a run of concatenated streams, fails on those trailing
// bytes and drops the last block it had decoded: the end of a kernel's
// initramfs or of a package's control.tar was lost. These decoders end at
// the stream's own end and say how many input bytes it took.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace provisio::firmware {

struct DecodedStream {
  std::string data;            // What was decoded (all of it up to an error).
  std::uint64_t consumed = 0;  // Input bytes of the streams decoded.
  bool capped = false;         // Stopped at `cap` bytes of output.
  bool cut = false;            // The input ends before the stream does.
  bool damaged = false;        // The decoder rejected the input.
  std::string error;           // Why, for `cut` or `damaged`.
  unsigned layers = 1;         // Compression layers peeled (libarchive: stacked filters).
  bool too_deep = false;       // More layers than allowed: nothing decoded.
};

// Decodes one .xz stream from the start of `stream`, at most `cap` bytes,
// with at most `memory_limit` bytes of decoder memory. The default admits
// every valid stream (xz's largest dictionary is 1.5 GiB): the dictionary
// is only touched as far as output is written, and `cap` bounds that.
DecodedStream DecodeXzStream(std::string_view stream,
                             std::uint64_t cap,
                             std::uint64_t memory_limit = std::uint64_t{2} << 30);

// Decodes the zstd frames at the start of `stream` (skippable frames
// passed over), at most `cap` bytes, windows up to 2 GiB (zstd --long=31;
// the window is only touched as far as output is written).
DecodedStream DecodeZstdFrames(std::string_view stream, std::uint64_t cap);

// Decodes a stream in any compression libarchive knows (gzip, bzip2, lzma,
// lzip, lz4, compress, ...), at most `cap` bytes. libarchive peels stacked
// compression (gzip inside bzip2 inside ...) in one read: a stream with
// more than `max_layers` layers is not decoded (`too_deep`). Input that is
// no compressed stream gives an empty result with no error.
DecodedStream DecodeWithLibarchive(std::string_view stream, std::uint64_t cap, unsigned max_layers);

// Decodes as much of a gzip stream (members one after another) as zlib
// can, up to `cap` bytes. libarchive drops the last buffer of output when
// its input ends early; zlib hands out everything before the cut.
std::string InflateGzipPrefix(std::string_view stream, std::uint64_t cap);

}  // namespace provisio::firmware
