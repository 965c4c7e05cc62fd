#include "provisio/core/files.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

namespace provisio {
namespace {

namespace fs = std::filesystem;

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("provisio_files_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "inside");
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path dir_;
};

TEST_F(FilesTest, AtomicWriteReplacesContentsAndLeavesNoTemporaryFile) {
  const fs::path path = dir_ / "a.txt";
  ASSERT_TRUE(WriteFileAtomically(path, "one").has_value());

  ASSERT_TRUE(WriteFileAtomically(path, "two").has_value());

  EXPECT_EQ(*ReadFile(path), "two");
  int entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_)) {
    ++entries;
  }
  EXPECT_EQ(entries, 2);  // a.txt and inside/
}

TEST_F(FilesTest, SecretFilesAreCreatedOwnerOnly) {
  const fs::path path = dir_ / "key";

  ASSERT_TRUE(WriteFileAtomically(path, "secret", WriteOptions{0600}).has_value());

  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(FilesTest, ReadFileOfMissingPathIsNotFound) {
  Result<std::string> text = ReadFile(dir_ / "missing");

  ASSERT_FALSE(text.has_value());
  EXPECT_EQ(text.error().code(), ErrorCode::kNotFound);
}

TEST_F(FilesTest, ResolveInsideRejectsEscapes) {
  fs::create_symlink("/etc", dir_ / "inside" / "link");
  struct Case {
    const char* path;
    bool ok;
  };
  const Case cases[] = {{"inside/x.txt", true},
                        {"inside/../inside/y", true},
                        {"../outside", false},
                        {"inside/../../x", false},
                        {"/etc/passwd", false},
                        {"inside/link/passwd", false},
                        {"", false}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.path);
    Result<fs::path> resolved = ResolveInside(dir_, c.path);
    EXPECT_EQ(resolved.has_value(), c.ok);
  }
}

}  // namespace
}  // namespace provisio
