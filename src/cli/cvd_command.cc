#include "cli/cvd_command.h"

#include <cstdio>
#include <cstdlib>
#include <iomanip>
#include <memory>
#include <sstream>
#include <vector>

#include "cli/exit_codes.h"
#include "provisio/core/files.h"
#include "provisio/disclosure/case_tracker.h"
#include "provisio/disclosure/csaf.h"
#include "provisio/disclosure/cvd_evidence.h"
#include "provisio/disclosure/cvd_report.h"
#include "provisio/disclosure/severity.h"
#include "provisio/disclosure/sla.h"
#include "provisio/disclosure/vdp.h"

namespace provisio::cli {
namespace {

using disclosure::Case;
using disclosure::CaseTracker;
using disclosure::EventType;

// Reports a failure on stderr as "provisio cvd <command>: message".
int Failed(std::ostream& err, std::string_view command, const Error& error) {
  err << "provisio cvd " << command << ": " << error.message() << '\n';
  return kExitFailure;
}

// The time events are recorded at and clocks are evaluated against: --at
// when given (imports, tests), else the clock.
Result<TimePoint> Now(const CvdOptions& options, const Clock& clock) {
  if (options.at.empty()) {
    return clock.Now();
  }
  Result<TimePoint> at = ParseUtc(options.at);
  if (!at) {
    return Fail(at.error().WithContext("--at"));
  }
  return *at;
}

std::string Actor(const CvdOptions& options) {
  if (!options.actor.empty()) {
    return options.actor;
  }
  const char* user = std::getenv("USER");
  return user != nullptr && *user != '\0' ? std::string(user) : std::string("unknown");
}

struct LoadedPolicy {
  disclosure::SlaPolicy sla;
  disclosure::VdpPolicy vdp;
};

// SLA budgets from vdp.yaml's timelines, or the built-in defaults.
Result<LoadedPolicy> LoadPolicy(const std::string& path) {
  LoadedPolicy loaded;
  if (path.empty()) {
    return loaded;
  }
  Result<disclosure::VdpPolicy> vdp = disclosure::LoadVdpPolicy(path);
  if (!vdp) {
    return Fail(vdp.error());
  }
  const disclosure::VdpTimelines& t = vdp->timelines;
  loaded.sla.acknowledge_business_days = t.acknowledge_business_days;
  loaded.sla.triage_days = t.triage_days;
  loaded.sla.status_update_days = t.status_update_interval_days;
  loaded.sla.fix_critical_days = t.fix.critical_days;
  loaded.sla.fix_high_days = t.fix.high_days;
  loaded.sla.fix_medium_days = t.fix.medium_days;
  loaded.sla.fix_low_days = t.fix.low_days;
  loaded.sla.disclosure_days = t.public_disclosure_days;
  loaded.sla.source = path;
  loaded.vdp = std::move(*vdp);
  return loaded;
}

void Put(std::map<std::string, std::string>& fields, const char* key, const std::string& value) {
  if (!value.empty()) {
    fields[key] = value;
  }
}

// The fields of the event `options.type`, from the command's options.
Result<std::map<std::string, std::string>> EventFields(const CvdOptions& options, TimePoint now) {
  std::map<std::string, std::string> fields;
  switch (options.type) {
    case EventType::kOpen:
      Put(fields, "reporter", options.reporter);
      Put(fields, "summary", options.summary);
      Put(fields, "channel", options.channel);
      Put(fields, "cve", options.cve);
      if (options.received.empty()) {
        fields["received"] = FormatUtc(now);
      } else {
        Result<TimePoint> received = ParseUtc(options.received);
        if (!received) {
          return Fail(received.error().WithContext("--received"));
        }
        fields["received"] = FormatUtc(*received);
      }
      break;
    case EventType::kAcknowledge:
      Put(fields, "message", options.message);
      break;
    case EventType::kTriage:
      Put(fields, "outcome", options.outcome);
      Put(fields, "duplicate_of", options.duplicate_of);
      Put(fields, "reason", options.reason);
      Put(fields, "cve", options.cve);
      break;
    case EventType::kSeverity: {
      Result<disclosure::Severity> severity = disclosure::AssessSeverity(options.vector);
      if (!severity) {
        return Fail(severity.error());
      }
      fields = disclosure::SeverityFields(*severity);
      break;
    }
    case EventType::kAffected:
      Put(fields, "product", options.product);
      Put(fields, "versions", options.versions);
      Put(fields, "status", options.status);
      Put(fields, "justification", options.justification);
      Put(fields, "impact", options.impact);
      break;
    case EventType::kFix:
      Put(fields, "description", options.description);
      Put(fields, "ref", options.ref);
      break;
    case EventType::kRelease:
      Put(fields, "version", options.version);
      Put(fields, "product", options.product);
      break;
    case EventType::kDisclose:
      Put(fields, "url", options.url);
      break;
    case EventType::kClose:
      Put(fields, "reason", options.reason);
      break;
    case EventType::kNote:
      Put(fields, "text", options.text);
      if (options.to_reporter) {
        fields["to_reporter"] = "true";
      }
      break;
    case EventType::kWaitOnReporter:
      Put(fields, "reason", options.reason);
      break;
    case EventType::kResume:
      Put(fields, "text", options.text);
      break;
  }
  return fields;
}

std::string Days(std::chrono::seconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f d", static_cast<double>(duration.count()) / 86400.0);
  return text;
}

std::string Optional(const std::optional<TimePoint>& time) {
  return time ? FormatUtc(*time) : std::string("-");
}

std::string SeverityText(const Case& c) {
  if (!c.severity) {
    return "unrated";
  }
  char score[16];
  std::snprintf(score, sizeof score, "%.1f", c.severity->base_score);
  return std::string(score) + " " + c.severity->rating;
}

std::string OverdueClocks(const disclosure::SlaReport& sla) {
  std::string text;
  for (const disclosure::ClockResult& clock : sla.clocks) {
    if (clock.status == disclosure::ClockStatus::kOverdue) {
      text += (text.empty() ? "" : ",") + std::string(disclosure::ToString(clock.kind));
    }
  }
  return text.empty() ? "-" : text;
}

void PrintCase(const Case& c,
               const disclosure::SlaPolicy& policy,
               TimePoint now,
               std::ostream& out) {
  out << c.id << "  " << disclosure::ToString(c.state)
      << (c.waiting ? " (waiting on reporter)" : "") << '\n';
  out << "Summary:   " << c.summary << '\n';
  out << "Reporter:  " << c.reporter << " via " << (c.channel.empty() ? "-" : c.channel)
      << ", received " << FormatUtc(c.received) << '\n';
  if (!c.cve.empty()) {
    out << "CVE:       " << c.cve << '\n';
  }
  if (c.triage) {
    out << "Triage:    " << disclosure::ToString(*c.triage)
        << (c.duplicate_of.empty() ? "" : " of " + c.duplicate_of) << '\n';
  }
  out << "Severity:  " << SeverityText(c);
  if (c.severity) {
    out << " (" << c.severity->vector << ")";
  }
  out << '\n';
  for (const disclosure::AffectedProduct& entry : c.affected) {
    out << "Affected:  " << entry.product << " " << entry.versions << ": "
        << disclosure::ToString(entry.status)
        << (entry.justification.empty() ? "" : " (" + entry.justification + ")") << '\n';
  }
  for (const disclosure::FixRecord& fix : c.fixes) {
    out << "Fix:       " << fix.description << (fix.ref.empty() ? "" : " [" + fix.ref + "]")
        << '\n';
  }
  for (const disclosure::ReleaseRecord& release : c.releases) {
    out << "Release:   " << release.version << " at " << FormatUtc(release.at) << '\n';
  }
  if (!c.advisory_url.empty()) {
    out << "Advisory:  " << c.advisory_url << '\n';
  }
  out << "SLA (" << policy.source << ", as of " << FormatUtc(now) << "):\n";
  const disclosure::SlaReport sla = disclosure::EvaluateSla(c, policy, now);
  for (const disclosure::ClockResult& clock : sla.clocks) {
    out << "  " << std::left << std::setw(14) << disclosure::ToString(clock.kind) << std::setw(10)
        << disclosure::ToString(clock.status);
    if (clock.status != disclosure::ClockStatus::kNotApplicable || clock.start) {
      out << "deadline " << std::setw(21) << Optional(clock.deadline) << "used " << Days(clock.used)
          << " of " << Days(clock.budget) << ", ";
    }
    out << clock.basis << '\n';
  }
  std::string allowed;
  for (EventType type : disclosure::AllowedNext(c)) {
    allowed += (allowed.empty() ? "" : ", ") + std::string(disclosure::ToString(type));
  }
  out << "Next:      " << allowed << '\n';
  out << "Events:\n";
  for (const disclosure::CaseEvent& event : c.events) {
    out << "  #" << event.sequence << "  " << FormatUtc(event.at) << "  " << event.actor << "  "
        << disclosure::ToString(event.type);
    for (const auto& [key, value] : event.fields) {
      out << "  " << key << "=" << value;
    }
    out << '\n';
  }
}

struct Session {
  LoadedPolicy policy;
  TimePoint now;
  std::unique_ptr<CaseTracker> tracker;
};

// Opens the case store. Only `open` may create it (kCreate); every other
// command needs an existing store, so a mistyped --store is an error, not
// an empty log.
Result<CaseTracker> OpenStore(const CvdOptions& options,
                              const Clock& clock,
                              disclosure::StoreAccess access) {
  Result<CaseTracker> tracker = CaseTracker::Open(options.store, clock, access);
  if (!tracker && tracker.error().code() == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound,
                tracker.error().message() +
                    " (check --store or $PROVISIO_CVD_STORE; `provisio cvd open` creates a store)");
  }
  return tracker;
}

// Loads the policy, resolves the time and opens the store.
Result<Session> Begin(const CvdOptions& options, const Clock& clock) {
  Session session;
  Result<LoadedPolicy> policy = LoadPolicy(options.policy);
  if (!policy) {
    return Fail(policy.error().WithContext("--policy"));
  }
  session.policy = std::move(*policy);
  Result<TimePoint> now = Now(options, clock);
  if (!now) {
    return Fail(now.error());
  }
  session.now = *now;
  Result<CaseTracker> tracker = OpenStore(options, clock, disclosure::StoreAccess::kExisting);
  if (!tracker) {
    return Fail(tracker.error());
  }
  session.tracker = std::make_unique<CaseTracker>(std::move(*tracker));
  return session;
}

}  // namespace

