// Test-only: a fresh, empty PostgreSQL database per test, on the server that
// scripts/test starts (scripts/postgres-for-tests). The server is named by
// PROVISIO_TEST_POSTGRES_URI; without it the tests that need PostgreSQL skip,
// unless PROVISIO_REQUIRE_POSTGRES=1 (set by scripts/test and .ci/run), where
// a missing server is a failure rather than a silent skip.
//
//   TEST(RegistryOnPostgresTest, ...) {
//     PROVISIO_TEST_POSTGRES_DATABASE(database);   // skips or fails as above
//     Result<...> store = Open(database.uri());
//   }
#pragma once

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "provisio/core/result.h"
#include "sql/database.h"

namespace provisio::sql::testing {

// Replaces the database name (the URI path) of a postgresql:// URI.
inline std::string WithDatabaseName(std::string_view uri, std::string_view name) {
  const std::size_t scheme_end = uri.find("://");
  const std::size_t authority_start = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  const std::size_t path_start = uri.find('/', authority_start);
  const std::size_t query_start = uri.find('?', authority_start);
  const std::size_t authority_end = std::min(path_start, query_start);
  std::string result(
      uri.substr(0, authority_end == std::string_view::npos ? uri.size() : authority_end));
  result += '/';
  result += name;
  if (query_start != std::string_view::npos) {
    result += uri.substr(query_start);
  }
  return result;
}

class TemporaryPostgresDatabase {
 public:
  // An empty optional means "no server configured: skip".
  static Result<std::optional<TemporaryPostgresDatabase>> Create() {
    const char* server = std::getenv("PROVISIO_TEST_POSTGRES_URI");
    const char* required = std::getenv("PROVISIO_REQUIRE_POSTGRES");
    if (server == nullptr || *server == '\0') {
      if (required != nullptr && std::string_view(required) == "1") {
        return Fail(ErrorCode::kNotFound,
                    "PROVISIO_REQUIRE_POSTGRES=1 but PROVISIO_TEST_POSTGRES_URI is not set; run "
                    "the tests through scripts/test, which starts a PostgreSQL server");
      }
      return std::optional<TemporaryPostgresDatabase>();
    }
    static std::atomic<int> counter{0};
    const auto ticks = std::chrono::steady_clock::now().time_since_epoch().count();
    std::string name = "provisio_test_" + std::to_string(::getpid()) + "_" +
                       std::to_string(counter++) + "_" + std::to_string(ticks % 1000000);
    Result<std::unique_ptr<Database>> admin = OpenDatabase(server);
    if (!admin && admin.error().code() == ErrorCode::kUnsupported) {
      return std::optional<TemporaryPostgresDatabase>();  // Built without PostgreSQL.
    }
    if (!admin) {
      return Fail(admin.error().WithContext("connecting to the test PostgreSQL server"));
    }
    Result<void> created = (*admin)->Exec("CREATE DATABASE " + name);
    if (!created) {
      return Fail(created.error().WithContext("creating test database " + name));
    }
    return std::optional<TemporaryPostgresDatabase>(
        TemporaryPostgresDatabase(server, std::move(name)));
  }

  TemporaryPostgresDatabase(TemporaryPostgresDatabase&& other) noexcept
      : server_(std::move(other.server_)), name_(std::exchange(other.name_, std::string())) {}
  TemporaryPostgresDatabase& operator=(TemporaryPostgresDatabase&&) = delete;
  TemporaryPostgresDatabase(const TemporaryPostgresDatabase&) = delete;
  TemporaryPostgresDatabase& operator=(const TemporaryPostgresDatabase&) = delete;

  ~TemporaryPostgresDatabase() {
    if (name_.empty()) {
      return;
    }
    Result<std::unique_ptr<Database>> admin = OpenDatabase(server_);
    if (admin) {
      (void)(*admin)->Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    }
  }

  std::string uri() const { return WithDatabaseName(server_, name_); }
  const std::string& name() const { return name_; }

 private:
  TemporaryPostgresDatabase(std::string server, std::string name)
      : server_(std::move(server)), name_(std::move(name)) {}

  std::string server_;
  std::string name_;
};

}  // namespace provisio::sql::testing

// Declares `var` (a TemporaryPostgresDatabase) or skips/fails the test.
#define PROVISIO_TEST_POSTGRES_DATABASE(var)                                                      \
  auto var##_created = ::provisio::sql::testing::TemporaryPostgresDatabase::Create();             \
  ASSERT_TRUE(var##_created.has_value()) << var##_created.error().message();                      \
  if (!var##_created->has_value()) {                                                              \
    GTEST_SKIP() << "no PostgreSQL test server (PROVISIO_TEST_POSTGRES_URI; scripts/test starts " \
                    "one) or a build without PROVISIO_WITH_POSTGRES";                             \
  }                                                                                               \
  ::provisio::sql::testing::TemporaryPostgresDatabase& var = **var##_created
