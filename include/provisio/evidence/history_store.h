// The assessment history of one product: every recorded `provisio assess
// --record` run (device, versions, time, gate result, the verdict of every
// provision, the SHA-256 of its report.json) in a SQLite file inside the
// product folder (or a shared PostgreSQL database), and how verdicts changed
// from one software version to the next. Schema and location: docs/report.md ("History store").
//
// This module sits below `assess`, so runs are a neutral struct with verdicts
// as text ("PASS", "FAIL", "NOT_APPLICABLE", "INCONCLUSIVE").
//
// Typical use:
//   auto store = HistoryStore::Open(HistoryStorePath(product_dir));
//   if (!store) return Fail(store.error().WithContext("opening history"));
//   auto id = store->Record(run);
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::evidence {

// Where the store lives, relative to the product folder.
inline constexpr std::string_view kHistoryStoreRelativePath = ".provisio/history.db";

// `<product_dir>/.provisio/history.db`.
std::filesystem::path HistoryStorePath(const std::filesystem::path& product_dir);

// One recorded assessment run.
struct AssessmentRun {
  std::int64_t id = 0;                    // Assigned by Record(); ignored on input.
  std::string product;                    // Manufacturer (or product name) of the device.
  std::string model;                      // Device model.
  std::string hardware_version;           // Optional.
  std::string software_version;           // The version this run speaks for.
  std::string standard_version;           // EN 303 645 edition, e.g. "3.1.3".
  std::string tool_version;               // provisio version that assessed it.
  TimePoint assessed_at{};                // UTC, from the assessment (not the store's clock).
  bool gate_passed = false;               // Release-gate decision.
  std::vector<std::string> blocking_ids;  // Provisions that stopped the release.
  // Provision id -> verdict ("PASS", "FAIL", "NOT_APPLICABLE", "INCONCLUSIVE"),
  // in catalogue order. Ids are unique.
  std::vector<std::pair<std::string, std::string>> verdicts;
  std::string report_sha256;  // SHA-256 of the report.json written for this run ("" if none).
};

class HistoryStore {
 public:
  // Opens the store at `location` and migrates its schema: a SQLite file
  // (created with its parent folder if missing; a std::filesystem::path
  // converts) or a PostgreSQL URI ("postgresql://host/db") for a store that
  // a team or a CI fleet shares. Fails with kIo if it cannot be opened, or
  // with kUnsupported if a newer provisio wrote it.
  static Result<HistoryStore> Open(const std::string& location);

  HistoryStore(HistoryStore&&) noexcept;
  HistoryStore& operator=(HistoryStore&&) noexcept;
  ~HistoryStore();

  // Stores `run` in one transaction and returns its id. Fails with
  // kInvalidArgument if a verdict has an empty id or verdict, or an id repeats.
  Result<std::int64_t> Record(const AssessmentRun& run);

  // Every run, oldest first (by assessed_at, then by id).
  Result<std::vector<AssessmentRun>> Runs();

  // Where the store lives, safe to print (a PostgreSQL password is masked).
  std::string Describe() const;

 private:
  struct Impl;
  explicit HistoryStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// One software version in the history: its latest run and counts by verdict.
struct VersionSummary {
  std::string software_version;
  AssessmentRun latest_run;           // The most recent run of this version.
  int run_count = 0;                  // How many runs were recorded for it.
  std::map<std::string, int> counts;  // Verdict text -> number of provisions.
};

// A provision whose verdict differs between two consecutive versions.
struct VerdictChange {
  std::string provision_id;
  std::string from_version;
  std::string from_verdict;  // "" when the provision was not assessed in from_version.
  std::string to_version;
  std::string to_verdict;  // "" when the provision was not assessed in to_version.
};

struct VersionHistory {
  // Versions in the order they were first assessed.
  std::vector<VersionSummary> versions;
  // For each pair of consecutive versions, the provisions whose verdict
  // changed (from the latest run of each), in the later run's order;
  // provisions that disappeared follow.
  std::vector<VerdictChange> changes;
};

// Groups `runs` (any order) by software version and lists verdict changes
// between consecutive versions. Never fails.
VersionHistory CompareVersions(const std::vector<AssessmentRun>& runs);

}  // namespace provisio::evidence
