// The CVD case tracker: an append-only, hash-chained event log in a store
// (a SQLite file by default, WAL and migrations; or a shared PostgreSQL
// database), from which every case is rebuilt.
//
// Each event stores hash = sha256(prev_hash || canonical event JSON) (see
// case.h). The store also keeps the chain head (event count and last hash),
// updated in the same transaction as each append, so Verify() detects an
// edited, inserted, reordered or deleted event, including the last one.
// Appends run in one write transaction (SQLite BEGIN IMMEDIATE, a PostgreSQL
// advisory lock) that re-reads the case, checks the state machine and extends
// the chain: two processes that append at once are serialized by the store
// and no event is lost. On both backends the store refuses UPDATE and DELETE
// of events (triggers), and Verify() catches whoever bypasses that.
//
// Thread-safety: one CaseTracker per thread; any number of trackers (in any
// number of processes) may share one store.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"
#include "provisio/disclosure/case.h"

namespace provisio::disclosure {

// What a caller asks to record. The tracker fills sequence, hashes and, when
// `at` is empty, the time from its clock.
struct NewEvent {
  std::string case_id;  // Empty for kOpen: the tracker assigns "CVD-<year>-<NNNN>".
  EventType type = EventType::kNote;
  std::string actor;
  std::map<std::string, std::string> fields;
  std::optional<TimePoint> at;  // Backdating for imports and tests; default: clock.Now().
};

// The result of checking the whole chain.
struct ChainVerification {
  bool ok = false;
  std::int64_t events = 0;              // Events read from the log.
  std::string head_hash;                // Hash of the last event read (kGenesisHash when empty).
  std::int64_t first_bad_sequence = 0;  // 0 when ok; else the first event that fails.
  std::string problem;                  // Why, for people; empty when ok.
};

// Whether CaseTracker::Open may create a missing SQLite store.
enum class StoreAccess {
  kCreate,    // Create the file and its parent directories when missing.
  kExisting,  // The store must exist already.
};

class CaseTracker {
 public:
  // Opens the store at `location` and brings its schema up to date: a
  // "postgresql://user@host/db" URI names a PostgreSQL database (which must
  // exist); anything else is a SQLite file path, created with its parent
  // directories when missing. Fails with kUnsupported when the store was
  // written by a newer provisio, kIo when it cannot be opened. `clock` must
  // outlive the tracker.
  // With StoreAccess::kExisting (for commands that only read), a SQLite
  // store that does not exist fails with kNotFound and nothing is created,
  // so a mistyped path is not taken for an empty case log.
  static Result<CaseTracker> Open(std::string_view location,
                                  const Clock& clock,
                                  StoreAccess access = StoreAccess::kCreate);

  CaseTracker(CaseTracker&&) noexcept;
  CaseTracker& operator=(CaseTracker&&) noexcept;
  ~CaseTracker();

  // Validates `request` against the case's current state (replayed inside the
  // write transaction) and appends it. Returns the stored event. Fails with
  // kNotFound for an unknown case, kConflict for a transition the state
  // machine refuses (message lists the allowed next steps), kInvalidArgument
  // for missing or malformed fields; nothing is written then.
  Result<CaseEvent> Record(const NewEvent& request);

  // Rebuilds one case from its events. kNotFound when there is none.
  Result<Case> LoadCase(const std::string& case_id);

  // Rebuilds every case, in order of opening.
  Result<std::vector<Case>> LoadAllCases();

  // The whole log in order.
  Result<std::vector<CaseEvent>> ReadLog();

  // Recomputes every hash and link, checks the sequence numbers and the
  // stored chain head, and replays every case. Fails only when the store
  // cannot be read; a broken chain is reported in the result.
  //
  // The log alone cannot show that its newest events were deleted when
  // the chain head was rolled back with them (a consistent truncation).
  // `expected_head`, when not empty, is a head hash recorded earlier
  // outside the store (printed by verify, kept in the evidence record):
  // the chain must still contain an event with that hash, since an
  // append-only log only grows past its old heads; otherwise the result
  // is not ok.
  Result<ChainVerification> Verify(std::string_view expected_head = {});

  // Where the store lives, for messages (a PostgreSQL password is masked).
  std::string Describe() const;

 private:
  struct Impl;
  explicit CaseTracker(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace provisio::disclosure
