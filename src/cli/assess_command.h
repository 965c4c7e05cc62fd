// `provisio assess DIR`: assesses a product's conformance folder against
// EN 303 645, prints a summary (or the JSON report), writes the reports with
// --out, records the run with --record, and exits 3 when the release gate
// fails.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"
#include "provisio/core/clock.h"

namespace provisio::cli {

struct AssessCommandOptions {
  std::string product_dir;
  std::string out_dir;                    // Write report.json, report.html, junit.xml here.
  bool json = false;                      // Print the JSON report instead of the summary.
  bool recommendations_required = false;  // Recommendations must pass too.
  bool record = false;                    // Store the run in <product_dir>/.provisio/history.db.
  std::string history_store;              // Or here: a SQLite file or a postgresql:// URI.
  bool all = false;                       // List every provision, not only the open ones.
  std::string as_of;                      // Evaluate waivers at this UTC time ("" = now).
};

// Runs the assessment. Returns 0 when the gate passes, 3 when it fails, 1
// when the folder cannot be assessed (bad product.yaml, escaping paths, ...).
int RunAssess(const AssessCommandOptions& options,
              const Clock& clock,
              std::ostream& out,
              std::ostream& err);

void AddAssessCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
