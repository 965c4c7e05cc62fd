#include "provisio/agent/tuf_update_source.h"

#include "formats/document.h"
#include "provisio/core/files.h"
#include "provisio/tuf/metadata.h"
#include "provisio/update/client.h"
#include "provisio/update/transport.h"

namespace provisio::agent {
namespace {

class TufUpdateSource final : public UpdateSource {
 public:
  TufUpdateSource(AgentConfig config, const Clock& clock, std::unique_ptr<update::Fetcher> fetcher)
      : config_(std::move(config)), clock_(clock), fetcher_(std::move(fetcher)) {}

  Result<std::vector<AvailableUpdate>> Refresh() override {
    // A client refreshes once; each round of the agent starts a fresh one.
    client_ = std::make_unique<update::UpdateClient>(Options(), *fetcher_, clock_);
    Result<void> refreshed = client_->Refresh();
    if (!refreshed) {
      return Fail(refreshed.error());
    }
    Result<std::string> bytes = ReadFile(config_.metadata_dir / "targets.json");
    if (!bytes) {
      return Fail(bytes.error());
    }
    // These are the exact bytes the client just verified and stored.
    auto targets = tuf::ParseMetadata<tuf::Targets>(*bytes);
    if (!targets) {
      return Fail(ErrorCode::kVerification, "stored targets.json does not parse");
    }
    std::vector<AvailableUpdate> updates;
    for (const auto& [path, file] : targets->body.targets) {
      if (!file.custom_json) {
        continue;
      }
      Result<formats::Document> custom = formats::ParseJson(*file.custom_json, path);
      if (!custom || !custom->value.is_object()) {
        continue;
      }
      const formats::Json& c = custom->value;
      AvailableUpdate u;
      u.target_name = path;
      u.hardware_id = c.value("hardware_id", "");
      u.version = c.contains("version") && c["version"].is_string()
                      ? c["version"].get<std::string>()
                      : std::string();
      if (u.hardware_id.empty() || u.version.empty()) {
        continue;  // Not an installable image for any device.
      }
      if (c.contains("security_version") && c["security_version"].is_number_unsigned()) {
        u.security_version = c["security_version"].get<std::uint64_t>();
      }
      u.security_update = c.value("security_update", false);
      u.release_notes_url = c.value("release_notes", c.value("release_notes_url", ""));
      u.length = file.length;
      const auto sha = file.hashes.find("sha256");
      u.sha256 = sha != file.hashes.end() ? sha->second : std::string();
      updates.push_back(std::move(u));
    }
    return updates;
  }

  Result<void> Download(const AvailableUpdate& wanted,
                        const std::filesystem::path& destination) override {
    if (client_ == nullptr) {
      return Fail(ErrorCode::kInternal, "Download() before Refresh()");
    }
    // The delegation search decides which role's entry counts.
    Result<std::optional<update::TargetInfo>> info = client_->GetTargetInfo(wanted.target_name);
    if (!info) {
      return Fail(info.error());
    }
    if (!*info) {
      return Fail(ErrorCode::kVerification, wanted.target_name + " is not a trusted target");
    }
    if ((*info)->file.length != wanted.length) {
      return Fail(ErrorCode::kVerification, wanted.target_name + ": length differs between roles");
    }
    Result<std::filesystem::path> path = client_->DownloadTarget(**info);
    if (!path) {
      return Fail(path.error());
    }
    std::error_code ec;
    std::filesystem::rename(*path, destination, ec);
    if (ec) {
      return Fail(ErrorCode::kIo, "moving verified target: " + ec.message());
    }
    return {};
  }

 private:
  update::UpdateClientOptions Options() const {
    update::UpdateClientOptions options;
    options.metadata_dir = config_.metadata_dir;
    options.metadata_base_url = config_.metadata_url;
    options.target_base_url = config_.targets_url;
    options.target_dir = config_.state_dir / "targets";
    return options;
  }

  AgentConfig config_;
  const Clock& clock_;
  std::unique_ptr<update::Fetcher> fetcher_;
  std::unique_ptr<update::UpdateClient> client_;
};

}  // namespace

Result<std::unique_ptr<UpdateSource>> MakeTufUpdateSource(const AgentConfig& config,
                                                          const Clock& clock) {
  std::error_code ec;
  std::filesystem::create_directories(config.metadata_dir, ec);
  std::filesystem::create_directories(config.state_dir / "targets", ec);
  if (ec) {
    return Fail(ErrorCode::kIo, "creating agent folders: " + ec.message());
  }
  if (!std::filesystem::exists(config.metadata_dir / "root.json", ec)) {
    if (config.trusted_root.empty()) {
      return Fail(ErrorCode::kNotFound, "no trusted root: set 'trusted_root' in the configuration");
    }
    Result<std::string> root = ReadFile(config.trusted_root);
    if (!root) {
      return Fail(root.error().WithContext("reading the trusted root"));
    }
    Result<void> initialised = update::UpdateClient::Initialize(config.metadata_dir, *root);
    if (!initialised) {
      return Fail(initialised.error());
    }
  }
  update::CurlFetcherOptions fetch_options;
  fetch_options.user_agent = "provisio-agent";
  auto fetcher = update::CurlFetcher::Create(fetch_options);
  if (!fetcher) {
    return Fail(fetcher.error());
  }
  return std::unique_ptr<UpdateSource>(
      std::make_unique<TufUpdateSource>(config, clock, std::move(*fetcher)));
}

}  // namespace provisio::agent
