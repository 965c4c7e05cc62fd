// LoopbackServer over cpp-httplib.
#include "update/testing/loopback_server.h"

#include <atomic>
#include <optional>
#include <utility>

#include <httplib.h>

#include "provisio/core/files.h"

namespace provisio::update::testing {

Behaviour Behaviour::Body(std::string body) {
  Behaviour b;
  b.kind = Kind::kBody;
  b.body = std::move(body);
  return b;
}

Behaviour Behaviour::Status(int status) {
  Behaviour b;
  b.kind = Kind::kStatus;
  b.status = status;
  return b;
}

Behaviour Behaviour::Endless() {
  Behaviour b;
  b.kind = Kind::kEndless;
  return b;
}

Behaviour Behaviour::Trickle(std::string body, std::chrono::milliseconds interval) {
  Behaviour b;
  b.kind = Kind::kTrickle;
  b.body = std::move(body);
  b.interval = interval;
  return b;
}

struct LoopbackServer::Impl {
  std::filesystem::path root;
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::atomic<bool> stopping{false};
  mutable std::mutex mutex;
  std::map<std::string, Behaviour> scripts;
  std::vector<std::string> requests;

  void Handle(const httplib::Request& request, httplib::Response& response) {
    std::optional<Behaviour> scripted;
    {
      std::lock_guard<std::mutex> lock(mutex);
      requests.push_back(request.path);
      auto it = scripts.find(request.path);
      if (it != scripts.end()) {
        scripted = it->second;
      }
    }
    if (scripted) {
      Serve(*scripted, response);
      return;
    }
    if (root.empty() || request.path.empty() || request.path[0] != '/') {
      response.status = 404;
      return;
    }
    Result<std::filesystem::path> path = ResolveInside(root, request.path.substr(1));
    if (!path) {
      response.status = 404;
      return;
    }
    Result<std::string> body = ReadFile(*path);
    if (!body) {
      response.status = 404;
      return;
    }
    response.status = 200;
    response.set_content(*body, "application/octet-stream");
  }

  void Serve(const Behaviour& behaviour, httplib::Response& response) {
    switch (behaviour.kind) {
      case Behaviour::Kind::kBody:
        response.status = 200;
        response.set_content(behaviour.body, "application/octet-stream");
        return;
      case Behaviour::Kind::kStatus:
        response.status = behaviour.status;
        return;
      case Behaviour::Kind::kEndless:
        response.status = 200;
        response.set_chunked_content_provider("application/octet-stream",
                                              [this](std::size_t, httplib::DataSink& sink) {
                                                static const std::string kBlock(64 * 1024, 'x');
                                                if (stopping) {
                                                  return false;
                                                }
                                                return sink.write(kBlock.data(), kBlock.size());
                                              });
        return;
      case Behaviour::Kind::kTrickle: {
        response.status = 200;
        const std::string body = behaviour.body;
        const std::chrono::milliseconds interval = behaviour.interval;
        response.set_content_provider(
            body.size(), "application/octet-stream",
            [this, body, interval](std::size_t offset, std::size_t, httplib::DataSink& sink) {
              if (stopping) {
                return false;
              }
              std::this_thread::sleep_for(interval);
              return sink.write(body.data() + offset, 1);
            });
        return;
      }
    }
  }
};

LoopbackServer::LoopbackServer(std::filesystem::path root) : impl_(std::make_unique<Impl>()) {
  impl_->root = std::move(root);
}

LoopbackServer::~LoopbackServer() {
  Stop();
}

Result<void> LoopbackServer::Start() {
  Impl* impl = impl_.get();
  impl->server.Get(".*", [impl](const httplib::Request& request, httplib::Response& response) {
    impl->Handle(request, response);
  });
  impl->server.set_keep_alive_timeout(1);
  impl->port = impl->server.bind_to_any_port("127.0.0.1");
  if (impl->port <= 0) {
    return Fail(ErrorCode::kNetwork, "loopback server: cannot bind 127.0.0.1:0");
  }
  impl->thread = std::thread([impl] { impl->server.listen_after_bind(); });
  // stop() only works once the accept loop runs: wait for it.
  while (!impl->server.is_running()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

void LoopbackServer::Stop() {
  if (impl_->thread.joinable()) {
    impl_->stopping = true;
    impl_->server.stop();
    impl_->thread.join();
  }
}

std::string LoopbackServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->port);
}

void LoopbackServer::Script(const std::string& path, Behaviour behaviour) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->scripts[path] = std::move(behaviour);
}

void LoopbackServer::ClearScript(const std::string& path) {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->scripts.erase(path);
}

std::vector<std::string> LoopbackServer::requests() const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests;
}

std::size_t LoopbackServer::CountRequests(const std::string& path) const {
  std::lock_guard<std::mutex> lock(impl_->mutex);
  std::size_t count = 0;
  for (const std::string& requested : impl_->requests) {
    if (requested == path) {
      ++count;
    }
  }
  return count;
}

}  // namespace provisio::update::testing
