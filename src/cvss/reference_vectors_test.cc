// Differential test against the FIRST reference calculators: every vector in
// testdata/ (scored by FIRST's cvsscalc31.js and the FIRST/Red Hat cvss40.js)
// must get exactly the same scores, severity and MacroVector from us.
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/cvss/cvss.h"

namespace provisio::cvss {
namespace {

std::vector<std::vector<std::string>> ReadTsv(const std::string& name) {
  std::ifstream in(std::string(PROVISIO_SOURCE_DIR) + "/src/cvss/testdata/" + name);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {
      header = false;
      continue;
    }
    if (line.empty()) {
      continue;
    }
    std::vector<std::string> fields;
    std::stringstream stream(line);
    std::string field;
    while (std::getline(stream, field, '\t')) {
      fields.push_back(field);
    }
    rows.push_back(fields);
  }
  return rows;
}

std::string OneDecimal(double value) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(1);
  out << value;
  return out.str();
}

TEST(ReferenceVectorsTest, AgreesWithFirstCalculatorOnEveryV31Vector) {
  const auto rows = ReadTsv("cvss31_vectors.tsv");
  ASSERT_GT(rows.size(), 2000u);
  int disagreements = 0;

  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 5u);
    Result<Cvss31> vector = ParseCvss31(row[0]);
    ASSERT_TRUE(vector.has_value()) << row[0] << ": " << vector.error().message();
    const Score31 score = Compute(*vector);
    const std::string got = OneDecimal(score.base) + " " + OneDecimal(score.temporal) + " " +
                            OneDecimal(score.environmental) + " " +
                            std::string(ToString(Rate(score.base)));
    const std::string want = row[1] + " " + row[2] + " " + row[3] + " " + row[4];
    if (got != want) {
      ++disagreements;
      ADD_FAILURE() << row[0] << ": got " << got << ", FIRST says " << want;
    }
  }

  EXPECT_EQ(disagreements, 0) << "of " << rows.size();
}

TEST(ReferenceVectorsTest, AgreesWithFirstCalculatorOnEveryV40Vector) {
  const auto rows = ReadTsv("cvss40_vectors.tsv");
  ASSERT_GT(rows.size(), 2000u);
  int disagreements = 0;

  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 4u);
    Result<Cvss40> vector = ParseCvss40(row[0]);
    ASSERT_TRUE(vector.has_value()) << row[0] << ": " << vector.error().message();
    const double score = Score40(*vector);
    const std::string got =
        OneDecimal(score) + " " + std::string(ToString(Rate(score))) + " " + MacroVector(*vector);
    const std::string want = row[1] + " " + row[2] + " " + row[3];
    if (got != want) {
      ++disagreements;
      ADD_FAILURE() << row[0] << ": got " << got << ", FIRST says " << want;
    }
  }

  EXPECT_EQ(disagreements, 0) << "of " << rows.size();
}

TEST(ReferenceVectorsTest, NormalisedVectorsRoundTripUnchanged) {
  for (const auto& row : ReadTsv("cvss40_vectors.tsv")) {
    Result<Cvss40> vector = ParseCvss40(row[0]);
    ASSERT_TRUE(vector.has_value());
    EXPECT_EQ(vector->ToString(), row[0]);
  }
}

}  // namespace
}  // namespace provisio::cvss
