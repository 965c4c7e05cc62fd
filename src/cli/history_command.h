// `provisio history DIR`: how verdicts changed across software versions, from
// the runs `provisio assess DIR --record` stored in DIR/.provisio/history.db.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace provisio::cli {

struct HistoryOptions {
  std::string product_dir;  // The product's conformance folder.
  bool json = false;        // Print JSON instead of tables.
  // A shared store (SQLite file or postgresql:// URI) instead of
  // DIR/.provisio/history.db; only this product's runs (manufacturer and
  // model from DIR/product.yaml) are shown from it.
  std::string store;
};

// Prints, per software version (in the order first assessed), the latest
// run's verdict counts and gate result, then per provision the verdict
// changes between versions. A folder with no store prints "no runs" and
// succeeds; the store is never created by this command. Returns kExitOk, or
// kExitFailure if the folder or the store cannot be read.
int RunHistory(const HistoryOptions& options, std::ostream& out, std::ostream& err);

void AddHistoryCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
