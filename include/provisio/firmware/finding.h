// What a firmware scan reports: findings mapped to EN 303 645 provisions,
// the components it recognised, and notes on every part it could not unpack.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace provisio::firmware {

enum class Severity { kLow, kMedium, kHigh, kCritical };

// "low", "medium", "high", "critical".
std::string_view ToString(Severity severity);

struct Finding {
  std::string rule_id;  // Stable check id, e.g. "FW-PASSWD-DEFAULT".
  Severity severity = Severity::kMedium;
  std::vector<std::string> provisions;  // e.g. {"5.1-1"}.
  std::string message;                  // One sentence for people.
  std::string path;                     // Path inside the innermost container, "/etc/shadow".
  std::string chain;         // Containers from the image inward, "uimage@0x0 > squashfs@0x40".
  std::uint64_t offset = 0;  // Byte offset of the evidence inside that file.
  std::string evidence;      // Snippet with every secret masked.
};

// A software component recognised from a version string.
struct Component {
  std::string name;     // "busybox", "openssl", "dropbear", "linux-kernel", ...
  std::string version;  // "1.36.1"
  std::string path;     // Where the version string was seen.
  std::string chain;
};

// A part of the image that was not (fully) unpacked, and why.
struct UnpackNote {
  std::string chain;  // Where it is.
  std::string message;
};

struct ScanStatistics {
  std::uint64_t image_bytes = 0;
  std::uint64_t extracted_bytes = 0;
  std::uint64_t files = 0;
  // Files that came out of a file system or archive (not raw regions):
  // without any, the checks had nothing but raw bytes to read.
  std::uint64_t regular_files = 0;
  std::uint64_t containers = 0;
};

struct ScanReport {
  std::string image_path;
  std::string image_sha256;
  std::vector<Finding> findings;  // Sorted by path, offset, rule.
  std::vector<Component> components;
  std::vector<UnpackNote> notes;
  std::vector<std::string> containers;  // Every container opened, as chains.
  ScanStatistics statistics;
};

// An offset as lower-case hex with a 0x prefix ("0x1f"), the way chains,
// findings and the scan summary show them.
std::string FormatHex(std::uint64_t value);

// Every provision the firmware checks speak for (the ids a clean scan passes).
const std::vector<std::string>& CheckedProvisions();

}  // namespace provisio::firmware
