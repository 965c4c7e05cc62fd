#include "assess/junit.h"

#include <charconv>
#include <vector>

#include "assess/xml_reader.h"

namespace provisio::assess {
namespace {

int AttributeCount(const XmlElement& element, std::string_view key) {
  const std::string text = element.Attribute(key);
  int value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return 0;
  }
  return value;
}

const XmlElement* FindChild(const XmlElement& element, std::string_view name) {
  for (const XmlElement& child : element.children) {
    if (child.name == name) {
      return &child;
    }
  }
  return nullptr;
}

// Walks the tree without recursion (depth is bounded by the reader anyway).
void Summarize(const XmlElement& root, JunitSummary& summary) {
  std::vector<const XmlElement*> pending = {&root};
  while (!pending.empty()) {
    const XmlElement* element = pending.back();
    pending.pop_back();
    if (element->name == "testcase") {
      ++summary.tests;
      const XmlElement* failure = FindChild(*element, "failure");
      const XmlElement* error = FindChild(*element, "error");
      if (failure != nullptr) {
        ++summary.failures;
      } else if (error != nullptr) {
        ++summary.errors;
      } else if (FindChild(*element, "skipped") != nullptr) {
        ++summary.skipped;
      }
      const XmlElement* problem = failure != nullptr ? failure : error;
      if (problem != nullptr && summary.first_failure.empty()) {
        std::string name = element->Attribute("classname");
        if (!name.empty()) {
          name += ".";
        }
        name += element->Attribute("name");
        std::string message = problem->Attribute("message");
        summary.first_failure = message.empty() ? name : name + ": " + message;
      }
      continue;
    }
    if (element->name == "testsuite") {
      int declared = AttributeCount(*element, "failures") + AttributeCount(*element, "errors");
      int found = 0;
      for (const XmlElement& child : element->children) {
        if (child.name == "testcase" &&
            (FindChild(child, "failure") != nullptr || FindChild(child, "error") != nullptr)) {
          ++found;
        }
      }
      // Nested suites carry their own counts; only flat suites are compared.
      if (FindChild(*element, "testsuite") == nullptr && declared > found) {
        summary.suite_counts_disagree = true;
      }
    }
    for (auto it = element->children.rbegin(); it != element->children.rend(); ++it) {
      pending.push_back(&*it);
    }
  }
}

std::string Plural(int n, std::string_view word) {
  std::string out = std::to_string(n) + " " + std::string(word);
  if (n != 1) {
    out += "s";
  }
  return out;
}

}  // namespace

std::string JunitSummary::Describe() const {
  std::string text = Plural(tests, "test case") + ", " + Plural(failures, "failure") + ", " +
                     Plural(errors, "error") + ", " + std::to_string(skipped) + " skipped";
  if (suite_counts_disagree) {
    text += "; a testsuite declares more failures than its test cases show";
  }
  return text;
}

Result<JunitSummary> ParseJunit(std::string_view text, std::string_view source_name) {
  Result<XmlElement> root = ParseXml(text, source_name);
  if (!root) {
    return Fail(root.error());
  }
  if (root->name != "testsuites" && root->name != "testsuite") {
    return Fail(ErrorCode::kParse, std::string(source_name) + ":" + std::to_string(root->line) +
                                       ":1: not a JUnit report: the root element is <" +
                                       root->name + ">, expected <testsuites> or <testsuite>");
  }
  JunitSummary summary;
  Summarize(*root, summary);
  return summary;
}

}  // namespace provisio::assess
