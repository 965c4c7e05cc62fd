#include "provisio/evidence/history_store.h"

#include <algorithm>
#include <chrono>
#include <set>
#include <system_error>
#include <unordered_map>

#include "sql/sqlite_database.h"

namespace provisio::evidence {
namespace {

constexpr std::string_view kStoreName = "history store";

// Schema history. Add new steps at the end; never edit a released one.
const sql::Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE runs (
  id               INTEGER PRIMARY KEY,
  product          TEXT NOT NULL,
  model            TEXT NOT NULL,
  hardware_version TEXT NOT NULL,
  software_version TEXT NOT NULL,
  standard_version TEXT NOT NULL,
  tool_version     TEXT NOT NULL,
  assessed_at      INTEGER NOT NULL,  -- Seconds since 1970-01-01T00:00:00Z.
  gate_passed      INTEGER NOT NULL CHECK (gate_passed IN (0, 1)),
  report_sha256    TEXT NOT NULL
);
CREATE INDEX runs_by_time ON runs (assessed_at, id);
CREATE TABLE verdicts (
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,  -- Catalogue order within the run.
  provision_id TEXT NOT NULL,
  verdict      TEXT NOT NULL,
  PRIMARY KEY (run_id, provision_id)
);
CREATE TABLE blocking (
  run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  position     INTEGER NOT NULL,
  provision_id TEXT NOT NULL,
  PRIMARY KEY (run_id, position)
);
)sql"},
};

Result<void> Validate(const AssessmentRun& run) {
  std::set<std::string_view> seen;
  for (const auto& [id, verdict] : run.verdicts) {
    if (id.empty() || verdict.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "run has a verdict with an empty provision id or verdict");
    }
    if (!seen.insert(id).second) {
      return Fail(ErrorCode::kInvalidArgument, "run lists provision " + id + " twice");
    }
  }
  return {};
}

}  // namespace

struct HistoryStore::Impl {
  sql::SqliteDatabase db;
};

std::filesystem::path HistoryStorePath(const std::filesystem::path& product_dir) {
  return product_dir / std::filesystem::path(kHistoryStoreRelativePath);
}

HistoryStore::HistoryStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}
HistoryStore::HistoryStore(HistoryStore&&) noexcept = default;
HistoryStore& HistoryStore::operator=(HistoryStore&&) noexcept = default;
HistoryStore::~HistoryStore() = default;

Result<HistoryStore> HistoryStore::Open(const std::filesystem::path& path) {
  if (path.has_parent_path() && path != ":memory:") {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return Fail(ErrorCode::kIo, "creating " + path.parent_path().string() + ": " + ec.message());
    }
  }
  Result<sql::SqliteDatabase> db = sql::SqliteDatabase::Open(path);
  if (!db) {
    return Fail(db.error().WithContext("opening history store"));
  }
  Result<void> migrated = db->Migrate(kMigrations, kStoreName);
  if (!migrated) {
    return Fail(migrated.error());
  }
  return HistoryStore(std::make_unique<Impl>(Impl{std::move(*db)}));
}

Result<std::int64_t> HistoryStore::Record(const AssessmentRun& run) {
  Result<void> valid = Validate(run);
  if (!valid) {
    return Fail(valid.error());
  }
  sql::SqliteDatabase& db = impl_->db;
  std::int64_t run_id = 0;
  Result<void> stored = db.InTransaction([&]() -> Result<void> {
    Result<sql::Statement> insert_run = db.Prepare(
        "INSERT INTO runs (product, model, hardware_version, software_version, "
        "standard_version, tool_version, assessed_at, gate_passed, report_sha256) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!insert_run) {
      return Fail(insert_run.error());
    }
    insert_run->Bind(1, run.product)
        .Bind(2, run.model)
        .Bind(3, run.hardware_version)
        .Bind(4, run.software_version)
        .Bind(5, run.standard_version)
        .Bind(6, run.tool_version)
        .Bind(7, static_cast<std::int64_t>(run.assessed_at.time_since_epoch().count()))
        .Bind(8, run.gate_passed ? 1 : 0)
        .Bind(9, run.report_sha256);
    Result<void> inserted = insert_run->Run();
    if (!inserted) {
      return inserted;
    }
    run_id = db.LastInsertRowId();

    Result<sql::Statement> insert_verdict = db.Prepare(
        "INSERT INTO verdicts (run_id, position, provision_id, verdict) VALUES (?, ?, ?, ?)");
    if (!insert_verdict) {
      return Fail(insert_verdict.error());
    }
    std::int64_t position = 0;
    for (const auto& [id, verdict] : run.verdicts) {
      Result<void> reset = insert_verdict->Reset();
      if (!reset) {
        return reset;
      }
      insert_verdict->Bind(1, run_id).Bind(2, position++).Bind(3, id).Bind(4, verdict);
      Result<void> done = insert_verdict->Run();
      if (!done) {
        return done;
      }
    }

    Result<sql::Statement> insert_blocking =
        db.Prepare("INSERT INTO blocking (run_id, position, provision_id) VALUES (?, ?, ?)");
    if (!insert_blocking) {
      return Fail(insert_blocking.error());
    }
    position = 0;
    for (const std::string& id : run.blocking_ids) {
      Result<void> reset = insert_blocking->Reset();
      if (!reset) {
        return reset;
      }
      insert_blocking->Bind(1, run_id).Bind(2, position++).Bind(3, id);
      Result<void> done = insert_blocking->Run();
      if (!done) {
        return done;
      }
    }
    return {};
  });
  if (!stored) {
    return Fail(stored.error().WithContext("recording assessment run"));
  }
  return run_id;
}

