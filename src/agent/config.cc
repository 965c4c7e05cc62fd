#include "provisio/agent/config.h"

#include <algorithm>
#include <initializer_list>
#include <string_view>

#include "formats/document.h"
#include "provisio/core/files.h"

namespace provisio::agent {
namespace {

using formats::Document;
using formats::Json;

class ConfigReader {
 public:
  ConfigReader(const Document& doc, std::filesystem::path base_dir)
      : doc_(doc), base_dir_(std::move(base_dir)) {}

  Result<std::string> String(const Json& object,
                             const std::string& pointer,
                             const char* key,
                             bool required) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      if (required) {
        return Fail(ErrorCode::kParse, doc_.Where(pointer) + ": missing '" + key + "'");
      }
      return std::string();
    }
    if (!it->is_string() || (required && it->get_ref<const std::string&>().empty())) {
      return Fail(ErrorCode::kParse,
                  doc_.Where(pointer + "/" + key) + ": '" + key + "' must be a non-empty string");
    }
    return it->get<std::string>();
  }

  Result<std::filesystem::path> Path(const Json& object,
                                     const std::string& pointer,
                                     const char* key,
                                     bool required) const {
    Result<std::string> text = String(object, pointer, key, required);
    if (!text) {
      return Fail(text.error());
    }
    if (text->empty()) {
      return std::filesystem::path();
    }
    std::filesystem::path path(*text);
    return path.is_absolute() ? path : base_dir_ / path;
  }

  Result<std::vector<std::string>> Argv(const Json& object,
                                        const std::string& pointer,
                                        const char* key) const {
    std::vector<std::string> out;
    const auto it = object.find(key);
    if (it == object.end()) {
      return out;
    }
    if (!it->is_array() || it->empty()) {
      return Fail(ErrorCode::kParse, doc_.Where(pointer + "/" + key) + ": '" + key +
                                         "' must be a non-empty list of strings (argv)");
    }
    for (const Json& item : *it) {
      if (!item.is_string()) {
        return Fail(ErrorCode::kParse,
                    doc_.Where(pointer + "/" + key) + ": '" + key + "' items must be strings");
      }
      out.push_back(item.get<std::string>());
    }
    return out;
  }

  Result<std::int64_t> Integer(const Json& object,
                               const std::string& pointer,
                               const char* key,
                               std::int64_t fallback,
                               std::int64_t min,
                               std::int64_t max) const {
    const auto it = object.find(key);
    if (it == object.end()) {
      return fallback;
    }
    if (!it->is_number_integer() || it->get<std::int64_t>() < min ||
        it->get<std::int64_t>() > max) {
      return Fail(ErrorCode::kParse, doc_.Where(pointer + "/" + key) + ": '" + key +
                                         "' must be an integer from " + std::to_string(min) +
                                         " to " + std::to_string(max));
    }
    return it->get<std::int64_t>();
  }

  // Refuses a key of `object` (at `pointer`) not in `known`, at its position.
  Result<void> OnlyKeys(const Json& object,
                        const std::string& pointer,
                        std::initializer_list<std::string_view> known) const {
    for (const auto& [key, value] : object.items()) {
      if (std::find(known.begin(), known.end(), key) == known.end()) {
        std::string names;
        for (std::string_view name : known) {
          names += (names.empty() ? "'" : ", '") + std::string(name) + "'";
        }
        return Fail(ErrorCode::kParse, doc_.Where(pointer + "/" + formats::PointerSegment(key)) +
                                           ": unknown setting '" + key + "' in '" +
                                           pointer.substr(1) + "' (allowed: " + names + ")");
      }
    }
    return {};
  }

 private:
  const Document& doc_;
  std::filesystem::path base_dir_;
};

bool IsHttpUrl(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

}  // namespace