int RunCvdRecord(const CvdOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err) {
  const std::string command(disclosure::ToString(options.type));
  Result<TimePoint> now = Now(options, clock);
  if (!now) {
    return Failed(err, command, now.error());
  }
  Result<std::map<std::string, std::string>> fields = EventFields(options, *now);
  if (!fields) {
    return Failed(err, command, fields.error());
  }
  Result<CaseTracker> tracker =
      OpenStore(options, clock,
                options.type == disclosure::EventType::kOpen ? disclosure::StoreAccess::kCreate
                                                             : disclosure::StoreAccess::kExisting);
  if (!tracker) {
    return Failed(err, command, tracker.error());
  }
  disclosure::NewEvent request;
  request.case_id = options.case_id;
  request.type = options.type;
  request.actor = Actor(options);
  request.fields = std::move(*fields);
  request.at = *now;
  Result<disclosure::CaseEvent> stored = tracker->Record(request);
  if (!stored) {
    return Failed(err, command, stored.error());
  }
  if (options.type == EventType::kOpen) {
    out << stored->case_id << '\n';
  } else {
    out << stored->case_id << ": " << command << " recorded as event " << stored->sequence << " at "
        << FormatUtc(stored->at) << '\n';
  }
  return kExitOk;
}

int RunCvdShow(const CvdOptions& options,
               const Clock& clock,
               std::ostream& out,
               std::ostream& err) {
  Result<Session> session = Begin(options, clock);
  if (!session) {
    return Failed(err, "show", session.error());
  }
  Result<Case> c = session->tracker->LoadCase(options.case_id);
  if (!c) {
    return Failed(err, "show", c.error());
  }
  if (options.json) {
    out << disclosure::CaseDetailJsonText(*c, session->policy.sla, session->now);
  } else {
    PrintCase(*c, session->policy.sla, session->now, out);
  }
  return kExitOk;
}

