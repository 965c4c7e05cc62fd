// Length and hash checks, in memory and streamed from files. The file path
// pipelines reading and hashing: the calling thread reads chunks into a small
// ring of buffers and one thread per listed hash consumes every chunk, so
// sha256 + sha512 run on both cores and memory stays at a few chunks.
#include "provisio/tuf/target_verifier.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include <openssl/evp.h>

#include "provisio/core/sha256.h"

namespace provisio::tuf {
namespace {

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

const EVP_MD* DigestByName(std::string_view name) {
  if (name == "sha256") {
    return EVP_sha256();
  }
  if (name == "sha512") {
    return EVP_sha512();
  }
  if (name == "sha384") {
    return EVP_sha384();
  }
  if (name == "sha224") {
    return EVP_sha224();
  }
  return nullptr;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return out;
}

struct Digest {
  std::string algorithm;
  std::string expected_hex;
  MdCtxPtr ctx;
};

Checked<std::vector<Digest>> StartDigests(const std::map<std::string, std::string>& hashes) {
  std::vector<Digest> digests;
  for (const auto& [algorithm, hex] : hashes) {
    const EVP_MD* md = DigestByName(algorithm);
    if (md == nullptr) {
      return Reject(RejectReason::kHashMismatch,
                    "unsupported hash algorithm '" + algorithm + "' is listed");
    }
    MdCtxPtr ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1) {
      return Reject(RejectReason::kHashMismatch, "cannot start " + algorithm);
    }
    digests.push_back(Digest{algorithm, Lower(hex), std::move(ctx)});
  }
  return digests;
}

void Feed(Digest& digest, const char* data, std::size_t size) {
  EVP_DigestUpdate(digest.ctx.get(), data, size);
}

Checked<void> FinishDigest(Digest& digest) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(digest.ctx.get(), out.data(), &length) != 1) {
    return Reject(RejectReason::kHashMismatch, "cannot finish " + digest.algorithm);
  }
  const std::string actual =
      HexEncode(std::string_view(reinterpret_cast<const char*>(out.data()), length));
  if (actual != digest.expected_hex) {
    return Reject(RejectReason::kHashMismatch,
                  digest.algorithm + " is " + actual + ", expected " + digest.expected_hex);
  }
  return {};
}

Rejection LengthRejection(std::uint64_t expected, std::uint64_t seen, bool more) {
  return Rejection(RejectReason::kLengthMismatch,
                   more ? "more than the expected " + std::to_string(expected) + " bytes"
                        : std::to_string(seen) + " bytes, expected " + std::to_string(expected));
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) {
      ::close(fd_);
    }
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

// Reads up to `size` bytes (fewer only at end of file). Returns -1 on error.
ssize_t ReadFully(int fd, char* buffer, std::size_t size) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::read(fd, buffer + done, size - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -1;
    }
    if (n == 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  return static_cast<ssize_t>(done);
}

// The ring of chunks shared by the reading thread and the hashing threads.
class ChunkRing {
 public:
  ChunkRing(std::size_t slots, std::size_t chunk_size, std::size_t consumers)
      : buffers_(slots, std::vector<char>(chunk_size)),
        sizes_(slots, 0),
        pending_(slots, 0),
        consumers_(consumers) {}

  // Reader: waits until the slot of chunk `index` is free, returns its buffer.
  char* AcquireForWrite(std::size_t index) {
    std::unique_lock<std::mutex> lock(mutex_);
    const std::size_t slot = index % buffers_.size();
    slot_free_.wait(lock, [&] { return pending_[slot] == 0; });
    return buffers_[slot].data();
  }

