// `provisio firmware scan`: unpack a firmware image and report hardening
// findings mapped to EN 303 645 provisions.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"

namespace provisio::cli {

struct FirmwareScanOptions {
  std::string image;
  std::string out_dir;  // Writes findings.json, findings.sarif, sbom.cdx.json there.
  bool json = false;    // stdout: the JSON report instead of the summary.
  std::string sarif_path;
  std::string sbom_path;
  std::string evidence_path;
  std::string product_version;  // Required with evidence_path.
  std::string password_lists;   // Empty: the lists this build ships.
  std::string engine = "best";  // "best" or "portable".
  unsigned threads = 2;
  bool no_pattern_cache = false;  // Compile the pattern databases every run.
};

// Runs the scan; returns the exit status (0 clean, 3 findings, 1 failure,
// 2 usage).
int RunFirmwareScan(const FirmwareScanOptions& options, std::ostream& out, std::ostream& err);

void AddFirmwareCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
