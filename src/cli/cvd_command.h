// `provisio cvd ...`: the coordinated vulnerability disclosure case tracker.
// Recording commands (open, acknowledge, triage, severity, affected, fix,
// release, disclose, close, note, waiting-on-reporter, resume) append one
// event to the hash-chained log; show, list, metrics, verify, export-csaf and
// evidence read it. See docs/disclosure.md.
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"
#include "provisio/core/clock.h"
#include "provisio/disclosure/case.h"

namespace provisio::cli {

struct CvdOptions {
  // Shared by every subcommand.
  std::string store = ".provisio/cvd.db";  // SQLite file or postgresql:// URI.
  std::string actor;                       // Default: $USER.
  std::string at;      // Hidden --at: event time / "as of" time instead of the clock.
  std::string policy;  // vdp.yaml whose timelines set the SLAs.
  bool json = false;

  // Recording.
  disclosure::EventType type = disclosure::EventType::kNote;
  std::string case_id;
  std::string reporter, summary, channel = "email", received, cve;
  std::string message, outcome, duplicate_of, reason;
  std::string vector;
  std::string product, versions, status, justification, impact;
  std::string description, ref, version, url, text;
  bool to_reporter = false;

  // list
  bool overdue_only = false;

  // verify: a head hash recorded earlier (outside the store) that the chain
  // must still contain.
  std::string expect_head;

  // export-csaf and evidence
  std::string out;
  bool vex = false;
  std::string publisher_name, publisher_namespace, title;
  std::string manufacturer, model, hardware_version, software_version;
};

// Appends the event described by options.type and its fields; prints the
// case id and event number. Exit 1 when refused (the message lists the
// allowed next steps) or the store fails.
int RunCvdRecord(const CvdOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err);

// `show CASE`: the case, its SLA clocks, allowed next steps and events.
int RunCvdShow(const CvdOptions& options, const Clock& clock, std::ostream& out, std::ostream& err);

// `list [--overdue]`: one line per case. With --overdue, exit 3 when any is overdue.
int RunCvdList(const CvdOptions& options, const Clock& clock, std::ostream& out, std::ostream& err);

// `metrics`: medians, SLA compliance and open cases by severity.
int RunCvdMetrics(const CvdOptions& options,
                  const Clock& clock,
                  std::ostream& out,
                  std::ostream& err);

// `verify`: exit 0 when the chain verifies, 3 with the first bad event otherwise.
int RunCvdVerify(const CvdOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err);

// `export-csaf CASE --out FILE [--vex]`.
int RunCvdExportCsaf(const CvdOptions& options,
                     const Clock& clock,
                     std::ostream& out,
                     std::ostream& err);

// `evidence --policy vdp.yaml --out FILE`: evidence record for 5.2-1..5.2-3.
int RunCvdEvidence(const CvdOptions& options,
                   const Clock& clock,
                   std::ostream& out,
                   std::ostream& err);

// Adds `cvd` and its subcommands to `app`.
void AddCvdCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
