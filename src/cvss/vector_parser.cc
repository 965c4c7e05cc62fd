#include "cvss/vector_parser.h"

#include <cstddef>

namespace provisio::cvss::internal {
namespace {

std::string JoinValues(const std::vector<std::string_view>& values) {
  std::string out;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) {
      out += (i + 1 == values.size()) ? " or " : ", ";
    }
    out += values[i];
  }
  return out;
}

// Keeps error messages printable when a vector holds control characters.
std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) {
      out += '?';
    } else {
      out += c;
    }
  }
  if (out.size() > 40) {
    out.resize(40);
    out += "...";
  }
  return out;
}

}  // namespace

Result<MetricMap> ParseMetrics(std::string_view vector, const ParseRules& rules) {
  const std::string label = std::string(rules.prefix) + " vector";
  auto fail = [&label](const std::string& what) {
    return Fail(ErrorCode::kInvalidArgument, label + ": " + what);
  };
  const std::string expected_prefix = std::string(rules.prefix) + "/";
  if (vector.substr(0, expected_prefix.size()) != expected_prefix) {
    const std::string_view first = vector.substr(0, vector.find('/'));
    if (first.substr(0, 5) == "CVSS:") {
      return fail("wrong prefix '" + Printable(first) + "' (expected '" + expected_prefix + "')");
    }
    return fail("missing prefix '" + expected_prefix + "'");
  }

  MetricMap metrics;
  std::ptrdiff_t last_index = -1;
  std::string last_name;
  std::string_view rest = vector.substr(expected_prefix.size());
  int position = 0;
  while (true) {
    ++position;
    const std::size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part.empty()) {
      return fail("empty metric at position " + std::to_string(position) +
                  (slash == std::string_view::npos ? " (trailing '/')" : " ('//')"));
    }
    const std::size_t colon = part.find(':');
    if (colon == std::string_view::npos) {
      return fail("malformed metric '" + Printable(part) + "' (expected NAME:VALUE)");
    }
    const std::string_view name = part.substr(0, colon);
    const std::string_view value = part.substr(colon + 1);
    std::ptrdiff_t index = -1;
    for (std::size_t i = 0; i < rules.specs.size(); ++i) {
      if (rules.specs[i].name == name) {
        index = static_cast<std::ptrdiff_t>(i);
        break;
      }
    }
    if (index < 0) {
      return fail("unknown metric '" + Printable(name) + "'");
    }
    const MetricSpec& spec = rules.specs[static_cast<std::size_t>(index)];
    bool allowed = false;
    for (std::string_view v : spec.values) {
      allowed = allowed || v == value;
    }
    if (!allowed) {
      return fail("bad value '" + Printable(value) + "' for metric '" + std::string(name) +
                  "' (expected " + JoinValues(spec.values) + ")");
    }
    if (metrics.contains(name)) {
      return fail("duplicate metric '" + std::string(name) + "'");
    }
    if (rules.ordered && index < last_index) {
      return fail("metric '" + std::string(name) + "' is out of order (it must come before '" +
                  last_name + "')");
    }
    last_index = index;
    last_name = std::string(name);
    metrics.emplace(std::string(name), std::string(value));
    if (slash == std::string_view::npos) {
      break;
    }
    rest = rest.substr(slash + 1);
  }

  for (const MetricSpec& spec : rules.specs) {
    if (spec.mandatory && !metrics.contains(spec.name)) {
      return fail("missing mandatory metric '" + std::string(spec.name) + "'");
    }
  }
  return metrics;
}

std::string FormatMetrics(const MetricMap& metrics,
                          std::string_view prefix,
                          std::span<const MetricSpec> specs) {
  std::string out(prefix);
  for (const MetricSpec& spec : specs) {
    auto it = metrics.find(spec.name);
    if (it != metrics.end()) {
      out += '/';
      out += spec.name;
      out += ':';
      out += it->second;
    }
  }
  return out;
}

std::string_view GetOrX(const MetricMap& metrics, std::string_view metric) {
  auto it = metrics.find(metric);
  return it == metrics.end() ? std::string_view("X") : std::string_view(it->second);
}

}  // namespace provisio::cvss::internal