int RunCvdList(const CvdOptions& options,
               const Clock& clock,
               std::ostream& out,
               std::ostream& err) {
  Result<Session> session = Begin(options, clock);
  if (!session) {
    return Failed(err, "list", session.error());
  }
  Result<std::vector<Case>> all = session->tracker->LoadAllCases();
  if (!all) {
    return Failed(err, "list", all.error());
  }
  std::vector<Case> shown;
  for (Case& c : *all) {
    if (!options.overdue_only ||
        disclosure::EvaluateSla(c, session->policy.sla, session->now).Overdue()) {
      shown.push_back(std::move(c));
    }
  }
  if (options.json) {
    out << disclosure::CaseListJson(shown, session->policy.sla, session->now);
  } else {
    out << std::left << std::setw(16) << "CASE" << std::setw(14) << "STATE" << std::setw(15)
        << "SEVERITY" << std::setw(22) << "RECEIVED"
        << "OVERDUE" << '\n';
    for (const Case& c : shown) {
      const disclosure::SlaReport sla =
          disclosure::EvaluateSla(c, session->policy.sla, session->now);
      out << std::left << std::setw(16) << c.id << std::setw(14)
          << (std::string(disclosure::ToString(c.state)) + (c.waiting ? "*" : "")) << std::setw(15)
          << SeverityText(c) << std::setw(22) << FormatUtc(c.received) << OverdueClocks(sla)
          << '\n';
    }
  }
  if (options.overdue_only && !shown.empty()) {
    err << "provisio cvd list: " << shown.size() << " case(s) overdue\n";
    return kExitFindings;
  }
  return kExitOk;
}

