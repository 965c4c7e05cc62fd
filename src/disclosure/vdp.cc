// vdp.yaml: reading, validation and the commented template.
#include "provisio/disclosure/vdp.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "disclosure/vdp_uri.h"
#include "formats/document.h"
#include "provisio/core/clock.h"
#include "provisio/core/files.h"
#include "provisio/disclosure/security_txt.h"

namespace provisio::disclosure {
namespace {

using formats::Document;
using formats::Json;

constexpr int kMaxTimelineDays = 3650;

// Reads typed values out of the document, remembering the first error with
// its position so callers can check once at the end.
class Reader {
 public:
  explicit Reader(const Document& doc) : doc_(doc) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  void Fail(const std::string& pointer, const std::string& message) {
    if (error_.empty()) {
      error_ = doc_.Where(pointer) + ": " + message;
    }
  }

  // Fails on keys of the mapping at `pointer` that are not in `known`.
  void OnlyKeys(const Json& object,
                const std::string& pointer,
                std::initializer_list<std::string_view> known) {
    for (auto it = object.begin(); it != object.end(); ++it) {
      bool found = false;
      for (std::string_view k : known) {
        found = found || k == it.key();
      }
      if (!found) {
        std::string list;
        for (std::string_view k : known) {
          list += list.empty() ? "" : ", ";
          list += k;
        }
        Fail(pointer + "/" + formats::PointerSegment(it.key()),
             "unknown key '" + it.key() + "' (expected one of: " + list + ")");
      }
    }
  }

  std::string String(const Json& object, const std::string& pointer, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return "";
    }
    if (!it->is_string()) {
      Fail(pointer + "/" + key, std::string("'") + key + "' must be a string");
      return "";
    }
    return it->get<std::string>();
  }

  std::vector<std::string> Strings(const Json& object,
                                   const std::string& pointer,
                                   const char* key) {
    std::vector<std::string> out;
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return out;
    }
    if (it->is_string()) {
      out.push_back(it->get<std::string>());
      return out;
    }
    if (!it->is_array()) {
      Fail(pointer + "/" + key, std::string("'") + key + "' must be a list of strings");
      return out;
    }
    for (std::size_t i = 0; i < it->size(); ++i) {
      const Json& item = (*it)[i];
      if (!item.is_string()) {
        Fail(pointer + "/" + key + "/" + std::to_string(i),
             std::string("'") + key + "' entries must be strings");
        continue;
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  void Days(const Json& object, const std::string& pointer, const char* key, int& target) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return;  // Keep the default.
    }
    if (!it->is_number_integer()) {
      Fail(pointer + "/" + key, std::string("'") + key + "' must be a whole number of days");
      return;
    }
    const auto value = it->get<std::int64_t>();
    if (value < 1 || value > kMaxTimelineDays) {
      Fail(pointer + "/" + key, std::string("'") + key + "' must be between 1 and " +
                                    std::to_string(kMaxTimelineDays) + " days, not " +
                                    std::to_string(value));
      return;
    }
    target = static_cast<int>(value);
  }

  const Json* Object(const Json& object, const std::string& pointer, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
      return nullptr;
    }
    if (!it->is_object()) {
      Fail(pointer + "/" + key, std::string("'") + key + "' must be a mapping");
      return nullptr;
    }
    return &*it;
  }

 private:
  const Document& doc_;
  std::string error_;
};