Result<AgentConfig> ParseAgentConfig(std::string_view text,
                                     std::string_view source_name,
                                     const std::filesystem::path& base_dir) {
  Result<Document> doc = formats::ParseJson(text, source_name);
  if (!doc) {
    return Fail(doc.error());
  }
  const Json& root = doc->value;
  if (!root.is_object()) {
    return Fail(ErrorCode::kParse, doc->Where("") + ": the configuration must be a JSON object");
  }
  static const char* const kKnown[] = {"metadata_url",
                                       "targets_url",
                                       "metadata_dir",
                                       "trusted_root",
                                       "hardware_id",
                                       "slots",
                                       "state_dir",
                                       "anti_rollback_path",
                                       "health_check",
                                       "max_boot_attempts",
                                       "check_interval_seconds",
                                       "check_jitter_seconds",
                                       "max_target_bytes",
                                       "notify",
                                       "policy_path"};
  for (const auto& [key, value] : root.items()) {
    bool known = false;
    for (const char* k : kKnown) {
      known = known || key == k;
    }
    if (!known) {
      return Fail(ErrorCode::kParse, doc->Where("/" + formats::PointerSegment(key)) +
                                         ": unknown setting '" + key +
                                         "' (see docs/agent.md for the settings)");
    }
  }
  ConfigReader reader(*doc, base_dir);
  AgentConfig config;
  for (auto [field, key] : {std::pair{&config.metadata_url, "metadata_url"},
                            std::pair{&config.targets_url, "targets_url"},
                            std::pair{&config.hardware_id, "hardware_id"}}) {
    Result<std::string> value = reader.String(root, "", key, true);
    if (!value) {
      return Fail(value.error());
    }
    *field = *value;
  }
  for (auto [url, key] : {std::pair{&config.metadata_url, "metadata_url"},
                          std::pair{&config.targets_url, "targets_url"}}) {
    if (!IsHttpUrl(*url)) {
      return Fail(ErrorCode::kParse, doc->Where(std::string("/") + key) + ": '" + *url +
                                         "' must be an http:// or https:// URL");
    }
  }
  for (auto [field, key, required] :
       {std::tuple{&config.metadata_dir, "metadata_dir", true},
        std::tuple{&config.trusted_root, "trusted_root", false},
        std::tuple{&config.state_dir, "state_dir", true},
        std::tuple{&config.anti_rollback_path, "anti_rollback_path", true},
        std::tuple{&config.policy_path, "policy_path", false}}) {
    Result<std::filesystem::path> value = reader.Path(root, "", key, required);
    if (!value) {
      return Fail(value.error());
    }
    *field = *value;
  }
  if (config.policy_path.empty()) {
    config.policy_path = config.state_dir / "policy.json";
  }
  const auto slots = root.find("slots");
  if (slots == root.end() || !slots->is_object()) {
    return Fail(ErrorCode::kParse,
                doc->Where("/slots") + ": 'slots' must be an object with paths 'a' and 'b'");
  }
  if (Result<void> known = reader.OnlyKeys(*slots, "/slots", {"a", "b"}); !known) {
    return Fail(known.error());
  }
  Result<std::filesystem::path> a = reader.Path(*slots, "/slots", "a", true);
  Result<std::filesystem::path> b = a ? reader.Path(*slots, "/slots", "b", true) : a;
  if (!b) {
    return Fail(b.error());
  }
  config.slots = {*a, *b};
  if (std::filesystem::weakly_canonical(config.slots.a) ==
      std::filesystem::weakly_canonical(config.slots.b)) {
    return Fail(ErrorCode::kParse, doc->Where("/slots") + ": slots 'a' and 'b' are the same path");
  }
  Result<std::vector<std::string>> health = reader.Argv(root, "", "health_check");
  if (!health) {
    return Fail(health.error());
  }
  config.health_check = *health;
  Result<std::int64_t> attempts = reader.Integer(root, "", "max_boot_attempts", 3, 1, 100);
  Result<std::int64_t> interval =
      attempts ? reader.Integer(root, "", "check_interval_seconds", 6 * 3600, 10, 30 * 86400)
               : attempts;
  Result<std::int64_t> jitter =
      interval ? reader.Integer(root, "", "check_jitter_seconds", 15 * 60, 0, 86400) : interval;
  Result<std::int64_t> max_bytes =
      jitter ? reader.Integer(root, "", "max_target_bytes", std::int64_t{4} << 30, 1,
                              std::int64_t{1} << 45)
             : jitter;
  if (!max_bytes) {
    return Fail(max_bytes.error());
  }
  config.max_boot_attempts = static_cast<int>(*attempts);
  config.check_interval = std::chrono::seconds(*interval);
  config.check_jitter = std::chrono::seconds(*jitter);
  config.max_target_bytes = static_cast<std::uint64_t>(*max_bytes);
  const auto notify = root.find("notify");
  if (notify != root.end()) {
    if (!notify->is_object()) {
      return Fail(ErrorCode::kParse, doc->Where("/notify") + ": 'notify' must be an object");
    }
    if (Result<void> known = reader.OnlyKeys(*notify, "/notify", {"command", "http_url"}); !known) {
      return Fail(known.error());
    }
    Result<std::vector<std::string>> command = reader.Argv(*notify, "/notify", "command");
    Result<std::string> url =
        command ? reader.String(*notify, "/notify", "http_url", false) : Fail(command.error());
    if (!url) {
      return Fail(url.error());
    }
    if (!url->empty() && !IsHttpUrl(*url)) {
      return Fail(ErrorCode::kParse,
                  doc->Where("/notify/http_url") + ": 'http_url' must be an http(s) URL");
    }
    config.notify.command = *command;
    config.notify.http_url = *url;
  }
  return config;
}

Result<AgentConfig> LoadAgentConfig(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error().WithContext("reading agent configuration"));
  }
  return ParseAgentConfig(*text, path.string(), path.parent_path());
}

}  // namespace provisio::agent
