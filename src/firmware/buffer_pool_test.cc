#include "firmware/buffer_pool.h"

#include <cstring>

#include <gtest/gtest.h>

namespace provisio::firmware {
namespace {

TEST(BufferPoolTest, ReusesABufferOnceItsLastOwnerLetsGo) {
  BufferPool pool(std::size_t{8} << 20);
  const char* first = nullptr;
  {
    auto buffer = pool.Acquire(100000);
    first = buffer.get();
    std::memset(buffer.get(), 'x', 100000);
    auto second_owner = buffer;  // A scanning thread still holds it.
    buffer.reset();
    EXPECT_EQ(pool.retained_bytes(), 0U);
  }
  EXPECT_EQ(pool.retained_bytes(), 2 * BufferPool::kGranule);
  auto again = pool.Acquire(120000);  // Same rounded size class.
  EXPECT_EQ(again.get(), first);
  EXPECT_EQ(pool.retained_bytes(), 0U);
}

TEST(BufferPoolTest, BuffersInUseAreNeverHandedOutTwice) {
  BufferPool pool(std::size_t{8} << 20);
  auto a = pool.Acquire(1000);
  auto b = pool.Acquire(1000);
  EXPECT_NE(a.get(), b.get());
}

TEST(BufferPoolTest, DoesNotPinAHugeBufferForASmallFile) {
  BufferPool pool(std::size_t{64} << 20);
  pool.Acquire(std::size_t{16} << 20).reset();
  EXPECT_EQ(pool.retained_bytes(), std::size_t{16} << 20);
  auto small = pool.Acquire(1000);
  EXPECT_EQ(pool.retained_bytes(), std::size_t{16} << 20);  // The big one stays idle.
}

TEST(BufferPoolTest, KeepsNoMoreIdleBytesThanItsLimit) {
  BufferPool pool(std::size_t{1} << 20);
  {
    auto a = pool.Acquire(std::size_t{600} << 10);
    auto b = pool.Acquire(std::size_t{600} << 10);
  }
  EXPECT_LE(pool.retained_bytes(), std::size_t{1} << 20);
  EXPECT_GT(pool.retained_bytes(), 0U);
}

TEST(BufferPoolTest, BuffersMayOutliveThePool) {
  std::shared_ptr<char[]> survivor;
  {
    BufferPool pool(std::size_t{1} << 20);
    survivor = pool.Acquire(10);
  }
  survivor[0] = 'x';
  survivor.reset();  // Goes back to a shelf nobody can reach, then is freed.
  SUCCEED();
}

}  // namespace
}  // namespace provisio::firmware
