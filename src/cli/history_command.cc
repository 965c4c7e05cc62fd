#include "cli/history_command.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>
#include <vector>

#include "cli/exit_codes.h"
#include "formats/document.h"
#include "provisio/assess/product.h"
#include "provisio/evidence/history_store.h"

namespace provisio::cli {
namespace {

using formats::Json;

constexpr std::string_view kCommand = "provisio history";

// The verdicts in the order the columns show them.
const char* const kVerdictColumns[] = {"PASS", "FAIL", "INCONCLUSIVE", "NOT_APPLICABLE"};

std::string VerdictOrNone(const std::string& verdict) {
  return verdict.empty() ? std::string("(not assessed)") : verdict;
}

std::string Join(const std::vector<std::string>& items, std::string_view separator) {
  std::string joined;
  for (const std::string& item : items) {
    if (!joined.empty()) {
      joined += separator;
    }
    joined += item;
  }
  return joined;
}

// Left-aligned columns wide enough for every cell.
void PrintTable(const std::vector<std::vector<std::string>>& rows, std::ostream& out) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line;
    for (std::size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(widths[i] - row[i].size() + 2, ' ');
      }
    }
    out << line << '\n';
  }
}

// Per provision, its verdict across versions where it changed:
// "1.0 FAIL -> 1.1 PASS -> 1.3 FAIL". Provisions in order of first change.
std::vector<std::pair<std::string, std::string>> ChangesPerProvision(
    const std::vector<evidence::VerdictChange>& changes) {
  std::vector<std::pair<std::string, std::string>> lines;
  std::map<std::string, std::size_t> index;
  for (const evidence::VerdictChange& change : changes) {
    auto [it, inserted] = index.try_emplace(change.provision_id, lines.size());
    if (inserted) {
      lines.emplace_back(change.provision_id,
                         change.from_version + " " + VerdictOrNone(change.from_verdict));
    }
    lines[it->second].second += " -> " + change.to_version + " " + VerdictOrNone(change.to_verdict);
  }
  return lines;
}

void PrintHuman(const std::string& store_path,
                std::size_t run_count,
                const evidence::VersionHistory& history,
                std::ostream& out) {
  const evidence::AssessmentRun& latest = history.versions.back().latest_run;
  std::string device = latest.product;
  if (!latest.model.empty()) {
    device += (device.empty() ? "" : " ") + latest.model;
  }
  out << "History of " << (device.empty() ? std::string("(unnamed device)") : device) << ": "
      << run_count << (run_count == 1 ? " run" : " runs") << ", " << history.versions.size()
      << (history.versions.size() == 1 ? " software version" : " software versions") << " ("
      << store_path << ")\n\n";

  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> header = {"Version", "Assessed at", "Runs", "Gate"};
  header.insert(header.end(), std::begin(kVerdictColumns), std::end(kVerdictColumns));
  header.emplace_back("Blocking");
  rows.push_back(header);
  for (const evidence::VersionSummary& version : history.versions) {
    const evidence::AssessmentRun& run = version.latest_run;
    std::vector<std::string> row = {
        version.software_version.empty() ? "(none)" : version.software_version,
        FormatUtc(run.assessed_at), std::to_string(version.run_count),
        run.gate_passed ? "PASS" : "FAIL"};
    for (const char* verdict : kVerdictColumns) {
      auto it = version.counts.find(verdict);
      row.push_back(std::to_string(it == version.counts.end() ? 0 : it->second));
    }
    row.push_back(run.blocking_ids.empty() ? "-" : Join(run.blocking_ids, " "));
    rows.push_back(std::move(row));
  }
  PrintTable(rows, out);
  out << '\n';

  if (history.versions.size() < 2) {
    out << "Only one software version is recorded, so there are no changes to show.\n";
    return;
  }
  const auto per_provision = ChangesPerProvision(history.changes);
  if (per_provision.empty()) {
    out << "No verdict changed between software versions.\n";
    return;
  }
  out << "Verdict changes per provision (" << per_provision.size()
      << (per_provision.size() == 1 ? " provision" : " provisions") << "):\n";
  std::vector<std::vector<std::string>> change_rows;
  for (const auto& [id, line] : per_provision) {
    change_rows.push_back({"  " + id, line});
  }
  PrintTable(change_rows, out);
}

