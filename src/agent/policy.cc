#include "provisio/agent/policy.h"

#include <cstdio>

#include "formats/document.h"
#include "provisio/core/files.h"

namespace provisio::agent {
namespace {

using formats::Json;

bool InsideWindow(const MaintenanceWindow& window, TimePoint now) {
  const auto day = std::chrono::floor<std::chrono::days>(now);
  const int minute =
      static_cast<int>(std::chrono::duration_cast<std::chrono::minutes>(now - day).count());
  if (window.start_minute <= window.end_minute) {
    return minute >= window.start_minute && minute < window.end_minute;
  }
  return minute >= window.start_minute || minute < window.end_minute;
}

}  // namespace

PolicyOutcome DecideUpdate(const UpdatePolicy& policy, bool security_update, TimePoint now) {
  if (!policy.automatic) {
    return {
        PolicyDecision::kDisabled,
        "automatic updates are switched off by the user; install with `provisio-agent install`"};
  }
  if (policy.notify_only) {
    return {PolicyDecision::kNotifyOnly, "policy is notify-only: the user installs updates"};
  }
  if (security_update) {
    return {PolicyDecision::kInstall, "security update: installed without waiting"};
  }
  if (policy.postpone_until && now < *policy.postpone_until) {
    return {PolicyDecision::kPostpone,
            "feature update postponed by the user until " + FormatUtc(*policy.postpone_until)};
  }
  if (policy.window && !InsideWindow(*policy.window, now)) {
    return {PolicyDecision::kPostpone,
            "feature update waits for the maintenance window " + FormatWindow(*policy.window)};
  }
  return {PolicyDecision::kInstall, "automatic update"};
}

Result<MaintenanceWindow> ParseWindow(std::string_view text) {
  int h1 = 0;
  int m1 = 0;
  int h2 = 0;
  int m2 = 0;
  char tail = 0;
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%2d:%2d-%2d:%2d%c", &h1, &m1, &h2, &m2, &tail) != 4 || h1 > 23 ||
      h2 > 23 || m1 > 59 || m2 > 59 || h1 < 0 || h2 < 0 || m1 < 0 || m2 < 0 ||
      (h1 == h2 && m1 == m2)) {
    return Fail(ErrorCode::kParse,
                "maintenance window '" + s + "' must look like 02:00-04:00 (UTC, not empty)");
  }
  return MaintenanceWindow{h1 * 60 + m1, h2 * 60 + m2};
}

std::string FormatWindow(const MaintenanceWindow& window) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d-%02d:%02d UTC", window.start_minute / 60,
                window.start_minute % 60, window.end_minute / 60, window.end_minute % 60);
  return buffer;
}

std::string PolicyToJson(const UpdatePolicy& policy) {
  Json out = {{"automatic", policy.automatic}, {"notify_only", policy.notify_only}};
  out["postpone_until"] =
      policy.postpone_until ? Json(FormatUtc(*policy.postpone_until)) : Json(nullptr);
  if (policy.window) {
    std::string w = FormatWindow(*policy.window);
    out["maintenance_window"] = w.substr(0, 11);
  } else {
    out["maintenance_window"] = nullptr;
  }
  return formats::DumpJson(out);
}

Result<UpdatePolicy> LoadPolicy(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return UpdatePolicy{};
  }
  Result<formats::Document> doc = formats::ReadJsonFile(path);
  if (!doc) {
    return Fail(doc.error().WithContext("reading update policy"));
  }
  const Json& root = doc->value;
  if (!root.is_object()) {
    return Fail(ErrorCode::kParse, path.string() + ": policy must be a JSON object");
  }
  UpdatePolicy policy;
  const auto automatic = root.find("automatic");
  const auto notify = root.find("notify_only");
  if ((automatic != root.end() && !automatic->is_boolean()) ||
      (notify != root.end() && !notify->is_boolean())) {
    return Fail(ErrorCode::kParse,
                path.string() + ": 'automatic' and 'notify_only' must be true or false");
  }
  policy.automatic = automatic == root.end() || automatic->get<bool>();
  policy.notify_only = notify != root.end() && notify->get<bool>();
  const auto until = root.find("postpone_until");
  if (until != root.end() && !until->is_null()) {
    Result<TimePoint> t = until->is_string() ? ParseUtc(until->get<std::string>())
                                             : Fail(ErrorCode::kParse, "not a string");
    if (!t) {
      return Fail(t.error().WithContext(path.string() + ": 'postpone_until'"));
    }
    policy.postpone_until = *t;
  }
  const auto window = root.find("maintenance_window");
  if (window != root.end() && !window->is_null()) {
    Result<MaintenanceWindow> w = window->is_string() ? ParseWindow(window->get<std::string>())
                                                      : Fail(ErrorCode::kParse, "not a string");
    if (!w) {
      return Fail(w.error().WithContext(path.string() + ": 'maintenance_window'"));
    }
    policy.window = *w;
  }
  return policy;
}

Result<void> SavePolicy(const std::filesystem::path& path, const UpdatePolicy& policy) {
  return WriteFileAtomically(path, PolicyToJson(policy) + "\n");
}

}  // namespace provisio::agent
