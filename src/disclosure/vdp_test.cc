#include "provisio/disclosure/vdp.h"

#include <chrono>
#include <string>

#include <gtest/gtest.h>

namespace provisio::disclosure {
namespace {

TEST(VdpPolicyTemplateTest, ParsesIntoThePolicyItDescribes) {
  Result<VdpPolicy> policy = ParseVdpPolicy(VdpPolicyTemplate(), "vdp.yaml");

  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_EQ(policy->organization, "Example Devices Ltd");
  ASSERT_EQ(policy->contacts.size(), 2u);
  EXPECT_EQ(policy->contacts[0], "mailto:security@example.com");
  EXPECT_EQ(policy->timelines.acknowledge_business_days, 2);
  EXPECT_EQ(policy->timelines.status_update_interval_days, 14);
  EXPECT_EQ(policy->timelines.fix.critical_days, 30);
  EXPECT_EQ(policy->timelines.fix.low_days, 180);
  EXPECT_EQ(policy->languages, (std::vector<std::string>{"en", "de"}));
  EXPECT_EQ(policy->support_period_end, "2031-12-31");
  EXPECT_EQ(policy->csaf_provider_metadata_url,
            "https://example.com/.well-known/csaf/provider-metadata.json");
  EXPECT_EQ(policy->security_txt_expires_days, 180);
}

// Replaces the first occurrence of `from` in the template.
std::string TemplateWith(const std::string& from, const std::string& to) {
  std::string text = VdpPolicyTemplate();
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) {
    text.replace(at, from.size(), to);
  }
  return text;
}

TEST(ParseVdpPolicyTest, RejectsBadInputWithItsPosition) {
  struct Case {
    std::string from;
    std::string to;
    std::string message;
  };
  const Case cases[] = {
      {"  - mailto:security@example.com\n", "  - http://example.com/report\n",
       "vdp.yaml:16:5: contact 'http://example.com/report' must use https://"},
      {"  - mailto:security@example.com\n", "  - security@example.com\n",
       "vdp.yaml:16:5: contact 'security@example.com' has no scheme"},
      {"  triage_days: 10", "  triage_days: 0",
       "vdp.yaml:33:3: 'triage_days' must be between 1 and 3650 days, not 0"},
      {"languages: [en, de]", "languages: [en, english!]", "'english!' is not a language tag"},
      {"support_period_end: \"2031-12-31\"", "support_period_end: \"31.12.2031\"",
       "'support_period_end' must be a date YYYY-MM-DD"},
      {"  expires_days: 180", "  expires_days: 400",
       "'security_txt.expires_days' must be between 1 and 365"},
      {"organization: Example Devices Ltd", "organisation: Example Devices Ltd",
       "vdp.yaml:8:1: unknown key 'organisation'"},
      {"  policy: https://example.com/security/policy\n", "", "'urls/policy' is required"},
      {"    critical: 30", "    critical: 100", "fix targets must not grow with severity"},
  };

  for (const Case& c : cases) {
    SCOPED_TRACE(c.to);

    Result<VdpPolicy> policy = ParseVdpPolicy(TemplateWith(c.from, c.to), "vdp.yaml");

    ASSERT_FALSE(policy.has_value());
    EXPECT_EQ(policy.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(policy.error().message().find(c.message), std::string::npos)
        << policy.error().message();
  }
}

TEST(ParseVdpPolicyTest, KeepsDefaultTimelinesWhenOmitted) {
  Result<VdpPolicy> policy = ParseVdpPolicy(
      "organization: A\ncontacts: [mailto:a@b.example]\nlanguages: [en]\n"
      "support_period_end: '2030-01-01'\nurls: {policy: 'https://b.example/vdp'}\n",
      "min.yaml");

  ASSERT_TRUE(policy.has_value()) << policy.error().message();
  EXPECT_EQ(policy->timelines.triage_days, 10);
  EXPECT_EQ(policy->timelines.public_disclosure_days, 90);
  EXPECT_EQ(policy->timelines.fix.medium_days, 90);
}

TEST(FixTargetDaysTest, MapsSeverityNames) {
  VdpTimelines timelines;

  EXPECT_EQ(FixTargetDays(timelines, "Critical"), 30);
  EXPECT_EQ(FixTargetDays(timelines, "high"), 60);
  EXPECT_EQ(FixTargetDays(timelines, "Medium"), 90);
  EXPECT_EQ(FixTargetDays(timelines, "Low"), 180);
  EXPECT_EQ(FixTargetDays(timelines, "None"), std::nullopt);
}

TEST(RenderVdpPolicyTest, ShowsContactsTimelinesAndEscapesHtml) {
  Result<VdpPolicy> policy = ParseVdpPolicy(VdpPolicyTemplate(), "vdp.yaml");
  ASSERT_TRUE(policy.has_value());
  policy->organization = "Example <Devices> & Co";
  const TimePoint now{std::chrono::sys_days{std::chrono::year{2026} / 11 / 28}};

  Result<RenderedPolicy> page = RenderVdpPolicy(*policy, now);

  ASSERT_TRUE(page.has_value()) << page.error().message();
  EXPECT_NE(page->html.find("Example &lt;Devices&gt; &amp; Co"), std::string::npos);
  EXPECT_NE(page->html.find("href=\"mailto:security@example.com\""), std::string::npos);
  EXPECT_NE(page->html.find("within 2 business days"), std::string::npos);
  EXPECT_NE(page->html.find("at least every 14 days"), std::string::npos);
  EXPECT_NE(page->html.find("Last updated 2026-11-28"), std::string::npos);
  EXPECT_NE(page->markdown.find("Example \\<Devices\\> & Co"), std::string::npos) << page->markdown;
  EXPECT_NE(page->markdown.find("- <mailto:security@example.com>"), std::string::npos);
  EXPECT_NE(page->markdown.find("| Fix for a Critical vulnerability (CVSS) | within 30 days |"),
            std::string::npos);
  EXPECT_NE(page->markdown.find("until 2031-12-31"), std::string::npos);
}

}  // namespace
}  // namespace provisio::disclosure
