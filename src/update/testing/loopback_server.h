// A small HTTP server on 127.0.0.1 and an ephemeral port, for tests of the
// update client: serves a directory as static files (like any web server or
// CDN would serve a TUF repository), plus scripted misbehaviour per path
// (trickling bytes, endless bodies, error statuses) for attack tests.
// Test-only: linked by tests, never by the library or programs.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::update::testing {

// What the server does for one path instead of serving a file.
struct Behaviour {
  enum class Kind {
    kBody,     // Answer 200 with `body`.
    kStatus,   // Answer `status` with an empty body.
    kEndless,  // Answer 200 and send bytes until the client hangs up.
    kTrickle,  // Answer 200 and send `body` one byte per `interval`.
  };
  Kind kind = Kind::kBody;
  std::string body;
  int status = 200;
  std::chrono::milliseconds interval{500};

  static Behaviour Body(std::string body);
  static Behaviour Status(int status);
  static Behaviour Endless();
  static Behaviour Trickle(std::string body, std::chrono::milliseconds interval);
};

class LoopbackServer {
 public:
  // Serves files below `root` (which may be empty: then only scripted paths
  // exist). Nothing listens until Start().
  explicit LoopbackServer(std::filesystem::path root = {});
  ~LoopbackServer();
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Binds 127.0.0.1:0 and serves on a background thread.
  Result<void> Start();

  // Stops serving and joins the thread. Called by the destructor.
  void Stop();

  // "http://127.0.0.1:PORT" (no trailing slash). REQUIRES: Start() succeeded.
  std::string base_url() const;

  // Scripts the answer for an exact, URL-decoded path such as
  // "/metadata/2.root.json". Replaces any earlier script for that path.
  void Script(const std::string& path, Behaviour behaviour);
  void ClearScript(const std::string& path);

  // Every URL-decoded path requested so far, in order.
  std::vector<std::string> requests() const;
  // How many times `path` was requested.
  std::size_t CountRequests(const std::string& path) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisio::update::testing
