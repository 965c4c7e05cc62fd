// report.json: schema "provisio.report/v1", documented in docs/report.md.
#include <string>

#include "formats/document.h"
#include "provisio/report/report.h"
#include "report/report_model.h"

namespace provisio::report {
namespace {

using formats::Json;

Json CountsJson(const VerdictCounts& counts) {
  Json json = Json::object();
  json["total"] = counts.total;
  for (const assess::Verdict verdict : kVerdictOrder) {
    json[std::string(VerdictName(verdict))] = counts.Of(verdict);
  }
  json["waived"] = counts.waived;
  return json;
}

Json EvidenceJson(const assess::EvidenceUse& evidence) {
  Json json = Json::object();
  json["kind"] = evidence.kind;
  json["path"] = evidence.path;
  json["sha256"] = evidence.sha256;
  json["expected_sha256"] = evidence.expected_sha256;
  json["outcome"] = evidence.outcome;
  json["detail"] = evidence.detail;
  return json;
}

Json ProvisionJson(const assess::Assessment& assessment,
                   const assess::ProvisionVerdict& provision) {
  Json json = Json::object();
  json["id"] = provision.id;
  json["clause"] = provision.clause;
  json["clause_title"] = provision.clause_title;
  json["status"] = provision.status_text;
  json["mandatory"] = provision.mandatory;
  json["summary"] = provision.summary;
  json["claim"] = std::string(SupportName(provision.claim));
  json["claim_detail"] = provision.claim_detail;
  json["verdict"] = std::string(VerdictName(provision.verdict));
  json["blocking"] = IsBlocking(assessment, provision.id);
  json["reasons"] = Json::array();
  for (const std::string& reason : provision.reasons) {
    json["reasons"].push_back(reason);
  }
  json["evidence"] = Json::array();
  for (const assess::EvidenceUse& evidence : provision.evidence) {
    json["evidence"].push_back(EvidenceJson(evidence));
  }
  json["waived"] = provision.waived;
  json["waiver"] = provision.waived ? Json(provision.waiver) : Json(nullptr);
  return json;
}

}  // namespace

Result<std::string> RenderJson(const assess::Assessment& assessment) {
  Json root = Json::object();
  root["schema"] = std::string(kReportSchema);

  Json& tool = root["tool"] = Json::object();
  tool["name"] = "provisio";
  tool["version"] = assessment.tool_version;

  root["assessed_at"] = FormatUtc(assessment.assessed_at);

  Json& product = root["product"] = Json::object();
  product["dir"] = assessment.product_dir;
  product["manufacturer"] = assessment.dut.manufacturer;
  product["model"] = assessment.dut.model;
  product["hardware_version"] = assessment.dut.hardware_version;
  product["software_version"] = assessment.dut.software_version;

  Json& standard = root["standard"] = Json::object();
  standard["name"] = assessment.standard;
  standard["version"] = assessment.standard_version;

  Json& policy = root["policy"] = Json::object();
  policy["recommendations_required"] = assessment.policy.recommendations_required;

  Json& gate = root["gate"] = Json::object();
  gate["passed"] = assessment.gate.passed;
  gate["decision"] = assessment.gate.passed ? "PASS" : "FAIL";
  gate["blocking_ids"] = Json::array();
  for (const std::string& id : assessment.gate.blocking_ids) {
    gate["blocking_ids"].push_back(id);
  }

  root["counts"] = CountsJson(CountVerdicts(assessment));

  Json& clauses = root["clauses"] = Json::array();
  for (const ClauseGroup& group : GroupByClause(assessment)) {
    Json clause = Json::object();
    clause["clause"] = group.clause;
    clause["title"] = group.title;
    clause["counts"] = CountsJson(group.counts);
    clauses.push_back(std::move(clause));
  }

  Json& provisions = root["provisions"] = Json::array();
  for (const assess::ProvisionVerdict& provision : assessment.provisions) {
    provisions.push_back(ProvisionJson(assessment, provision));
  }

  return formats::DumpJson(root, 2) + "\n";
}

}  // namespace provisio::report
