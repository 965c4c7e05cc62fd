// libFuzzer target for TUF metadata as a client receives it from the network:
// parsing of every role type, canonical JSON in both key orders, and the
// trusted root a TrustedMetadataSet starts from. Invariant checked: metadata
// that parses serializes to bytes that parse again with the same canonical
// "signed" encoding (what the repository tool writes, a client can read).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provisio/core/clock.h"
#include "provisio/tuf/canonical_json.h"
#include "provisio/tuf/metadata.h"
#include "provisio/tuf/trusted_metadata_set.h"

namespace {

template <typename T>
void ParseAndRoundTrip(std::string_view bytes) {
  auto parsed = provisio::tuf::ParseMetadata<T>(bytes);
  if (!parsed) {
    return;
  }
  const std::string written = provisio::tuf::SerializeMetadata(*parsed);
  auto reparsed = provisio::tuf::ParseMetadata<T>(written);
  if (!reparsed || provisio::tuf::CanonicalSigned(reparsed->body) !=
                       provisio::tuf::CanonicalSigned(parsed->body)) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ParseAndRoundTrip<provisio::tuf::Root>(bytes);
  ParseAndRoundTrip<provisio::tuf::Timestamp>(bytes);
  ParseAndRoundTrip<provisio::tuf::Snapshot>(bytes);
  ParseAndRoundTrip<provisio::tuf::Targets>(bytes);
  (void)provisio::tuf::CanonicalizeJson(bytes, provisio::tuf::KeyOrder::kCodePoint);
  (void)provisio::tuf::KeyOrdersDiffer(bytes);
  const provisio::FixedClock clock(provisio::TimePoint(std::chrono::seconds(1767225600)));
  (void)provisio::tuf::TrustedMetadataSet::Create(bytes, clock);
  return 0;
}
