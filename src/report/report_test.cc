#include "provisio/report/report.h"

#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "formats/document.h"
#include "provisio/core/files.h"
#include "report/report_model.h"

namespace provisio::report {
namespace {

// A fresh folder per test, removed afterwards.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            ("report_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

assess::ProvisionVerdict Provision(std::string id,
                                   std::string clause_title,
                                   std::string status,
                                   std::string summary,
                                   assess::Support claim,
                                   assess::Verdict verdict) {
  assess::ProvisionVerdict p;
  p.id = std::move(id);
  p.clause = p.id.substr(0, p.id.find('-'));
  p.clause_title = std::move(clause_title);
  p.status_text = std::move(status);
  p.mandatory = p.status_text.starts_with("M");
  p.summary = std::move(summary);
  p.claim = claim;
  p.verdict = verdict;
  return p;
}

// The fixed assessment behind the golden files: every verdict, a waiver, a
// blocking provision, evidence with and without hashes, and hostile text.
assess::Assessment SampleAssessment() {
  using assess::Support;
  using assess::Verdict;
  assess::Assessment a;
  a.product_dir = "examples/smart-plug";
  a.dut = {"Acme & Sons", "Smart <Plug>", "rev B", "1.4.2"};
  a.standard_version = "3.1.3";
  a.assessed_at = *ParseUtc("2026-03-01T10:20:30Z");
  a.tool_version = "0.1.0";

  const std::string passwords = "No universal default passwords";
  auto p1 = Provision("5.1-1", passwords, "M C(1)", "Passwords are unique per device or user-set.",
                      Support::kYes, Verdict::kPass);
  p1.claim_detail = "A random password per device, printed on the label.";
  p1.reasons = {"Claimed \"Y\" and the evidence record passed."};
  p1.evidence = {{"record", "evidence/passwords.json", std::string(64, 'a'), "", "ok",
                  "passwords.batch: 1000 passwords, all unique"}};

  auto p2 = Provision("5.1-2", passwords, "M C(2)", "Pre-installed passwords are not guessable.",
                      Support::kNo, Verdict::kFail);
  p2.reasons = {"Mandatory provision claimed \"N\".",
                std::string("Label text had a control character \x01 and bad UTF-8 \xff.")};
  p2.evidence = {{"file", "evidence/label.pdf", std::string(64, 'b'), std::string(64, 'c'),
                  "hash-mismatch", "SHA-256 differs from product.yaml"}};

  auto p3 = Provision("5.1-3", passwords, "R", "Authentication uses best-practice cryptography.",
                      Support::kUnclaimed, Verdict::kInconclusive);
  p3.reasons = {"No evidence <script>alert('x')</script> was given."};
  p3.evidence = {{"junit", "evidence/auth-tests.xml", "", "", "missing", "file not found"}};

  const std::string vdp = "Implement a means to manage reports of vulnerabilities";
  auto p4 = Provision("5.2-1", vdp, "M", "A vulnerability disclosure policy is public.",
                      Support::kYes, Verdict::kPass);
  p4.claim_detail = "Published at https://acme.example/security (see security.txt).";
  p4.reasons = {"Claimed \"Y\" with the policy's location."};

  auto p5 = Provision("5.2-3", vdp, "R", "Vulnerabilities are monitored continuously.",
                      Support::kNotApplicable, Verdict::kNotApplicable);
  p5.claim_detail = "No third-party components.";
  p5.reasons = {"Claimed N/A with a rationale."};

  auto p6 =
      Provision("5.3-1", "Keep software updated", "R C(3)",
                "All software components are securely updateable.", Support::kYes, Verdict::kFail);
  p6.reasons = {"The JUnit report has 2 failures in 14 test cases."};
  p6.evidence = {{"junit", "evidence/update-tests.xml", std::string(64, 'd'), "", "fail",
                  "14 test cases, 2 failures"}};
  p6.waived = true;
  p6.waiver = "Jane Doe: the bootloader fix ships in 1.5 (until 2026-06-30)";

  a.provisions = {p1, p2, p3, p4, p5, p6};
  a.gate.passed = false;
  a.gate.blocking_ids = {"5.1-2"};
  return a;
}

std::filesystem::path GoldenPath(const std::string& name) {
  return std::filesystem::path(PROVISIO_SOURCE_DIR) / "src/report/testdata" / name;
}

// Compares with the checked-in file; PROVISIO_UPDATE_GOLDEN=1 rewrites it.
void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::filesystem::path path = GoldenPath(name);
  const char* update = std::getenv("PROVISIO_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    ASSERT_TRUE(WriteFileAtomically(path, actual).has_value()) << path;
    return;
  }
  Result<std::string> expected = ReadFile(path);
  ASSERT_TRUE(expected.has_value()) << path << ": " << expected.error().message()
                                    << " (run with PROVISIO_UPDATE_GOLDEN=1 to create it)";
  EXPECT_EQ(actual, *expected) << "differs from " << path
                               << " (review, then PROVISIO_UPDATE_GOLDEN=1 to accept)";
}

std::size_t CountOf(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t pos = text.find(needle); pos != std::string::npos;
       pos = text.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

// Checks that start and end tags nest properly (the report is written as
// well-formed XML). Returns "" when balanced, else a description.
std::string CheckTagBalance(const std::string& html) {
  std::vector<std::string> open;
  std::size_t pos = 0;
  while ((pos = html.find('<', pos)) != std::string::npos) {
    if (html.compare(pos, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", pos);
      if (end == std::string::npos) {
        return "unterminated comment";
      }
      pos = end + 3;
      continue;
    }
    const std::size_t end = html.find('>', pos);
    if (end == std::string::npos) {
      return "unterminated tag at " + std::to_string(pos);
    }
    const std::string tag = html.substr(pos + 1, end - pos - 1);
    pos = end + 1;
    if (tag.empty() || tag[0] == '!' || tag[0] == '?') {
      continue;
    }
    if (tag[0] == '/') {
      const std::string name = tag.substr(1);
      if (open.empty() || open.back() != name) {
        return "</" + name + "> closes <" + (open.empty() ? "" : open.back()) + ">";
      }
      open.pop_back();
      continue;
    }
    if (tag.back() == '/') {
      continue;
    }
    open.push_back(tag.substr(0, tag.find_first_of(" \t\n")));
  }
  return open.empty() ? "" : "unclosed <" + open.back() + ">";
}

// Runs `xmllint --noout` on `text`; returns its exit status, or -1 if
// xmllint is not installed (package libxml2-utils).
int XmlLint(const std::string& text, const TempDir& dir) {
  if (std::system("command -v xmllint >/dev/null 2>&1") != 0) {
    return -1;
  }
  const std::filesystem::path file = dir.path() / "lint.xml";
  EXPECT_TRUE(WriteFileAtomically(file, text).has_value());
  const std::string command = "xmllint --noout '" + file.string() + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

TEST(RenderJsonTest, MatchesGoldenFile) {
  Result<std::string> json = RenderJson(SampleAssessment());

  ASSERT_TRUE(json.has_value()) << json.error().message();
  ExpectGolden("sample.report.json", *json);
}

TEST(RenderJsonTest, ReparsesWithTheDocumentedFields) {
  Result<std::string> json = RenderJson(SampleAssessment());
  ASSERT_TRUE(json.has_value());

  Result<formats::Document> doc = formats::ParseJson(*json, "report.json");

  ASSERT_TRUE(doc.has_value()) << doc.error().message();
  const formats::Json& root = doc->value;
  EXPECT_EQ(root.value("schema", ""), "provisio.report/v1");
  EXPECT_EQ(root["product"].value("software_version", ""), "1.4.2");
  EXPECT_EQ(root["standard"].value("version", ""), "3.1.3");
  EXPECT_EQ(root.value("assessed_at", ""), "2026-03-01T10:20:30Z");
  EXPECT_EQ(root["gate"].value("passed", true), false);
  EXPECT_EQ(root["gate"]["blocking_ids"], formats::Json::array({"5.1-2"}));
  EXPECT_EQ(root["counts"].value("total", 0), 6);
  EXPECT_EQ(root["counts"].value("FAIL", 0), 2);
  EXPECT_EQ(root["counts"].value("waived", 0), 1);
  ASSERT_EQ(root["clauses"].size(), 3u);
  ASSERT_EQ(root["provisions"].size(), 6u);
  const formats::Json& p2 = root["provisions"][1];
  EXPECT_EQ(p2.value("verdict", ""), "FAIL");
  EXPECT_EQ(p2.value("claim", ""), "N");
  EXPECT_EQ(p2.value("blocking", false), true);
  EXPECT_EQ(p2["evidence"][0].value("expected_sha256", ""), std::string(64, 'c'));
  EXPECT_TRUE(root["provisions"][0]["waiver"].is_null());
  EXPECT_EQ(root["provisions"][5].value("waiver", ""),
            "Jane Doe: the bootloader fix ships in 1.5 (until 2026-06-30)");
}

TEST(RenderJsonTest, IsDeterministic) {
  EXPECT_EQ(*RenderJson(SampleAssessment()), *RenderJson(SampleAssessment()));
}

TEST(RenderHtmlTest, MatchesGoldenFile) {
  Result<std::string> html = RenderHtml(SampleAssessment());

  ASSERT_TRUE(html.has_value()) << html.error().message();
  ExpectGolden("sample.report.html", *html);
}

TEST(RenderHtmlTest, LoadsNoExternalResources) {
  Result<std::string> html = RenderHtml(SampleAssessment());
  ASSERT_TRUE(html.has_value());

  const std::regex attribute(R"re(\b(src|href|xlink:href|action|srcset)\s*=\s*["']?([^"' >]*))re",
                             std::regex::icase);
  int links = 0;
  for (auto it = std::sregex_iterator(html->begin(), html->end(), attribute);
       it != std::sregex_iterator(); ++it) {
    SCOPED_TRACE((*it)[0].str());
    EXPECT_TRUE((*it)[2].str().starts_with("#")) << "only in-page links are allowed";
    ++links;
  }
  EXPECT_GT(links, 0) << "the gate section links to the blocking provisions";
  for (const char* banned : {"<link", "<script", "<img", "<iframe", "@import", "url(", "src="}) {
    SCOPED_TRACE(banned);
    EXPECT_EQ(html->find(banned), std::string::npos);
  }
}

TEST(RenderHtmlTest, EscapesTextFromTheProductFolder) {
  Result<std::string> html = RenderHtml(SampleAssessment());
  ASSERT_TRUE(html.has_value());

  EXPECT_NE(html->find("Acme &amp; Sons Smart &lt;Plug&gt;"), std::string::npos);
  EXPECT_NE(html->find("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html->find("\x01"), std::string::npos);
  EXPECT_NE(html->find("control character \xEF\xBF\xBD and bad UTF-8 \xEF\xBF\xBD."),
            std::string::npos);
}

TEST(RenderHtmlTest, IsWellFormed) {
  TempDir dir;
  Result<std::string> html = RenderHtml(SampleAssessment());
  ASSERT_TRUE(html.has_value());

  EXPECT_EQ(CheckTagBalance(*html), "");
  EXPECT_TRUE(html->starts_with("<!DOCTYPE html>"));
  const int lint = XmlLint(*html, dir);
  if (lint >= 0) {
    EXPECT_EQ(lint, 0) << "xmllint rejects report.html";
  }
}

TEST(RenderHtmlTest, StatesTheFailedGateWithBlockingProvisionsFirst) {
  Result<std::string> html = RenderHtml(SampleAssessment());
  ASSERT_TRUE(html.has_value());

  const std::size_t gate = html->find("Release gate: FAILED");
  const std::size_t blocking = html->find("href=\"#p-5.1-2\"");
  const std::size_t summary = html->find("id=\"summary\"");
  const std::size_t details = html->find("id=\"p-5.1-1\"");
  ASSERT_NE(gate, std::string::npos);
  EXPECT_LT(gate, blocking);
  EXPECT_LT(blocking, summary);
  EXPECT_LT(summary, details);
  EXPECT_EQ(html->find("Release gate: PASSED"), std::string::npos);
  EXPECT_NE(html->find("1 provision required by the gate policy did not pass"), std::string::npos);
  const std::size_t waivers = html->find("are let through the gate by a waiver");
  EXPECT_LT(waivers, summary);
  EXPECT_LT(waivers, html->find("href=\"#p-5.3-1\""));
}

TEST(RenderHtmlTest, DrawsOneStackedBarPerClauseAndPrintsCleanly) {
  Result<std::string> html = RenderHtml(SampleAssessment());
  ASSERT_TRUE(html.has_value());

  EXPECT_EQ(CountOf(*html, "<svg"), 1u);
  // Clause 5.1: PASS, FAIL, INCONCLUSIVE; 5.2: PASS, NOT_APPLICABLE; 5.3: FAIL.
  // Plus four legend squares.
  EXPECT_EQ(CountOf(*html, "<rect class=\"bar-"), 6u + 4u);
  EXPECT_NE(html->find("@media print"), std::string::npos);
  for (const char* hash : {"aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb", "cccccccccccccccc"}) {
    EXPECT_NE(html->find(hash), std::string::npos) << hash;
  }
}

TEST(RenderHtmlTest, ListsWaiversWhenTheGatePasses) {
  assess::Assessment a = SampleAssessment();
  a.gate.passed = true;
  a.gate.blocking_ids.clear();

  Result<std::string> html = RenderHtml(a);

  ASSERT_TRUE(html.has_value());
  EXPECT_NE(html->find("Release gate: PASSED"), std::string::npos);
  EXPECT_EQ(html->find("Release gate: FAILED"), std::string::npos);
  EXPECT_NE(html->find("passed the gate only on a waiver"), std::string::npos);
  EXPECT_EQ(CheckTagBalance(*html), "");
}

TEST(RenderJunitTest, MatchesGoldenFile) {
  Result<std::string> xml = RenderJunit(SampleAssessment());

  ASSERT_TRUE(xml.has_value()) << xml.error().message();
  ExpectGolden("sample.junit.xml", *xml);
}

TEST(RenderJunitTest, HasOneTestCasePerProvisionWithMatchingCounts) {
  TempDir dir;
  Result<std::string> xml = RenderJunit(SampleAssessment());
  ASSERT_TRUE(xml.has_value());

  EXPECT_EQ(CountOf(*xml, "<testsuite "), 3u);
  EXPECT_EQ(CountOf(*xml, "<testcase "), 6u);
  EXPECT_EQ(CountOf(*xml, "<failure "), 2u);
  EXPECT_EQ(CountOf(*xml, "<error "), 1u);
  EXPECT_EQ(CountOf(*xml, "<skipped "), 1u);
  EXPECT_NE(xml->find("tests=\"6\" failures=\"2\" errors=\"1\" skipped=\"1\""), std::string::npos);
  EXPECT_NE(xml->find("classname=\"5.1\" name=\"5.1-1 Passwords are unique per device or "
                      "user-set.\""),
            std::string::npos);
  EXPECT_EQ(CheckTagBalance(*xml), "");
  const int lint = XmlLint(*xml, dir);
  if (lint >= 0) {
    EXPECT_EQ(lint, 0) << "xmllint rejects junit.xml";
  }
}

TEST(RenderJunitTest, EscapesMarkupAndControlCharacters) {
  Result<std::string> xml = RenderJunit(SampleAssessment());
  ASSERT_TRUE(xml.has_value());

  EXPECT_EQ(xml->find('\x01'), std::string::npos);
  EXPECT_EQ(xml->find('\xff'), std::string::npos);
  EXPECT_EQ(xml->find("<script>"), std::string::npos);
  EXPECT_NE(xml->find("&lt;script&gt;"), std::string::npos);
  EXPECT_NE(xml->find("message=\"Mandatory provision claimed &quot;N&quot;.\""), std::string::npos);
}

TEST(RenderReportsTest, HandleAnEmptyAssessment) {
  TempDir dir;
  assess::Assessment empty;

  Result<std::string> json = RenderJson(empty);
  Result<std::string> html = RenderHtml(empty);
  Result<std::string> xml = RenderJunit(empty);

  ASSERT_TRUE(json.has_value());
  ASSERT_TRUE(html.has_value());
  ASSERT_TRUE(xml.has_value());
  EXPECT_TRUE(formats::ParseJson(*json, "report.json").has_value());
  EXPECT_EQ(CheckTagBalance(*html), "");
  EXPECT_EQ(CheckTagBalance(*xml), "");
  EXPECT_NE(xml->find("tests=\"0\""), std::string::npos);
  const int lint = XmlLint(*xml, dir);
  if (lint >= 0) {
    EXPECT_EQ(lint, 0);
  }
}

TEST(WriteReportsTest, WritesAllThreeFilesIntoANewFolder) {
  TempDir dir;
  const assess::Assessment a = SampleAssessment();
  const std::filesystem::path out = dir.path() / "out" / "nested";

  Result<void> written = WriteReports(a, out);

  ASSERT_TRUE(written.has_value()) << written.error().message();
  EXPECT_EQ(*ReadFile(out / "report.json"), *RenderJson(a));
  EXPECT_EQ(*ReadFile(out / "report.html"), *RenderHtml(a));
  EXPECT_EQ(*ReadFile(out / "junit.xml"), *RenderJunit(a));
}

TEST(WriteReportsTest, FailsWhenTheOutputFolderIsAFile) {
  TempDir dir;
  const std::filesystem::path out = dir.path() / "taken";
  ASSERT_TRUE(WriteFileAtomically(out, "x").has_value());

  Result<void> written = WriteReports(SampleAssessment(), out);

  ASSERT_FALSE(written.has_value());
  EXPECT_EQ(written.error().code(), ErrorCode::kIo);
}

TEST(ToAssessmentRunTest, KeepsVerdictsInCatalogueOrderAndTheGate) {
  const assess::Assessment a = SampleAssessment();

  evidence::AssessmentRun run = ToAssessmentRun(a, std::string(64, 'e'));

  EXPECT_EQ(run.product, "Acme & Sons");
  EXPECT_EQ(run.model, "Smart <Plug>");
  EXPECT_EQ(run.software_version, "1.4.2");
  EXPECT_EQ(run.standard_version, "3.1.3");
  EXPECT_EQ(run.assessed_at, a.assessed_at);
  EXPECT_FALSE(run.gate_passed);
  EXPECT_EQ(run.blocking_ids, std::vector<std::string>{"5.1-2"});
  ASSERT_EQ(run.verdicts.size(), 6u);
  EXPECT_EQ(run.verdicts[2], (std::pair<std::string, std::string>{"5.1-3", "INCONCLUSIVE"}));
  EXPECT_EQ(run.verdicts[4].second, "NOT_APPLICABLE");
  EXPECT_EQ(run.report_sha256, std::string(64, 'e'));
}

TEST(XmlEscapeTest, EscapesMarkupAndReplacesWhatXmlCannotHold) {
  struct Case {
    std::string input;
    bool attribute;
    std::string expected;
  };
  const std::string fffd = "\xEF\xBF\xBD";
  const Case cases[] = {
      {"a & b < c > d", false, "a &amp; b &lt; c &gt; d"},
      {"say \"hi\" 'x'", false, "say &quot;hi&quot; &apos;x&apos;"},
      {"line\nbreak\ttab", false, "line\nbreak\ttab"},
      {"line\nbreak\ttab", true, "line&#10;break&#9;tab"},
      {"cr\r", false, "cr&#13;"},
      {std::string("nul\0x", 5), false, "nul" + fffd + "x"},
      {"bell\x07", false, "bell" + fffd},
      {"\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92", false,
       "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x94\x92"},
      {"bad \xC3", false, "bad " + fffd},
      {"overlong \xC0\xAF", false, "overlong " + fffd + fffd},
      {"surrogate \xED\xA0\x80", false, "surrogate " + fffd},
      {"nonchar \xEF\xBF\xBE", false, "nonchar " + fffd},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.input);
    EXPECT_EQ(XmlEscape(c.input, c.attribute), c.expected);
  }
}

}  // namespace
}  // namespace provisio::report