// Semantic checks; `where` maps a field to a position prefix for messages.
template <typename Where>
Result<void> Validate(const VdpPolicy& policy, const Where& where) {
  auto fail = [&where](const std::string& field, const std::string& message) {
    return Fail(ErrorCode::kInvalidArgument, where(field) + message);
  };
  if (policy.organization.empty()) {
    return fail("organization", "'organization' is required");
  }
  if (policy.contacts.empty()) {
    return fail("contacts", "at least one contact is required (e.g. mailto:security@example.com)");
  }
  for (std::size_t i = 0; i < policy.contacts.size(); ++i) {
    const std::string& contact = policy.contacts[i];
    const std::string field = "contacts/" + std::to_string(i);
    std::string problem = internal::UriProblem(contact);
    if (!problem.empty()) {
      return fail(field, "contact '" + contact + "' " + problem);
    }
    if (internal::IsWebUri(contact) && !internal::IsHttpsUri(contact)) {
      return fail(field, "contact '" + contact + "' must use https:// (RFC 9116 2.5.3)");
    }
  }
  if (policy.languages.empty()) {
    return fail("languages", "at least one language is required (e.g. [en])");
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < policy.languages.size(); ++i) {
    const std::string& tag = policy.languages[i];
    if (!internal::IsLanguageTag(tag)) {
      return fail("languages/" + std::to_string(i),
                  "'" + tag + "' is not a language tag (RFC 5646, e.g. en or de-AT)");
    }
    if (!seen.insert(internal::AsciiLower(tag)).second) {
      return fail("languages/" + std::to_string(i), "language '" + tag + "' is listed twice");
    }
  }
  struct UrlField {
    const char* field;
    const std::string* value;
    bool required;
  };
  const UrlField urls[] = {
      {"urls/policy", &policy.policy_url, true},
      {"urls/canonical", &policy.canonical_url, false},
      {"urls/acknowledgments", &policy.acknowledgments_url, false},
      {"urls/csaf_provider_metadata", &policy.csaf_provider_metadata_url, false},
      {"urls/hiring", &policy.hiring_url, false},
      {"encryption_key_url", &policy.encryption_key_url, false},
  };
  for (const UrlField& url : urls) {
    if (url.value->empty()) {
      if (url.required) {
        return fail(url.field, std::string("'") + url.field +
                                   "' is required: the public policy must be reachable");
      }
      continue;
    }
    std::string problem = internal::UriProblem(*url.value);
    if (!problem.empty()) {
      return fail(url.field, std::string("'") + url.field + "' " + problem);
    }
    if (!internal::IsHttpsUri(*url.value)) {
      return fail(url.field, std::string("'") + url.field + "' must be an https:// URL");
    }
  }
  if (policy.support_period_end.empty()) {
    return fail("support_period_end",
                "'support_period_end' is required (YYYY-MM-DD: security updates until)");
  }
  if (policy.support_period_end.size() != 10 || !ParseUtc(policy.support_period_end)) {
    return fail("support_period_end", "'support_period_end' must be a date YYYY-MM-DD, not '" +
                                          policy.support_period_end + "'");
  }
  const VdpTimelines& t = policy.timelines;
  const int values[] = {t.acknowledge_business_days,
                        t.triage_days,
                        t.status_update_interval_days,
                        t.fix.critical_days,
                        t.fix.high_days,
                        t.fix.medium_days,
                        t.fix.low_days,
                        t.public_disclosure_days};
  for (int v : values) {
    if (v < 1 || v > kMaxTimelineDays) {
      return fail("timelines",
                  "timelines must be between 1 and " + std::to_string(kMaxTimelineDays) + " days");
    }
  }
  if (t.fix.critical_days > t.fix.high_days || t.fix.high_days > t.fix.medium_days ||
      t.fix.medium_days > t.fix.low_days) {
    return fail("timelines/fix_days",
                "fix targets must not grow with severity (critical <= high <= medium <= low)");
  }
  if (policy.security_txt_expires_days < 1 ||
      policy.security_txt_expires_days > kMaxSecurityTxtExpiresDays) {
    return fail("security_txt/expires_days",
                "'security_txt.expires_days' must be between 1 and " +
                    std::to_string(kMaxSecurityTxtExpiresDays) +
                    " (RFC 9116 recommends Expires less than a year ahead), not " +
                    std::to_string(policy.security_txt_expires_days));
  }
  return {};
}

}  // namespace

