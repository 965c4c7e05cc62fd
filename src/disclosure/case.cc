#include "provisio/disclosure/case.h"

#include <algorithm>
#include <array>
#include <cstdlib>

#include "formats/document.h"
#include "provisio/core/sha256.h"

namespace provisio::disclosure {
namespace {

constexpr std::array<std::pair<EventType, std::string_view>, 12> kEventNames = {{
    {EventType::kOpen, "open"},
    {EventType::kAcknowledge, "acknowledge"},
    {EventType::kTriage, "triage"},
    {EventType::kSeverity, "severity"},
    {EventType::kAffected, "affected"},
    {EventType::kFix, "fix"},
    {EventType::kRelease, "release"},
    {EventType::kDisclose, "disclose"},
    {EventType::kClose, "close"},
    {EventType::kNote, "note"},
    {EventType::kWaitOnReporter, "waiting-on-reporter"},
    {EventType::kResume, "resume"},
}};

// The steps the state allows, before the waiting flag is considered.
std::vector<EventType> AllowedByState(CaseState state) {
  using E = EventType;
  switch (state) {
    case CaseState::kReceived:
      return {E::kAcknowledge, E::kNote, E::kWaitOnReporter};
    case CaseState::kAcknowledged:
      return {E::kTriage, E::kSeverity, E::kAffected, E::kNote, E::kWaitOnReporter};
    case CaseState::kTriaged:
      return {E::kSeverity, E::kAffected, E::kFix, E::kDisclose, E::kNote, E::kWaitOnReporter};
    case CaseState::kFixed:
      return {E::kSeverity, E::kAffected, E::kFix,           E::kRelease,
              E::kDisclose, E::kNote,     E::kWaitOnReporter};
    case CaseState::kReleased:
      return {E::kSeverity, E::kAffected, E::kFix,  E::kRelease,
              E::kDisclose, E::kClose,    E::kNote, E::kWaitOnReporter};
    case CaseState::kDisclosed:
      return {E::kSeverity, E::kAffected, E::kFix,           E::kRelease,
              E::kClose,    E::kNote,     E::kWaitOnReporter};
    case CaseState::kRejected:
      return {E::kTriage, E::kClose, E::kNote, E::kWaitOnReporter};
    case CaseState::kClosed:
      return {E::kNote};
  }
  return {};
}

std::string JoinTypes(const std::vector<EventType>& types) {
  std::string out;
  for (EventType type : types) {
    if (!out.empty()) {
      out += ", ";
    }
    out += ToString(type);
  }
  return out;
}

Result<std::string> Required(const CaseEvent& event, const char* key) {
  std::string value = event.Field(key);
  if (value.empty()) {
    return Fail(ErrorCode::kInvalidArgument, std::string(ToString(event.type)) + " on " +
                                                 event.case_id + " needs '" + key + "'");
  }
  return value;
}

Result<void> ApplySeverity(Case& c, const CaseEvent& event) {
  Severity severity;
  Result<std::string> vector = Required(event, "vector");
  if (!vector) {
    return Fail(vector.error());
  }
  severity.vector = *vector;
  severity.cvss_version = event.Field("cvss_version");
  severity.rating = event.Field("rating");
  const std::string score = event.Field("base_score");
  char* end = nullptr;
  severity.base_score = std::strtod(score.c_str(), &end);
  static const std::array<std::string_view, 5> kRatings = {"none", "low", "medium", "high",
                                                           "critical"};
  if (std::find(kRatings.begin(), kRatings.end(), severity.rating) == kRatings.end()) {
    return Fail(ErrorCode::kInvalidArgument,
                "severity on " + c.id + ": rating '" + severity.rating +
                    "' is not one of none, low, medium, high, critical");
  }
  c.severity = severity;
  c.severity_history.push_back(severity);
  return {};
}

Result<void> ApplyAffected(Case& c, const CaseEvent& event) {
  AffectedProduct entry;
  Result<std::string> product = Required(event, "product");
  if (!product) {
    return Fail(product.error());
  }
  Result<std::string> versions = Required(event, "versions");
  if (!versions) {
    return Fail(versions.error());
  }
  Result<std::string> status_text = Required(event, "status");
  if (!status_text) {
    return Fail(status_text.error());
  }
  Result<VexStatus> status = ParseVexStatus(*status_text);
  if (!status) {
    return Fail(status.error().WithContext("affected on " + c.id));
  }
  entry.product = *product;
  entry.versions = *versions;
  entry.status = *status;
  entry.justification = event.Field("justification");
  entry.impact = event.Field("impact");
  entry.at = event.at;
  if (entry.status == VexStatus::kNotAffected && !IsVexJustification(entry.justification)) {
    std::string allowed;
    for (std::string_view label : VexJustifications()) {
      allowed += allowed.empty() ? "" : ", ";
      allowed += label;
    }
    return Fail(ErrorCode::kInvalidArgument,
                "affected on " + c.id + ": not_affected needs a justification, one of: " + allowed +
                    (entry.justification.empty() ? "" : " (got '" + entry.justification + "')"));
  }
  auto same = [&](const AffectedProduct& other) {
    return other.product == entry.product && other.versions == entry.versions;
  };
  auto it = std::find_if(c.affected.begin(), c.affected.end(), same);
  if (it != c.affected.end()) {
    *it = entry;
  } else {
    c.affected.push_back(entry);
  }
  return {};
}

}  // namespace

std::string_view ToString(EventType type) {
  for (const auto& [value, name] : kEventNames) {
    if (value == type) {
      return name;
    }
  }
  return "note";
}

Result<EventType> ParseEventType(std::string_view text) {
  for (const auto& [value, name] : kEventNames) {
    if (name == text) {
      return value;
    }
  }
  return Fail(ErrorCode::kParse, "unknown case event type '" + std::string(text) + "'");
}

std::string_view ToString(CaseState state) {
  switch (state) {
    case CaseState::kReceived:
      return "received";
    case CaseState::kAcknowledged:
      return "acknowledged";
    case CaseState::kTriaged:
      return "triaged";
    case CaseState::kFixed:
      return "fixed";
    case CaseState::kReleased:
      return "released";
    case CaseState::kDisclosed:
      return "disclosed";
    case CaseState::kRejected:
      return "rejected";
    case CaseState::kClosed:
      return "closed";
  }
  return "received";
}

std::string_view ToString(TriageOutcome outcome) {
  switch (outcome) {
    case TriageOutcome::kValid:
      return "valid";
    case TriageOutcome::kInvalid:
      return "invalid";
    case TriageOutcome::kDuplicate:
      return "duplicate";
    case TriageOutcome::kOutOfScope:
      return "out-of-scope";
  }
  return "valid";
}

Result<TriageOutcome> ParseTriageOutcome(std::string_view text) {
  for (TriageOutcome outcome : {TriageOutcome::kValid, TriageOutcome::kInvalid,
                                TriageOutcome::kDuplicate, TriageOutcome::kOutOfScope}) {
    if (ToString(outcome) == text) {
      return outcome;
    }
  }
  return Fail(ErrorCode::kInvalidArgument,
              "triage outcome '" + std::string(text) +
                  "' is not one of valid, invalid, duplicate, out-of-scope");
}

std::string_view ToString(VexStatus status) {
  switch (status) {
    case VexStatus::kUnderInvestigation:
      return "under_investigation";
    case VexStatus::kAffected:
      return "affected";
    case VexStatus::kNotAffected:
      return "not_affected";
    case VexStatus::kFixed:
      return "fixed";
  }
  return "under_investigation";
}

Result<VexStatus> ParseVexStatus(std::string_view text) {
  for (VexStatus status : {VexStatus::kUnderInvestigation, VexStatus::kAffected,
                           VexStatus::kNotAffected, VexStatus::kFixed}) {
    if (ToString(status) == text) {
      return status;
    }
  }
  return Fail(ErrorCode::kInvalidArgument,
              "VEX status '" + std::string(text) +
                  "' is not one of under_investigation, affected, not_affected, fixed");
}

const std::vector<std::string_view>& VexJustifications() {
  static const std::vector<std::string_view> kLabels = {
      "component_not_present",
      "vulnerable_code_not_present",
      "vulnerable_code_cannot_be_controlled_by_adversary",
      "vulnerable_code_not_in_execute_path",
      "inline_mitigations_already_exist",
  };
  return kLabels;
}

bool IsVexJustification(std::string_view label) {
  const auto& labels = VexJustifications();
  return std::find(labels.begin(), labels.end(), label) != labels.end();
}

std::string CaseEvent::Field(std::string_view key) const {
  const auto it = fields.find(std::string(key));
  return it == fields.end() ? std::string() : it->second;
}

std::string CanonicalEventJson(const CaseEvent& event) {
  formats::Json fields = formats::Json::object();
  for (const auto& [key, value] : event.fields) {
    fields[key] = value;
  }
  formats::Json json = formats::Json::object();
  json["actor"] = event.actor;
  json["at"] = FormatUtc(event.at);
  json["case"] = event.case_id;
  json["fields"] = std::move(fields);
  json["seq"] = event.sequence;
  json["type"] = std::string(ToString(event.type));
  return formats::DumpJson(json, -1);
}

std::string ChainHash(const CaseEvent& event) {
  return Sha256Hex(event.prev_hash + CanonicalEventJson(event));
}

std::vector<EventType> AllowedNext(const Case& c) {
  std::vector<EventType> by_state = AllowedByState(c.state);
  if (!c.waiting) {
    return by_state;
  }
  std::vector<EventType> allowed = {EventType::kResume, EventType::kNote};
  if (std::find(by_state.begin(), by_state.end(), EventType::kClose) != by_state.end()) {
    allowed.push_back(EventType::kClose);
  }
  return allowed;
}

Result<void> ApplyEvent(Case& c, const CaseEvent& event) {
  if (event.type == EventType::kOpen) {
    if (!c.events.empty()) {
      return Fail(ErrorCode::kConflict, "case " + c.id + " is already open");
    }
    c.id = event.case_id;
    Result<std::string> reporter = Required(event, "reporter");
    if (!reporter) {
      return Fail(reporter.error());
    }
    Result<std::string> summary = Required(event, "summary");
    if (!summary) {
      return Fail(summary.error());
    }
    Result<std::string> received_text = Required(event, "received");
    if (!received_text) {
      return Fail(received_text.error());
    }
    Result<TimePoint> received = ParseUtc(*received_text);
    if (!received) {
      return Fail(received.error().WithContext("open " + c.id));
    }
    if (*received > event.at) {
      return Fail(ErrorCode::kInvalidArgument, "open " + c.id + ": received time " +
                                                   *received_text + " is after the event time " +
                                                   FormatUtc(event.at));
    }
    c.reporter = *reporter;
    c.summary = *summary;
    c.channel = event.Field("channel");
    c.cve = event.Field("cve");
    c.received = *received;
    c.opened = event.at;
    c.state = CaseState::kReceived;
    c.events.push_back(event);
    return {};
  }

  if (c.events.empty()) {
    return Fail(ErrorCode::kNotFound, "case " + event.case_id + " has not been opened");
  }
  const std::vector<EventType> allowed = AllowedNext(c);
  if (std::find(allowed.begin(), allowed.end(), event.type) == allowed.end()) {
    std::string state(ToString(c.state));
    if (c.waiting) {
      state += ", waiting on reporter";
    }
    return Fail(ErrorCode::kConflict, "case " + c.id + " is " + state + ": cannot " +
                                          std::string(ToString(event.type)) +
                                          "; allowed next steps: " + JoinTypes(allowed));
  }
  if (event.at < c.events.back().at) {
    return Fail(ErrorCode::kInvalidArgument,
                std::string(ToString(event.type)) + " on " + c.id + " at " + FormatUtc(event.at) +
                    " is before the case's previous event at " + FormatUtc(c.events.back().at));
  }

  switch (event.type) {
    case EventType::kOpen:
      break;  // Handled above.
    case EventType::kAcknowledge:
      c.state = CaseState::kAcknowledged;
      c.acknowledged_at = event.at;
      c.reporter_contacts.push_back(event.at);
      break;
    case EventType::kTriage: {
      Result<std::string> outcome_text = Required(event, "outcome");
      if (!outcome_text) {
        return Fail(outcome_text.error());
      }
      Result<TriageOutcome> outcome = ParseTriageOutcome(*outcome_text);
      if (!outcome) {
        return Fail(outcome.error());
      }
      if (*outcome == TriageOutcome::kDuplicate) {
        Result<std::string> original = Required(event, "duplicate_of");
        if (!original) {
          return Fail(original.error());
        }
        c.duplicate_of = *original;
      }
      c.triage = *outcome;
      if (!event.Field("cve").empty()) {
        c.cve = event.Field("cve");
      }
      c.state = *outcome == TriageOutcome::kValid ? CaseState::kTriaged : CaseState::kRejected;
      if (!c.triaged_at) {
        c.triaged_at = event.at;
      }
      c.reporter_contacts.push_back(event.at);
      break;
    }
    case EventType::kSeverity: {
      Result<void> applied = ApplySeverity(c, event);
      if (!applied) {
        return applied;
      }
      break;
    }
    case EventType::kAffected: {
      Result<void> applied = ApplyAffected(c, event);
      if (!applied) {
        return applied;
      }
      break;
    }
    case EventType::kFix: {
      Result<std::string> description = Required(event, "description");
      if (!description) {
        return Fail(description.error());
      }
      c.fixes.push_back({*description, event.Field("ref"), event.at});
      if (!c.fixed_at) {
        c.fixed_at = event.at;
      }
      if (c.state == CaseState::kTriaged) {
        c.state = CaseState::kFixed;
      }
      break;
    }
    case EventType::kRelease: {
      Result<std::string> version = Required(event, "version");
      if (!version) {
        return Fail(version.error());
      }
      c.releases.push_back({*version, event.Field("product"), event.at});
      if (!c.released_at) {
        c.released_at = event.at;
      }
      if (c.state == CaseState::kFixed) {
        c.state = CaseState::kReleased;
      }
      c.reporter_contacts.push_back(event.at);
      break;
    }
    case EventType::kDisclose: {
      Result<std::string> url = Required(event, "url");
      if (!url) {
        return Fail(url.error());
      }
      c.advisory_url = *url;
      c.disclosed_at = event.at;
      c.state = CaseState::kDisclosed;
      c.reporter_contacts.push_back(event.at);
      break;
    }
    case EventType::kClose:
      if (c.waiting) {
        c.waiting = false;
        c.pauses.back().end = event.at;
      }
      c.state = CaseState::kClosed;
      c.closed_at = event.at;
      break;
    case EventType::kNote:
      if (event.Field("text").empty()) {
        return Fail(ErrorCode::kInvalidArgument, "note on " + c.id + " needs 'text'");
      }
      if (event.Field("to_reporter") == "true") {
        c.reporter_contacts.push_back(event.at);
      }
      break;
    case EventType::kWaitOnReporter:
      c.waiting = true;
      c.pauses.push_back({event.at, std::nullopt});
      break;
    case EventType::kResume:
      c.waiting = false;
      c.pauses.back().end = event.at;
      break;
  }
  c.events.push_back(event);
  return {};
}

Result<Case> ReplayCase(std::span<const CaseEvent> events) {
  Case c;
  if (events.empty() || events.front().type != EventType::kOpen) {
    return Fail(ErrorCode::kInvalidArgument, "a case's first event must be 'open'");
  }
  for (const CaseEvent& event : events) {
    Result<void> applied = ApplyEvent(c, event);
    if (!applied) {
      return Fail(applied.error().WithContext("replaying event " + std::to_string(event.sequence)));
    }
  }
  return c;
}

}  // namespace provisio::disclosure
