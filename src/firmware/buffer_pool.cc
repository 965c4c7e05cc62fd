#include "firmware/buffer_pool.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <utility>

namespace provisio::firmware {

BufferPool::BufferPool(std::size_t max_retained_bytes) : shelf_(std::make_shared<Shelf>()) {
  shelf_->max_retained = max_retained_bytes;
}

std::shared_ptr<char[]> BufferPool::Acquire(std::size_t size) {
  // Powers of two, so that files of similar sizes share buffers. The
  // unused tail of a buffer costs address space only: pages are mapped
  // when written.
  std::size_t capacity = kGranule;
  while (capacity < size)
    capacity *= 2;
  Owned buffer;
  std::size_t got = capacity;
  {
    std::lock_guard<std::mutex> lock(shelf_->mutex);
    // The smallest idle buffer that fits, unless it is far too big for
    // this request (a 64 KiB file would pin a 16 MiB buffer).
    const auto it = shelf_->idle.lower_bound(capacity);
    if (it != shelf_->idle.end() && it->first <= 2 * capacity) {
      got = it->first;
      buffer = std::move(it->second);
      shelf_->retained -= got;
      shelf_->idle.erase(it);
    }
  }
  if (buffer == nullptr)
    buffer = Allocate(capacity);
  return std::shared_ptr<char[]>(buffer.release(), GiveBack{shelf_, got});
}

void BufferPool::Free::operator()(char* buffer) const {
  std::free(buffer);
}

BufferPool::Owned BufferPool::Allocate(std::size_t capacity) {
  // Big buffers go on transparent huge pages where the system allows them
  // (madvise mode): one fault and one page-table entry per 2 MiB instead
  // of 512 is most of the kernel time a big decoded file costs.
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  if (capacity >= 2 * kHugePage) {
    void* memory = std::aligned_alloc(kHugePage, capacity);  // capacity: a power of two.
    if (memory != nullptr) {
      (void)::madvise(memory, capacity, MADV_HUGEPAGE);
      return Owned(static_cast<char*>(memory));
    }
  }
  void* memory = std::malloc(capacity);
  if (memory == nullptr)
    throw std::bad_alloc();
  return Owned(static_cast<char*>(memory));
}

std::size_t BufferPool::retained_bytes() const {
  std::lock_guard<std::mutex> lock(shelf_->mutex);
  return shelf_->retained;
}

void BufferPool::GiveBack::operator()(char* buffer) const {
  Owned owned(buffer);
  std::lock_guard<std::mutex> lock(shelf->mutex);
  if (shelf->retained + capacity > shelf->max_retained)
    return;  // Freed by `owned`.
  shelf->retained += capacity;
  shelf->idle.emplace(capacity, std::move(owned));
}

}  // namespace provisio::firmware