Result<VdpPolicy> ParseVdpPolicy(std::string_view yaml_text, std::string_view source_name) {
  Result<Document> doc = formats::ParseYaml(yaml_text, source_name);
  if (!doc) {
    return Fail(doc.error());
  }
  const Json& root = doc->value;
  if (!root.is_object()) {
    return Fail(ErrorCode::kInvalidArgument,
                doc->Where("") + ": a vdp.yaml must be a mapping (see `provisio vdp init`)");
  }
  Reader r(*doc);
  r.OnlyKeys(
      root, "",
      {"organization", "product_scope_summary", "contacts", "scope", "timelines", "safe_harbour",
       "languages", "encryption_key_url", "support_period_end", "urls", "security_txt"});
  VdpPolicy policy;
  policy.organization = r.String(root, "", "organization");
  policy.product_scope_summary = r.String(root, "", "product_scope_summary");
  policy.contacts = r.Strings(root, "", "contacts");
  if (const Json* scope = r.Object(root, "", "scope")) {
    r.OnlyKeys(*scope, "/scope", {"in", "out"});
    policy.in_scope = r.Strings(*scope, "/scope", "in");
    policy.out_of_scope = r.Strings(*scope, "/scope", "out");
  }
  if (const Json* t = r.Object(root, "", "timelines")) {
    r.OnlyKeys(*t, "/timelines",
               {"acknowledge_business_days", "triage_days", "status_update_interval_days",
                "fix_days", "public_disclosure_days"});
    r.Days(*t, "/timelines", "acknowledge_business_days",
           policy.timelines.acknowledge_business_days);
    r.Days(*t, "/timelines", "triage_days", policy.timelines.triage_days);
    r.Days(*t, "/timelines", "status_update_interval_days",
           policy.timelines.status_update_interval_days);
    r.Days(*t, "/timelines", "public_disclosure_days", policy.timelines.public_disclosure_days);
    if (const Json* fix = r.Object(*t, "/timelines", "fix_days")) {
      r.OnlyKeys(*fix, "/timelines/fix_days", {"critical", "high", "medium", "low"});
      r.Days(*fix, "/timelines/fix_days", "critical", policy.timelines.fix.critical_days);
      r.Days(*fix, "/timelines/fix_days", "high", policy.timelines.fix.high_days);
      r.Days(*fix, "/timelines/fix_days", "medium", policy.timelines.fix.medium_days);
      r.Days(*fix, "/timelines/fix_days", "low", policy.timelines.fix.low_days);
    }
  }
  policy.safe_harbour = r.String(root, "", "safe_harbour");
  policy.languages = r.Strings(root, "", "languages");
  policy.encryption_key_url = r.String(root, "", "encryption_key_url");
  policy.support_period_end = r.String(root, "", "support_period_end");
  if (const Json* urls = r.Object(root, "", "urls")) {
    r.OnlyKeys(*urls, "/urls",
               {"canonical", "policy", "acknowledgments", "csaf_provider_metadata", "hiring"});
    policy.canonical_url = r.String(*urls, "/urls", "canonical");
    policy.policy_url = r.String(*urls, "/urls", "policy");
    policy.acknowledgments_url = r.String(*urls, "/urls", "acknowledgments");
    policy.csaf_provider_metadata_url = r.String(*urls, "/urls", "csaf_provider_metadata");
    policy.hiring_url = r.String(*urls, "/urls", "hiring");
  }
  if (const Json* txt = r.Object(root, "", "security_txt")) {
    r.OnlyKeys(*txt, "/security_txt", {"expires_days"});
    auto it = txt->find("expires_days");
    if (it != txt->end() && !it->is_null()) {
      if (!it->is_number_integer()) {
        r.Fail("/security_txt/expires_days", "'expires_days' must be a whole number of days");
      } else {
        const auto days = it->get<std::int64_t>();
        policy.security_txt_expires_days =
            static_cast<int>(std::max<std::int64_t>(-1, std::min<std::int64_t>(days, 100000)));
      }
    }
  }
  if (!r.ok()) {
    return Fail(ErrorCode::kInvalidArgument, r.error());
  }
  const Document& d = *doc;
  Result<void> valid =
      Validate(policy, [&d](const std::string& field) { return d.Where("/" + field) + ": "; });
  if (!valid) {
    return Fail(valid.error());
  }
  return policy;
}