  // Reader: chunk `index` holds `size` bytes; every consumer must take it.
  void Publish(std::size_t index, std::size_t size) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const std::size_t slot = index % buffers_.size();
      sizes_[slot] = size;
      pending_[slot] = consumers_;
      published_ = index + 1;
    }
    chunk_ready_.notify_all();
  }

  // Reader: no more chunks (normal end or abort).
  void Close() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    chunk_ready_.notify_all();
  }

  // Consumer: waits for chunk `index`; false when the ring closed first.
  bool AcquireForRead(std::size_t index, const char*& data, std::size_t& size) {
    std::unique_lock<std::mutex> lock(mutex_);
    chunk_ready_.wait(lock, [&] { return published_ > index || closed_; });
    if (published_ <= index) {
      return false;
    }
    const std::size_t slot = index % buffers_.size();
    data = buffers_[slot].data();
    size = sizes_[slot];
    return true;
  }

  void Release(std::size_t index) {
    bool free = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const std::size_t slot = index % buffers_.size();
      free = --pending_[slot] == 0;
    }
    if (free) {
      slot_free_.notify_one();
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable slot_free_;
  std::condition_variable chunk_ready_;
  std::vector<std::vector<char>> buffers_;
  std::vector<std::size_t> sizes_;
  std::vector<std::size_t> pending_;
  std::size_t consumers_;
  std::size_t published_ = 0;
  bool closed_ = false;
};

// Reads the file in chunks, bounded by `limit` bytes, calling `sink` for each.
template <typename Sink>
Checked<std::uint64_t> ReadBounded(int fd,
                                   std::uint64_t limit,
                                   std::size_t chunk_size,
                                   const std::filesystem::path& path,
                                   Sink&& sink) {
  std::uint64_t total = 0;
  std::size_t index = 0;
  while (total < limit) {
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_size, limit - total));
    char* buffer = sink.Buffer(index);
    const ssize_t n = ReadFully(fd, buffer, want);
    if (n < 0) {
      const int error = errno;
      return Reject(
          RejectReason::kUnreadable,
          path.string() + ": " + std::error_code(error, std::generic_category()).message());
    }
    if (n == 0) {
      break;
    }
    sink.Commit(index++, static_cast<std::size_t>(n));
    total += static_cast<std::uint64_t>(n);
    if (static_cast<std::size_t>(n) < want) {
      break;
    }
  }
  return total;
}

}  // namespace

Checked<void> VerifyLengthAndHashes(std::string_view bytes,
                                    std::optional<std::uint64_t> length,
                                    const std::map<std::string, std::string>& hashes) {
  if (length && bytes.size() != *length) {
    return Reject(LengthRejection(*length, bytes.size(), bytes.size() > *length));
  }
  Checked<std::vector<Digest>> digests = StartDigests(hashes);
  if (!digests) {
    return Reject(digests.error());
  }
  for (Digest& digest : *digests) {
    Feed(digest, bytes.data(), bytes.size());
    Checked<void> ok = FinishDigest(digest);
    if (!ok) {
      return ok;
    }
  }
  return {};
}

struct TargetHasher::State {
  std::uint64_t expected_length = 0;
  std::uint64_t seen = 0;
  std::vector<Digest> digests;
};

TargetHasher::TargetHasher(std::unique_ptr<State> state) : state_(std::move(state)) {
}
TargetHasher::TargetHasher(TargetHasher&&) noexcept = default;
TargetHasher& TargetHasher::operator=(TargetHasher&&) noexcept = default;
TargetHasher::~TargetHasher() = default;

Checked<TargetHasher> TargetHasher::Create(std::uint64_t expected_length,
                                           const std::map<std::string, std::string>& hashes) {
  if (hashes.empty()) {
    return Reject(RejectReason::kMalformed, "the target lists no hashes");
  }
  Checked<std::vector<Digest>> digests = StartDigests(hashes);
  if (!digests) {
    return Reject(digests.error());
  }
  auto state = std::make_unique<State>();
  state->expected_length = expected_length;
  state->digests = std::move(*digests);
  return TargetHasher(std::move(state));
}

Checked<void> TargetHasher::Update(std::string_view chunk) {
  if (chunk.size() > state_->expected_length - state_->seen) {
    state_->seen += chunk.size();
    return Reject(LengthRejection(state_->expected_length, state_->seen, true));
  }
  state_->seen += chunk.size();
  for (Digest& digest : state_->digests) {
    Feed(digest, chunk.data(), chunk.size());
  }
  return {};
}

