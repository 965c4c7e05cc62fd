#include "provisio/agent/events.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <thread>

#include <curl/curl.h>

#include "formats/document.h"

extern char** environ;

namespace provisio::agent {
namespace {

Result<void> PostJson(const std::string& url, const std::string& body) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) {
    return Fail(ErrorCode::kInternal, "libcurl could not be initialised");
  }
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) {
    return Fail(ErrorCode::kNetwork, std::string("notify POST failed: ") + curl_easy_strerror(rc));
  }
  if (status < 200 || status >= 300) {
    return Fail(ErrorCode::kNetwork, "notify POST answered HTTP " + std::to_string(status));
  }
  return {};
}

}  // namespace

LoggingEventSink::LoggingEventSink(std::filesystem::path log_path,
                                   NotifyTargets notify,
                                   const Clock& clock,
                                   std::ostream* mirror)
    : log_path_(std::move(log_path)), notify_(std::move(notify)), clock_(clock), mirror_(mirror) {
}

std::string LoggingEventSink::FormatLine(const AgentEvent& event, TimePoint time) {
  formats::Json line = {
      {"time", FormatUtc(time)}, {"event", event.event}, {"reason", event.reason}};
  for (const auto& [key, value] : event.fields) {
    line[key] = value;
  }
  return formats::DumpJson(line, -1);
}

void LoggingEventSink::Append(const std::string& line) {
  if (mirror_ != nullptr) {
    *mirror_ << line << '\n';
  }
  if (log_path_.empty()) {
    return;
  }
  const int fd = ::open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) {
    return;  // Logging must never stop the agent; stderr still has the line.
  }
  const std::string text = line + "\n";
  // O_APPEND writes of one line are atomic enough for a log.
  [[maybe_unused]] const ssize_t written = ::write(fd, text.data(), text.size());
  ::close(fd);
}

void LoggingEventSink::Report(const AgentEvent& event) {
  const std::string line = FormatLine(event, clock_.Now());
  Append(line);
  if (!event.notify) {
    return;
  }
  if (!notify_.command.empty()) {
    Result<int> status = RunProgram(notify_.command, line + "\n", {{"PROVISIO_EVENT", line}}, 30);
    if (!status || *status != 0) {
      AgentEvent failure{"notify-failed",
                         status ? "notify command exited with " + std::to_string(*status)
                                : status.error().message(),
                         {},
                         false};
      Append(FormatLine(failure, clock_.Now()));
    }
  }
  if (!notify_.http_url.empty()) {
    Result<void> posted = PostJson(notify_.http_url, line);
    if (!posted) {
      Append(FormatLine({"notify-failed", posted.error().message(), {}, false}, clock_.Now()));
    }
  }
}

Result<int> RunProgram(const std::vector<std::string>& argv,
                       const std::string& stdin_text,
                       const std::map<std::string, std::string>& environment,
                       int timeout_seconds) {
  if (argv.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "empty command");
  }
  int input[2];
  if (::pipe2(input, O_CLOEXEC) != 0) {
    return Fail(ErrorCode::kIo, "pipe failed");
  }
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    env_strings.emplace_back(*e);
  }
  for (const auto& [key, value] : environment) {
    env_strings.push_back(key + "=" + value);
  }
  std::vector<char*> env_ptrs;
  for (std::string& s : env_strings) {
    env_ptrs.push_back(s.data());
  }
  env_ptrs.push_back(nullptr);
  std::vector<std::string> args = argv;
  std::vector<char*> arg_ptrs;
  for (std::string& s : args) {
    arg_ptrs.push_back(s.data());
  }
  arg_ptrs.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(input[0]);
    ::close(input[1]);
    return Fail(ErrorCode::kIo, "fork failed");
  }
  if (pid == 0) {
    ::dup2(input[0], STDIN_FILENO);
    ::execvpe(arg_ptrs[0], arg_ptrs.data(), env_ptrs.data());
    ::_exit(127);
  }
  ::close(input[0]);
  // A child that does not read its input must not block us: ignore EPIPE.
  struct sigaction ignore {};
  struct sigaction previous {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ignore, &previous);
  std::size_t done = 0;
  while (done < stdin_text.size()) {
    const ssize_t n = ::write(input[1], stdin_text.data() + done, stdin_text.size() - done);
    if (n <= 0) {
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(input[1]);
  ::sigaction(SIGPIPE, &previous, nullptr);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  for (;;) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
      }
      return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    }
    if (r < 0 && errno != EINTR) {
      return Fail(ErrorCode::kIo, "waiting for " + argv[0] + " failed");
    }
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      return Fail(ErrorCode::kIo,
                  argv[0] + " did not finish within " + std::to_string(timeout_seconds) + " s");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace provisio::agent