Result<std::vector<AssessmentRun>> HistoryStore::Runs() {
  sql::SqliteDatabase& db = impl_->db;
  std::vector<AssessmentRun> runs;
  std::unordered_map<std::int64_t, std::size_t> index;

  Result<sql::Statement> select_runs = db.Prepare(
      "SELECT id, product, model, hardware_version, software_version, standard_version, "
      "tool_version, assessed_at, gate_passed, report_sha256 FROM runs "
      "ORDER BY assessed_at, id");
  if (!select_runs) {
    return Fail(select_runs.error().WithContext("reading history"));
  }
  while (true) {
    Result<bool> row = select_runs->Step();
    if (!row) {
      return Fail(row.error().WithContext("reading history"));
    }
    if (!*row) {
      break;
    }
    AssessmentRun run;
    run.id = select_runs->ColumnInt(0);
    run.product = select_runs->ColumnText(1);
    run.model = select_runs->ColumnText(2);
    run.hardware_version = select_runs->ColumnText(3);
    run.software_version = select_runs->ColumnText(4);
    run.standard_version = select_runs->ColumnText(5);
    run.tool_version = select_runs->ColumnText(6);
    run.assessed_at = TimePoint(std::chrono::seconds(select_runs->ColumnInt(7)));
    run.gate_passed = select_runs->ColumnInt(8) != 0;
    run.report_sha256 = select_runs->ColumnText(9);
    index[run.id] = runs.size();
    runs.push_back(std::move(run));
  }

  Result<sql::Statement> select_verdicts =
      db.Prepare("SELECT run_id, provision_id, verdict FROM verdicts ORDER BY run_id, position");
  if (!select_verdicts) {
    return Fail(select_verdicts.error().WithContext("reading history"));
  }
  while (true) {
    Result<bool> row = select_verdicts->Step();
    if (!row) {
      return Fail(row.error().WithContext("reading history"));
    }
    if (!*row) {
      break;
    }
    auto it = index.find(select_verdicts->ColumnInt(0));
    if (it != index.end()) {
      runs[it->second].verdicts.emplace_back(select_verdicts->ColumnText(1),
                                             select_verdicts->ColumnText(2));
    }
  }

  Result<sql::Statement> select_blocking =
      db.Prepare("SELECT run_id, provision_id FROM blocking ORDER BY run_id, position");
  if (!select_blocking) {
    return Fail(select_blocking.error().WithContext("reading history"));
  }
  while (true) {
    Result<bool> row = select_blocking->Step();
    if (!row) {
      return Fail(row.error().WithContext("reading history"));
    }
    if (!*row) {
      break;
    }
    auto it = index.find(select_blocking->ColumnInt(0));
    if (it != index.end()) {
      runs[it->second].blocking_ids.push_back(select_blocking->ColumnText(1));
    }
  }
  return runs;
}

VersionHistory CompareVersions(const std::vector<AssessmentRun>& runs) {
  std::vector<const AssessmentRun*> ordered;
  ordered.reserve(runs.size());
  for (const AssessmentRun& run : runs) {
    ordered.push_back(&run);
  }
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const AssessmentRun* a, const AssessmentRun* b) {
                     if (a->assessed_at != b->assessed_at) {
                       return a->assessed_at < b->assessed_at;
                     }
                     return a->id < b->id;
                   });

  VersionHistory history;
  std::unordered_map<std::string, std::size_t> by_version;
  for (const AssessmentRun* run : ordered) {
    auto [it, inserted] = by_version.try_emplace(run->software_version, history.versions.size());
    if (inserted) {
      history.versions.push_back(VersionSummary{run->software_version, {}, 0, {}});
    }
    VersionSummary& summary = history.versions[it->second];
    summary.latest_run = *run;  // Runs are in time order, so the last one wins.
    ++summary.run_count;
  }
  for (VersionSummary& summary : history.versions) {
    for (const auto& [id, verdict] : summary.latest_run.verdicts) {
      ++summary.counts[verdict];
    }
  }

  for (std::size_t i = 1; i < history.versions.size(); ++i) {
    const VersionSummary& before = history.versions[i - 1];
    const VersionSummary& after = history.versions[i];
    std::unordered_map<std::string, std::string> old_verdicts(before.latest_run.verdicts.begin(),
                                                              before.latest_run.verdicts.end());
    std::set<std::string> still_present;
    for (const auto& [id, verdict] : after.latest_run.verdicts) {
      still_present.insert(id);
      auto old = old_verdicts.find(id);
      const std::string from = old == old_verdicts.end() ? std::string() : old->second;
      if (from != verdict) {
        history.changes.push_back(
            {id, before.software_version, from, after.software_version, verdict});
      }
    }
    for (const auto& [id, verdict] : before.latest_run.verdicts) {
      if (!still_present.contains(id)) {
        history.changes.push_back(
            {id, before.software_version, verdict, after.software_version, ""});
      }
    }
  }
  return history;
}

}  // namespace provisio::evidence
