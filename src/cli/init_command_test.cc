#include "cli/init_command.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "cli/exit_codes.h"
#include "provisio/assess/engine.h"
#include "provisio/assess/product.h"

namespace provisio::cli {
namespace {

namespace fs = std::filesystem;

class InitCommandTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "init_test_XXXXXX").string();
    root_ = mkdtemp(pattern.data());
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  InitOptions Options() const {
    InitOptions options;
    options.dir = (root_ / "plug").string();
    options.manufacturer = "Acme";
    options.model = "Plug \"Mini\"";
    options.hardware_version = "A";
    options.software_version = "1.0.0";
    options.no_input = true;
    return options;
  }

  int Init(const InitOptions& options, const std::string& input = "", bool interactive = false) {
    std::istringstream in(input);
    out_.str("");
    err_.str("");
    return RunInit(options, in, interactive, out_, err_);
  }

  fs::path root_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(InitCommandTest, WritesAProductFileThatParsesAndAssesses) {
  InitOptions options = Options();
  options.features = {"a=yes", "b=no", "g=yes"};
  options.conditions = {"12=yes"};

  const int status = Init(options);

  ASSERT_EQ(status, kExitOk) << err_.str();
  Result<assess::ProductFile> product = assess::ReadProductFile(options.dir);
  ASSERT_TRUE(product.has_value()) << product.error().message();
  EXPECT_EQ(product->dut.model, "Plug \"Mini\"");
  EXPECT_EQ(product->answers.features.at("a"), true);
  EXPECT_EQ(product->answers.features.at("b"), false);
  EXPECT_FALSE(product->answers.features.contains("c"));
  EXPECT_EQ(product->claims.size(), 78U);
  FixedClock clock(TimePoint{});
  Result<assess::Assessment> assessment = assess::AssessProduct(options.dir, {}, clock);
  ASSERT_TRUE(assessment.has_value()) << assessment.error().message();
  for (const assess::ProvisionVerdict& verdict : assessment->provisions) {
    SCOPED_TRACE(verdict.id);
    EXPECT_NE(verdict.verdict, assess::Verdict::kPass);
    EXPECT_NE(verdict.verdict, assess::Verdict::kFail);
  }
  EXPECT_NE(out_.str().find("Wrote "), std::string::npos);
}

TEST_F(InitCommandTest, MarksProvisionsWithAbsentFeaturesNotApplicable) {
  InitOptions options = Options();
  options.features = {"b=no"};

  ASSERT_EQ(Init(options), kExitOk) << err_.str();

  Result<assess::ProductFile> product = assess::ReadProductFile(options.dir);
  ASSERT_TRUE(product.has_value());
  const auto claim = std::find_if(product->claims.begin(), product->claims.end(),
                                  [](const assess::Claim& c) { return c.id == "5.1-2"; });
  ASSERT_NE(claim, product->claims.end());
  EXPECT_EQ(claim->support, assess::Support::kNotApplicable);
  EXPECT_NE(claim->rationale.find("feature b"), std::string::npos) << claim->rationale;
}

TEST_F(InitCommandTest, RefusesToOverwriteWithoutForce) {
  const InitOptions options = Options();
  ASSERT_EQ(Init(options), kExitOk);

  EXPECT_EQ(Init(options), kExitFailure);
  EXPECT_NE(err_.str().find("already exists; use --force"), std::string::npos) << err_.str();
  InitOptions forced = options;
  forced.force = true;
  EXPECT_EQ(Init(forced), kExitOk) << err_.str();
}

TEST_F(InitCommandTest, AsksMissingAnswersWhenInteractive) {
  InitOptions options = Options();
  options.manufacturer.clear();
  options.no_input = false;
  options.features = {"a=yes"};
  // Manufacturer, then F(b) "maybe" (asked again) then "n", F(c) yes, then end of input.
  const std::string input = "Globex\nmaybe\nn\ny\n";

  ASSERT_EQ(Init(options, input, /*interactive=*/true), kExitOk) << err_.str();

  Result<assess::ProductFile> product = assess::ReadProductFile(options.dir);
  ASSERT_TRUE(product.has_value()) << product.error().message();
  EXPECT_EQ(product->dut.manufacturer, "Globex");
  EXPECT_EQ(product->answers.features.at("b"), false);
  EXPECT_EQ(product->answers.features.at("c"), true);
  EXPECT_FALSE(product->answers.features.contains("d"));
  EXPECT_NE(err_.str().find("F(b) "), std::string::npos) << err_.str();
  EXPECT_NE(err_.str().find("please answer y or n"), std::string::npos);
}

TEST_F(InitCommandTest, NeverAsksWithNoInput) {
  InitOptions options = Options();
  options.manufacturer.clear();

  ASSERT_EQ(Init(options, "Globex\n", /*interactive=*/true), kExitOk);

  EXPECT_EQ(err_.str(), "");
}

TEST_F(InitCommandTest, RejectsUnknownIdsAndBadAnswers) {
  struct Case {
    const char* feature;
    const char* condition;
    const char* message;
  };
  const Case cases[] = {
      {"zz=yes", nullptr, "unknown feature 'zz'"},
      {"a=perhaps", nullptr, "the answer must be yes or no"},
      {nullptr, "99=yes", "unknown condition '99'"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.message);
    InitOptions options = Options();
    if (c.feature != nullptr) {
      options.features = {c.feature};
    }
    if (c.condition != nullptr) {
      options.conditions = {c.condition};
    }

    EXPECT_EQ(Init(options), kExitUsage);
    EXPECT_NE(err_.str().find(c.message), std::string::npos) << err_.str();
    EXPECT_FALSE(fs::exists(fs::path(options.dir) / "product.yaml"));
  }
}

}  // namespace
}  // namespace provisio::cli