Json ToJson(const std::string& store_path,
            std::size_t run_count,
            const evidence::VersionHistory& history) {
  Json root = Json::object();
  root["store"] = store_path;
  root["runs"] = run_count;
  Json& versions = root["versions"] = Json::array();
  for (const evidence::VersionSummary& version : history.versions) {
    const evidence::AssessmentRun& run = version.latest_run;
    Json item = Json::object();
    item["software_version"] = version.software_version;
    item["runs"] = version.run_count;
    Json counts = Json::object();
    for (const char* verdict : kVerdictColumns) {
      auto it = version.counts.find(verdict);
      counts[verdict] = it == version.counts.end() ? 0 : it->second;
    }
    item["counts"] = counts;
    Json latest = Json::object();
    latest["id"] = run.id;
    latest["assessed_at"] = FormatUtc(run.assessed_at);
    latest["product"] = run.product;
    latest["model"] = run.model;
    latest["hardware_version"] = run.hardware_version;
    latest["standard_version"] = run.standard_version;
    latest["tool_version"] = run.tool_version;
    latest["gate_passed"] = run.gate_passed;
    latest["blocking_ids"] = run.blocking_ids;
    latest["report_sha256"] = run.report_sha256;
    item["latest_run"] = latest;
    versions.push_back(std::move(item));
  }
  Json& changes = root["changes"] = Json::array();
  for (const evidence::VerdictChange& change : history.changes) {
    Json item = Json::object();
    item["provision"] = change.provision_id;
    item["from_version"] = change.from_version;
    item["from_verdict"] = change.from_verdict.empty() ? Json(nullptr) : Json(change.from_verdict);
    item["to_version"] = change.to_version;
    item["to_verdict"] = change.to_verdict.empty() ? Json(nullptr) : Json(change.to_verdict);
    changes.push_back(std::move(item));
  }
  return root;
}

}  // namespace

int RunHistory(const HistoryOptions& options, std::ostream& out, std::ostream& err) {
  const std::filesystem::path dir(options.product_dir);
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    err << kCommand << ": " << options.product_dir << ": no such folder\n";
    return kExitFailure;
  }
  const bool shared = !options.store.empty();
  std::string store_path = shared ? options.store : evidence::HistoryStorePath(dir).string();
  std::vector<evidence::AssessmentRun> runs;
  if (shared || std::filesystem::exists(store_path, ec)) {
    Result<evidence::HistoryStore> store = evidence::HistoryStore::Open(store_path);
    if (!store) {
      err << kCommand << ": " << store.error().message() << '\n';
      return kExitFailure;
    }
    store_path = store->Describe();
    Result<std::vector<evidence::AssessmentRun>> read = store->Runs();
    if (!read) {
      err << kCommand << ": " << read.error().message() << '\n';
      return kExitFailure;
    }
    runs = std::move(*read);
  }
  if (shared) {
    // A shared store holds every product's runs: keep this product's.
    Result<assess::ProductFile> product = assess::ReadProductFile(dir);
    if (!product) {
      err << kCommand << ": " << product.error().message() << '\n';
      return kExitFailure;
    }
    std::erase_if(runs, [&](const evidence::AssessmentRun& run) {
      return run.product != product->dut.manufacturer || run.model != product->dut.model;
    });
  }
  const evidence::VersionHistory history = evidence::CompareVersions(runs);

  if (options.json) {
    out << formats::DumpJson(ToJson(store_path, runs.size(), history), 2) << '\n';
    return kExitOk;
  }
  if (runs.empty()) {
    out << "No assessment runs recorded for " << options.product_dir << " (" << store_path
        << "). Record one with: provisio assess " << options.product_dir << " --record\n";
    return kExitOk;
  }
  PrintHuman(store_path, runs.size(), history, out);
  return kExitOk;
}

void AddHistoryCommands(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<HistoryOptions>();
  CLI::App* history =
      app.add_subcommand("history",
                         "How verdicts changed across software versions, from runs recorded with "
                         "`provisio assess DIR --record` (stored in DIR/.provisio/history.db)");
  history->add_option("dir", options->product_dir, "The product's conformance folder")->required();
  history->add_flag("--json", options->json, "Print JSON (versions, counts, changes)");
  history
      ->add_option("--store", options->store,
                   "Read a shared store (SQLite file or postgresql://user@host/db URI, as "
                   "given to `assess --record --history-store`) instead of "
                   "DIR/.provisio/history.db; shows the runs of DIR's manufacturer and model")
      ->envname("PROVISIO_HISTORY_STORE");
  history->footer(
      "For each software version (in the order first assessed) the latest run's verdict\n"
      "counts and gate result, then each provision whose verdict changed between versions,\n"
      "e.g. \"5.1-1  1.0 FAIL -> 1.1 PASS\". Exit 0 when the history was shown (also when\n"
      "nothing is recorded yet), 1 when the folder or its store cannot be read.");
  history->callback(
      [options, &context] { context.status = RunHistory(*options, context.out, context.err); });
}

}  // namespace provisio::cli
