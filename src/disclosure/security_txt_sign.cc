// OpenPGP cleartext signing through the gpg program (RFC 9116 section 2.3).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "provisio/core/files.h"
#include "provisio/disclosure/security_txt.h"

namespace provisio::disclosure {
namespace {

namespace fs = std::filesystem;

// A private temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "provisio-sign-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) {
      path_ = pattern;
    }
  }
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ignored;
      fs::remove_all(path_, ignored);
    }
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

Result<std::string> ClearsignWithGpg(std::string_view text, const GpgSignOptions& options) {
  if (options.key_id.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "signing security.txt: no key id given");
  }
  TempDir dir;
  if (dir.path().empty()) {
    return Fail(ErrorCode::kIo, "signing security.txt: cannot create a temporary directory");
  }
  const fs::path input = dir.path() / "security.txt";
  const fs::path output = dir.path() / "security.txt.asc";
  const fs::path diagnostics = dir.path() / "gpg.err";
  Result<void> written = WriteFileAtomically(input, text);
  if (!written) {
    return Fail(written.error().WithContext("signing security.txt"));
  }

  std::vector<std::string> args = {options.gpg_program, "--batch",      "--yes",    "--armor",
                                   "--local-user",      options.key_id, "--output", output.string(),
                                   "--clearsign",       input.string()};
  std::vector<char*> argv;
  for (std::string& a : args) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);

  const pid_t pid = ::fork();
  if (pid < 0) {
    return Fail(ErrorCode::kIo, "signing security.txt: fork failed");
  }
  if (pid == 0) {
    // Child: stdin from /dev/null, stdout and stderr to the diagnostics file.
    const int null_fd = ::open("/dev/null", O_RDONLY);
    const int err_fd = ::open(diagnostics.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (null_fd >= 0) {
      ::dup2(null_fd, 0);
    }
    if (err_fd >= 0) {
      ::dup2(err_fd, 1);
      ::dup2(err_fd, 2);
    }
    if (!options.gnupg_home.empty()) {
      ::setenv("GNUPGHOME", options.gnupg_home.c_str(), 1);
    }
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      return Fail(ErrorCode::kIo, "signing security.txt: waiting for gpg failed");
    }
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    return Fail(ErrorCode::kNotFound, "signing security.txt: cannot run '" + options.gpg_program +
                                          "' (install gnupg or pass the program path)");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    Result<std::string> why = ReadFile(diagnostics);
    std::string message = why ? *why : "";
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
      message.pop_back();
    }
    return Fail(ErrorCode::kVerification,
                "signing security.txt with key '" + options.key_id +
                    "' failed: gpg said: " + (message.empty() ? "nothing" : message));
  }
  Result<std::string> signed_text = ReadFile(output);
  if (!signed_text) {
    return Fail(signed_text.error().WithContext("signing security.txt"));
  }
  return signed_text;
}

}  // namespace provisio::disclosure
