// Coordinated vulnerability disclosure (CVD) cases: the events of a case, the
// state machine they drive, and the case state derived by replaying them.
//
// The event log is the single source of truth: a Case is never stored, it is
// rebuilt by ReplayCase() from the case's events in log order. Every event
// carries its UTC time and actor; the tracker (case_tracker.h) keeps the
// events in an append-only, hash-chained log.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::disclosure {

// What happened to a case. The spelling returned by ToString() is what the
// log stores and what `provisio cvd` calls the subcommand.
enum class EventType {
  kOpen,            // A report was received (reporter, summary, channel, received time).
  kAcknowledge,     // The reporter was told the report arrived.
  kTriage,          // Valid, invalid, duplicate (of another case) or out of scope.
  kSeverity,        // A CVSS v3.1 or v4.0 vector with its score and rating.
  kAffected,        // A product and versions with a VEX status.
  kFix,             // A fix exists (description, commit or ref).
  kRelease,         // A firmware version with the fix was released.
  kDisclose,        // The advisory was published (URL).
  kClose,           // The case is finished.
  kNote,            // Free text; with to_reporter=true it is a status update sent to the reporter.
  kWaitOnReporter,  // Work is blocked on the reporter: SLA clocks pause.
  kResume,          // The reporter answered: SLA clocks run again.
};

std::string_view ToString(EventType type);                // "open", "waiting-on-reporter", ...
Result<EventType> ParseEventType(std::string_view text);  // Inverse; kParse otherwise.

// Where a case stands. Waiting on the reporter is a separate flag (Case::waiting).
enum class CaseState {
  kReceived,      // Opened, not yet acknowledged.
  kAcknowledged,  // Acknowledged, not yet triaged.
  kTriaged,       // Triaged as valid; being assessed and fixed.
  kFixed,         // A fix exists but is not released.
  kReleased,      // A release with the fix is out.
  kDisclosed,     // The advisory is public.
  kRejected,      // Triaged invalid, duplicate or out of scope.
  kClosed,        // Finished; only notes may follow.
};

std::string_view ToString(CaseState state);

enum class TriageOutcome { kValid, kInvalid, kDuplicate, kOutOfScope };

std::string_view ToString(
    TriageOutcome outcome);  // "valid", "invalid", "duplicate", "out-of-scope"
Result<TriageOutcome> ParseTriageOutcome(std::string_view text);

// VEX status of a product version, as CSAF's product_status groups.
enum class VexStatus { kUnderInvestigation, kAffected, kNotAffected, kFixed };

std::string_view ToString(VexStatus status);  // "under_investigation", "affected", ...
Result<VexStatus> ParseVexStatus(std::string_view text);

// The CSAF 2.0 / VEX justification labels for "not affected".
const std::vector<std::string_view>& VexJustifications();
bool IsVexJustification(std::string_view label);

// One entry of the log. `fields` holds the type-specific values (all
// strings); their keys are listed in docs/disclosure.md.
struct CaseEvent {
  std::int64_t sequence = 0;  // Position in the whole log, 1, 2, 3, ... (0 before appending).
  std::string case_id;        // "CVD-2026-0001".
  EventType type = EventType::kNote;
  TimePoint at{};     // When it happened (UTC).
  std::string actor;  // Who recorded it.
  std::map<std::string, std::string> fields;
  std::string prev_hash;  // Hex SHA-256 of the previous event (64 zeros for the first).
  std::string hash;       // Hex SHA-256 of prev_hash || CanonicalEventJson(*this).

  // Returns the field or "" when absent.
  std::string Field(std::string_view key) const;
};

// The canonical JSON the hash covers: compact, keys sorted, UTF-8:
// {"actor":..,"at":"YYYY-MM-DDTHH:MM:SSZ","case":..,"fields":{..},"seq":N,"type":..}
std::string CanonicalEventJson(const CaseEvent& event);

// sha256_hex(prev_hash || CanonicalEventJson(event)) as lower-case hex.
std::string ChainHash(const CaseEvent& event);

// The prev_hash of the first event.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct Severity {
  std::string vector;        // As recorded, e.g. "CVSS:3.1/AV:N/...".
  std::string cvss_version;  // "3.1" or "4.0".
  double base_score = 0.0;
  std::string rating;  // "none", "low", "medium", "high" or "critical".
};

struct AffectedProduct {
  std::string product;
  std::string versions;  // As given: "1.0.0", "<1.2.4", "1.0.0,1.1.0".
  VexStatus status = VexStatus::kUnderInvestigation;
  std::string justification;  // One of VexJustifications() when status is not_affected.
  std::string impact;         // Why it is not affected, or other detail.
  TimePoint at{};
};

struct FixRecord {
  std::string description;
  std::string ref;  // Commit id, tag or URL.
  TimePoint at{};
};

struct ReleaseRecord {
  std::string version;  // Firmware version that carries the fix.
  std::string product;  // Optional.
  TimePoint at{};
};

// A pause of the SLA clocks: [start, end); end is empty while still waiting.
struct Pause {
  TimePoint start{};
  std::optional<TimePoint> end;
};

// The state of one case, derived from its events.
struct Case {
  std::string id;
  CaseState state = CaseState::kReceived;
  bool waiting = false;  // Waiting on the reporter (clocks paused).

  std::string reporter;
  std::string summary;
  std::string channel;  // "email", "web-form", "bug-bounty", ...
  TimePoint received{};
  TimePoint opened{};  // When the open event was recorded.

  std::optional<TriageOutcome> triage;
  std::string duplicate_of;
  std::string cve;  // "CVE-2026-12345" when known.

  std::optional<Severity> severity;
  std::vector<Severity> severity_history;  // Oldest first.
  std::vector<AffectedProduct> affected;   // One entry per (product, versions): latest wins.
  std::vector<FixRecord> fixes;
  std::vector<ReleaseRecord> releases;
  std::string advisory_url;

  std::optional<TimePoint> acknowledged_at;
  std::optional<TimePoint> triaged_at;
  std::optional<TimePoint> fixed_at;     // First fix.
  std::optional<TimePoint> released_at;  // First release.
  std::optional<TimePoint> disclosed_at;
  std::optional<TimePoint> closed_at;
  // Times the reporter heard from us: acknowledge, triage, note --to-reporter,
  // release and disclose. Oldest first.
  std::vector<TimePoint> reporter_contacts;
  std::vector<Pause> pauses;

  std::vector<CaseEvent> events;  // In log order.
};

// The event types that may come next for `c` (open is never among them).
std::vector<EventType> AllowedNext(const Case& c);

// Applies one event to `c`. Fails with kConflict when the state machine
// forbids it; the message names the case, its state and the allowed next
// steps. Fails with kInvalidArgument when a required field is missing or
// malformed, or the event's time is before the case's previous event.
// REQUIRES: event.case_id == c.id, except for the open event of an empty Case.
Result<void> ApplyEvent(Case& c, const CaseEvent& event);

// Rebuilds a case from its events (log order). The first must be kOpen.
Result<Case> ReplayCase(std::span<const CaseEvent> events);

}  // namespace provisio::disclosure
