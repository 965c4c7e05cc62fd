// Shared by the v3.1 and v4.0 parsers: splits "CVSS:x.y/M:V/..." into
// metrics and checks them against a table of allowed metrics and values.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "provisio/core/result.h"

namespace provisio::cvss::internal {

struct MetricSpec {
  std::string_view name;
  std::vector<std::string_view> values;  // Allowed values, "X" included where allowed.
  bool mandatory = false;
};

using MetricMap = std::map<std::string, std::string, std::less<>>;

struct ParseRules {
  std::string_view prefix;            // "CVSS:3.1"
  std::span<const MetricSpec> specs;  // In the specification's order.
  bool ordered = false;               // Metrics must follow the order of `specs`.
};

// Fails with kInvalidArgument naming the metric at fault: wrong prefix,
// malformed component, unknown metric, bad value, duplicate, out of order,
// missing mandatory metric.
Result<MetricMap> ParseMetrics(std::string_view vector, const ParseRules& rules);

// "CVSS:3.1/" + the metrics present, in the order of `specs`.
std::string FormatMetrics(const MetricMap& metrics,
                          std::string_view prefix,
                          std::span<const MetricSpec> specs);

// The value of `metric` in `metrics`, or "X".
std::string_view GetOrX(const MetricMap& metrics, std::string_view metric);

}  // namespace provisio::cvss::internal
