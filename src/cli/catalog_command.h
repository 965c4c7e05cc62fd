// `provisio catalog list|show|diff|psti`: the EN 303 645 provisions as data.
#pragma once

#include <optional>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace provisio::cli {

struct CatalogListOptions {
  std::string standard = "en303645:3.1.3";
  std::string clause;  // "5.1": only that clause.
  std::string status;  // "M" or "R": only that status.
  bool json = false;
};

struct CatalogShowOptions {
  std::string standard = "en303645:3.1.3";
  std::string id;
  bool json = false;
};

struct CatalogDiffOptions {
  std::string from = "2.1.1";
  std::string to = "3.1.3";
  bool json = false;
  bool include_unchanged = false;
};

int RunCatalogList(const CatalogListOptions& options, std::ostream& out, std::ostream& err);
int RunCatalogShow(const CatalogShowOptions& options, std::ostream& out, std::ostream& err);
int RunCatalogDiff(const CatalogDiffOptions& options, std::ostream& out, std::ostream& err);
int RunCatalogPsti(bool json, std::ostream& out, std::ostream& err);

void AddCatalogCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
