// Verifies one target file against its metadata (length + every listed hash)
// with provisio::tuf::VerifyTargetFile and reports throughput and peak RSS.
// Driven by run_target_verify.sh, which compares it with `openssl dgst` and
// `sha256sum` on the same file.
//
//   bench_target_verify --sha256 HEX [--sha512 HEX] [--serial] [--chunk BYTES] FILE
//
// Prints one line: "seconds=<s> bytes=<n> mib_per_s=<x> max_rss_kib=<k> result=ok|<reason>".
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "provisio/tuf/metadata.h"
#include "provisio/tuf/target_verifier.h"

namespace {

int Usage() {
  std::fprintf(stderr,
               "usage: bench_target_verify --sha256 HEX [--sha512 HEX] [--serial] "
               "[--chunk BYTES] FILE\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  provisio::tuf::TargetFile target;
  provisio::tuf::FileVerifyOptions options;
  std::filesystem::path file;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--sha256" && has_value) {
      target.hashes["sha256"] = argv[++i];
    } else if (arg == "--sha512" && has_value) {
      target.hashes["sha512"] = argv[++i];
    } else if (arg == "--chunk" && has_value) {
      options.chunk_size = static_cast<std::size_t>(std::strtoull(argv[++i], nullptr, 10));
    } else if (arg == "--serial") {
      options.parallel = false;
    } else if (!arg.empty() && arg[0] != '-' && file.empty()) {
      file = arg;
    } else {
      return Usage();
    }
  }
  if (file.empty() || target.hashes.empty()) {
    return Usage();
  }
  std::error_code error;
  target.length = std::filesystem::file_size(file, error);
  if (error) {
    std::fprintf(stderr, "bench_target_verify: %s: %s\n", file.c_str(), error.message().c_str());
    return 1;
  }

  const auto start = std::chrono::steady_clock::now();
  const provisio::tuf::Checked<void> verified =
      provisio::tuf::VerifyTargetFile(file, target, options);
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double seconds = elapsed.count();
  const double mib = static_cast<double>(target.length) / (1024.0 * 1024.0);
  std::printf(
      "seconds=%.3f bytes=%llu mib_per_s=%.1f max_rss_kib=%ld result=%s\n", seconds,
      static_cast<unsigned long long>(target.length), seconds > 0 ? mib / seconds : 0.0,
      usage.ru_maxrss,
      verified ? "ok" : std::string(provisio::tuf::ToString(verified.error().reason())).c_str());
  return verified ? 0 : 1;
}
