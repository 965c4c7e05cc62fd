// Reads a JUnit XML test report (the format most test runners and CI systems
// write) and sums up its test cases. Private to `assess`.
#pragma once

#include <string>
#include <string_view>

#include "provisio/core/result.h"

namespace provisio::assess {

struct JunitSummary {
  int tests = 0;     // <testcase> elements.
  int failures = 0;  // Test cases with a <failure> child.
  int errors = 0;    // Test cases with an <error> child.
  int skipped = 0;   // Test cases with a <skipped> child.
  // A <testsuite> declares more failures or errors than its test cases show.
  bool suite_counts_disagree = false;
  std::string first_failure;  // "classname.name: message" of the first failed case.

  // Every test case ran and passed, and there was at least one.
  bool AllPassed() const {
    return tests > 0 && failures == 0 && errors == 0 && skipped == 0 && !suite_counts_disagree;
  }
  // "12 test cases, 1 failure, 0 errors, 0 skipped".
  std::string Describe() const;
};

// Parses a JUnit report whose root is <testsuites> or <testsuite>. Fails with
// kParse ("source:line:col: ...") on malformed XML or another root element.
Result<JunitSummary> ParseJunit(std::string_view text, std::string_view source_name);

}  // namespace provisio::assess
