#include "provisio/core/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

#include "provisio/core/random.h"
#include "provisio/core/sha256.h"

namespace provisio {
namespace {

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

Result<void> WriteAll(int fd, std::string_view contents, const std::string& name) {
  std::size_t done = 0;
  while (done < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + done, contents.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return Fail(ErrorCode::kIo, "writing " + name + ": " + ErrnoText(errno));
    }
    done += static_cast<std::size_t>(n);
  }
  return {};
}

}  // namespace

Result<std::string> ReadFile(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Fail(ErrorCode::kNotFound, path.string() + ": no such file");
  }
  if (std::filesystem::is_directory(path, ec)) {
    return Fail(ErrorCode::kIo, path.string() + ": is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    // ifstream leaves errno from the failed open(2): say why (permission
    // denied is the usual answer).
    const int error = errno;
    return Fail(ErrorCode::kIo, path.string() + ": cannot open for reading" +
                                    (error != 0 ? ": " + ErrnoText(error) : std::string()));
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    return Fail(ErrorCode::kIo, path.string() + ": read failed");
  }
  return buffer.str();
}

Result<void> WriteFileAtomically(const std::filesystem::path& path,
                                 std::string_view contents,
                                 const WriteOptions& options) {
  const std::filesystem::path dir =
      path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
  std::string suffix(8, '0');
  {
    OsRandom random;
    std::uint8_t bytes[4] = {};
    if (random.Fill(bytes)) {
      suffix = HexEncode(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
    }
  }
  const std::filesystem::path temp = dir / ("." + path.filename().string() + ".tmp-" + suffix);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                        static_cast<mode_t>(options.mode));
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "creating " + temp.string() + ": " + ErrnoText(errno));
  }
  // open() applies the umask; the caller's mode (e.g. 0600 for secrets) is exact.
  ::fchmod(fd, static_cast<mode_t>(options.mode));
  Result<void> written = WriteAll(fd, contents, temp.string());
  if (written && ::fsync(fd) != 0) {
    written = Fail(ErrorCode::kIo, "fsync " + temp.string() + ": " + ErrnoText(errno));
  }
  ::close(fd);
  if (!written) {
    ::unlink(temp.c_str());
    return written;
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    const int error = errno;
    ::unlink(temp.c_str());
    return Fail(ErrorCode::kIo, "renaming into " + path.string() + ": " + ErrnoText(error));
  }
  // Persist the rename itself.
  const int dir_fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
  return {};
}

Result<std::filesystem::path> ResolveInside(const std::filesystem::path& root,
                                            std::string_view relative) {
  namespace fs = std::filesystem;
  const fs::path rel(relative);
  if (relative.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "empty path");
  }
  if (rel.is_absolute()) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "'" + std::string(relative) + "' is absolute; paths must be relative to " + root.string());
  }
  std::error_code ec;
  const fs::path canonical_root = fs::weakly_canonical(fs::absolute(root, ec), ec);
  if (ec) {
    return Fail(ErrorCode::kIo, root.string() + ": " + ec.message());
  }
  // weakly_canonical follows symlinks of every existing component, so a
  // link that points outside is caught as well as a literal "..".
  const fs::path resolved = fs::weakly_canonical(canonical_root / rel, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, std::string(relative) + ": " + ec.message());
  }
  const fs::path inside = resolved.lexically_relative(canonical_root);
  if (inside.empty() || *inside.begin() == "..") {
    return Fail(ErrorCode::kInvalidArgument,
                "'" + std::string(relative) + "' escapes " + root.string());
  }
  return resolved;
}

}  // namespace provisio
