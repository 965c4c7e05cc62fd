// The public policy page (HTML and Markdown) from templates/ compiled into
// the library.
#include <string>
#include <string_view>

#include <kainjow/mustache.hpp>

#include "provisio/core/version.h"
#include "provisio/disclosure/vdp.h"

namespace provisio::disclosure {
std::string_view PolicyHtmlTemplate();      // Generated from templates/policy.html.mustache.
std::string_view PolicyMarkdownTemplate();  // Generated from templates/policy.md.mustache.

namespace {

using Data = kainjow::mustache::data;

std::string Trim(std::string_view text) {
  const std::size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) {
    return "";
  }
  const std::size_t end = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(begin, end - begin + 1));
}

// Text for a contact link: the address without "mailto:"/"tel:".
std::string ContactLabel(const std::string& uri) {
  for (std::string_view prefix : {"mailto:", "tel:"}) {
    if (uri.compare(0, prefix.size(), prefix) == 0) {
      return uri.substr(prefix.size());
    }
  }
  return uri;
}

void SetIfPresent(Data& data, const char* key, const std::string& value) {
  if (!value.empty()) {
    data.set(key, value);
  }
}

Data ToData(const VdpPolicy& policy, TimePoint generated_at) {
  Data data;
  data.set("organization", policy.organization);
  data.set("product_scope_summary", Trim(policy.product_scope_summary));
  Data contacts = Data::type::list;
  for (const std::string& uri : policy.contacts) {
    Data contact;
    contact.set("uri", uri);
    contact.set("label", ContactLabel(uri));
    contacts.push_back(contact);
  }
  data.set("contacts", contacts);
  Data in_scope = Data::type::list;
  for (const std::string& item : policy.in_scope) {
    in_scope.push_back(Data(item));
  }
  Data out_of_scope = Data::type::list;
  for (const std::string& item : policy.out_of_scope) {
    out_of_scope.push_back(Data(item));
  }
  data.set("in_scope", in_scope);
  data.set("out_of_scope", out_of_scope);
  data.set("has_in_scope", !policy.in_scope.empty());
  data.set("has_out_of_scope", !policy.out_of_scope.empty());
  std::string languages;
  for (const std::string& tag : policy.languages) {
    languages += languages.empty() ? tag : ", " + tag;
  }
  data.set("languages", languages);
  data.set("primary_language", policy.languages.empty() ? "en" : policy.languages.front());
  const VdpTimelines& t = policy.timelines;
  data.set("acknowledge_business_days", std::to_string(t.acknowledge_business_days));
  data.set("triage_days", std::to_string(t.triage_days));
  data.set("status_update_interval_days", std::to_string(t.status_update_interval_days));
  data.set("fix_critical_days", std::to_string(t.fix.critical_days));
  data.set("fix_high_days", std::to_string(t.fix.high_days));
  data.set("fix_medium_days", std::to_string(t.fix.medium_days));
  data.set("fix_low_days", std::to_string(t.fix.low_days));
  data.set("public_disclosure_days", std::to_string(t.public_disclosure_days));
  data.set("support_period_end", policy.support_period_end);
  SetIfPresent(data, "safe_harbour", Trim(policy.safe_harbour));
  SetIfPresent(data, "encryption_key_url", policy.encryption_key_url);
  SetIfPresent(data, "acknowledgments_url", policy.acknowledgments_url);
  SetIfPresent(data, "csaf_provider_metadata_url", policy.csaf_provider_metadata_url);
  SetIfPresent(data, "canonical_url", policy.canonical_url);
  data.set("has_more", !policy.acknowledgments_url.empty() ||
                           !policy.csaf_provider_metadata_url.empty() ||
                           !policy.canonical_url.empty());
  data.set("policy_url", policy.policy_url);
  data.set("generated_date", FormatUtc(generated_at).substr(0, 10));
  data.set("tool_version", std::string(ToolVersion()));
  return data;
}

// Backslash-escapes the characters Markdown would otherwise interpret.
std::string EscapeMarkdown(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::string_view("\\`*_[]<>|#").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

Result<std::string> Render(std::string_view source, const Data& data, bool markdown) {
  kainjow::mustache::mustache tmpl{std::string(source)};
  if (!tmpl.is_valid()) {
    return Fail(ErrorCode::kInternal, "policy template: " + tmpl.error_message());
  }
  if (markdown) {
    tmpl.set_custom_escape(EscapeMarkdown);
  }
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) {
    return Fail(ErrorCode::kInternal, "policy template: " + tmpl.error_message());
  }
  return out;
}

}  // namespace

Result<RenderedPolicy> RenderVdpPolicy(const VdpPolicy& policy, TimePoint generated_at) {
  const Data data = ToData(policy, generated_at);
  Result<std::string> html = Render(PolicyHtmlTemplate(), data, false);
  if (!html) {
    return Fail(html.error());
  }
  Result<std::string> markdown = Render(PolicyMarkdownTemplate(), data, true);
  if (!markdown) {
    return Fail(markdown.error());
  }
  return RenderedPolicy{std::move(*html), std::move(*markdown)};
}

}  // namespace provisio::disclosure
