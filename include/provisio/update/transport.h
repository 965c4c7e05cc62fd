// How the update client fetches metadata and targets. The client sees only the
// Fetcher interface; CurlFetcher is the production implementation over
// libcurl, and tests pass fakes or point it at a loopback server.
//
// Every fetch is bounded: by a byte limit the caller passes (the length or
// size limit from trusted metadata, or a configured maximum), by a connect
// timeout, by a low-speed limit (a server that trickles bytes is cut off) and
// by a total timeout. This is what defends against the endless-data and
// slow-retrieval attacks of the TUF threat model.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio::update {

// Receives the body of a streamed fetch, chunk by chunk, in order. Returning a
// failure aborts the transfer and that failure is what Stream() returns.
using ChunkSink = std::function<Result<void>(std::string_view chunk)>;

// Fetches URLs. Failures:
//   kNotFound      the server answered 403 or 404 (the root-rotation loop
//                  treats this as "no newer root");
//   kVerification  the body was longer than max_bytes (endless data);
//   kNetwork       any other status, connection failure or timeout.
// Implementations need not be thread-safe; use one per thread.
class Fetcher {
 public:
  virtual ~Fetcher() = default;

  // Returns the whole body. REQUIRES: max_bytes > 0.
  virtual Result<std::string> Fetch(std::string_view url, std::uint64_t max_bytes) = 0;

  // Passes the body to `sink` as it arrives, never more than max_bytes in
  // total. REQUIRES: max_bytes > 0.
  virtual Result<void> Stream(std::string_view url,
                              std::uint64_t max_bytes,
                              const ChunkSink& sink) = 0;
};

struct CurlFetcherOptions {
  // Time allowed to establish the TCP (and TLS) connection.
  std::chrono::milliseconds connect_timeout{10'000};
  // A transfer slower than low_speed_limit bytes per second for
  // low_speed_time is aborted (slow-retrieval attack).
  std::uint32_t low_speed_limit = 1024;
  std::chrono::seconds low_speed_time{30};
  // Upper bound on a whole transfer, however fast; 0 means none.
  std::chrono::milliseconds total_timeout{15 * 60 * 1000};
  // Sent as the User-Agent header.
  std::string user_agent = "provisio-update";
};

// A Fetcher over libcurl (http and https only, no redirects followed, TLS
// peers verified). Reuses one connection between calls.
class CurlFetcher final : public Fetcher {
 public:
  // Fails with kInternal if libcurl cannot be initialised.
  static Result<std::unique_ptr<CurlFetcher>> Create(const CurlFetcherOptions& options = {});

  ~CurlFetcher() override;
  CurlFetcher(const CurlFetcher&) = delete;
  CurlFetcher& operator=(const CurlFetcher&) = delete;

  Result<std::string> Fetch(std::string_view url, std::uint64_t max_bytes) override;
  Result<void> Stream(std::string_view url,
                      std::uint64_t max_bytes,
                      const ChunkSink& sink) override;

 private:
  struct Impl;
  explicit CurlFetcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Streams `url` into a new temporary file inside `directory` (so that a later
// rename into place is atomic) and returns its path. `observe` sees every
// chunk as it is written (for streaming hashes); it may be empty. On any
// failure the temporary file is removed. The caller renames or removes the
// returned file.
Result<std::filesystem::path> DownloadToTemporaryFile(Fetcher& fetcher,
                                                      std::string_view url,
                                                      std::uint64_t max_bytes,
                                                      const std::filesystem::path& directory,
                                                      const ChunkSink& observe = {});

}  // namespace provisio::update
