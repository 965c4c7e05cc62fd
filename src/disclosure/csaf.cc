#include "provisio/disclosure/csaf.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <regex>
#include <utility>
#include <vector>

#include "formats/document.h"
#include "provisio/core/text.h"
#include "provisio/core/version.h"
#include "provisio/cvss/cvss.h"

namespace provisio::disclosure {
namespace {

using formats::Json;

// One product version that appears in the product tree.
struct ProductEntry {
  std::string product;
  std::string versions;
  std::string id;  // CSAFPID-0001, ...
};

class ProductIds {
 public:
  const std::string& IdFor(const std::string& product, const std::string& versions) {
    for (const ProductEntry& entry : entries_) {
      if (entry.product == product && entry.versions == versions) {
        return entry.id;
      }
    }
    char id[32];
    std::snprintf(id, sizeof id, "CSAFPID-%04zu", entries_.size() + 1);
    entries_.push_back({product, versions, id});
    return entries_.back().id;
  }
  const std::vector<ProductEntry>& entries() const { return entries_; }

 private:
  std::vector<ProductEntry> entries_;
};

// CSAF forbids ranges in product_version (test 6.1.31); such text becomes a
// product_version_range.
bool LooksLikeRange(const std::string& versions) {
  const std::string lower = AsciiLower(versions);
  for (const char* marker : {"<", ">", "=", "after", "all", "before", "earlier", "later", "prior",
                             "versions", " and ", ",", " to ", "*", "vers:"}) {
    if (lower.find(marker) != std::string::npos) {
      return true;
    }
  }
  return false;
}

Json ProductTree(const std::string& vendor, const ProductIds& ids) {
  Json products = Json::array();
  std::vector<std::string> names;
  for (const ProductEntry& entry : ids.entries()) {
    if (std::find(names.begin(), names.end(), entry.product) == names.end()) {
      names.push_back(entry.product);
    }
  }
  for (const std::string& name : names) {
    Json versions = Json::array();
    for (const ProductEntry& entry : ids.entries()) {
      if (entry.product != name) {
        continue;
      }
      const bool range = LooksLikeRange(entry.versions);
      versions.push_back({{"category", range ? "product_version_range" : "product_version"},
                          {"name", entry.versions},
                          {"product",
                           {{"name", vendor + " " + entry.product + " " + entry.versions},
                            {"product_id", entry.id}}}});
    }
    products.push_back({{"category", "product_name"}, {"name", name}, {"branches", versions}});
  }
  return {{"branches",
           Json::array({{{"category", "vendor"}, {"name", vendor}, {"branches", products}}})}};
}

std::string Upper(std::string text) {
  for (char& ch : text) {
    ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return text;
}

std::string ScoreText(double score) {
  char text[16];
  std::snprintf(text, sizeof text, "%.1f", score);
  return text;
}

// The cvss_v3 object, with temporal and environmental scores when the vector
// has such metrics (mandatory test 6.1.9 recomputes every score given).
Result<Json> CvssV3(const std::string& vector) {
  Result<cvss::Cvss31> parsed = cvss::ParseCvss31(vector);
  if (!parsed) {
    return Fail(parsed.error());
  }
  const cvss::Score31 score = cvss::Compute(*parsed);
  auto rating = [](double value) {
    return Upper(std::string(cvss::ToString(cvss::Rate(value))));
  };
  Json json = {{"version", "3.1"},
               {"vectorString", parsed->ToString()},
               {"baseScore", score.base},
               {"baseSeverity", rating(score.base)}};
  if (parsed->HasTemporal()) {
    json["temporalScore"] = score.temporal;
    json["temporalSeverity"] = rating(score.temporal);
  }
  if (parsed->HasEnvironmental()) {
    json["environmentalScore"] = score.environmental;
    json["environmentalSeverity"] = rating(score.environmental);
  }
  return json;
}

// The revisions of the document: none before disclosure; then the disclose
// event and every later event that changes what the advisory says.
std::vector<std::pair<TimePoint, std::string>> Revisions(const Case& c) {
  std::vector<std::pair<TimePoint, std::string>> revisions;
  bool disclosed = false;
  for (const CaseEvent& event : c.events) {
    if (event.type == EventType::kDisclose) {
      disclosed = true;
      revisions.emplace_back(event.at, "Initial public release.");
      continue;
    }
    if (!disclosed) {
      continue;
    }
    switch (event.type) {
      case EventType::kSeverity:
        revisions.emplace_back(event.at, "Updated the severity.");
        break;
      case EventType::kAffected:
        revisions.emplace_back(event.at, "Updated the affected products.");
        break;
      case EventType::kFix:
        revisions.emplace_back(event.at, "Added fix information.");
        break;
      case EventType::kRelease:
        revisions.emplace_back(event.at, "Added a fixed release.");
        break;
      case EventType::kClose:
        revisions.emplace_back(event.at, "Closed the case.");
        break;
      default:
        break;
    }
  }
  return revisions;
}

std::string FixDetails(const Case& c) {
  std::string details;
  if (!c.releases.empty()) {
    details = "Update to firmware version";
    details += c.releases.size() > 1 ? "s " : " ";
    for (std::size_t i = 0; i < c.releases.size(); ++i) {
      details += (i > 0 ? ", " : "") + c.releases[i].version;
    }
    details += " or later.";
  }
  for (const FixRecord& fix : c.fixes) {
    details += (details.empty() ? "" : " ") + fix.description;
    if (!details.empty() && details.back() != '.') {
      details += '.';
    }
  }
  return details;
}

}  // namespace

Result<std::string> ExportCsaf(const Case& c, const CsafOptions& options) {
  if (options.publisher_name.empty()) {
    return Fail(ErrorCode::kInvalidArgument, "CSAF export needs a publisher name");
  }
  if (options.publisher_namespace.rfind("https://", 0) != 0 ||
      options.publisher_namespace.size() <= 8) {
    return Fail(ErrorCode::kInvalidArgument,
                "CSAF export needs a publisher namespace https URL (got '" +
                    options.publisher_namespace + "')");
  }
  if (c.affected.empty()) {
    return Fail(
        ErrorCode::kInvalidArgument,
        "case " + c.id + " has no affected product yet; record one with `provisio cvd affected`");
  }
  const std::string& vendor = options.publisher_name;

  // Products and their status groups.
  ProductIds ids;
  std::map<std::string, std::vector<std::string>> status;    // CSAF group -> ids.
  std::map<std::string, std::vector<std::string>> flags;     // justification -> ids.
  std::vector<std::pair<std::string, std::string>> impacts;  // id, details.
  std::string single_product = c.affected.front().product;
  for (const AffectedProduct& entry : c.affected) {
    if (entry.product != single_product) {
      single_product.clear();
    }
  }
  for (const AffectedProduct& entry : c.affected) {
    const std::string id = ids.IdFor(entry.product, entry.versions);
    switch (entry.status) {
      case VexStatus::kUnderInvestigation:
        status["under_investigation"].push_back(id);
        break;
      case VexStatus::kAffected:
        status["known_affected"].push_back(id);
        break;
      case VexStatus::kFixed:
        status["fixed"].push_back(id);
        break;
      case VexStatus::kNotAffected:
        status["known_not_affected"].push_back(id);
        flags[entry.justification].push_back(id);
        impacts.emplace_back(
            id, entry.impact.empty() ? "Not affected: " + entry.justification + "." : entry.impact);
        break;
    }
  }
  for (const ReleaseRecord& release : c.releases) {
    const std::string product = release.product.empty() ? single_product : release.product;
    if (product.empty()) {
      continue;  // Cannot tell which product the release belongs to.
    }
    bool known = false;
    for (const ProductEntry& entry : ids.entries()) {
      known = known || (entry.product == product && entry.versions == release.version);
    }
    const std::string id = ids.IdFor(product, release.version);
    if (!known) {
      status["fixed"].push_back(id);
    }
  }

  // The vulnerability.
  Json vulnerability = Json::object();
  static const std::regex kCve("^CVE-[0-9]{4}-[0-9]{4,}$");
  if (std::regex_match(c.cve, kCve)) {
    vulnerability["cve"] = c.cve;
  }
  vulnerability["ids"] = Json::array({{{"system_name", vendor + " CVD case"}, {"text", c.id}}});
  vulnerability["title"] = options.title.empty() ? c.summary : options.title;
  vulnerability["discovery_date"] = FormatUtc(c.received);
  vulnerability["notes"] =
      Json::array({{{"category", "description"}, {"title", "Description"}, {"text", c.summary}}});
  Json product_status = Json::object();
  for (const auto& [group, members] : status) {
    product_status[group] = members;
  }
  vulnerability["product_status"] = product_status;
  if (!flags.empty()) {
    Json list = Json::array();
    for (const auto& [label, members] : flags) {
      list.push_back({{"label", label}, {"product_ids", members}});
    }
    vulnerability["flags"] = list;
    Json threats = Json::array();
    for (const auto& [id, details] : impacts) {
      threats.push_back({{"category", "impact"}, {"details", details}, {"product_ids", {id}}});
    }
    vulnerability["threats"] = threats;
  }
  const auto affected = status.find("known_affected");
  if (affected != status.end()) {
    const std::string details = FixDetails(c);
    Json remediation;
    if (!c.releases.empty()) {
      remediation = {{"category", "vendor_fix"}, {"details", details}};
      remediation["date"] = FormatUtc(c.releases.front().at);
    } else {
      remediation = {
          {"category", "none_available"},
          {"details", details.empty() ? "No fix is available yet."
                                      : "No fixed release is available yet. " + details}};
    }
    remediation["product_ids"] = affected->second;
    vulnerability["remediations"] = Json::array({remediation});
  }

  Json notes = Json::array({{{"category", "summary"}, {"title", "Summary"}, {"text", c.summary}}});
  if (c.severity) {
    std::vector<std::string> scored;
    if (affected != status.end()) {
      scored = affected->second;
    } else {
      for (const ProductEntry& entry : ids.entries()) {
        scored.push_back(entry.id);
      }
    }
    if (c.severity->cvss_version.rfind("3.", 0) == 0) {
      Result<Json> cvss_v3 = CvssV3(c.severity->vector);
      if (!cvss_v3) {
        return Fail(cvss_v3.error().WithContext("case " + c.id + " severity"));
      }
      vulnerability["scores"] = Json::array({{{"products", scored}, {"cvss_v3", *cvss_v3}}});
    } else {
      notes.push_back(
          {{"category", "other"},
           {"title", "CVSS v4.0"},
           {"text", "The case is scored with CVSS v4.0 (" + c.severity->vector + ", score " +
                        ScoreText(c.severity->base_score) + ", " + c.severity->rating +
                        "). CSAF 2.0 carries CVSS v3 scores only, so this document has no "
                        "scores entry; the v4.0 vector is kept in the case record."}});
    }
  }

  // Tracking.
  const std::vector<std::pair<TimePoint, std::string>> revisions = Revisions(c);
  const TimePoint last_event = c.events.empty() ? c.received : c.events.back().at;
  Json history = Json::array();
  std::string version = "0";
  std::string status_text = "draft";
  TimePoint initial = last_event;
  TimePoint current = last_event;
  if (revisions.empty()) {
    history.push_back({{"date", FormatUtc(last_event)},
                       {"number", "0"},
                       {"summary", "Draft from case " + c.id + "; not yet disclosed."}});
  } else {
    status_text = "final";
    initial = revisions.front().first;
    current = revisions.back().first;
    for (std::size_t i = 0; i < revisions.size(); ++i) {
      history.push_back({{"date", FormatUtc(revisions[i].first)},
                         {"number", std::to_string(i + 1)},
                         {"summary", revisions[i].second}});
    }
    version = std::to_string(revisions.size());
  }
  Json tracking = {
      {"id", c.id},
      {"status", status_text},
      {"version", version},
      {"initial_release_date", FormatUtc(initial)},
      {"current_release_date", FormatUtc(current)},
      {"revision_history", history},
      {"generator",
       {{"date", FormatUtc(current)},
        {"engine", {{"name", std::string(ToolName())}, {"version", std::string(ToolVersion())}}}}},
  };

  Json references = Json::array();
  if (!c.advisory_url.empty()) {
    references.push_back({{"category", "self"}, {"summary", "Advisory"}, {"url", c.advisory_url}});
  } else {
    references.push_back(
        {{"category", "external"}, {"summary", "Publisher"}, {"url", options.publisher_namespace}});
  }

  Json document = {
      {"category", options.vex ? "csaf_vex" : "csaf_security_advisory"},
      {"csaf_version", "2.0"},
      {"lang", "en"},
      {"distribution", {{"tlp", {{"label", c.disclosed_at ? "WHITE" : "AMBER"}}}}},
      {"publisher",
       {{"category", options.publisher_category},
        {"name", vendor},
        {"namespace", options.publisher_namespace}}},
      {"title", (options.vex ? "VEX: " : "") + (options.title.empty() ? c.summary : options.title)},
      {"tracking", tracking},
      {"notes", notes},
      {"references", references},
  };
  Json root = {{"document", document},
               {"product_tree", ProductTree(vendor, ids)},
               {"vulnerabilities", Json::array({vulnerability})}};
  return formats::DumpJson(root, 2) + "\n";
}

}  // namespace provisio::disclosure
