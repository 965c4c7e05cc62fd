#include "provisio/disclosure/case_tracker.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <utility>

#include "formats/document.h"
#include "sql/database.h"

namespace provisio::disclosure {
namespace {

// Schema history of the case store. Append new steps; never edit old ones
// (a store records the version it reached, not the text that built it).
// PostgreSQL gets its own text for the same step: BIGINT for 64-bit numbers
// and PL/pgSQL triggers; the tables, columns and the SQL that uses them are
// the same on both backends.
const std::array<sql::Migration, 1> kMigrations = {{
    {1,
     "CREATE TABLE case_events ("
     "  seq INTEGER PRIMARY KEY,"
     "  case_id TEXT NOT NULL,"
     "  type TEXT NOT NULL,"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  fields TEXT NOT NULL,"
     "  prev_hash TEXT NOT NULL,"
     "  hash TEXT NOT NULL);"
     "CREATE INDEX case_events_by_case ON case_events(case_id, seq);"
     "CREATE TABLE chain_head ("
     "  id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  event_count INTEGER NOT NULL,"
     "  head_hash TEXT NOT NULL);"
     "INSERT INTO chain_head VALUES (1, 0, "
     "'0000000000000000000000000000000000000000000000000000000000000000');"
     "CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events BEGIN"
     "  SELECT RAISE(ABORT, 'the case log is append-only'); END;"
     "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events BEGIN"
     "  SELECT RAISE(ABORT, 'the case log is append-only'); END;",
     // PostgreSQL.
     "CREATE TABLE case_events ("
     "  seq BIGINT PRIMARY KEY,"
     "  case_id TEXT NOT NULL,"
     "  type TEXT NOT NULL,"
     "  at TEXT NOT NULL,"
     "  actor TEXT NOT NULL,"
     "  fields TEXT NOT NULL,"
     "  prev_hash TEXT NOT NULL,"
     "  hash TEXT NOT NULL);"
     "CREATE INDEX case_events_by_case ON case_events(case_id, seq);"
     "CREATE TABLE chain_head ("
     "  id INTEGER PRIMARY KEY CHECK (id = 1),"
     "  event_count BIGINT NOT NULL,"
     "  head_hash TEXT NOT NULL);"
     "INSERT INTO chain_head VALUES (1, 0, "
     "'0000000000000000000000000000000000000000000000000000000000000000');"
     "CREATE FUNCTION case_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
     "  BEGIN RAISE EXCEPTION 'the case log is append-only'; END; $$;"
     "CREATE TRIGGER case_events_no_update BEFORE UPDATE ON case_events"
     "  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();"
     "CREATE TRIGGER case_events_no_delete BEFORE DELETE ON case_events"
     "  FOR EACH ROW EXECUTE FUNCTION case_events_append_only();"
     "CREATE TRIGGER case_events_no_truncate BEFORE TRUNCATE ON case_events"
     "  FOR EACH STATEMENT EXECUTE FUNCTION case_events_append_only();"},
}};

constexpr std::string_view kSelectColumns =
    "SELECT seq, case_id, type, at, actor, fields, prev_hash, hash FROM case_events ";

std::string FieldsJson(const std::map<std::string, std::string>& fields) {
  formats::Json json = formats::Json::object();
  for (const auto& [key, value] : fields) {
    json[key] = value;
  }
  return formats::DumpJson(json, -1);
}

// Converts one stored row; a row that does not parse is reported, not skipped.
Result<CaseEvent> EventFromRow(const sql::Statement& row) {
  CaseEvent event;
  event.sequence = row.ColumnInt(0);
  event.case_id = row.ColumnText(1);
  const std::string where = "event " + std::to_string(event.sequence);
  Result<EventType> type = ParseEventType(row.ColumnText(2));
  if (!type) {
    return Fail(type.error().WithContext(where));
  }
  event.type = *type;
  Result<TimePoint> at = ParseUtc(row.ColumnText(3));
  if (!at) {
    return Fail(at.error().WithContext(where));
  }
  event.at = *at;
  event.actor = row.ColumnText(4);
  Result<formats::Document> fields = formats::ParseJson(row.ColumnText(5), where + " fields");
  if (!fields) {
    return Fail(fields.error());
  }
  if (!fields->value.is_object()) {
    return Fail(ErrorCode::kParse, where + ": fields are not a JSON object");
  }
  for (auto it = fields->value.begin(); it != fields->value.end(); ++it) {
    if (!it.value().is_string()) {
      return Fail(ErrorCode::kParse, where + ": field '" + it.key() + "' is not a string");
    }
    event.fields[it.key()] = it.value().get<std::string>();
  }
  event.prev_hash = row.ColumnText(6);
  event.hash = row.ColumnText(7);
  return event;
}

std::string YearOf(TimePoint time) {
  const std::time_t t = time.time_since_epoch().count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  return std::to_string(tm.tm_year + 1900);
}

}  // namespace

struct CaseTracker::Impl {
  std::unique_ptr<sql::Database> db;
  const Clock& clock;

