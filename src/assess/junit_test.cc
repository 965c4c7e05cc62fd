#include "assess/junit.h"

#include <string>

#include <gtest/gtest.h>

#include "assess/xml_reader.h"

namespace provisio::assess {
namespace {

TEST(ParseXmlTest, ReadsElementsAttributesEntitiesAndCdata) {
  const std::string xml =
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- header -->\n"
      "<a x='1 &amp; 2' y=\"&#x41;&#66;\">t&lt;<![CDATA[<raw>]]><b/><c k=\"v\"></c></a>\n";

  Result<XmlElement> root = ParseXml(xml, "t.xml");

  ASSERT_TRUE(root.has_value()) << root.error().message();
  EXPECT_EQ(root->name, "a");
  EXPECT_EQ(root->Attribute("x"), "1 & 2");
  EXPECT_EQ(root->Attribute("y"), "AB");
  EXPECT_EQ(root->text, "t<<raw>");
  ASSERT_EQ(root->children.size(), 2U);
  EXPECT_EQ(root->children[1].Attribute("k"), "v");
  EXPECT_EQ(root->line, 3);
}

TEST(ParseXmlTest, RejectsMalformedDocumentsWithPosition) {
  struct Case {
    const char* xml;
    const char* expected;
  };
  const Case cases[] = {
      {"", "t.xml:1:1: invalid XML: expected the root element"},
      {"<a>", "unexpected end of document: <a> is not closed"},
      {"<a></b>", "t.xml:1:4: invalid XML: expected </a> but found </b>"},
      {"<a x=1/>", "expected a quoted value for attribute 'x'"},
      {"<a x='1' x='2'/>", "duplicate attribute 'x'"},
      {"<a>&bogus;</a>", "unknown entity '&bogus;'"},
      {"<a>&#0;</a>", "invalid character"},
      {"<a/><b/>", "unexpected content after the root element"},
      {"<!DOCTYPE a [<!ENTITY x 'y'>]><a/>", "DOCTYPE declarations are not supported"},
      {"<a><!-- open</a>", "unterminated comment"},
      {"</a>", "end tag without a start tag"},
      {"<a x='<'/>", "'<' is not allowed"},
      {"<a\n  b='1'c='2'/>", "t.xml:2:8: invalid XML: expected whitespace"},
      {"text", "expected the root element"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.xml);

    Result<XmlElement> root = ParseXml(c.xml, "t.xml");

    ASSERT_FALSE(root.has_value());
    EXPECT_EQ(root.error().code(), ErrorCode::kParse);
    EXPECT_NE(root.error().message().find(c.expected), std::string::npos) << root.error().message();
  }
}

TEST(ParseXmlTest, RejectsNestingDeeperThanTheLimit) {
  std::string xml;
  for (int i = 0; i < 20; ++i) {
    xml += "<a>";
  }
  XmlLimits limits;
  limits.max_depth = 10;

  Result<XmlElement> root = ParseXml(xml, "t.xml", limits);

  ASSERT_FALSE(root.has_value());
  EXPECT_NE(root.error().message().find("nested deeper than 10"), std::string::npos);
}

TEST(ParseJunitTest, CountsPassingFailingErroredAndSkippedCases) {
  const std::string xml = R"(<testsuites>
  <testsuite name="s" tests="4" failures="1" errors="1">
    <testcase classname="Update" name="AcceptsSigned"/>
    <testcase classname="Update" name="RejectsUnsigned"><failure message="installed"/></testcase>
    <testcase name="Boots"><error message="crash"/></testcase>
    <testcase name="Later"><skipped/></testcase>
  </testsuite>
</testsuites>)";

  Result<JunitSummary> summary = ParseJunit(xml, "r.xml");

  ASSERT_TRUE(summary.has_value()) << summary.error().message();
  EXPECT_EQ(summary->tests, 4);
  EXPECT_EQ(summary->failures, 1);
  EXPECT_EQ(summary->errors, 1);
  EXPECT_EQ(summary->skipped, 1);
  EXPECT_FALSE(summary->AllPassed());
  EXPECT_EQ(summary->first_failure, "Update.RejectsUnsigned: installed");
  EXPECT_EQ(summary->Describe(), "4 test cases, 1 failure, 1 error, 1 skipped");
}

TEST(ParseJunitTest, PassesOnlyWhenEveryCaseRanAndPassed) {
  struct Case {
    const char* xml;
    bool all_passed;
  };
  const Case cases[] = {
      {"<testsuite><testcase name='a'/><testcase name='b'></testcase></testsuite>", true},
      {"<testsuite tests='0'/>", false},
      {"<testsuite><testcase name='a'><skipped/></testcase></testsuite>", false},
      {"<testsuite failures='2'><testcase name='a'/></testsuite>", false},
      {"<testsuites><testsuite><testcase name='a'/></testsuite></testsuites>", true},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.xml);

    Result<JunitSummary> summary = ParseJunit(c.xml, "r.xml");

    ASSERT_TRUE(summary.has_value()) << summary.error().message();
    EXPECT_EQ(summary->AllPassed(), c.all_passed);
  }
}

TEST(ParseJunitTest, RejectsOtherRootElements) {
  Result<JunitSummary> summary = ParseJunit("<html><body/></html>", "r.xml");

  ASSERT_FALSE(summary.has_value());
  EXPECT_EQ(summary.error().message(),
            "r.xml:1:1: not a JUnit report: the root element is <html>, expected <testsuites> "
            "or <testsuite>");
}

}  // namespace
}  // namespace provisio::assess
