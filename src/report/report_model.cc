#include "report/report_model.h"

#include <algorithm>
#include <cstdint>
#include <map>

namespace provisio::report {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8.

bool IsXmlChar(std::uint32_t cp) {
  if (cp < 0x20) {
    return cp == 0x09 || cp == 0x0A || cp == 0x0D;
  }
  if (cp >= 0xD800 && cp <= 0xDFFF) {
    return false;
  }
  return cp != 0xFFFE && cp != 0xFFFF && cp <= 0x10FFFF;
}

// Decodes one UTF-8 sequence at `text[pos]`. Returns its length, or 0 if the
// bytes there are not a valid, shortest-form sequence.
std::size_t DecodeUtf8(std::string_view text, std::size_t pos, std::uint32_t& cp) {
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint8_t>(text[i]);
  };
  const std::uint8_t lead = byte(pos);
  std::size_t length = 0;
  std::uint32_t min = 0;
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  if ((lead & 0xE0) == 0xC0) {
    length = 2;
    cp = lead & 0x1Fu;
    min = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3;
    cp = lead & 0x0Fu;
    min = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4;
    cp = lead & 0x07u;
    min = 0x10000;
  } else {
    return 0;
  }
  if (pos + length > text.size()) {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    const std::uint8_t next = byte(pos + i);
    if ((next & 0xC0) != 0x80) {
      return 0;
    }
    cp = (cp << 6) | (next & 0x3Fu);
  }
  if (cp < min || cp > 0x10FFFF) {
    return 0;
  }
  return length;
}

}  // namespace

std::string_view VerdictName(assess::Verdict verdict) {
  return assess::ToString(verdict);
}

std::string_view SupportName(assess::Support support) {
  return assess::ToString(support);
}

void VerdictCounts::Add(const assess::ProvisionVerdict& provision) {
  for (std::size_t i = 0; i < kVerdictOrder.size(); ++i) {
    if (kVerdictOrder[i] == provision.verdict) {
      ++by_verdict[i];
    }
  }
  ++total;
  if (provision.waived) {
    ++waived;
  }
}

int VerdictCounts::Of(assess::Verdict verdict) const {
  for (std::size_t i = 0; i < kVerdictOrder.size(); ++i) {
    if (kVerdictOrder[i] == verdict) {
      return by_verdict[i];
    }
  }
  return 0;
}

std::vector<ClauseGroup> GroupByClause(const assess::Assessment& assessment) {
  std::vector<ClauseGroup> groups;
  std::map<std::string, std::size_t> index;
  for (const assess::ProvisionVerdict& provision : assessment.provisions) {
    auto [it, inserted] = index.try_emplace(provision.clause, groups.size());
    if (inserted) {
      groups.push_back(ClauseGroup{provision.clause, provision.clause_title, {}, {}});
    }
    ClauseGroup& group = groups[it->second];
    if (group.title.empty()) {
      group.title = provision.clause_title;
    }
    group.counts.Add(provision);
    group.provisions.push_back(&provision);
  }
  return groups;
}

VerdictCounts CountVerdicts(const assess::Assessment& assessment) {
  VerdictCounts counts;
  for (const assess::ProvisionVerdict& provision : assessment.provisions) {
    counts.Add(provision);
  }
  return counts;
}

bool IsBlocking(const assess::Assessment& assessment, std::string_view id) {
  return std::find(assessment.gate.blocking_ids.begin(), assessment.gate.blocking_ids.end(), id) !=
         assessment.gate.blocking_ids.end();
}

std::string CleanText(std::string_view text) {
  std::string clean;
  clean.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::uint32_t cp = 0;
    const std::size_t length = DecodeUtf8(text, pos, cp);
    if (length == 0) {
      clean += kReplacement;
      ++pos;
      continue;
    }
    if (IsXmlChar(cp)) {
      clean.append(text.substr(pos, length));
    } else {
      clean += kReplacement;
    }
    pos += length;
  }
  return clean;
}

std::string XmlEscape(std::string_view text, bool attribute) {
  const std::string clean = CleanText(text);
  std::string escaped;
  escaped.reserve(clean.size() + clean.size() / 8);
  for (const char c : clean) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      case '\t':
        escaped += attribute ? "&#9;" : "\t";
        break;
      case '\n':
        escaped += attribute ? "&#10;" : "\n";
        break;
      case '\r':
        escaped += "&#13;";  // A literal CR would be normalised away in text too.
        break;
      default:
        escaped += c;
        break;
    }
  }
  return escaped;
}

std::string DeviceName(const assess::Assessment& assessment) {
  std::string name = assessment.dut.manufacturer;
  if (!assessment.dut.model.empty()) {
    if (!name.empty()) {
      name += ' ';
    }
    name += assessment.dut.model;
  }
  return name.empty() ? std::string("(unnamed device)") : name;
}

}  // namespace provisio::report
