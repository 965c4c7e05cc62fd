#include "provisio/disclosure/cvd_evidence.h"

#include <cstdio>

#include "disclosure/cvd_json.h"
#include "formats/document.h"

namespace provisio::disclosure {
namespace {

using formats::Json;

std::string Fraction(const ClockFigures& figures) {
  const int decided = figures.met + figures.breached + figures.overdue;
  std::string text = std::to_string(figures.met) + "/" + std::to_string(decided);
  if (figures.compliance_percent) {
    char percent[32];
    std::snprintf(percent, sizeof percent, " (%.0f%%)", *figures.compliance_percent);
    text += percent;
  }
  return text;
}

std::string Number(std::optional<double> value, const char* unit) {
  if (!value) {
    return "n/a";
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.1f %s", *value, unit);
  return text;
}

bool AllMet(const ClockFigures& figures) {
  return figures.breached == 0 && figures.overdue == 0;
}

}  // namespace

Result<evidence::EvidenceRecord> BuildCvdEvidence(const CvdEvidenceInput& input,
                                                  const Clock& clock) {
  Result<evidence::EvidenceRecord> made = evidence::MakeRecord("disclosure.cvd", clock);
  if (!made) {
    return Fail(made.error());
  }
  evidence::EvidenceRecord record = std::move(*made);
  record.title = "Coordinated vulnerability disclosure: policy and case handling";
  record.product = input.product;
  record.tool.command = input.command;
  Result<evidence::FileReference> policy_file =
      evidence::DescribeFile(input.policy.file, input.policy.file.string(), "input");
  if (!policy_file) {
    return Fail(policy_file.error().WithContext("describing the disclosure policy"));
  }
  record.files.push_back(*policy_file);

  const TimePoint now = clock.Now();
  const SlaPolicy& timelines = input.policy.timelines;
  const CvdMetrics metrics = ComputeMetrics(input.cases, timelines, now);
  const ClockFigures& ack = metrics.by_clock.at("acknowledge");
  const ClockFigures& triage = metrics.by_clock.at("triage");
  const ClockFigures& updates = metrics.by_clock.at("status-update");
  const ClockFigures& fix = metrics.by_clock.at("fix");

  // 5.2-1: the policy exists, names a contact and timelines, and is published.
  evidence::ProvisionResult policy{"5.2-1", evidence::Outcome::kPass, ""};
  const std::string timeline_text =
      "acknowledge within " + std::to_string(timelines.acknowledge_business_days) +
      " business days, triage within " + std::to_string(timelines.triage_days) +
      " days, status updates every " + std::to_string(timelines.status_update_days) +
      " days, fixes within " + std::to_string(timelines.fix_critical_days) + "/" +
      std::to_string(timelines.fix_high_days) + "/" + std::to_string(timelines.fix_medium_days) +
      "/" + std::to_string(timelines.fix_low_days) +
      " days (critical/high/medium/low), disclosure within " +
      std::to_string(timelines.disclosure_days) + " days";
  if (input.policy.contacts.empty()) {
    policy.outcome = evidence::Outcome::kFail;
    policy.summary = "The disclosure policy names no reporting contact.";
  } else if (input.policy.policy_url.empty()) {
    policy.outcome = evidence::Outcome::kInconclusive;
    policy.summary = "The policy has " + std::to_string(input.policy.contacts.size()) +
                     " contact(s) and timelines (" + timeline_text +
                     ") but no policy_url, so its publication is not shown.";
  } else {
    policy.summary = "Policy published at " + input.policy.policy_url + " with contact " +
                     input.policy.contacts.front() + " and timelines: " + timeline_text + ".";
  }
  record.provisions.push_back(policy);

  // 5.2-2: reports acted on in a timely manner.
  evidence::ProvisionResult timely{"5.2-2", evidence::Outcome::kPass, ""};
  const std::string timely_figures =
      std::to_string(metrics.cases) + " case(s): acknowledged in time " + Fraction(ack) +
      ", triaged in time " + Fraction(triage) + ", status updates in time " + Fraction(updates) +
      "; median time to acknowledge " + Number(metrics.median_hours_to_acknowledge, "h") +
      ", to triage " + Number(metrics.median_days_to_triage, "days") + ".";
  if (metrics.cases == 0) {
    timely.outcome = evidence::Outcome::kInconclusive;
    timely.summary = "No vulnerability report has been recorded yet.";
  } else if (AllMet(ack) && AllMet(triage) && AllMet(updates)) {
    timely.summary = "Every report handled within the policy's timelines: " + timely_figures;
  } else {
    timely.outcome = evidence::Outcome::kFail;
    timely.summary = "Some reports missed the policy's timelines: " + timely_figures;
  }
  record.provisions.push_back(timely);

  // 5.2-3: vulnerabilities rectified, on a log that verifies.
  evidence::ProvisionResult rectified{"5.2-3", evidence::Outcome::kPass, ""};
  const std::string fix_figures = "fixes released within SLA " + Fraction(fix) + ", " +
                                  std::to_string(fix.pending) +
                                  " still within their deadline; median time to fix " +
                                  Number(metrics.median_days_to_fix, "days") + ".";
  if (!input.chain.ok) {
    rectified.outcome = evidence::Outcome::kFail;
    rectified.summary = "The case log fails verification at event " +
                        std::to_string(input.chain.first_bad_sequence) + ": " + input.chain.problem;
  } else if (fix.met + fix.breached + fix.overdue + fix.pending == 0) {
    rectified.outcome = evidence::Outcome::kInconclusive;
    rectified.summary = "No valid vulnerability has been recorded yet.";
  } else if (AllMet(fix)) {
    rectified.summary = "Vulnerabilities rectified in time: " + fix_figures;
  } else {
    rectified.outcome = evidence::Outcome::kFail;
    rectified.summary = "Some fixes missed their SLA: " + fix_figures;
  }
  record.provisions.push_back(rectified);

  Json details = Json::object();
  Json contacts = Json::array();
  for (const std::string& contact : input.policy.contacts) {
    contacts.push_back(contact);
  }
  details["policy"] = {{"contacts", contacts},
                       {"policy_url", input.policy.policy_url},
                       {"timelines", SlaPolicyJson(timelines)}};
  details["metrics"] = MetricsJson(metrics);
  Json cases = Json::array();
  for (const Case& c : input.cases) {
    cases.push_back(CaseSummaryJson(c, EvaluateSla(c, timelines, now)));
  }
  details["cases"] = cases;
  details["case_log"] = {{"verified", input.chain.ok},
                         {"events", input.chain.events},
                         {"head_hash", input.chain.head_hash},
                         {"problem", input.chain.problem}};
  record.details_json = formats::DumpJson(details, -1);
  return record;
}

}  // namespace provisio::disclosure
