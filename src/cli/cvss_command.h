// `provisio cvss VECTOR [--json]`: scores a CVSS v3.1 or v4.0 vector and
// prints the score and severity (v3.1 also the temporal and environmental
// scores when the vector has such metrics; v4.0 also the MacroVector).
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace provisio::cli {

struct CvssOptions {
  std::string vector;
  bool json = false;
};

// Exit 0 when scored, 1 when the vector is malformed or of another version.
int RunCvss(const CvssOptions& options, std::ostream& out, std::ostream& err);

// Adds `cvss` to `app`.
void AddCvssCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
