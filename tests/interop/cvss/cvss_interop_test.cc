// Differential test against an independent implementation: 2000 random v3.1
// and 2000 random v4.0 vectors from a seeded generator are scored by provisio
// and by the npm ae-cvss-calculator (score.mjs); every score must agree.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/cvss/cvss.h"

namespace provisio::cvss {
namespace {

namespace fs = std::filesystem;

// xorshift32: deterministic and the same on every platform.
class Xorshift {
 public:
  explicit Xorshift(std::uint32_t seed) : state_(seed) {}
  std::uint32_t Next() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_;
  }
  bool Coin() { return (Next() & 1U) == 1U; }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Next() % items.size()];
  }

 private:
  std::uint32_t state_;
};

struct Metric {
  std::string name;
  std::vector<std::string> values;
};

std::string RandomVector(Xorshift& random,
                         const std::string& prefix,
                         const std::vector<Metric>& base,
                         const std::vector<std::vector<Metric>>& optional_groups) {
  std::string vector = prefix;
  for (const Metric& m : base) {
    vector += "/" + m.name + ":" + random.Pick(m.values);
  }
  for (const std::vector<Metric>& group : optional_groups) {
    if (!random.Coin()) {
      continue;
    }
    for (const Metric& m : group) {
      if (random.Coin()) {
        vector += "/" + m.name + ":" + random.Pick(m.values);
      }
    }
  }
  return vector;
}

std::vector<std::string> RandomV31(Xorshift& random, int count) {
  const std::vector<Metric> base = {
      {"AV", {"N", "A", "L", "P"}}, {"AC", {"L", "H"}},    {"PR", {"N", "L", "H"}},
      {"UI", {"N", "R"}},           {"S", {"U", "C"}},     {"C", {"H", "L", "N"}},
      {"I", {"H", "L", "N"}},       {"A", {"H", "L", "N"}}};
  const std::vector<Metric> temporal = {{"E", {"X", "H", "F", "P", "U"}},
                                        {"RL", {"X", "U", "W", "T", "O"}},
                                        {"RC", {"X", "C", "R", "U"}}};
  const std::vector<Metric> environmental = {
      {"CR", {"X", "H", "M", "L"}}, {"IR", {"X", "H", "M", "L"}},
      {"AR", {"X", "H", "M", "L"}}, {"MAV", {"X", "N", "A", "L", "P"}},
      {"MAC", {"X", "L", "H"}},     {"MPR", {"X", "N", "L", "H"}},
      {"MUI", {"X", "N", "R"}},     {"MS", {"X", "U", "C"}},
      {"MC", {"X", "H", "L", "N"}}, {"MI", {"X", "H", "L", "N"}},
      {"MA", {"X", "H", "L", "N"}}};
  std::vector<std::string> out;
  std::set<std::string> seen;
  while (out.size() < static_cast<std::size_t>(count)) {
    std::string v = RandomVector(random, "CVSS:3.1", base, {temporal, environmental});
    if (seen.insert(v).second) {
      out.push_back(v);
    }
  }
  return out;
}

std::vector<std::string> RandomV40(Xorshift& random, int count) {
  const std::vector<Metric> base = {
      {"AV", {"N", "A", "L", "P"}}, {"AC", {"L", "H"}},      {"AT", {"N", "P"}},
      {"PR", {"N", "L", "H"}},      {"UI", {"N", "P", "A"}}, {"VC", {"H", "L", "N"}},
      {"VI", {"H", "L", "N"}},      {"VA", {"H", "L", "N"}}, {"SC", {"H", "L", "N"}},
      {"SI", {"H", "L", "N"}},      {"SA", {"H", "L", "N"}}};
  const std::vector<Metric> threat = {{"E", {"X", "A", "P", "U"}}};
  const std::vector<Metric> environmental = {
      {"CR", {"X", "H", "M", "L"}},       {"IR", {"X", "H", "M", "L"}},
      {"AR", {"X", "H", "M", "L"}},       {"MAV", {"X", "N", "A", "L", "P"}},
      {"MAC", {"X", "L", "H"}},           {"MAT", {"X", "N", "P"}},
      {"MPR", {"X", "N", "L", "H"}},      {"MUI", {"X", "N", "P", "A"}},
      {"MVC", {"X", "H", "L", "N"}},      {"MVI", {"X", "H", "L", "N"}},
      {"MVA", {"X", "H", "L", "N"}},      {"MSC", {"X", "H", "L", "N"}},
      {"MSI", {"X", "S", "H", "L", "N"}}, {"MSA", {"X", "S", "H", "L", "N"}}};
  const std::vector<Metric> supplemental = {
      {"S", {"X", "N", "P"}},       {"AU", {"X", "N", "Y"}},
      {"R", {"X", "A", "U", "I"}},  {"V", {"X", "D", "C"}},
      {"RE", {"X", "L", "M", "H"}}, {"U", {"X", "Clear", "Green", "Amber", "Red"}}};
  std::vector<std::string> out;
  std::set<std::string> seen;
  while (out.size() < static_cast<std::size_t>(count)) {
    std::string v = RandomVector(random, "CVSS:4.0", base, {threat, environmental, supplemental});
    if (seen.insert(v).second) {
      out.push_back(v);
    }
  }
  return out;
}

