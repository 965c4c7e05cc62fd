// One Add<Area>Commands function per area; commands.cc calls each once.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace provisio::cli {

// Registers every subcommand of the program on `app`.
void AddAllCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
