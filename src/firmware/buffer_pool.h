// Recycled output buffers for decoded file contents.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <mutex>

namespace provisio::firmware {

// Hands out buffers for decoded files and takes them back when the last
// owner lets go (often a scanning thread), so the next file is decoded
// into memory that is already mapped. A fresh allocation per file made the
// kernel fault in and zero every page of every decoded file: most of the
// page faults of a scan and a fifth of its CPU time.
//
// Buffers are not zeroed: the caller writes what it later reads. The pool
// keeps at most `max_retained_bytes` of idle buffers; the rest are freed.
// Buffers may outlive the pool.
class BufferPool {
 public:
  explicit BufferPool(std::size_t max_retained_bytes);

  // A buffer of at least `size` bytes (a power of two, at least kGranule).
  std::shared_ptr<char[]> Acquire(std::size_t size);

  // Idle bytes held now (for tests).
  std::size_t retained_bytes() const;

  // The smallest buffer handed out.
  static constexpr std::size_t kGranule = std::size_t{1} << 16;

 private:
  struct Free {
    void operator()(char* buffer) const;
  };
  using Owned = std::unique_ptr<char[], Free>;
  static Owned Allocate(std::size_t capacity);

  struct Shelf {
    std::size_t max_retained = 0;
    mutable std::mutex mutex;
    std::size_t retained = 0;
    std::multimap<std::size_t, Owned> idle;  // capacity -> buffer
  };
  struct GiveBack {
    std::shared_ptr<Shelf> shelf;
    std::size_t capacity = 0;
    void operator()(char* buffer) const;
  };

  std::shared_ptr<Shelf> shelf_;
};

}  // namespace provisio::firmware
