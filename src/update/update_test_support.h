// Shared arrangement for the update module's end-to-end tests: a repository
// made with Repository in a temp dir, served by a LoopbackServer, read by an
// UpdateClient with its own metadata and target dirs.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "provisio/core/clock.h"
#include "provisio/core/files.h"
#include "provisio/update/client.h"
#include "provisio/update/repository.h"
#include "provisio/update/transport.h"
#include "update/testing/loopback_server.h"
#include "update/testing/temp_dir.h"

namespace provisio::update::testing {

// 2030-01-01T00:00:00Z.
inline TimePoint TestNow() {
  return TimePoint(std::chrono::seconds(1893456000));
}

class RepositoryFixture : public ::testing::Test {
 protected:
  RepositoryFixture() : clock_(TestNow()), server_(temp_.path() / "repo") {}

  void SetUp() override { ASSERT_TRUE(server_.Start().has_value()); }

  std::filesystem::path repo_dir() const { return temp_.path() / "repo"; }
  std::filesystem::path metadata_dir() const { return temp_.path() / "client" / "metadata"; }
  std::filesystem::path target_dir() const { return temp_.path() / "client" / "targets"; }

  Repository InitRepository(const RepositoryInitOptions& options = {}) {
    Result<Repository> repository = Repository::Init(repo_dir(), options, clock_);
    PROVISIO_CHECK(repository.has_value());
    return *repository;
  }

  // Writes a file with `content` under the temp dir and returns its path.
  std::filesystem::path MakeFile(const std::string& name, const std::string& content) {
    const std::filesystem::path path = temp_.path() / "inputs" / name;
    std::filesystem::create_directories(path.parent_path());
    PROVISIO_CHECK(WriteFileAtomically(path, content).has_value());
    return path;
  }

  // Gives the client the repository's first root, as a device is shipped.
  void InitClient() {
    Result<std::string> root = ReadFile(repo_dir() / "metadata" / "1.root.json");
    PROVISIO_CHECK(root.has_value());
    PROVISIO_CHECK(UpdateClient::Initialize(metadata_dir(), *root).has_value());
  }

  UpdateClientOptions ClientOptions() const {
    UpdateClientOptions options;
    options.metadata_dir = metadata_dir();
    options.metadata_base_url = server_.base_url() + "/metadata";
    options.target_base_url = server_.base_url() + "/targets";
    options.target_dir = target_dir();
    return options;
  }

  std::unique_ptr<CurlFetcher> Fetcher(CurlFetcherOptions options = {}) {
    Result<std::unique_ptr<CurlFetcher>> fetcher = CurlFetcher::Create(options);
    PROVISIO_CHECK(fetcher.has_value());
    return std::move(*fetcher);
  }

  // A fresh client (as a new process would be) refreshes.
  Result<void> Refresh() {
    auto fetcher = Fetcher();
    UpdateClient client(ClientOptions(), *fetcher, clock_);
    return client.Refresh();
  }

  // A fresh client downloads `path`; returns the local file.
  Result<std::filesystem::path> Download(const std::string& path) {
    auto fetcher = Fetcher();
    UpdateClient client(ClientOptions(), *fetcher, clock_);
    Result<std::optional<TargetInfo>> info = client.GetTargetInfo(path);
    if (!info) {
      return Fail(info.error());
    }
    if (!*info) {
      return Fail(ErrorCode::kNotFound, path + ": no such target");
    }
    return client.DownloadTarget(**info);
  }

  TempDir temp_;
  FixedClock clock_;
  LoopbackServer server_;
};

}  // namespace provisio::update::testing
