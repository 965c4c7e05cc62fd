#include "firmware/stream_decoders.h"

#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

namespace provisio::firmware {
namespace {

// Text that compresses, with a marker at its very end (what was lost when
// the last decoded block was dropped).
std::string Payload() {
  std::string text;
  std::mt19937 random(7);
  while (text.size() < 300000)
    text += "line " + std::to_string(random()) + " of the payload\n";
  return text + "THE-END-MARKER\n";
}

std::string Xz(const std::string& data) {
  std::string out(lzma_stream_buffer_bound(data.size()), '\0');
  std::size_t written = 0;
  EXPECT_EQ(lzma_easy_buffer_encode(
                6, LZMA_CHECK_CRC64, nullptr, reinterpret_cast<const std::uint8_t*>(data.data()),
                data.size(), reinterpret_cast<std::uint8_t*>(out.data()), &written, out.size()),
            LZMA_OK);
  out.resize(written);
  return out;
}

std::string Zstd(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const std::size_t written = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(written));
  out.resize(written);
  return out;
}

std::string Gzip(const std::string& data) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string Garbage(std::size_t size) {
  std::string bytes(size, '\0');
  std::mt19937 random(11);
  for (char& c : bytes)
    c = static_cast<char>(random() | 1);  // Never a run of zero padding.
  return bytes;
}

constexpr std::uint64_t kNoCap = std::uint64_t{1} << 40;

TEST(DecodeXzStreamTest, DecodesAllOfAStreamFollowedByOtherData) {
  const std::string payload = Payload();
  const std::string xz = Xz(payload);
  for (const std::string& after : {std::string(), Garbage(4096), std::string("!<arch>\n") + xz}) {
    const DecodedStream decoded = DecodeXzStream(xz + after, kNoCap);
    EXPECT_EQ(decoded.data, payload);
    EXPECT_EQ(decoded.consumed, xz.size());
    EXPECT_FALSE(decoded.damaged || decoded.cut || decoded.capped) << decoded.error;
  }
}

TEST(DecodeXzStreamTest, KeepsWhatPrecedesACutOrDamage) {
  const std::string payload = Payload();
  const std::string xz = Xz(payload);
  const DecodedStream cut = DecodeXzStream(xz.substr(0, xz.size() / 2), kNoCap);
  EXPECT_TRUE(cut.cut);
  EXPECT_FALSE(cut.data.empty());
  EXPECT_EQ(payload.compare(0, cut.data.size(), cut.data), 0);

  std::string damaged = xz;
  damaged[damaged.size() / 2] = static_cast<char>(damaged[damaged.size() / 2] ^ 0x55);
  const DecodedStream bad = DecodeXzStream(damaged, kNoCap);
  // (LZMA may hand out wrong bytes before its check fails: only the
  // verdict is certain.)
  EXPECT_TRUE(bad.damaged);
  EXPECT_FALSE(bad.error.empty());

  EXPECT_TRUE(DecodeXzStream("not xz at all", kNoCap).damaged);
}

TEST(DecodeXzStreamTest, StopsAtTheCap) {
  const DecodedStream decoded = DecodeXzStream(Xz(Payload()), 1000);
  EXPECT_TRUE(decoded.capped);
  EXPECT_EQ(decoded.data.size(), 1000u);
}

TEST(DecodeXzStreamTest, DecodesAStreamWithXzsLargestDictionary) {
  // xz --lzma2=dict=1536MiB: valid, and its dictionary is only touched as
  // far as output is written.
  const std::string payload = Payload();
  lzma_options_lzma options{};
  ASSERT_FALSE(lzma_lzma_preset(&options, 1));
  options.dict_size = 1536U << 20;
  const lzma_filter filters[] = {{LZMA_FILTER_LZMA2, &options}, {LZMA_VLI_UNKNOWN, nullptr}};
  std::string xz(lzma_stream_buffer_bound(payload.size()), '\0');
  std::size_t written = 0;
  ASSERT_EQ(lzma_stream_buffer_encode(const_cast<lzma_filter*>(filters), LZMA_CHECK_CRC64, nullptr,
                                      reinterpret_cast<const std::uint8_t*>(payload.data()),
                                      payload.size(), reinterpret_cast<std::uint8_t*>(xz.data()),
                                      &written, xz.size()),
            LZMA_OK);
  xz.resize(written);
  const DecodedStream decoded = DecodeXzStream(xz, kNoCap);
  EXPECT_EQ(decoded.data, payload) << decoded.error;
}

TEST(DecodeXzStreamTest, RefusesADictionaryBeyondTheMemoryLimit) {
  const DecodedStream decoded = DecodeXzStream(Xz(Payload()), kNoCap, 1 << 20);
  EXPECT_TRUE(decoded.damaged);
  EXPECT_NE(decoded.error.find("memory"), std::string::npos) << decoded.error;
}

TEST(DecodeZstdFramesTest, DecodesEveryFrameAndStopsAtOtherData) {
  const std::string payload = Payload();
  const std::string frame = Zstd(payload);
  // A skippable frame (metadata) between two data frames.
  const std::string skippable = std::string("\x50\x2A\x4D\x18\x04\x00\x00\x00meta", 12);
  const std::string stream = frame + skippable + frame;
  const DecodedStream decoded = DecodeZstdFrames(stream + Garbage(4096), kNoCap);
  EXPECT_EQ(decoded.data, payload + payload);
  EXPECT_EQ(decoded.consumed, stream.size());
  EXPECT_FALSE(decoded.damaged || decoded.cut || decoded.capped) << decoded.error;
}

TEST(DecodeZstdFramesTest, KeepsWhatPrecedesACut) {
  const std::string payload = Payload();
  const std::string frame = Zstd(payload);
  const DecodedStream cut = DecodeZstdFrames(frame.substr(0, frame.size() - 10), kNoCap);
  EXPECT_TRUE(cut.cut) << cut.error;
  EXPECT_EQ(payload.compare(0, cut.data.size(), cut.data), 0);
  EXPECT_TRUE(DecodeZstdFrames("\x28\xB5\x2F\xFD\xFF\xFF\xFF\xFF", kNoCap).damaged ||
              DecodeZstdFrames("\x28\xB5\x2F\xFD\xFF\xFF\xFF\xFF", kNoCap).cut);
}

TEST(DecodeWithLibarchiveTest, DecodesAStreamAndSaysWhatItTook) {
  const std::string payload = Payload();
  const std::string gz = Gzip(payload);
  const DecodedStream decoded = DecodeWithLibarchive(gz + Garbage(4096), kNoCap, 1);
  EXPECT_EQ(decoded.data, payload);
  EXPECT_EQ(decoded.layers, 1u);
  EXPECT_FALSE(decoded.damaged || decoded.cut || decoded.capped || decoded.too_deep)
      << decoded.error;
  EXPECT_EQ(decoded.consumed, gz.size());
}

TEST(DecodeWithLibarchiveTest, CountsStackedLayersAgainstTheLimit) {
  const std::string payload = Payload();
  const std::string twice = Gzip(Gzip(payload));
  const DecodedStream deep = DecodeWithLibarchive(twice, kNoCap, 1);
  EXPECT_TRUE(deep.too_deep);
  EXPECT_EQ(deep.layers, 2u);
  EXPECT_TRUE(deep.data.empty());
  const DecodedStream allowed = DecodeWithLibarchive(twice, kNoCap, 2);
  EXPECT_FALSE(allowed.too_deep);
  EXPECT_EQ(allowed.data, payload);
}

TEST(DecodeWithLibarchiveTest, PlainBytesAreNoStreamAndNoError) {
  const DecodedStream decoded = DecodeWithLibarchive(Garbage(4096), kNoCap, 4);
  EXPECT_TRUE(decoded.data.empty());
  EXPECT_FALSE(decoded.damaged || decoded.cut) << decoded.error;
}

TEST(DecodeWithLibarchiveTest, StopsAtTheCapAndNamesACut) {
  const std::string payload = Payload();
  const std::string gz = Gzip(payload);
  const DecodedStream capped = DecodeWithLibarchive(gz, 1000, 1);
  EXPECT_TRUE(capped.capped);
  EXPECT_EQ(capped.data.size(), 1000u);
  const DecodedStream cut = DecodeWithLibarchive(gz.substr(0, gz.size() / 2), kNoCap, 1);
  EXPECT_TRUE(cut.cut) << cut.error;
  EXPECT_FALSE(cut.damaged);
  EXPECT_EQ(payload.compare(0, cut.data.size(), cut.data), 0);
}

TEST(InflateGzipPrefixTest, KeepsEverythingBeforeTheCutAcrossMembers) {
  const std::string first = Payload();
  const std::string second = "second member\n";
  const std::string gz = Gzip(first) + Gzip(second);
  EXPECT_EQ(InflateGzipPrefix(gz, kNoCap), first + second);
  const std::string prefix = InflateGzipPrefix(gz.substr(0, gz.size() / 3), kNoCap);
  EXPECT_FALSE(prefix.empty());
  EXPECT_EQ(first.compare(0, prefix.size(), prefix), 0);
  EXPECT_EQ(InflateGzipPrefix(gz, 100).size(), 100u);
}

}  // namespace
}  // namespace provisio::firmware
