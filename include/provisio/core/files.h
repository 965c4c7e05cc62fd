// Small filesystem helpers every module needs: whole-file reads with clear
// errors, and atomic writes (temporary file, fsync, rename, fsync directory)
// so that a crash never leaves a half-written file behind.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio {

struct WriteOptions {
  // Permission bits of the new file. Files holding secrets use 0600.
  unsigned mode = 0644;
};

// Reads the whole file. Fails with kNotFound if it does not exist, kIo otherwise.
Result<std::string> ReadFile(const std::filesystem::path& path);

// Replaces `path` with `contents` atomically: readers see the old file or the
// new one, never a mixture. The parent directory must exist.
Result<void> WriteFileAtomically(const std::filesystem::path& path,
                                 std::string_view contents,
                                 const WriteOptions& options = {});

// Resolves `relative` inside `root` and fails with kInvalidArgument if the
// result (after following symlinks of existing components) lies outside
// `root`. Absolute paths and ".." that escape are rejected. The target need
// not exist.
Result<std::filesystem::path> ResolveInside(const std::filesystem::path& root,
                                            std::string_view relative);

}  // namespace provisio
