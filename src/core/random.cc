#include "provisio/core/random.h"

#include <sys/random.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <limits>
#include <string>
#include <system_error>

namespace provisio {

Result<std::uint32_t> RandomSource::Uniform(std::uint32_t bound) {
  PROVISIO_CHECK(bound > 0);
  // Reject draws from the incomplete last block of size `bound`, so every
  // value in [0, bound) is equally likely (no modulo bias).
  const std::uint64_t range = std::uint64_t{std::numeric_limits<std::uint32_t>::max()} + 1;
  const std::uint64_t limit = range - (range % bound);
  for (;;) {
    std::array<std::uint8_t, 4> bytes{};
    Result<void> filled = Fill(bytes);
    if (!filled) {
      return Fail(filled.error());
    }
    std::uint32_t value = 0;
    std::memcpy(&value, bytes.data(), bytes.size());
    if (value < limit) {
      return value % bound;
    }
  }
}

Result<void> OsRandom::Fill(std::span<std::uint8_t> out) {
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Fail(ErrorCode::kIo,
                  "getrandom: " + std::error_code(errno, std::generic_category()).message());
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace provisio