  Result<std::vector<CaseEvent>> Query(const std::string& where, const std::string& bind) {
    Result<sql::Statement> stmt = db->Prepare(std::string(kSelectColumns) + where);
    if (!stmt) {
      return Fail(stmt.error());
    }
    if (!bind.empty()) {
      stmt->Bind(1, bind);
    }
    std::vector<CaseEvent> events;
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row) {
        return Fail(row.error());
      }
      if (!*row) {
        return events;
      }
      Result<CaseEvent> event = EventFromRow(*stmt);
      if (!event) {
        return Fail(event.error().WithContext("reading case log"));
      }
      events.push_back(std::move(*event));
    }
  }

  Result<std::pair<std::int64_t, std::string>> Head() {
    Result<sql::Statement> stmt = db->Prepare("SELECT event_count, head_hash FROM chain_head");
    if (!stmt) {
      return Fail(stmt.error());
    }
    Result<bool> row = stmt->Step();
    if (!row) {
      return Fail(row.error());
    }
    if (!*row) {
      return Fail(ErrorCode::kVerification, "the case store has no chain head");
    }
    return std::make_pair(stmt->ColumnInt(0), stmt->ColumnText(1));
  }

  Result<std::string> NextCaseId(TimePoint at) {
    const std::string prefix = "CVD-" + YearOf(at) + "-";
    // Case ids are only ever assigned here, upper case, so LIKE means the same
    // on both backends (SQLite's LIKE ignores ASCII case, PostgreSQL's does
    // not) and the prefix holds no wildcard.
    Result<sql::Statement> stmt =
        db->Prepare("SELECT COUNT(*) FROM case_events WHERE type = 'open' AND case_id LIKE ?1");
    if (!stmt) {
      return Fail(stmt.error());
    }
    stmt->Bind(1, prefix + "%");
    Result<bool> row = stmt->Step();
    if (!row) {
      return Fail(row.error());
    }
    char number[32];
    std::snprintf(number, sizeof number, "%04lld", static_cast<long long>(stmt->ColumnInt(0) + 1));
    return prefix + number;
  }

  Result<CaseEvent> AppendLocked(const NewEvent& request) {
    CaseEvent event;
    event.type = request.type;
    event.actor = request.actor;
    event.fields = request.fields;
    event.at = request.at.value_or(clock.Now());
    if (event.actor.empty()) {
      return Fail(ErrorCode::kInvalidArgument, "every case event needs an actor");
    }
    Case current;
    if (request.type == EventType::kOpen) {
      Result<std::string> id = NextCaseId(event.at);
      if (!id) {
        return Fail(id.error());
      }
      event.case_id = *id;
    } else {
      event.case_id = request.case_id;
      Result<std::vector<CaseEvent>> history =
          Query("WHERE case_id = ?1 ORDER BY seq", event.case_id);
      if (!history) {
        return Fail(history.error());
      }
      if (history->empty()) {
        return Fail(ErrorCode::kNotFound, "no case '" + event.case_id + "' in " + db->Describe());
      }
      Result<Case> replayed = ReplayCase(*history);
      if (!replayed) {
        return Fail(replayed.error());
      }
      current = std::move(*replayed);
    }
    Result<std::pair<std::int64_t, std::string>> head = Head();
    if (!head) {
      return Fail(head.error());
    }
    event.sequence = head->first + 1;
    event.prev_hash = head->second;
    Result<void> valid = ApplyEvent(current, event);
    if (!valid) {
      return Fail(valid.error());
    }
    event.hash = ChainHash(event);

    Result<sql::Statement> insert = db->Prepare(
        "INSERT INTO case_events (seq, case_id, type, at, actor, fields, prev_hash, hash) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
    if (!insert) {
      return Fail(insert.error());
    }
    insert->Bind(1, event.sequence)
        .Bind(2, event.case_id)
        .Bind(3, ToString(event.type))
        .Bind(4, FormatUtc(event.at))
        .Bind(5, event.actor)
        .Bind(6, FieldsJson(event.fields))
        .Bind(7, event.prev_hash)
        .Bind(8, event.hash);
    Result<void> inserted = insert->Run();
    if (!inserted) {
      return Fail(inserted.error().WithContext("appending to the case log"));
    }
    Result<sql::Statement> update =
        db->Prepare("UPDATE chain_head SET event_count = ?1, head_hash = ?2 WHERE id = 1");
    if (!update) {
      return Fail(update.error());
    }
    update->Bind(1, event.sequence).Bind(2, event.hash);
    Result<void> updated = update->Run();
    if (!updated) {
      return Fail(updated.error().WithContext("updating the chain head"));
    }
    return event;
  }

  // Checks the chain over the current snapshot (see Verify()).
  Result<ChainVerification> VerifySnapshot(std::string_view expected_head) {
    ChainVerification report;
    report.head_hash = std::string(kGenesisHash);
    Result<sql::Statement> stmt = db->Prepare(std::string(kSelectColumns) + "ORDER BY seq");
    if (!stmt) {
      return Fail(stmt.error());
    }
    auto bad = [&report](std::int64_t sequence, std::string problem) {
      report.ok = false;
      report.first_bad_sequence = sequence;
      report.problem = std::move(problem);
      return report;
    };
    std::map<std::string, std::vector<CaseEvent>> by_case;
    std::vector<std::string> order;
    std::int64_t expected = 1;
    // The event whose hash is `expected_head` (0 for the empty log's head).
    std::optional<std::int64_t> anchor_sequence;
    if (expected_head == kGenesisHash) {
      anchor_sequence = 0;
    }
    for (;;) {
      Result<bool> row = stmt->Step();
      if (!row) {
        return Fail(row.error());
      }
      if (!*row) {
        break;
      }
      const std::int64_t sequence = stmt->ColumnInt(0);
      if (sequence != expected) {
        return bad(expected, "event " + std::to_string(expected) + " is missing (next stored is " +
                                 std::to_string(sequence) + "): events were deleted or renumbered");
      }
      Result<CaseEvent> event = EventFromRow(*stmt);
      if (!event) {
        return bad(sequence, event.error().message());
      }
      if (event->prev_hash != report.head_hash) {
        return bad(sequence, "event " + std::to_string(sequence) +
                                 " does not link to the previous event (prev_hash " +
                                 event->prev_hash + ", expected " + report.head_hash +
                                 "): an event before it was changed, inserted or deleted");
      }
      const std::string recomputed = ChainHash(*event);
      if (recomputed != event->hash) {
        return bad(sequence, "event " + std::to_string(sequence) + " (" + event->case_id + " " +
                                 std::string(ToString(event->type)) +
                                 ") was modified: its content hashes to " + recomputed +
                                 " but the log records " + event->hash);
      }
      if (!expected_head.empty() && event->hash == expected_head) {
        anchor_sequence = sequence;
      }
      report.head_hash = event->hash;
      report.events = sequence;
      ++expected;
      auto& list = by_case[event->case_id];
      if (list.empty()) {
        order.push_back(event->case_id);
      }
      list.push_back(std::move(*event));
    }

    Result<std::pair<std::int64_t, std::string>> head = Head();
    if (!head) {
      return bad(report.events + 1, head.error().message());
    }
    if (head->first != report.events || head->second != report.head_hash) {
      return bad(std::min(head->first, report.events) + 1,
                 "the chain head records " + std::to_string(head->first) + " events ending in " +
                     head->second + " but the log holds " + std::to_string(report.events) +
                     " ending in " + report.head_hash +
                     ": events at the end were deleted or added outside provisio");
    }
    if (!expected_head.empty() && !anchor_sequence) {
      return bad(report.events + 1,
                 "the log (" + std::to_string(report.events) + " events ending in " +
                     report.head_hash + ") does not contain the expected head " +
                     std::string(expected_head) +
                     ": events recorded after it were deleted together with the chain head, or "
                     "the log was rewritten");
    }
    for (const std::string& id : order) {
      const std::vector<CaseEvent>& events = by_case[id];
      Case c;
      for (const CaseEvent& event : events) {
        Result<void> applied = ApplyEvent(c, event);
        if (!applied) {
          return bad(event.sequence,
                     "event " + std::to_string(event.sequence) +
                         " breaks the case state machine: " + applied.error().message());
        }
      }
    }
    report.ok = true;
    return report;
  }
};

