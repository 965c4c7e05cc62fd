#include "cli/commands.h"

// Each area adds its header and one call below, in dependency order.

namespace provisio::cli {

void AddAllCommands(CLI::App& app, CommandContext& context) {
  (void)app;
  (void)context;
}

}  // namespace provisio::cli
