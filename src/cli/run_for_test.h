// Test helper: runs the whole `provisio` program in-process, as a user's
// argv would, and captures what it printed.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "cli/run.h"

namespace provisio::cli {

struct Outcome {
  int status;
  std::string out;
  std::string err;
};

// `args` excludes the program name.
inline Outcome RunWith(std::vector<std::string> args) {
  args.insert(args.begin(), "provisio");
  std::vector<const char*> argv;
  for (const std::string& a : args) {
    argv.push_back(a.c_str());
  }
  std::ostringstream out;
  std::ostringstream err;
  const int status = Run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {status, out.str(), err.str()};
}

}  // namespace provisio::cli
