#include "disclosure/cvd_json.h"

#include "provisio/disclosure/cvd_report.h"

namespace provisio::disclosure {
namespace {

using formats::Json;

Json OptionalTime(const std::optional<TimePoint>& time) {
  return time ? Json(FormatUtc(*time)) : Json(nullptr);
}

Json OptionalNumber(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json FiguresJson(const ClockFigures& figures) {
  return {{"met", figures.met},
          {"breached", figures.breached},
          {"overdue", figures.overdue},
          {"pending", figures.pending},
          {"compliance_percent", OptionalNumber(figures.compliance_percent)}};
}

}  // namespace

Json SlaPolicyJson(const SlaPolicy& policy) {
  return {{"source", policy.source},
          {"acknowledge_business_days", policy.acknowledge_business_days},
          {"triage_days", policy.triage_days},
          {"status_update_days", policy.status_update_days},
          {"fix_days",
           {{"critical", policy.fix_critical_days},
            {"high", policy.fix_high_days},
            {"medium", policy.fix_medium_days},
            {"low", policy.fix_low_days}}},
          {"disclosure_days", policy.disclosure_days}};
}

Json ClockJson(const ClockResult& clock) {
  Json json = {{"clock", std::string(ToString(clock.kind))},
               {"status", std::string(ToString(clock.status))},
               {"basis", clock.basis},
               {"budget_seconds", clock.budget.count()},
               {"used_seconds", clock.used.count()},
               {"start", OptionalTime(clock.start)},
               {"deadline", OptionalTime(clock.deadline)},
               {"completed", OptionalTime(clock.completed)}};
  if (clock.kind == ClockKind::kStatusUpdate) {
    json["late_intervals"] = clock.late_intervals;
  }
  return json;
}

Json MetricsJson(const CvdMetrics& metrics) {
  Json by_clock = Json::object();
  for (const auto& [name, figures] : metrics.by_clock) {
    by_clock[name] = FiguresJson(figures);
  }
  Json open_by_severity = Json::object();
  for (const auto& [rating, count] : metrics.open_by_severity) {
    open_by_severity[rating] = count;
  }
  return {{"cases", metrics.cases},
          {"open_cases", metrics.open_cases},
          {"overdue_cases", metrics.overdue_cases},
          {"median_hours_to_acknowledge", OptionalNumber(metrics.median_hours_to_acknowledge)},
          {"median_days_to_triage", OptionalNumber(metrics.median_days_to_triage)},
          {"median_days_to_fix", OptionalNumber(metrics.median_days_to_fix)},
          {"sla_compliance", FiguresJson(metrics.overall)},
          {"sla_compliance_by_clock", by_clock},
          {"open_by_severity", open_by_severity}};
}

Json CaseSummaryJson(const Case& c, const SlaReport& sla) {
  Json clocks = Json::array();
  for (const ClockResult& clock : sla.clocks) {
    clocks.push_back(ClockJson(clock));
  }
  Json severity = nullptr;
  if (c.severity) {
    severity = {{"vector", c.severity->vector},
                {"cvss_version", c.severity->cvss_version},
                {"base_score", c.severity->base_score},
                {"rating", c.severity->rating}};
  }
  return {{"id", c.id},
          {"state", std::string(ToString(c.state))},
          {"waiting_on_reporter", c.waiting},
          {"summary", c.summary},
          {"received", FormatUtc(c.received)},
          {"severity", severity},
          {"cve", c.cve},
          {"overdue", sla.Overdue()},
          {"sla", clocks}};
}

Json CaseDetailJson(const Case& c, const SlaReport& sla) {
  Json json = CaseSummaryJson(c, sla);
  json["reporter"] = c.reporter;
  json["channel"] = c.channel;
  json["triage"] = c.triage ? Json(std::string(ToString(*c.triage))) : Json(nullptr);
  json["duplicate_of"] = c.duplicate_of;
  json["advisory_url"] = c.advisory_url;
  json["acknowledged"] = OptionalTime(c.acknowledged_at);
  json["triaged"] = OptionalTime(c.triaged_at);
  json["fixed"] = OptionalTime(c.fixed_at);
  json["released"] = OptionalTime(c.released_at);
  json["disclosed"] = OptionalTime(c.disclosed_at);
  json["closed"] = OptionalTime(c.closed_at);
  Json affected = Json::array();
  for (const AffectedProduct& entry : c.affected) {
    affected.push_back({{"product", entry.product},
                        {"versions", entry.versions},
                        {"status", std::string(ToString(entry.status))},
                        {"justification", entry.justification},
                        {"impact", entry.impact}});
  }
  json["affected"] = affected;
  Json fixes = Json::array();
  for (const FixRecord& fix : c.fixes) {
    fixes.push_back(
        {{"description", fix.description}, {"ref", fix.ref}, {"at", FormatUtc(fix.at)}});
  }
  json["fixes"] = fixes;
  Json releases = Json::array();
  for (const ReleaseRecord& release : c.releases) {
    releases.push_back({{"version", release.version},
                        {"product", release.product},
                        {"at", FormatUtc(release.at)}});
  }
  json["releases"] = releases;
  Json allowed = Json::array();
  for (EventType type : AllowedNext(c)) {
    allowed.push_back(std::string(ToString(type)));
  }
  json["allowed_next"] = allowed;
  Json events = Json::array();
  for (const CaseEvent& event : c.events) {
    Json fields = Json::object();
    for (const auto& [key, value] : event.fields) {
      fields[key] = value;
    }
    events.push_back({{"seq", event.sequence},
                      {"type", std::string(ToString(event.type))},
                      {"at", FormatUtc(event.at)},
                      {"actor", event.actor},
                      {"fields", fields},
                      {"hash", event.hash}});
  }
  json["events"] = events;
  return json;
}

std::string CaseListJson(std::span<const Case> cases, const SlaPolicy& policy, TimePoint now) {
  Json list = Json::array();
  for (const Case& c : cases) {
    list.push_back(CaseSummaryJson(c, EvaluateSla(c, policy, now)));
  }
  Json doc = {{"as_of", FormatUtc(now)}, {"policy", SlaPolicyJson(policy)}, {"cases", list}};
  return formats::DumpJson(doc) + "\n";
}

std::string CaseDetailJsonText(const Case& c, const SlaPolicy& policy, TimePoint now) {
  Json doc = CaseDetailJson(c, EvaluateSla(c, policy, now));
  doc["as_of"] = FormatUtc(now);
  doc["policy"] = SlaPolicyJson(policy);
  return formats::DumpJson(doc) + "\n";
}

std::string MetricsJsonText(const CvdMetrics& metrics, const SlaPolicy& policy, TimePoint now) {
  Json doc = MetricsJson(metrics);
  doc["as_of"] = FormatUtc(now);
  doc["policy"] = SlaPolicyJson(policy);
  return formats::DumpJson(doc) + "\n";
}

std::string VerificationJson(const ChainVerification& report) {
  Json doc = {{"ok", report.ok},
              {"events", report.events},
              {"head_hash", report.head_hash},
              {"first_bad_event",
               report.first_bad_sequence == 0 ? Json(nullptr) : Json(report.first_bad_sequence)},
              {"problem", report.problem}};
  return formats::DumpJson(doc) + "\n";
}

}  // namespace provisio::disclosure
