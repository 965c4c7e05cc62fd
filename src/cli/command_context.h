// What every subcommand receives from Run(): the output streams and the slot
// for its exit status. Passed by reference; no globals.
#pragma once

#include <ostream>

namespace provisio::cli {

struct CommandContext {
  std::ostream& out;  // Results only (human text or --json).
  std::ostream& err;  // Diagnostics, prefixed with the command name.
  int& status;        // Set by the subcommand's callback.
};

}  // namespace provisio::cli
