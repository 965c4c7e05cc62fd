// The whole `provisio` program as a function, so tests call it without a
// subprocess.
#pragma once

#include <ostream>

namespace provisio::cli {

// Parses argv, runs the chosen subcommand and returns its exit status
// (cli/exit_codes.h). Results go to `out`, diagnostics to `err`.
int Run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace provisio::cli
