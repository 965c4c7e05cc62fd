// Runs every case under tests/cli_golden/cases (see README.md there).
#include <stdlib.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli/run.h"

namespace provisio::cli {
namespace {

namespace fs = std::filesystem;

const fs::path kCasesDir = fs::path(PROVISIO_SOURCE_DIR) / "tests" / "cli_golden" / "cases";
const fs::path kExamplesDir = fs::path(PROVISIO_SOURCE_DIR) / "examples";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) {
      lines.push_back(line);
    }
  }
  return lines;
}

void ReplaceAll(std::string& text, const std::string& from, const std::string& to) {
  if (from.empty()) {
    return;
  }
  for (std::size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

fs::path MakeTempDir() {
  std::string pattern = (fs::temp_directory_path() / "cli_golden_XXXXXX").string();
  return fs::path(mkdtemp(pattern.data()));
}

// The placeholders of one run, longest path first so nested ones win.
struct Places {
  std::vector<std::pair<std::string, std::string>> pairs;

  std::string Expand(std::string text) const {
    for (const auto& [name, path] : pairs) {
      ReplaceAll(text, name, path);
    }
    return text;
  }
  std::string Mask(std::string text) const {
    for (const auto& [name, path] : pairs) {
      ReplaceAll(text, path, name);
    }
    return text;
  }
};

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(kCasesDir, ec)) {
    if (entry.is_directory()) {
      names.push_back(entry.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class CliGoldenTest : public testing::TestWithParam<std::string> {};

TEST_P(CliGoldenTest, MatchesExpectations) {
  const fs::path case_dir = kCasesDir / GetParam();
  const fs::path root = MakeTempDir();
  const fs::path product = root / "product";
  const fs::path outside = root / "outside";
  const fs::path tmp = root / "tmp";
  fs::create_directories(outside);
  fs::create_directories(tmp);
  WriteText(outside / "secret.txt", "not for the assessment\n");
  if (fs::exists(case_dir / "product")) {
    fs::copy(case_dir / "product", product, fs::copy_options::recursive);
  }
  Places places;
  places.pairs = {{"@PRODUCT@", product.string()},
                  {"@OUTSIDE@", outside.string()},
                  {"@TMP@", tmp.string()},
                  {"@EXAMPLES@", kExamplesDir.string()}};
  for (const std::string& line : Lines(ReadText(case_dir / "symlinks"))) {
    const std::size_t arrow = line.find(" -> ");
    ASSERT_NE(arrow, std::string::npos) << "symlinks: " << line;
    const fs::path link = product / line.substr(0, arrow);
    fs::create_directories(link.parent_path());
    fs::create_symlink(places.Expand(line.substr(arrow + 4)), link);
  }

  std::vector<std::string> args = {"provisio"};
  for (const std::string& line : Lines(ReadText(case_dir / "args"))) {
    args.push_back(places.Expand(line));
  }
  std::vector<const char*> argv;
  for (const std::string& arg : args) {
    argv.push_back(arg.c_str());
  }
  std::ostringstream out;
  std::ostringstream err;
  const int status = cli::Run(static_cast<int>(argv.size()), argv.data(), out, err);
  const std::string stdout_text = places.Mask(out.str());
  const std::string stderr_text = places.Mask(err.str());

  const bool update = getenv("PROVISIO_UPDATE_GOLDEN") != nullptr;
  const bool exact = fs::exists(case_dir / "expected_stdout");
  const bool contains = fs::exists(case_dir / "expected_stdout_contains");
  if (update) {
    WriteText(case_dir / "expected_exit", std::to_string(status) + "\n");
    if (exact || !contains) {
      WriteText(case_dir / "expected_stdout", stdout_text);
    }
  } else {
    EXPECT_EQ(std::to_string(status), Lines(ReadText(case_dir / "expected_exit")).at(0))
        << "stderr:\n"
        << stderr_text << "stdout:\n"
        << stdout_text;
    if (exact) {
      EXPECT_EQ(stdout_text, ReadText(case_dir / "expected_stdout"));
    }
    for (const std::string& line : Lines(ReadText(case_dir / "expected_stdout_contains"))) {
      EXPECT_NE(stdout_text.find(line), std::string::npos)
          << "stdout lacks: " << line << "\nstdout:\n"
          << stdout_text;
    }
    for (const std::string& line : Lines(ReadText(case_dir / "expected_stderr_contains"))) {
      EXPECT_NE(stderr_text.find(line), std::string::npos)
          << "stderr lacks: " << line << "\nstderr:\n"
          << stderr_text;
    }
    for (const std::string& line : Lines(ReadText(case_dir / "expected_files"))) {
      EXPECT_TRUE(fs::exists(places.Expand(line))) << "missing output file " << line;
    }
  }
  std::error_code ec;
  fs::remove_all(root, ec);
}

INSTANTIATE_TEST_SUITE_P(Cases,
                         CliGoldenTest,
                         testing::ValuesIn(CaseNames()),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::replace_if(
                               name.begin(), name.end(),
                               [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); },
                               '_');
                           return name;
                         });

}  // namespace
}  // namespace provisio::cli
