// CSAF 2.0 export of a CVD case: a csaf_security_advisory, or a csaf_vex
// when only the products' VEX statuses are to be published.
//
// Mapping (docs/disclosure.md, "CSAF export"): tracking id = case id; status
// "final" once the case is disclosed (revision 1 = the disclose event, one
// more revision per later severity/affected/fix/release/close event), else
// "draft" with version 0; product_tree = vendor > product > version (or
// version range) from the affected entries and releases; product_status from
// the VEX statuses; flags and impact threats for not_affected justifications;
// remediations (vendor_fix with the release, or none_available) for affected
// products; scores carry cvss_v3 only, because CSAF 2.0 has no CVSS v4.0: a
// v4.0 vector stays in the case and the export says so in a note. Dates are
// the case's event times, so the same case always exports the same document.
#pragma once

#include <string>

#include "provisio/core/result.h"
#include "provisio/disclosure/case.h"

namespace provisio::disclosure {

struct CsafOptions {
  bool vex = false;                 // csaf_vex instead of csaf_security_advisory.
  std::string publisher_name;       // Required: the vendor publishing the advisory.
  std::string publisher_namespace;  // Required: https URL identifying the publisher.
  std::string publisher_category = "vendor";
  std::string title;  // Default: the case summary.
};

// Builds the CSAF document as pretty-printed JSON. Fails with
// kInvalidArgument when the publisher is missing or not an https URL, or the
// case has no affected product yet (CSAF needs a product tree).
Result<std::string> ExportCsaf(const Case& c, const CsafOptions& options);

}  // namespace provisio::disclosure