Checked<void> TargetHasher::Finish() {
  if (state_->seen != state_->expected_length) {
    return Reject(LengthRejection(state_->expected_length, state_->seen,
                                  state_->seen > state_->expected_length));
  }
  for (Digest& digest : state_->digests) {
    Checked<void> ok = FinishDigest(digest);
    if (!ok) {
      return ok;
    }
  }
  return {};
}

std::uint64_t TargetHasher::bytes_seen() const {
  return state_->seen;
}

Checked<void> VerifyTargetFile(const std::filesystem::path& path,
                               const TargetFile& target,
                               const FileVerifyOptions& options) {
  if (target.hashes.empty()) {
    return Reject(RejectReason::kMalformed, "the target lists no hashes");
  }
  Checked<std::vector<Digest>> started = StartDigests(target.hashes);
  if (!started) {
    return Reject(started.error());
  }
  std::vector<Digest> digests = std::move(*started);
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int error = errno;
    return Reject(RejectReason::kUnreadable,
                  path.string() + ": " + std::error_code(error, std::generic_category()).message());
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  const std::size_t chunk_size = std::max<std::size_t>(options.chunk_size, 4096);
  // One byte more than the length tells "too long" apart from "exact".
  const std::uint64_t limit = target.length == UINT64_MAX ? target.length : target.length + 1;

  Checked<std::uint64_t> total = std::uint64_t{0};
  bool threaded = false;
  // With one hash there is nothing to run in parallel: reading and hashing on
  // one thread is what `openssl dgst` does and costs no synchronisation. With
  // more, this thread reads and computes the fastest digest (sha512 on 64-bit
  // CPUs without SHA extensions) while one worker per other digest hashes the
  // same chunks.
  if (options.parallel && digests.size() > 1) {
    const auto own = std::find_if(digests.begin(), digests.end(),
                                  [](const Digest& d) { return d.algorithm == "sha512"; });
    std::iter_swap(digests.begin(), own == digests.end() ? digests.begin() : own);
    constexpr std::size_t kSlots = 16;
    ChunkRing ring(kSlots, chunk_size, digests.size());
    std::vector<std::thread> workers;
    try {
      for (std::size_t i = 1; i < digests.size(); ++i) {
        Digest& digest = digests[i];
        workers.emplace_back([&ring, &digest] {
          const char* data = nullptr;
          std::size_t size = 0;
          for (std::size_t index = 0; ring.AcquireForRead(index, data, size); ++index) {
            Feed(digest, data, size);
            ring.Release(index);
          }
        });
      }
      threaded = true;
    } catch (const std::system_error&) {
      // No threads available: fall back to hashing on this thread below.
      ring.Close();
      for (std::thread& worker : workers) {
        worker.join();
      }
      workers.clear();
    }
    if (threaded) {
      struct RingSink {
        ChunkRing& ring;
        Digest& own;
        char* Buffer(std::size_t index) { return ring.AcquireForWrite(index); }
        void Commit(std::size_t index, std::size_t size) {
          ring.Publish(index, size);
          const char* data = nullptr;
          std::size_t published = 0;
          ring.AcquireForRead(index, data, published);
          Feed(own, data, published);
          ring.Release(index);
        }
      } sink{ring, digests.front()};
      total = ReadBounded(fd.get(), limit, chunk_size, path, sink);
      ring.Close();
      for (std::thread& worker : workers) {
        worker.join();
      }
    }
  }
  if (!threaded) {
    struct DirectSink {
      std::vector<char> buffer;
      std::vector<Digest>& digests;
      char* Buffer(std::size_t) { return buffer.data(); }
      void Commit(std::size_t, std::size_t size) {
        for (Digest& digest : digests) {
          Feed(digest, buffer.data(), size);
        }
      }
    } sink{std::vector<char>(chunk_size), digests};
    total = ReadBounded(fd.get(), limit, chunk_size, path, sink);
  }
  if (!total) {
    return Reject(total.error());
  }
  if (*total != target.length) {
    return Reject(
        LengthRejection(target.length, *total, *total > target.length).WithContext(path.string()));
  }
  for (Digest& digest : digests) {
    Checked<void> ok = FinishDigest(digest);
    if (!ok) {
      return Reject(ok.error().WithContext(path.string()));
    }
  }
  return {};
}

}  // namespace provisio::tuf
