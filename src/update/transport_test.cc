#include "provisio/update/transport.h"

#include <chrono>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "provisio/core/files.h"
#include "update/testing/loopback_server.h"
#include "update/testing/temp_dir.h"

namespace provisio::update {
namespace {

using testing::Behaviour;
using testing::LoopbackServer;

std::unique_ptr<CurlFetcher> MakeFetcher(CurlFetcherOptions options = {}) {
  Result<std::unique_ptr<CurlFetcher>> fetcher = CurlFetcher::Create(options);
  PROVISIO_CHECK(fetcher.has_value());
  return std::move(*fetcher);
}

TEST(CurlFetcherTest, ReturnsTheBodyOfA200Answer) {
  LoopbackServer server;
  server.Script("/hello.txt", Behaviour::Body("hello world"));
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();

  Result<std::string> body = fetcher->Fetch(server.base_url() + "/hello.txt", 1024);

  ASSERT_TRUE(body.has_value()) << body.error().message();
  EXPECT_EQ(*body, "hello world");
}

TEST(CurlFetcherTest, ServesFilesFromTheRootDirectory) {
  testing::TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.path() / "a.json", "{}").has_value());
  LoopbackServer server(dir.path());
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();

  Result<std::string> body = fetcher->Fetch(server.base_url() + "/a.json", 1024);
  Result<std::string> missing = fetcher->Fetch(server.base_url() + "/b.json", 1024);

  ASSERT_TRUE(body.has_value()) << body.error().message();
  EXPECT_EQ(*body, "{}");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST(CurlFetcherTest, MapsStatusesToErrorCodes) {
  struct Case {
    int status;
    ErrorCode code;
  };
  const Case cases[] = {{403, ErrorCode::kNotFound},
                        {404, ErrorCode::kNotFound},
                        {500, ErrorCode::kNetwork},
                        {204, ErrorCode::kNetwork}};
  LoopbackServer server;
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();

  for (const Case& c : cases) {
    SCOPED_TRACE("status=" + std::to_string(c.status));
    server.Script("/x", Behaviour::Status(c.status));

    Result<std::string> body = fetcher->Fetch(server.base_url() + "/x", 1024);

    ASSERT_FALSE(body.has_value());
    EXPECT_EQ(body.error().code(), c.code);
  }
}

TEST(CurlFetcherTest, RejectsABodyLongerThanTheLimit) {
  LoopbackServer server;
  server.Script("/big", Behaviour::Body(std::string(2000, 'a')));
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();

  Result<std::string> exact = fetcher->Fetch(server.base_url() + "/big", 2000);
  Result<std::string> over = fetcher->Fetch(server.base_url() + "/big", 1999);

  EXPECT_TRUE(exact.has_value());
  ASSERT_FALSE(over.has_value());
  EXPECT_EQ(over.error().code(), ErrorCode::kVerification);
}

TEST(CurlFetcherTest, StopsAnEndlessBodyAtTheLimit) {
  LoopbackServer server;
  server.Script("/endless", Behaviour::Endless());
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();

  Result<std::string> body = fetcher->Fetch(server.base_url() + "/endless", 1 << 20);

  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code(), ErrorCode::kVerification);
}

TEST(CurlFetcherTest, GivesUpOnAServerThatTrickles) {
  LoopbackServer server;
  server.Script("/slow", Behaviour::Trickle(std::string(100, 'a'), std::chrono::milliseconds(300)));
  ASSERT_TRUE(server.Start().has_value());
  CurlFetcherOptions options;
  options.low_speed_limit = 100;
  options.low_speed_time = std::chrono::seconds(1);
  auto fetcher = MakeFetcher(options);
  const auto start = std::chrono::steady_clock::now();

  Result<std::string> body = fetcher->Fetch(server.base_url() + "/slow", 1024);

  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code(), ErrorCode::kNetwork);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

TEST(CurlFetcherTest, EnforcesTheTotalTimeout) {
  LoopbackServer server;
  server.Script("/slow", Behaviour::Trickle(std::string(100, 'a'), std::chrono::milliseconds(50)));
  ASSERT_TRUE(server.Start().has_value());
  CurlFetcherOptions options;
  options.low_speed_limit = 1;
  options.total_timeout = std::chrono::milliseconds(800);
  auto fetcher = MakeFetcher(options);

  Result<std::string> body = fetcher->Fetch(server.base_url() + "/slow", 1024);

  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code(), ErrorCode::kNetwork);
  EXPECT_NE(body.error().message().find("timed out"), std::string::npos) << body.error().message();
}

TEST(CurlFetcherTest, FailsToConnectToAClosedPort) {
  std::string url;
  {
    LoopbackServer server;
    ASSERT_TRUE(server.Start().has_value());
    url = server.base_url() + "/x";
  }
  auto fetcher = MakeFetcher();

  Result<std::string> body = fetcher->Fetch(url, 1024);

  ASSERT_FALSE(body.has_value());
  EXPECT_EQ(body.error().code(), ErrorCode::kNetwork);
}

TEST(DownloadToTemporaryFileTest, WritesTheBodyBesideTheTargetAndShowsEveryChunk) {
  testing::TempDir dir;
  LoopbackServer server;
  server.Script("/t.bin", Behaviour::Body(std::string(100000, 'z')));
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();
  std::size_t observed = 0;

  Result<std::filesystem::path> file =
      DownloadToTemporaryFile(*fetcher, server.base_url() + "/t.bin", 100000, dir.path(),
                              [&observed](std::string_view chunk) -> Result<void> {
                                observed += chunk.size();
                                return {};
                              });

  ASSERT_TRUE(file.has_value()) << file.error().message();
  EXPECT_EQ(file->parent_path(), dir.path());
  EXPECT_EQ(observed, 100000u);
  EXPECT_EQ(std::filesystem::file_size(*file), 100000u);
}

TEST(DownloadToTemporaryFileTest, RemovesThePartialFileOnFailure) {
  testing::TempDir dir;
  LoopbackServer server;
  server.Script("/t.bin", Behaviour::Body(std::string(5000, 'z')));
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();

  Result<std::filesystem::path> file =
      DownloadToTemporaryFile(*fetcher, server.base_url() + "/t.bin", 4999, dir.path());

  ASSERT_FALSE(file.has_value());
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(DownloadToTemporaryFileTest, AbortsWhenTheObserverFails) {
  testing::TempDir dir;
  LoopbackServer server;
  server.Script("/t.bin", Behaviour::Body(std::string(5000, 'z')));
  ASSERT_TRUE(server.Start().has_value());
  auto fetcher = MakeFetcher();

  Result<std::filesystem::path> file = DownloadToTemporaryFile(
      *fetcher, server.base_url() + "/t.bin", 5000, dir.path(),
      [](std::string_view) -> Result<void> { return Fail(ErrorCode::kVerification, "no"); });

  ASSERT_FALSE(file.has_value());
  EXPECT_EQ(file.error().code(), ErrorCode::kVerification);
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

}  // namespace
}  // namespace provisio::update
