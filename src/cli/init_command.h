// `provisio init DIR`: scaffolds product.yaml for a new product. The
// feature and condition answers come from flags (for scripts) or, when
// stdin is a terminal and a flag is missing, from questions.
#pragma once

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace provisio::cli {

struct InitOptions {
  std::string dir;
  std::string standard = "3.1.3";
  std::string manufacturer;
  std::string model;
  std::string hardware_version;
  std::string software_version;
  std::vector<std::string> features;    // "a=yes", "g=no".
  std::vector<std::string> conditions;  // "12=yes".
  bool no_input = false;                // Never ask, even on a terminal.
  bool force = false;                   // Overwrite an existing product.yaml.
};

// Writes DIR/product.yaml. Asks the missing answers on `in` (prompts on
// `err`) when `interactive` and not options.no_input. Returns 0, 1 when the
// file cannot be written or exists without --force, 2 for a bad answer flag.
int RunInit(const InitOptions& options,
            std::istream& in,
            bool interactive,
            std::ostream& out,
            std::ostream& err);

void AddInitCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
