#include <string>

#include <gtest/gtest.h>

#include "provisio/assess/product.h"

namespace provisio::assess {
namespace {

constexpr const char* kFull = R"(# A complete product file.
product:
  manufacturer: Acme
  model: Plug
  hardware_version: 3
  software_version: "2.10"
standard: en303645:3.1.3
answers:
  features:
    a: yes
    b: false
    c: ~
  conditions:
    "12": true
ixit:
  authentication_mechanisms:
    - name: App pairing
      type: token
      interface: ble
  update_mechanism:
    description: A/B slots
    delivery: network
    signature_verification: Ed25519 over TUF metadata
    automatic: yes
  support_period:
    end: 2031-12-31
    published_at: https://acme.example/support
  vdp_location: https://acme.example/.well-known/security.txt
  interfaces:
    - name: uart
      type: debug
      enabled: false
provisions:
  5.1-1:
    claim: Y
    measure: Unique password per unit
    evidence:
      - docs/design.md
      - junit: results/tests.xml
      - record: evidence/batch.json
        sha256: ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789
  5.1-2A:
    claim: N
    justification: No pre-installed passwords
  5.3-14:
    claim: N/A
    rationale: Every component can be updated
  5.6-9:
waivers:
  - provision: 5.3-2
    owner: Jane Doe
    reason: Fix scheduled for 2.11
    expires: 2027-01-31
)";

TEST(ParseProductFileTest, ReadsEveryField) {
  Result<ProductFile> product = ParseProductFile(kFull, "product.yaml");

  ASSERT_TRUE(product.has_value()) << product.error().message();
  EXPECT_EQ(product->dut.manufacturer, "Acme");
  EXPECT_EQ(product->dut.hardware_version, "3");
  EXPECT_EQ(product->dut.software_version, "2.10");
  EXPECT_EQ(product->standard_version, "en303645:3.1.3");
  EXPECT_EQ(product->answers.features.at("a"), true);
  EXPECT_EQ(product->answers.features.at("b"), false);
  EXPECT_FALSE(product->answers.features.contains("c"));
  EXPECT_EQ(product->answers.conditions.at("12"), true);
  EXPECT_EQ(product->answer_where.at("F(a)"), "product.yaml:10:5");
  EXPECT_EQ(product->ixit.authentication_mechanisms.at(0).interface, "ble");
  EXPECT_EQ(product->ixit.update_mechanism.automatic, "yes");
  EXPECT_EQ(product->ixit.support_period.end, "2031-12-31");
  EXPECT_FALSE(product->ixit.interfaces.at(0).enabled);
  ASSERT_EQ(product->claims.size(), 4U);
  const Claim& claim = product->claims[0];
  EXPECT_EQ(claim.id, "5.1-1");
  EXPECT_EQ(claim.support, Support::kYes);
  ASSERT_EQ(claim.evidence.size(), 3U);
  EXPECT_EQ(claim.evidence[0].kind, EvidenceKind::kFile);
  EXPECT_EQ(claim.evidence[1].kind, EvidenceKind::kJunit);
  EXPECT_EQ(claim.evidence[2].kind, EvidenceKind::kRecord);
  EXPECT_EQ(claim.evidence[2].expected_sha256,
            "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  EXPECT_EQ(claim.evidence[2].where, "product.yaml:40:9");
  EXPECT_EQ(product->claims[1].support, Support::kNo);
  EXPECT_EQ(product->claims[2].support, Support::kNotApplicable);
  EXPECT_EQ(product->claims[3].support, Support::kUnclaimed);
  ASSERT_EQ(product->waivers.size(), 1U);
  EXPECT_EQ(product->waivers[0].expires_text, "2027-01-31");
  EXPECT_EQ(FormatUtc(product->waivers[0].expires), "2027-01-31T00:00:00Z");
}

TEST(ParseProductFileTest, NamesFileLineAndColumnForBadInput) {
  const std::string dut =
      "product:\n  manufacturer: A\n  model: B\n  hardware_version: C\n  software_version: D\n";
  struct Case {
    const char* name;
    std::string yaml;
    const char* message;
  };
  const Case cases[] = {
      {"yaml syntax", dut + "answers: [a, b\n", "p.yaml:7:1: invalid YAML:"},
      {"unknown top-level key", dut + "provision:\n  5.1-1: {claim: Y}\n",
       "p.yaml:6:1: unknown key 'provision' in product.yaml (expected one of: product, standard, "
       "answers, ixit, provisions, waivers)"},
      {"missing product", "standard: 3.1.3\n", "p.yaml:1:1: missing required mapping 'product'"},
      {"missing version", "product:\n  manufacturer: A\n  model: B\n  hardware_version: C\n",
       "p.yaml:1:1: missing required field 'software_version'"},
      {"float version",
       "product:\n  manufacturer: A\n  model: B\n  hardware_version: C\n  software_version: 2.1\n",
       "p.yaml:5:3: 'software_version' must be a string: put the value in quotes"},
      {"bad claim", dut + "provisions:\n  5.1-1:\n    claim: maybe\n",
       "p.yaml:8:5: 'claim' must be Y, N or N/A"},
      {"duplicate claim", dut + "provisions:\n  5.1-1: {claim: Y}\n  5.1-1: {claim: N}\n",
       "p.yaml:8:3: duplicate key '5.1-1'"},
      {"bad answer", dut + "answers:\n  features:\n    a: maybe\n",
       "p.yaml:8:5: an answer must be yes, no, true or false"},
      {"two evidence kinds",
       dut + "provisions:\n  5.1-1:\n    claim: Y\n    evidence:\n      - {file: a, junit: b}\n",
       "p.yaml:10:9: an evidence item needs exactly one of 'file', 'junit' or 'record'"},
      {"bad sha256",
       dut + "provisions:\n  5.1-1:\n    claim: Y\n    evidence:\n      - {file: a, sha256: abc}\n",
       "p.yaml:10:19: 'sha256' must be 64 hexadecimal digits"},
      {"waiver without owner",
       dut + "waivers:\n  - provision: 5.1-1\n    reason: r\n    expires: 2027-01-01\n",
       "p.yaml:7:5: missing required field 'owner'"},
      {"waiver bad date",
       dut + "waivers:\n  - {provision: 5.1-1, owner: o, reason: r, expires: soon}\n",
       "p.yaml:7:45: 'expires' must be a date"},
      {"not a mapping", "- a\n- b\n", "p.yaml:1:1: product.yaml must be a mapping"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);

    Result<ProductFile> product = ParseProductFile(c.yaml, "p.yaml");

    ASSERT_FALSE(product.has_value());
    EXPECT_EQ(product.error().code(), ErrorCode::kParse);
    EXPECT_NE(product.error().message().find(c.message), std::string::npos)
        << product.error().message();
  }
}

TEST(ParseProductFileTest, DefaultsToTheCurrentEdition) {
  Result<ProductFile> product = ParseProductFile(
      "product: {manufacturer: A, model: B, hardware_version: C, software_version: D}\n", "p");

  ASSERT_TRUE(product.has_value()) << product.error().message();
  EXPECT_EQ(product->standard_version, "3.1.3");
  EXPECT_TRUE(product->claims.empty());
}

}  // namespace
}  // namespace provisio::assess
