#include "provisio/agent/anti_rollback.h"

#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "provisio/core/files.h"

namespace provisio::agent {
namespace {

namespace fs = std::filesystem;

fs::path TempPath(const char* name) {
  const fs::path path =
      fs::temp_directory_path() / ("provisio_arc_" + std::to_string(::getpid()) + "_" + name);
  fs::remove(path);
  return path;
}

TEST(FileAntiRollbackCounterTest, OnlyMovesUp) {
  const fs::path path = TempPath("up");
  FileAntiRollbackCounter counter(path);
  ASSERT_TRUE(counter.Create(3).has_value());

  ASSERT_TRUE(counter.Advance(5).has_value());
  ASSERT_TRUE(counter.Advance(4).has_value());

  EXPECT_EQ(*counter.Read(), 5u);
  fs::remove(path);
}

TEST(FileAntiRollbackCounterTest, DetectsAnEditedValue) {
  const fs::path path = TempPath("edit");
  FileAntiRollbackCounter counter(path);
  ASSERT_TRUE(counter.Create(7).has_value());
  std::string text = *ReadFile(path);
  text.replace(text.find("value=7"), 7, "value=1");
  ASSERT_TRUE(WriteFileAtomically(path, text).has_value());

  Result<std::uint64_t> value = counter.Read();

  ASSERT_FALSE(value.has_value());
  EXPECT_EQ(value.error().code(), ErrorCode::kVerification);
  EXPECT_FALSE(counter.Advance(9).has_value());
  fs::remove(path);
}

TEST(FileAntiRollbackCounterTest, DetectsTruncationAndGarbage) {
  for (const char* contents : {"", "provisio-anti-rollback v1\nvalue=", "garbage\n"}) {
    SCOPED_TRACE(contents);
    const fs::path path = TempPath("garbage");
    std::ofstream(path) << contents;
    FileAntiRollbackCounter counter(path);

    Result<std::uint64_t> value = counter.Read();

    ASSERT_FALSE(value.has_value());
    EXPECT_EQ(value.error().code(), ErrorCode::kVerification);
    fs::remove(path);
  }
}

TEST(FileAntiRollbackCounterTest, CreateRefusesToResetAnExistingCounter) {
  const fs::path path = TempPath("reset");
  FileAntiRollbackCounter counter(path);
  ASSERT_TRUE(counter.Create(9).has_value());

  Result<void> again = counter.Create(0);

  ASSERT_FALSE(again.has_value());
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(*counter.Read(), 9u);
  fs::remove(path);
}

}  // namespace
}  // namespace provisio::agent
