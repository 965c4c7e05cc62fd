#include "provisio/firmware/report.h"

#include <cctype>
#include <map>
#include <set>

#include "formats/document.h"
#include "provisio/core/version.h"

namespace provisio::firmware {
namespace {

using Json = nlohmann::json;

std::string Location(const Finding& finding) {
  return finding.chain + " > " + finding.path;
}

// SARIF artifact URI for a path inside the image: relative, one segment
// per container ("fw.bin/uimage@0x0/squashfs@0x0/etc/shadow"), each
// percent-encoded, so viewers show where in the image the file sits.
std::string ArtifactUri(const Finding& finding) {
  std::string uri;
  auto append = [&uri](std::string_view text) {
    for (const char c : text) {
      const auto u = static_cast<unsigned char>(c);
      if (std::isalnum(u) || c == '/' || c == '.' || c == '-' || c == '_' || c == '~' || c == '@') {
        uri.push_back(c);
      } else {
        static constexpr char kHex[] = "0123456789ABCDEF";
        uri.push_back('%');
        uri.push_back(kHex[u >> 4]);
        uri.push_back(kHex[u & 0xFU]);
      }
    }
  };
  std::string_view chain = finding.chain;
  for (std::size_t cut = chain.find(" > "); !chain.empty(); cut = chain.find(" > ")) {
    append(chain.substr(0, cut));
    uri.push_back('/');
    chain = cut == std::string_view::npos ? std::string_view() : chain.substr(cut + 3);
  }
  std::string_view path = finding.path;
  while (!path.empty() && path.front() == '/')
    path.remove_prefix(1);
  append(path);
  return uri;
}

// What each rule checks, for SARIF's rule descriptions (a finding's own
// message names the account, key or line it is about).
std::string RuleDescription(std::string_view id, const Finding& example) {
  static const std::map<std::string_view, std::string_view> kDescriptions = {
      {"FW-API-TOKEN", "An API token of a known service is embedded in the image"},
      {"FW-CONSOLE-ROOT-SHELL", "A console gives a root shell without a password"},
      {"FW-DEBUG-SERVICE", "A debugging service is started at boot"},
      {"FW-DEBUG-TOOL-PRESENT", "A debugging tool ships in the image"},
      {"FW-DEFAULT-PASSWORD", "An account's password is a known default or common password"},
      {"FW-EMPTY-PASSWORD", "An account has an empty password"},
      {"FW-FIXED-PASSWORD-HASH",
       "An account ships with a fixed password hash shared by every "
       "device"},
      {"FW-HARDCODED-PASSWORD", "A password is hard-coded in a configuration file or script"},
      {"FW-HARDCODED-SECRET",
       "A secret or API key is hard-coded in a configuration file or script"},
      {"FW-PLAINTEXT-SERVICE", "A plaintext remote-access service is started at boot"},
      {"FW-PRIVATE-KEY", "A private key is embedded in the image"},
      {"FW-SETUID-SHELL", "A shell is installed setuid"},
      {"FW-SSH-EMPTY-PASSWORD", "The SSH server lets accounts with an empty password log in"},
      {"FW-SSH-ROOT-PASSWORD", "The SSH server lets root log in with a password"},
      {"FW-TLS-NO-VERIFY", "Certificate verification is switched off"},
      {"FW-TLS-OLD-PROTOCOL", "Configuration enables an obsolete SSL/TLS protocol version"},
      {"FW-TLS-WEAK-CIPHER", "Cipher configuration allows NULL, EXPORT, RC4 or other weak ciphers"},
      {"FW-UID0-DUPLICATE", "A second account has uid 0"},
      {"FW-WORLD-WRITABLE-EXEC", "An executable file is world-writable"},
  };
  const auto it = kDescriptions.find(id);
  return it != kDescriptions.end() ? std::string(it->second) : example.message;
}

// "FW-SETUID-SHELL" -> "SetuidShell": SARIF wants a rule name that differs from its id.
std::string RuleName(std::string_view id) {
  if (id.substr(0, 3) == "FW-")
    id.remove_prefix(3);
  std::string name;
  bool upper = true;
  for (const char c : id) {
    if (c == '-') {
      upper = true;
      continue;
    }
    name.push_back(upper ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    upper = false;
  }
  return name;
}

std::string SarifLevel(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "note";
    case Severity::kMedium:
      return "warning";
    case Severity::kHigh:
    case Severity::kCritical:
      return "error";
  }
  return "warning";
}

}  // namespace

std::string ToJson(const ScanReport& report) {
  Json root = Json::object();
  root["schema"] = "provisio.firmware-scan/v1";
  root["image"] = {{"path", report.image_path}, {"sha256", report.image_sha256}};
  root["statistics"] = {{"image_bytes", report.statistics.image_bytes},
                        {"extracted_bytes", report.statistics.extracted_bytes},
                        {"files", report.statistics.files},
                        {"regular_files", report.statistics.regular_files},
                        {"containers", report.statistics.containers}};
  Json findings = Json::array();
  for (const Finding& f : report.findings) {
    findings.push_back({{"rule", f.rule_id},
                        {"severity", std::string(ToString(f.severity))},
                        {"provisions", f.provisions},
                        {"message", f.message},
                        {"path", f.path},
                        {"chain", f.chain},
                        {"offset", f.offset},
                        {"evidence", f.evidence}});
  }
  root["findings"] = std::move(findings);
  Json components = Json::array();
  for (const Component& c : report.components) {
    components.push_back(
        {{"name", c.name}, {"version", c.version}, {"path", c.path}, {"chain", c.chain}});
  }
  root["components"] = std::move(components);
  Json notes = Json::array();
  for (const UnpackNote& n : report.notes)
    notes.push_back({{"chain", n.chain}, {"message", n.message}});
  root["notes"] = std::move(notes);
  root["containers"] = report.containers;
  return formats::DumpJson(root) + "\n";
}

std::string ToSarif(const ScanReport& report) {
  std::map<std::string, const Finding*> rules;
  for (const Finding& f : report.findings)
    rules.emplace(f.rule_id, &f);
  Json rule_list = Json::array();
  std::map<std::string, std::size_t> rule_index;
  for (const auto& [id, example] : rules) {
    rule_index[id] = rule_list.size();
    std::string provisions;
    for (const std::string& p : example->provisions)
      provisions += (provisions.empty() ? "" : ", ") + p;
    rule_list.push_back(
        {{"id", id},
         {"name", RuleName(id)},
         {"shortDescription", {{"text", RuleDescription(id, *example)}}},
         {"helpUri", "https://www.etsi.org/deliver/etsi_en/303600_303699/303645/"},
         {"properties", {{"provisions", example->provisions}, {"tags", example->provisions}}},
         {"defaultConfiguration", {{"level", SarifLevel(example->severity)}}},
         {"fullDescription",
          {{"text", "EN 303 645 provision(s) " + provisions + ": " + RuleDescription(id, *example) +
                        "."}}}});
  }
  Json results = Json::array();
  for (const Finding& f : report.findings) {
    Json region = {{"byteOffset", f.offset}};
    results.push_back(
        {{"ruleId", f.rule_id},
         {"ruleIndex", rule_index[f.rule_id]},
         {"level", SarifLevel(f.severity)},
         {"message",
          {{"text", f.message + " [" + Location(f) + " @" + std::to_string(f.offset) +
                        "]: " + f.evidence}}},
         {"locations",
          Json::array({{{"physicalLocation",
                         {{"artifactLocation", {{"uri", ArtifactUri(f)}}}, {"region", region}}},
                        {"logicalLocations", Json::array({{{"fullyQualifiedName", Location(f)},
                                                           {"kind", "module"}}})}}})},
         {"properties",
          {{"severity", std::string(ToString(f.severity))},
           {"provisions", f.provisions},
           {"evidence", f.evidence},
           {"chain", f.chain}}}});
  }
  Json notifications = Json::array();
  for (const UnpackNote& n : report.notes) {
    notifications.push_back(
        {{"level", "warning"}, {"message", {{"text", n.chain + ": " + n.message}}}});
  }
  Json run = {{"tool",
               {{"driver",
                 {{"name", "provisio"},
                  {"version", std::string(ToolVersion())},
                  {"informationUri", "https://example.invalid/provisio"},
                  {"rules", rule_list}}}}},
              {"invocations", Json::array({{{"executionSuccessful", true},
                                            {"toolExecutionNotifications", notifications}}})},
              {"results", results},
              {"properties", {{"image", report.image_path}, {"imageSha256", report.image_sha256}}}};
  Json root = {{"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
               {"version", "2.1.0"},
               {"runs", Json::array({run})}};
  return formats::DumpJson(root) + "\n";
}

std::string ToCycloneDx(const ScanReport& report, const Clock& clock, std::string_view serial) {
  Json components = Json::array();
  std::set<std::string> refs;
  for (const Component& c : report.components) {
    std::string ref = c.name + "@" + c.version;
    if (!refs.insert(ref).second)
      continue;
    Json component = {
        {"type", c.name == "linux-kernel" ? "operating-system" : "application"},
        {"bom-ref", ref},
        {"name", c.name},
        {"version", c.version},
        {"properties",
         Json::array({{{"name", "provisio:firmware:path"}, {"value", c.chain + " > " + c.path}}})}};
    components.push_back(std::move(component));
  }
  Json root = {
      {"bomFormat", "CycloneDX"},
      {"specVersion", "1.6"},
      {"serialNumber", "urn:uuid:" + std::string(serial)},
      {"version", 1},
      {"metadata",
       {{"timestamp", FormatUtc(clock.Now())},
        {"tools",
         {{"components", Json::array({{{"type", "application"},
                                       {"name", "provisio"},
                                       {"version", std::string(ToolVersion())}}})}}},
        {"component",
         {{"type", "firmware"},
          {"bom-ref", "image"},
          {"name", report.image_path},
          {"hashes", Json::array({{{"alg", "SHA-256"}, {"content", report.image_sha256}}})}}}}},
      {"components", components}};
  return formats::DumpJson(root) + "\n";
}

Result<evidence::EvidenceRecord> MakeEvidence(const ScanReport& report,
                                              std::string_view product_version,
                                              const Clock& clock) {
  auto record = evidence::MakeRecord("firmware.scan", clock);
  if (!record)
    return Fail(record.error());
  record->title = "Firmware hardening scan of " + report.image_path;
  record->product.software_version = std::string(product_version);
  record->tool.command = "provisio firmware scan";
  std::map<std::string, std::vector<const Finding*>> by_provision;
  for (const Finding& f : report.findings) {
    for (const std::string& p : f.provisions)
      by_provision[p].push_back(&f);
  }
  // Finding nothing is a pass only if the scan read the whole image: an
  // unreadable image, one without a file system, or one with parts left
  // unpacked proves nothing either way.
  std::string unproven;
  if (report.statistics.regular_files == 0) {
    unproven =
        "Inconclusive: no file system or archive with files was found in the image, so there was "
        "nothing to check this provision against.";
  } else if (!report.notes.empty()) {
    unproven = "Inconclusive: no non-conformity found, but " + std::to_string(report.notes.size()) +
               " part(s) of the image could not be fully unpacked (see the scan's unpack notes).";
  }
  for (const std::string& id : CheckedProvisions()) {
    evidence::ProvisionResult result;
    result.id = id;
    const auto it = by_provision.find(id);
    if (it == by_provision.end() && !unproven.empty()) {
      result.outcome = evidence::Outcome::kInconclusive;
      result.summary = unproven;
    } else if (it == by_provision.end()) {
      result.outcome = evidence::Outcome::kPass;
      result.summary =
          "Functional test: the firmware scan found no non-conformity for this provision.";
    } else {
      result.outcome = evidence::Outcome::kFail;
      std::set<std::string> rules;
      for (const Finding* f : it->second)
        rules.insert(f->rule_id);
      std::string list;
      for (const std::string& r : rules)
        list += (list.empty() ? "" : ", ") + r;
      result.summary =
          std::to_string(it->second.size()) + " finding(s) in the firmware image: " + list + ".";
    }
    record->provisions.push_back(std::move(result));
  }
  record->files.push_back(evidence::FileReference{report.image_path, report.image_sha256,
                                                  report.statistics.image_bytes, "input"});
  Json details = {
      {"findings", report.findings.size()},  {"components", report.components.size()},
      {"unpack_notes", report.notes.size()}, {"extracted_bytes", report.statistics.extracted_bytes},
      {"files", report.statistics.files},    {"regular_files", report.statistics.regular_files}};
  record->details_json = formats::DumpJson(details);
  return record;
}

}  // namespace provisio::firmware