std::string OneDecimal(double value) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << value;
  return out.str();
}

class CvssInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("provisio-cvss-interop-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }

  // Runs score.mjs over `vectors`; returns vector -> remaining columns.
  std::map<std::string, std::vector<std::string>> ScoreWithPeer(
      const std::vector<std::string>& vectors) {
    const fs::path input = dir_ / "vectors.txt";
    const fs::path output = dir_ / "scores.tsv";
    {
      std::ofstream in(input);
      for (const std::string& v : vectors) {
        in << v << '\n';
      }
    }
    const std::string command = "cd '" + PeerDir().string() + "' && '" +
                                std::string(PROVISIO_NODE) + "' score.mjs < '" + input.string() +
                                "' > '" + output.string() + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << command;
    std::map<std::string, std::vector<std::string>> scores;
    std::ifstream out(output);
    std::string line;
    while (std::getline(out, line)) {
      std::vector<std::string> fields;
      std::stringstream stream(line);
      std::string field;
      while (std::getline(stream, field, '\t')) {
        fields.push_back(field);
      }
      if (!fields.empty()) {
        const std::string vector = fields.front();
        fields.erase(fields.begin());
        scores[vector] = fields;
      }
    }
    return scores;
  }

  static fs::path PeerDir() { return fs::path(PROVISIO_SOURCE_DIR) / "tests/interop/cvss"; }

  static bool PeerAvailable() {
    return std::string(PROVISIO_NODE).find("NOTFOUND") == std::string::npos &&
           fs::exists(PeerDir() / "node_modules/ae-cvss-calculator/package.json");
  }

  fs::path dir_;
};

TEST_F(CvssInteropTest, RandomV31VectorsScoreAsAeCvssCalculatorDoes) {
  if (!PeerAvailable()) {
    GTEST_SKIP() << "node or ae-cvss-calculator missing: run scripts/npm-setup";
  }
  Xorshift random(20261128);
  const std::vector<std::string> vectors = RandomV31(random, 2000);

  const auto peer = ScoreWithPeer(vectors);

  ASSERT_EQ(peer.size(), vectors.size());
  int disagreements = 0;
  for (const std::string& v : vectors) {
    Result<Cvss31> parsed = ParseCvss31(v);
    ASSERT_TRUE(parsed.has_value()) << v << ": " << parsed.error().message();
    const Score31 ours = Compute(*parsed);
    const std::vector<std::string>& theirs = peer.at(v);
    ASSERT_EQ(theirs.size(), 3u) << v << ": " << (theirs.empty() ? "" : theirs.back());
    // ae-cvss-calculator reports no temporal/environmental score when every
    // metric of the group is X; then the group must indeed be all X for us.
    auto group_or_none = [&parsed](const std::vector<std::string>& group, double score,
                                   const std::string& peer_value) {
      if (peer_value != "-") {
        return OneDecimal(score);
      }
      for (const std::string& metric : group) {
        if (parsed->Get(metric) != "X") {
          return OneDecimal(score);
        }
      }
      return std::string("-");
    };
    std::string mine = OneDecimal(ours.base);
    mine += "\t" + group_or_none({"E", "RL", "RC"}, ours.temporal, theirs[1]);
    mine +=
        "\t" + group_or_none({"CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"},
                             ours.environmental, theirs[2]);
    const std::string want = theirs[0] + "\t" + theirs[1] + "\t" + theirs[2];
    if (mine != want) {
      ++disagreements;
      ADD_FAILURE() << v << ": provisio " << mine << ", ae-cvss-calculator " << want;
    }
  }
  EXPECT_EQ(disagreements, 0);
}

TEST_F(CvssInteropTest, RandomV40VectorsScoreAsAeCvssCalculatorDoes) {
  if (!PeerAvailable()) {
    GTEST_SKIP() << "node or ae-cvss-calculator missing: run scripts/npm-setup";
  }
  Xorshift random(4004);
  const std::vector<std::string> vectors = RandomV40(random, 2000);

  const auto peer = ScoreWithPeer(vectors);

  ASSERT_EQ(peer.size(), vectors.size());
  int disagreements = 0;
  for (const std::string& v : vectors) {
    Result<Cvss40> parsed = ParseCvss40(v);
    ASSERT_TRUE(parsed.has_value()) << v << ": " << parsed.error().message();
    const std::string mine = OneDecimal(Score40(*parsed));
    const std::vector<std::string>& theirs = peer.at(v);
    ASSERT_FALSE(theirs.empty());
    if (mine != theirs[0]) {
      ++disagreements;
      ADD_FAILURE() << v << ": provisio " << mine << ", ae-cvss-calculator "
                    << theirs[theirs.size() - 1];
    }
  }
  EXPECT_EQ(disagreements, 0);
}

}  // namespace
}  // namespace provisio::cvss
