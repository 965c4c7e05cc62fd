// Helpers shared by the passwords tests: a unique temporary folder and a
// deterministic random source. PRIVATE to src/passwords tests.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "provisio/core/random.h"

namespace provisio::passwords::testing {

// A folder unique to the running test, removed on destruction.
class TempDir {
 public:
  TempDir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = std::filesystem::temp_directory_path() /
            ("provisio-pw-" + std::to_string(::getpid()) + "-" + info->test_suite_name() + "-" +
             info->name());
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// xorshift64*: deterministic, NOT secure; only for tests.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed == 0 ? 1 : seed) {}

  Result<void> Fill(std::span<std::uint8_t> out) override {
    for (std::uint8_t& b : out) {
      state_ ^= state_ >> 12;
      state_ ^= state_ << 25;
      state_ ^= state_ >> 27;
      b = static_cast<std::uint8_t>((state_ * 0x2545F4914F6CDD1DULL) >> 56);
    }
    return {};
  }

 private:
  std::uint64_t state_;
};

}  // namespace provisio::passwords::testing
