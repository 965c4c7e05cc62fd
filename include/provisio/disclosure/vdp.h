// The vulnerability disclosure policy (EN 303 645 provision 5.2-1) as data:
// who to contact, what is in scope, and the timelines the manufacturer
// promises. `provisio vdp init` writes a commented vdp.yaml, LoadVdpPolicy
// reads it back, and the case tracker takes its SLA defaults from
// VdpPolicy::timelines. RenderVdpPolicy turns it into the public policy page
// (HTML and Markdown); security_txt.h turns it into an RFC 9116 security.txt.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::disclosure {

// Target days to ship a fix, counted from the report, per CVSS severity.
struct FixTargets {
  int critical_days = 30;
  int high_days = 60;
  int medium_days = 90;
  int low_days = 180;
};

// The promises made to reporters. All values are positive whole days.
struct VdpTimelines {
  int acknowledge_business_days = 2;     // First human acknowledgement of a report.
  int triage_days = 10;                  // Decision: valid, invalid, duplicate, out of scope.
  int status_update_interval_days = 14;  // Longest gap between updates to the reporter.
  FixTargets fix;                        // Fix shipped, per severity.
  int public_disclosure_days = 90;       // Coordinated publication deadline.
};

struct VdpPolicy {
  std::string organization;           // Manufacturer name shown on the policy page.
  std::string product_scope_summary;  // One sentence: which products the policy covers.
  // Reporting contacts as URIs ("mailto:security@example.com",
  // "https://example.com/report", "tel:+44..."). At least one.
  std::vector<std::string> contacts;
  std::vector<std::string> in_scope;      // Products, services, versions covered.
  std::vector<std::string> out_of_scope;  // Explicit exclusions.
  VdpTimelines timelines;
  std::string safe_harbour;  // The good-faith research statement, as prose.
  // BCP 47 tags, most preferred first: {"en", "de"}. At least one.
  std::vector<std::string> languages;
  std::string encryption_key_url;          // https URL of the OpenPGP key; optional.
  std::string support_period_end;          // "YYYY-MM-DD": security updates until (5.3-13).
  std::string canonical_url;               // https URL where security.txt is published.
  std::string policy_url;                  // https URL of the published policy page.
  std::string acknowledgments_url;         // https URL of the hall of fame; optional.
  std::string csaf_provider_metadata_url;  // https URL of provider-metadata.json; optional.
  std::string hiring_url;                  // Optional.
  // Days ahead for the security.txt Expires field; RFC 9116 recommends < 1 year.
  int security_txt_expires_days = 180;
};

// Reads and validates a vdp.yaml. Fails with kNotFound/kIo when the file
// cannot be read, kParse for YAML errors, kInvalidArgument with
// "file:line:col: ..." for semantic errors (missing contact, bad URL, a
// non-positive timeline, unknown key).
Result<VdpPolicy> LoadVdpPolicy(const std::filesystem::path& path);

// As LoadVdpPolicy, from text; `source_name` prefixes error positions.
Result<VdpPolicy> ParseVdpPolicy(std::string_view yaml_text, std::string_view source_name);

// Checks the rules LoadVdpPolicy enforces on a policy built in code.
Result<void> ValidateVdpPolicy(const VdpPolicy& policy);

// The commented vdp.yaml that `provisio vdp init` writes: every field with an
// explanation and example values that ParseVdpPolicy accepts.
std::string VdpPolicyTemplate();

// The fix target in days for a severity name as cvss::ToString(Severity)
// spells it ("Critical", "High", "Medium", "Low"); nullopt for "None" or an
// unknown name.
std::optional<int> FixTargetDays(const VdpTimelines& timelines, std::string_view severity);

struct RenderedPolicy {
  std::string html;
  std::string markdown;
};

// Renders the public policy page. `generated_at` is printed as the page's
// "last updated" date. Fails with kInternal only if a template is broken.
Result<RenderedPolicy> RenderVdpPolicy(const VdpPolicy& policy, TimePoint generated_at);

}  // namespace provisio::disclosure
