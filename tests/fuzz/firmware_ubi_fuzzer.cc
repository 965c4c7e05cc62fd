// libFuzzer target for our own UBI and UBIFS readers
// (src/firmware/ubi_reader.cc). Seeds: images from mkfs.ubifs and ubinize,
// e.g. as firmware_test's UbiImageTest builds them.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "firmware/ubi_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  provisio::firmware::UnpackLimits limits;
  limits.max_total_bytes = 64U << 20;
  limits.max_file_bytes = 16U << 20;
  provisio::firmware::Unpacker unpacker(limits, [](provisio::firmware::ExtractedFile) {});
  auto image = std::make_shared<const std::string>(reinterpret_cast<const char*>(data), size);
  (void)provisio::firmware::ReadUbi(unpacker, *image, "fuzz.ubi", 1);
  (void)provisio::firmware::ReadUbifs(unpacker, *image, "fuzz.ubifs", 1);
  return 0;
}