int RunCvdMetrics(const CvdOptions& options,
                  const Clock& clock,
                  std::ostream& out,
                  std::ostream& err) {
  Result<Session> session = Begin(options, clock);
  if (!session) {
    return Failed(err, "metrics", session.error());
  }
  Result<std::vector<Case>> all = session->tracker->LoadAllCases();
  if (!all) {
    return Failed(err, "metrics", all.error());
  }
  const disclosure::CvdMetrics metrics =
      disclosure::ComputeMetrics(*all, session->policy.sla, session->now);
  if (options.json) {
    out << disclosure::MetricsJsonText(metrics, session->policy.sla, session->now);
    return kExitOk;
  }
  auto number = [](const std::optional<double>& value, const char* unit) {
    if (!value) {
      return std::string("n/a");
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", *value, unit);
    return std::string(text);
  };
  auto percent = [](const disclosure::ClockFigures& f) {
    if (!f.compliance_percent) {
      return std::string("n/a");
    }
    char text[64];
    std::snprintf(text, sizeof text, "%.1f%% (%d met, %d breached, %d overdue, %d pending)",
                  *f.compliance_percent, f.met, f.breached, f.overdue, f.pending);
    return std::string(text);
  };
  out << "Cases: " << metrics.cases << " (" << metrics.open_cases << " open, "
      << metrics.overdue_cases << " overdue), as of " << FormatUtc(session->now) << '\n';
  out << "Median time to acknowledge: " << number(metrics.median_hours_to_acknowledge, "hours")
      << '\n';
  out << "Median time to triage:      " << number(metrics.median_days_to_triage, "days") << '\n';
  out << "Median time to fix:         " << number(metrics.median_days_to_fix, "days") << '\n';
  out << "SLA compliance:             " << percent(metrics.overall) << '\n';
  for (const auto& [name, figures] : metrics.by_clock) {
    out << "  " << std::left << std::setw(14) << name << percent(figures) << '\n';
  }
  out << "Open cases by severity:";
  for (const char* rating : {"critical", "high", "medium", "low", "none", "unrated"}) {
    out << ' ' << rating << '=' << metrics.open_by_severity.at(rating);
  }
  out << '\n';
  return kExitOk;
}

int RunCvdVerify(const CvdOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err) {
  const std::string& anchor = options.expect_head;
  if (!anchor.empty() &&
      (anchor.size() != 64 || anchor.find_first_not_of("0123456789abcdef") != std::string::npos)) {
    err << "provisio cvd verify: --expect-head must be a SHA-256 head hash (64 lower-case hex "
           "digits), as verify prints it\n";
    return kExitUsage;
  }
  Result<CaseTracker> tracker = OpenStore(options, clock, disclosure::StoreAccess::kExisting);
  if (!tracker) {
    return Failed(err, "verify", tracker.error());
  }
  Result<disclosure::ChainVerification> report = tracker->Verify(options.expect_head);
  if (!report) {
    return Failed(err, "verify", report.error());
  }
  if (options.json) {
    out << disclosure::VerificationJson(*report);
  } else if (report->ok) {
    out << "ok: " << report->events << " events, chain head " << report->head_hash << '\n';
  } else {
    out << "BROKEN at event " << report->first_bad_sequence << ": " << report->problem << '\n';
  }
  if (!report->ok) {
    err << "provisio cvd verify: the case log fails verification at event "
        << report->first_bad_sequence << '\n';
    return kExitFindings;
  }
  return kExitOk;
}

int RunCvdExportCsaf(const CvdOptions& options,
                     const Clock& clock,
                     std::ostream& out,
                     std::ostream& err) {
  Result<CaseTracker> tracker = OpenStore(options, clock, disclosure::StoreAccess::kExisting);
  if (!tracker) {
    return Failed(err, "export-csaf", tracker.error());
  }
  Result<Case> c = tracker->LoadCase(options.case_id);
  if (!c) {
    return Failed(err, "export-csaf", c.error());
  }
  disclosure::CsafOptions csaf;
  csaf.vex = options.vex;
  csaf.publisher_name = options.publisher_name;
  csaf.publisher_namespace = options.publisher_namespace;
  if (!options.policy.empty() &&
      (csaf.publisher_name.empty() || csaf.publisher_namespace.empty())) {
    // Default the publisher from vdp.yaml: its organization, and the scheme
    // and host of its policy URL.
    Result<LoadedPolicy> policy = LoadPolicy(options.policy);
    if (!policy) {
      return Failed(err, "export-csaf", policy.error().WithContext("--policy"));
    }
    if (csaf.publisher_name.empty()) {
      csaf.publisher_name = policy->vdp.organization;
    }
    const std::string& url = policy->vdp.policy_url;
    const std::size_t host_end = url.find('/', url.find("://") + 3);
    if (csaf.publisher_namespace.empty() && url.rfind("https://", 0) == 0) {
      csaf.publisher_namespace = url.substr(0, host_end);
    }
  }
  csaf.title = options.title;
  Result<std::string> document = disclosure::ExportCsaf(*c, csaf);
  if (!document) {
    return Failed(err, "export-csaf", document.error());
  }
  Result<void> written = WriteFileAtomically(options.out, *document);
  if (!written) {
    return Failed(err, "export-csaf", written.error());
  }
  out << options.out << '\n';
  return kExitOk;
}

int RunCvdEvidence(const CvdOptions& options,
                   const Clock& clock,
                   std::ostream& out,
                   std::ostream& err) {
  if (options.policy.empty()) {
    err << "provisio cvd evidence: --policy vdp.yaml is required (5.2-1 is about the policy)\n";
    return kExitUsage;
  }
  Result<Session> session = Begin(options, clock);
  if (!session) {
    return Failed(err, "evidence", session.error());
  }
  Result<std::vector<Case>> all = session->tracker->LoadAllCases();
  if (!all) {
    return Failed(err, "evidence", all.error());
  }
  Result<disclosure::ChainVerification> chain = session->tracker->Verify();
  if (!chain) {
    return Failed(err, "evidence", chain.error());
  }
  disclosure::CvdEvidenceInput input;
  input.policy.file = options.policy;
  input.policy.contacts = session->policy.vdp.contacts;
  input.policy.policy_url = session->policy.vdp.policy_url;
  input.policy.timelines = session->policy.sla;
  input.cases = std::move(*all);
  input.chain = *chain;
  input.product.manufacturer =
      options.manufacturer.empty() ? session->policy.vdp.organization : options.manufacturer;
  input.product.model = options.model;
  input.product.hardware_version = options.hardware_version;
  input.product.software_version = options.software_version;
  const FixedClock as_of(session->now);
  Result<evidence::EvidenceRecord> record = disclosure::BuildCvdEvidence(input, as_of);
  if (!record) {
    return Failed(err, "evidence", record.error());
  }
  Result<void> written = evidence::WriteEvidenceRecord(options.out, *record);
  if (!written) {
    return Failed(err, "evidence", written.error());
  }
  for (const evidence::ProvisionResult& result : record->provisions) {
    out << result.id << "  " << evidence::ToString(result.outcome) << "  " << result.summary
        << '\n';
  }
  return kExitOk;
}

namespace {

using Runner = int (*)(const CvdOptions&, const Clock&, std::ostream&, std::ostream&);

void AddShared(CLI::App* command, CvdOptions& options) {
  command
      ->add_option("--store", options.store,
                   "Case store: a SQLite file (only `open` creates a missing one), or a "
                   "postgresql://user@host/db URI for a store "
                   "shared by a team (the database must exist; put the password in ~/.pgpass or "
                   "PGPASSWORD rather than the URI)")
      ->envname("PROVISIO_CVD_STORE")
      ->capture_default_str();
  command->add_option("--actor", options.actor, "Who records the event (default: $USER)");
  command
      ->add_option("--at", options.at,
                   "Record the event at, or evaluate clocks as of, this UTC time (imports, tests)")
      ->group("");
}

void AddPolicy(CLI::App* command, CvdOptions& options) {
  command->add_option("--policy", options.policy,
                      "vdp.yaml whose timelines set the SLAs (default: built-in timelines)");
}

CLI::App* AddRunner(CLI::App* parent,
                    const char* name,
                    const char* help,
                    std::shared_ptr<CvdOptions> options,
                    CommandContext& context,
                    Runner run) {
  CLI::App* command = parent->add_subcommand(name, help);
  AddShared(command, *options);
  command->callback([options, &context, run] {
    SystemClock clock;
    context.status = run(*options, clock, context.out, context.err);
  });
  return command;
}

CLI::App* AddRecorder(CLI::App* parent,
                      EventType type,
                      const char* help,
                      std::shared_ptr<CvdOptions> options,
                      CommandContext& context) {
  CLI::App* command = parent->add_subcommand(std::string(disclosure::ToString(type)), help);
  AddShared(command, *options);
  if (type != EventType::kOpen) {
    command->add_option("case", options->case_id, "Case id, e.g. CVD-2026-0001")->required();
  }
  command->callback([options, &context, type] {
    options->type = type;
    SystemClock clock;
    context.status = RunCvdRecord(*options, clock, context.out, context.err);
  });
  return command;
}

}  // namespace

void AddCvdCommands(CLI::App& app, CommandContext& context) {
  auto options = std::make_shared<CvdOptions>();
  CLI::App* cvd = app.add_subcommand(
      "cvd",
      "Coordinated vulnerability disclosure cases (EN 303 645 5.2).\n"
      "  Every step is an event with its UTC time and actor in an append-only,\n"
      "  hash-chained log (--store or $PROVISIO_CVD_STORE: a SQLite file, default\n"
      "  .provisio/cvd.db, or a postgresql:// URI); case state is replayed\n"
      "  from it. Steps the state machine does not allow are refused with the allowed\n"
      "  next steps. SLA clocks: acknowledge 2 business days, triage 10 days, status\n"
      "  update every 14 days, fix 30/60/90/180 days by severity, disclosure 90 days\n"
      "  (or the timelines of --policy vdp.yaml). Typical flow:\n"
      "    provisio cvd open --reporter alice@example.org --summary 'XSS in web UI'\n"
      "    provisio cvd acknowledge CVD-2026-0001\n"
      "    provisio cvd triage CVD-2026-0001 valid\n"
      "    provisio cvd severity CVD-2026-0001 CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N\n"
      "    provisio cvd affected CVD-2026-0001 --product 'Camera X1' --versions 1.2.3 "
      "--status affected\n"
      "    provisio cvd fix CVD-2026-0001 --description 'escape output' --ref 4f2a9c1\n"
      "    provisio cvd release CVD-2026-0001 1.2.4\n"
      "    provisio cvd disclose CVD-2026-0001 https://example.com/advisories/2026-0001\n"
      "    provisio cvd close CVD-2026-0001");
  cvd->require_subcommand(1);

  CLI::App* open = AddRecorder(cvd, EventType::kOpen, "Open a case for a new report; prints its id",
                               options, context);
  open->add_option("--reporter", options->reporter, "Reporter's name or address")->required();
  open->add_option("--summary", options->summary, "One line: what was reported")->required();
  open->add_option("--channel", options->channel, "How it arrived: email, web-form, ...")
      ->capture_default_str();
  open->add_option("--received", options->received,
                   "When the report arrived (UTC; default now). SLA clocks start here");
  open->add_option("--cve", options->cve, "CVE id, if already assigned");

  CLI::App* ack =
      AddRecorder(cvd, EventType::kAcknowledge,
                  "Record that the reporter was told the report arrived", options, context);
  ack->add_option("--message", options->message, "What was sent");

  CLI::App* triage = AddRecorder(
      cvd, EventType::kTriage, "Decide: valid, invalid, duplicate (--duplicate-of) or out-of-scope",
      options, context);
  triage->add_option("outcome", options->outcome, "valid, invalid, duplicate or out-of-scope")
      ->required()
      ->check(CLI::IsMember({"valid", "invalid", "duplicate", "out-of-scope"}));
  triage->add_option("--duplicate-of", options->duplicate_of, "The original case (duplicate)");
  triage->add_option("--reason", options->reason, "Why");
  triage->add_option("--cve", options->cve, "CVE id");

  CLI::App* severity =
      AddRecorder(cvd, EventType::kSeverity,
                  "Set the severity from a CVSS v3.1 or v4.0 vector (the fix deadline follows it, "
                  "counted from receipt)",
                  options, context);
  severity->add_option("vector", options->vector, "CVSS:3.1/... or CVSS:4.0/...")->required();

  CLI::App* affected = AddRecorder(
      cvd, EventType::kAffected,
      "Record a product's versions with a VEX status (a later entry for the same product and "
      "versions replaces it)",
      options, context);
  affected->add_option("--product", options->product, "Product name")->required();
  affected->add_option("--versions", options->versions, "Version or range, e.g. 1.2.3 or <1.2.4")
      ->required();
  affected->add_option("--status", options->status, "VEX status")
      ->required()
      ->check(CLI::IsMember({"under_investigation", "affected", "not_affected", "fixed"}));
  std::vector<std::string> justifications;
  for (std::string_view label : disclosure::VexJustifications()) {
    justifications.emplace_back(label);
  }
  affected
      ->add_option("--justification", options->justification,
                   "Required for not_affected: a CSAF/VEX justification label")
      ->check(CLI::IsMember(justifications));
  affected->add_option("--impact", options->impact, "Impact statement (why not affected)");

  CLI::App* fix = AddRecorder(cvd, EventType::kFix, "Record a fix (description and commit/ref)",
                              options, context);
  fix->add_option("--description", options->description, "What the fix does")->required();
  fix->add_option("--ref", options->ref, "Commit id, tag or URL");

  CLI::App* release = AddRecorder(cvd, EventType::kRelease,
                                  "Record the firmware release that ships the fix (stops the fix "
                                  "clock)",
                                  options, context);
  release->add_option("version", options->version, "Firmware version")->required();
  release->add_option("--product", options->product, "Product, when the case has several");

  CLI::App* disclose =
      AddRecorder(cvd, EventType::kDisclose, "Record the public advisory", options, context);
  disclose->add_option("url", options->url, "Advisory URL")->required();

  CLI::App* close = AddRecorder(cvd, EventType::kClose, "Close the case", options, context);
  close->add_option("--reason", options->reason, "Why");

  CLI::App* note = AddRecorder(cvd, EventType::kNote, "Add a note", options, context);
  note->add_option("text", options->text, "The note")->required();
  note->add_flag("--to-reporter", options->to_reporter,
                 "The note is a status update sent to the reporter (restarts the 14-day clock)");

  CLI::App* wait = AddRecorder(cvd, EventType::kWaitOnReporter,
                               "Work waits on the reporter: SLA clocks pause", options, context);
  wait->add_option("--reason", options->reason, "What we wait for");

  CLI::App* resume = AddRecorder(cvd, EventType::kResume, "The reporter answered: clocks run again",
                                 options, context);
  resume->add_option("--text", options->text, "What arrived");

  CLI::App* show = AddRunner(cvd, "show", "Show a case: fields, SLA clocks, next steps, events",
                             options, context, RunCvdShow);
  show->add_option("case", options->case_id, "Case id")->required();
  show->add_flag("--json", options->json, "Print JSON");
  AddPolicy(show, *options);

  CLI::App* list = AddRunner(cvd, "list", "List cases (with --overdue: exit 3 if any is overdue)",
                             options, context, RunCvdList);
  list->add_flag("--overdue", options->overdue_only, "Only cases with an overdue clock");
  list->add_flag("--json", options->json, "Print JSON");
  AddPolicy(list, *options);

  CLI::App* metrics = AddRunner(
      cvd, "metrics",
      "Median time to acknowledge, triage and fix; SLA compliance; open cases by severity", options,
      context, RunCvdMetrics);
  metrics->add_flag("--json", options->json, "Print JSON");
  AddPolicy(metrics, *options);

  CLI::App* verify =
      AddRunner(cvd, "verify",
                "Recompute the hash chain: exit 0 if intact, 3 with the first edited, inserted or "
                "deleted event",
                options, context, RunCvdVerify);
  verify->add_flag("--json", options->json, "Print JSON");
  verify->add_option("--expect-head", options->expect_head,
                     "A head hash recorded earlier outside the store (printed by verify, kept in "
                     "the cvd evidence record): fail (exit 3) unless the chain still contains it. "
                     "Without it, deleting the newest events together with the chain head cannot "
                     "be detected");

  CLI::App* csaf =
      AddRunner(cvd, "export-csaf",
                "Write a CSAF 2.0 csaf_security_advisory (or csaf_vex with --vex) for a case",
                options, context, RunCvdExportCsaf);
  csaf->add_option("case", options->case_id, "Case id")->required();
  csaf->add_option("--out", options->out, "Output file")->required();
  csaf->add_flag("--vex", options->vex, "Write a csaf_vex document");
  csaf->add_option("--publisher-name", options->publisher_name,
                   "Publishing vendor (default: the organization in --policy)");
  csaf->add_option("--publisher-namespace", options->publisher_namespace,
                   "https URL identifying the publisher (default: scheme and host of the "
                   "policy_url in --policy)");
  AddPolicy(csaf, *options);
  csaf->add_option("--title", options->title, "Document title (default: the case summary)");

  CLI::App* evidence_command = AddRunner(
      cvd, "evidence",
      "Write the evidence record for 5.2-1, 5.2-2 and 5.2-3 from the policy and the case log",
      options, context, RunCvdEvidence);
  AddPolicy(evidence_command, *options);
  evidence_command->add_option("--out", options->out, "Evidence record file")->required();
  evidence_command->add_option("--manufacturer", options->manufacturer,
                               "Product manufacturer (default: the policy's organization)");
  evidence_command->add_option("--model", options->model, "Product model");
  evidence_command->add_option("--hardware-version", options->hardware_version, "Hardware version");
  evidence_command->add_option("--software-version", options->software_version,
                               "Software version the evidence speaks for");
}

}  // namespace provisio::cli
