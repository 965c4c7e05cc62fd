// CurlFetcher: the libcurl implementation of Fetcher, and the helper that
// streams a download into a temporary file beside its final place.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include <curl/curl.h>

#include "provisio/update/transport.h"

namespace provisio::update {
namespace {

struct Transfer {
  CURL* curl = nullptr;
  std::uint64_t max_bytes = 0;
  std::uint64_t received = 0;
  const ChunkSink* sink = nullptr;
  bool checked_status = false;
  long status = 0;
  bool too_large = false;
  bool bad_status = false;
  std::optional<Error> sink_error;
};

std::size_t OnData(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t bytes = size * count;
  if (!transfer->checked_status) {
    transfer->checked_status = true;
    curl_easy_getinfo(transfer->curl, CURLINFO_RESPONSE_CODE, &transfer->status);
    if (transfer->status != 200) {
      transfer->bad_status = true;
      return 0;
    }
  }
  if (bytes > transfer->max_bytes - transfer->received) {
    transfer->too_large = true;
    return 0;
  }
  transfer->received += bytes;
  Result<void> consumed = (*transfer->sink)(std::string_view(data, bytes));
  if (!consumed) {
    transfer->sink_error = consumed.error();
    return 0;
  }
  return bytes;
}

Result<void> StatusError(long status, std::string_view url) {
  const std::string text = "GET " + std::string(url) + ": HTTP status " + std::to_string(status);
  if (status == 403 || status == 404) {
    return Fail(ErrorCode::kNotFound, text);
  }
  return Fail(ErrorCode::kNetwork, text);
}

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

}  // namespace

struct CurlFetcher::Impl {
  CurlFetcherOptions options;
  CURL* curl = nullptr;

  ~Impl() {
    if (curl != nullptr) {
      curl_easy_cleanup(curl);
    }
  }
};

CurlFetcher::CurlFetcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}

CurlFetcher::~CurlFetcher() = default;

Result<std::unique_ptr<CurlFetcher>> CurlFetcher::Create(const CurlFetcherOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->curl = curl_easy_init();
  if (impl->curl == nullptr) {
    return Fail(ErrorCode::kInternal, "libcurl: curl_easy_init failed");
  }
  return std::unique_ptr<CurlFetcher>(new CurlFetcher(std::move(impl)));
}

Result<std::string> CurlFetcher::Fetch(std::string_view url, std::uint64_t max_bytes) {
  std::string body;
  Result<void> streamed = Stream(url, max_bytes, [&body](std::string_view chunk) -> Result<void> {
    body.append(chunk);
    return {};
  });
  if (!streamed) {
    return Fail(streamed.error());
  }
  return body;
}

Result<void> CurlFetcher::Stream(std::string_view url,
                                 std::uint64_t max_bytes,
                                 const ChunkSink& sink) {
  CURL* curl = impl_->curl;
  const CurlFetcherOptions& options = impl_->options;
  const std::string url_text(url);
  curl_easy_reset(curl);

  Transfer transfer;
  transfer.curl = curl;
  transfer.max_bytes = max_bytes;
  transfer.sink = &sink;
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(curl, CURLOPT_URL, url_text.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.low_speed_limit));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_bytes));
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, nullptr);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &OnData);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);

  const CURLcode code = curl_easy_perform(curl);
  if (transfer.sink_error) {
    return Fail(*transfer.sink_error);
  }
  if (transfer.too_large || code == CURLE_FILESIZE_EXCEEDED) {
    return Fail(ErrorCode::kVerification, "GET " + url_text + ": body exceeds the limit of " +
                                              std::to_string(max_bytes) + " bytes");
  }
  if (code != CURLE_OK && !transfer.bad_status) {
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    if (code == CURLE_OPERATION_TIMEDOUT) {
      detail = "timed out (" + detail + ")";
    }
    return Fail(ErrorCode::kNetwork, "GET " + url_text + ": " + detail);
  }
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    return StatusError(status, url_text);
  }
  return {};
}

Result<std::filesystem::path> DownloadToTemporaryFile(Fetcher& fetcher,
                                                      std::string_view url,
                                                      std::uint64_t max_bytes,
                                                      const std::filesystem::path& directory,
                                                      const ChunkSink& observe) {
  std::string name = (directory / ".provisio-download-XXXXXX").string();
  const int fd = ::mkstemp(name.data());
  if (fd < 0) {
    return Fail(ErrorCode::kIo,
                "creating a temporary file in " + directory.string() + ": " + ErrnoText(errno));
  }
  const std::filesystem::path path(name);
  Result<void> streamed =
      fetcher.Stream(url, max_bytes, [&](std::string_view chunk) -> Result<void> {
        std::size_t done = 0;
        while (done < chunk.size()) {
          const ssize_t n = ::write(fd, chunk.data() + done, chunk.size() - done);
          if (n < 0) {
            if (errno == EINTR) {
              continue;
            }
            return Fail(ErrorCode::kIo, "writing " + name + ": " + ErrnoText(errno));
          }
          done += static_cast<std::size_t>(n);
        }
        if (observe) {
          return observe(chunk);
        }
        return {};
      });
  Result<void> finished = {};
  if (streamed && ::fsync(fd) != 0) {
    finished = Fail(ErrorCode::kIo, "syncing " + name + ": " + ErrnoText(errno));
  }
  ::close(fd);
  if (!streamed || !finished) {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    return Fail(!streamed ? streamed.error() : finished.error());
  }
  return path;
}

}  // namespace provisio::update
