// libFuzzer target for our own JFFS2 node parser and tree builder
// (src/firmware/jffs2_reader.cc). Seeds: any mkfs.jffs2 image, e.g. one made
// by firmware_test's Jffs2ImageTest (mkfs.jffs2 -r DIR -o seed.img -l).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "firmware/jffs2_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  provisio::firmware::UnpackLimits limits;
  limits.max_total_bytes = 64U << 20;
  limits.max_file_bytes = 16U << 20;
  provisio::firmware::Unpacker unpacker(limits, [](provisio::firmware::ExtractedFile) {});
  auto image = std::make_shared<const std::string>(reinterpret_cast<const char*>(data), size);
  (void)provisio::firmware::ReadJffs2(unpacker, *image, "fuzz.jffs2", 1);
  return 0;
}