Result<VdpPolicy> LoadVdpPolicy(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error().WithContext("loading " + path.string()));
  }
  return ParseVdpPolicy(*text, path.string());
}

Result<void> ValidateVdpPolicy(const VdpPolicy& policy) {
  return Validate(policy, [](const std::string& field) { return field + ": "; });
}

std::optional<int> FixTargetDays(const VdpTimelines& timelines, std::string_view severity) {
  const std::string s = internal::AsciiLower(severity);
  if (s == "critical") {
    return timelines.fix.critical_days;
  }
  if (s == "high") {
    return timelines.fix.high_days;
  }
  if (s == "medium") {
    return timelines.fix.medium_days;
  }
  if (s == "low") {
    return timelines.fix.low_days;
  }
  return std::nullopt;
}

std::string VdpPolicyTemplate() {
  return R"(# Vulnerability disclosure policy (ETSI EN 303 645 provision 5.2-1).
# Edit the values, then publish with:
#   provisio vdp render vdp.yaml --out public/
# which writes policy.html, policy.md and an RFC 9116 security.txt.
# `provisio cvd` takes its SLA clocks from `timelines` below.

# Who publishes this policy (shown on the policy page).
organization: Example Devices Ltd

# One sentence: which products and services the policy covers.
product_scope_summary: All Example Devices connected products, their companion apps and cloud services.

# How to report a vulnerability, most preferred first. URIs only:
# mailto:, https:// (a web form) or tel:. Becomes security.txt "Contact".
contacts:
  - mailto:security@example.com
  - https://example.com/security/report

# What is and is not covered.
scope:
  in:
    - Example Thermostat T1, all firmware versions still under support
    - Example Home app (Android, iOS)
    - api.example.com
  out:
    - Denial of service by traffic flooding
    - Social engineering of staff
    - Third-party services we do not operate

# Promises to reporters, in days. The case tracker measures against these.
timelines:
  acknowledge_business_days: 2    # First human acknowledgement of a report.
  triage_days: 10                 # Decision: valid, invalid, duplicate or out of scope.
  status_update_interval_days: 14 # Longest gap between status updates to the reporter.
  fix_days:                       # Fix released, counted from the report, by CVSS severity.
    critical: 30
    high: 60
    medium: 90
    low: 180
  public_disclosure_days: 90      # Coordinated public disclosure deadline.

# Good-faith research statement (safe harbour).
safe_harbour: >
  We will not pursue legal action against researchers who act in good faith,
  follow this policy, avoid privacy violations and service disruption, and
  give us reasonable time to fix an issue before disclosing it.

# Languages we read reports in (RFC 5646 tags), most preferred first.
# Becomes security.txt "Preferred-Languages".
languages: [en, de]

# https URL of the OpenPGP key for encrypted reports (security.txt "Encryption").
# Optional: remove the line if you do not offer encryption.
encryption_key_url: https://example.com/.well-known/pgp-key.txt

# Date until which the products receive security updates (5.3-13), YYYY-MM-DD.
support_period_end: "2031-12-31"

# Where things are published. `policy` is required; the others are optional.
urls:
  canonical: https://example.com/.well-known/security.txt
  policy: https://example.com/security/policy
  acknowledgments: https://example.com/security/thanks
  csaf_provider_metadata: https://example.com/.well-known/csaf/provider-metadata.json

security_txt:
  # Days from rendering until the security.txt "Expires" date. At most 365:
  # RFC 9116 recommends less than a year. Re-render before it expires.
  expires_days: 180
)";
}

}  // namespace provisio::disclosure