CaseTracker::CaseTracker(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {
}
CaseTracker::CaseTracker(CaseTracker&&) noexcept = default;
CaseTracker& CaseTracker::operator=(CaseTracker&&) noexcept = default;
CaseTracker::~CaseTracker() = default;

Result<CaseTracker> CaseTracker::Open(std::string_view location,
                                      const Clock& clock,
                                      StoreAccess access) {
  if (!sql::IsPostgresLocation(location)) {
    const std::filesystem::path path(location);
    std::error_code exists_ec;
    if (access == StoreAccess::kExisting && !std::filesystem::exists(path, exists_ec)) {
      return Fail(ErrorCode::kNotFound, "no case store at " + path.string());
    }
    if (path.has_parent_path()) {
      std::error_code ec;
      std::filesystem::create_directories(path.parent_path(), ec);
      if (ec) {
        return Fail(ErrorCode::kIo,
                    "creating " + path.parent_path().string() + ": " + ec.message());
      }
    }
  }
  Result<std::unique_ptr<sql::Database>> db = sql::OpenDatabase(location);
  if (!db) {
    return Fail(db.error());
  }
  Result<void> migrated = (*db)->Migrate(kMigrations, "case store");
  if (!migrated) {
    return Fail(migrated.error());
  }
  return CaseTracker(std::make_unique<Impl>(Impl{std::move(*db), clock}));
}

std::string CaseTracker::Describe() const {
  return impl_->db->Describe();
}

Result<CaseEvent> CaseTracker::Record(const NewEvent& request) {
  Result<CaseEvent> stored = Fail(ErrorCode::kInternal, "append did not run");
  Result<void> done = impl_->db->InTransaction([&]() -> Result<void> {
    stored = impl_->AppendLocked(request);
    if (!stored) {
      return Fail(stored.error());
    }
    return {};
  });
  if (!done) {
    return Fail(done.error());
  }
  return stored;
}

Result<Case> CaseTracker::LoadCase(const std::string& case_id) {
  Result<std::vector<CaseEvent>> events = impl_->Query("WHERE case_id = ?1 ORDER BY seq", case_id);
  if (!events) {
    return Fail(events.error());
  }
  if (events->empty()) {
    return Fail(ErrorCode::kNotFound, "no case '" + case_id + "' in " + impl_->db->Describe());
  }
  return ReplayCase(*events);
}

Result<std::vector<Case>> CaseTracker::LoadAllCases() {
  Result<std::vector<CaseEvent>> events = ReadLog();
  if (!events) {
    return Fail(events.error());
  }
  std::vector<std::string> order;
  std::map<std::string, std::vector<CaseEvent>> by_case;
  for (CaseEvent& event : *events) {
    auto& list = by_case[event.case_id];
    if (list.empty()) {
      order.push_back(event.case_id);
    }
    list.push_back(std::move(event));
  }
  std::vector<Case> cases;
  cases.reserve(order.size());
  for (const std::string& id : order) {
    Result<Case> c = ReplayCase(by_case[id]);
    if (!c) {
      return Fail(c.error().WithContext("case " + id));
    }
    cases.push_back(std::move(*c));
  }
  return cases;
}

Result<std::vector<CaseEvent>> CaseTracker::ReadLog() {
  return impl_->Query("ORDER BY seq", "");
}

Result<ChainVerification> CaseTracker::Verify(std::string_view expected_head) {
  // Read over one snapshot so a concurrent append cannot split the view
  // between the events and the chain head.
  Result<ChainVerification> outcome = Fail(ErrorCode::kInternal, "verification did not run");
  Result<void> done = impl_->db->InReadTransaction([&]() -> Result<void> {
    outcome = impl_->VerifySnapshot(expected_head);
    if (!outcome) {
      return Fail(outcome.error());
    }
    return {};
  });
  if (!done) {
    return Fail(done.error());
  }
  return outcome;
}

}  // namespace provisio::disclosure
