#include "agent/agent_command.h"

#include <unistd.h>

#include <iostream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>

#include "formats/document.h"
#include "provisio/agent/agent.h"
#include "provisio/agent/tuf_update_source.h"
#include "provisio/core/files.h"
#include "provisio/core/random.h"
#include "provisio/core/sha256.h"
#include "provisio/core/version.h"
#include "provisio/evidence/evidence_record.h"
#include "provisio/tuf/metadata.h"

namespace provisio::agent {
namespace {

constexpr int kOk = 0;
constexpr int kFailure = 1;
constexpr int kUsage = 2;

struct ProgramOptions {
  std::string config_path = "/etc/provisio/agent.json";
  bool json = false;
  bool once = false;
  // init
  std::string slot = "a";
  std::string version;
  std::uint64_t security_version = 0;
  // policy set
  std::string automatic;
  std::string notify_only;
  std::string postpone_until;
  std::string window;
  // evidence
  std::string evidence_out;
  std::string product_version;
};

// Everything a command needs, built from the configuration file.
struct Runtime {
  AgentConfig config;
  SystemClock clock;
  std::unique_ptr<UpdateSource> source;
  std::unique_ptr<FileAntiRollbackCounter> counter;
  std::unique_ptr<CommandHealthCheck> health;
  std::unique_ptr<LoggingEventSink> events;
  EnvironmentCrashPoints crash;
  std::unique_ptr<Agent> agent;
};

// A source for commands that never fetch (status, boot, confirm, rollback).
class OfflineSource final : public UpdateSource {
 public:
  Result<std::vector<AvailableUpdate>> Refresh() override {
    return Fail(ErrorCode::kInternal, "this command does not contact the repository");
  }
  Result<void> Download(const AvailableUpdate&, const std::filesystem::path&) override {
    return Fail(ErrorCode::kInternal, "this command does not contact the repository");
  }
};

Result<std::unique_ptr<Runtime>> MakeRuntime(const ProgramOptions& options,
                                             bool online,
                                             std::ostream& err) {
  auto runtime = std::make_unique<Runtime>();
  Result<AgentConfig> config = LoadAgentConfig(options.config_path);
  if (!config) {
    return Fail(config.error());
  }
  runtime->config = *config;
  std::error_code ec;
  std::filesystem::create_directories(runtime->config.state_dir, ec);
  if (online) {
    Result<std::unique_ptr<UpdateSource>> source =
        MakeTufUpdateSource(runtime->config, runtime->clock);
    if (!source) {
      return Fail(source.error());
    }
    runtime->source = std::move(*source);
  } else {
    runtime->source = std::make_unique<OfflineSource>();
  }
  runtime->counter = std::make_unique<FileAntiRollbackCounter>(runtime->config.anti_rollback_path);
  runtime->health =
      std::make_unique<CommandHealthCheck>(runtime->config.health_check, runtime->config.slots);
  runtime->events = std::make_unique<LoggingEventSink>(
      runtime->config.state_dir / "agent.log", runtime->config.notify, runtime->clock, &err);
  runtime->agent = std::make_unique<Agent>(
      runtime->config, AgentServices{runtime->clock, *runtime->source, *runtime->counter,
                                     *runtime->health, *runtime->events, runtime->crash});
  return runtime;
}

int Report(const Result<std::string>& outcome,
           const char* command,
           std::ostream& out,
           std::ostream& err) {
  if (!outcome) {
    err << "provisio-agent " << command << ": " << outcome.error().message() << '\n';
    return kFailure;
  }
  out << *outcome << '\n';
  return kOk;
}

int RunStatus(Runtime& runtime, bool json, std::ostream& out, std::ostream& err) {
  Result<DeviceState> state = runtime.agent->Status();
  if (!state) {
    err << "provisio-agent status: " << state.error().message() << '\n';
    return kFailure;
  }
  Result<std::uint64_t> counter = runtime.counter->Read();
  Result<UpdatePolicy> policy = LoadPolicy(runtime.config.policy_path);
  if (json) {
    Result<formats::Document> doc = formats::ParseJson(DeviceStateToJson(*state), "state");
    formats::Json value = doc ? doc->value : formats::Json::object();
    value["anti_rollback_counter"] =
        counter ? formats::Json(*counter) : formats::Json(counter.error().message());
    if (policy) {
      Result<formats::Document> p = formats::ParseJson(PolicyToJson(*policy), "policy");
      value["policy"] = p ? p->value : formats::Json(nullptr);
    }
    value["hardware_id"] = runtime.config.hardware_id;
    out << formats::DumpJson(value) << '\n';
    return kOk;
  }
  const SlotContents& running = state->contents(state->booted);
  out << "hardware id:      " << runtime.config.hardware_id << '\n'
      << "running:          slot " << ToString(state->booted) << ", version " << running.version
      << (state->booted == state->confirmed ? " (confirmed)" : " (trial, not confirmed)") << '\n';
  for (Slot slot : {Slot::kA, Slot::kB}) {
    const SlotContents& c = state->contents(slot);
    out << "slot " << ToString(slot) << ":           "
        << (c.bootable
                ? c.version + " (security_version " + std::to_string(c.security_version) + ")"
                : std::string("empty or not bootable"))
        << '\n';
  }
  out << "pending:          "
      << (state->pending ? "slot " + std::string(ToString(state->pending->slot)) + ", " +
                               std::to_string(state->pending->boot_attempts) + " boot(s) so far"
                         : std::string("none"))
      << '\n';
  out << "anti-rollback:    "
      << (counter ? std::to_string(*counter) : "ERROR: " + counter.error().message()) << '\n';
  if (policy) {
    out << "policy:           " << (policy->automatic ? "automatic" : "manual")
        << (policy->notify_only ? ", notify only" : "")
        << (policy->postpone_until
                ? ", feature updates postponed until " + FormatUtc(*policy->postpone_until)
                : std::string())
        << (policy->window ? ", window " + FormatWindow(*policy->window) : std::string()) << '\n';
  }
  out << "last event:       " << state->last_event << '\n';
  return kOk;
}

int RunPolicySet(Runtime& runtime,
                 const ProgramOptions& options,
                 std::ostream& out,
                 std::ostream& err) {
  Result<UpdatePolicy> policy = LoadPolicy(runtime.config.policy_path);
  if (!policy) {
    err << "provisio-agent policy set: " << policy.error().message() << '\n';
    return kFailure;
  }
  if (!options.automatic.empty()) {
    policy->automatic = options.automatic == "on";
  }
  if (!options.notify_only.empty()) {
    policy->notify_only = options.notify_only == "on";
  }
  if (!options.postpone_until.empty()) {
    if (options.postpone_until == "none") {
      policy->postpone_until.reset();
    } else {
      Result<TimePoint> until = ParseUtc(options.postpone_until);
      if (!until) {
        err << "provisio-agent policy set: --postpone-until: " << until.error().message() << '\n';
        return kUsage;
      }
      policy->postpone_until = *until;
    }
  }
  if (!options.window.empty()) {
    if (options.window == "none") {
      policy->window.reset();
    } else {
      Result<MaintenanceWindow> window = ParseWindow(options.window);
      if (!window) {
        err << "provisio-agent policy set: --window: " << window.error().message() << '\n';
        return kUsage;
      }
      policy->window = *window;
    }
  }
  Result<void> saved = SavePolicy(runtime.config.policy_path, *policy);
  if (!saved) {
    err << "provisio-agent policy set: " << saved.error().message() << '\n';
    return kFailure;
  }
  out << PolicyToJson(*policy) << '\n';
  return kOk;
}

// Checks the real configuration and state, and writes what they prove.
int RunEvidence(Runtime& runtime,
                const ProgramOptions& options,
                std::ostream& out,
                std::ostream& err) {
  using evidence::Outcome;
  Result<evidence::EvidenceRecord> record = evidence::MakeRecord("agent.self-test", runtime.clock);
  if (!record) {
    err << "provisio-agent evidence: " << record.error().message() << '\n';
    return kFailure;
  }
  record->title = "Device update agent configuration and self-test";
  record->tool.command = "provisio-agent evidence";
  record->product.software_version = options.product_version;
  const AgentConfig& config = runtime.config;
  Result<std::string> root_bytes = ReadFile(config.metadata_dir / "root.json");
  if (!root_bytes && !config.trusted_root.empty()) {
    root_bytes = ReadFile(config.trusted_root);
  }
  std::optional<tuf::Metadata<tuf::Root>> root;
  if (root_bytes) {
    auto parsed = tuf::ParseMetadata<tuf::Root>(*root_bytes);
    if (parsed) {
      root = std::move(*parsed);
    }
  }
  Result<std::uint64_t> counter = runtime.counter->Read();
  Result<UpdatePolicy> policy = LoadPolicy(config.policy_path);
  Result<DeviceState> state = runtime.agent->Status();
  formats::Json details = formats::Json::object();
  std::string schemes;
  int root_threshold = 0;
  if (root) {
    for (const auto& [id, key] : root->body.keys) {
      if (schemes.find(key.scheme) == std::string::npos) {
        schemes += (schemes.empty() ? "" : ",") + key.scheme;
      }
    }
    root_threshold = root->body.roles.count("root") ? root->body.roles.at("root").threshold : 0;
    details["tuf_root_version"] = root->body.version;
    details["signature_schemes"] = schemes;
    details["root_threshold"] = root_threshold;
  }
  details["anti_rollback_counter"] =
      counter ? formats::Json(*counter) : formats::Json(counter.error().message());
  details["max_boot_attempts"] = config.max_boot_attempts;
  details["check_interval_seconds"] = config.check_interval.count();
  details["health_check_configured"] = !config.health_check.empty();
  if (policy) {
    details["automatic_updates"] = policy->automatic;
    details["notify_only"] = policy->notify_only;
  }
  auto add = [&](const char* id, bool ok, const std::string& pass, const std::string& fail) {
    record->provisions.push_back({id, ok ? Outcome::kPass : Outcome::kFail, ok ? pass : fail});
  };
  // The self-test: the running image is the verified one the state records.
  Result<std::string> running = runtime.agent->VerifyRunningSlot();
  details["self_test"] = running ? *running : "FAILED: " + running.error().message();
  add("5.3-2", root.has_value() && state.has_value() && running.has_value(),
      "A/B update mechanism with a TUF trust anchor (" + schemes + ") is initialised; " +
          (running ? *running : std::string()),
      "update mechanism not initialised, trust anchor unreadable or running slot unverified");
  add("5.3-7", root.has_value() && !schemes.empty(),
      "updates are verified with TUF signatures (" + schemes + "), root threshold " +
          std::to_string(root_threshold),
      "no verifiable TUF root");
  add("5.3-9", root.has_value(), "every image is checked against signed length and hashes",
      "no verifiable TUF root");
  add("5.3-10", root.has_value() && counter.has_value(),
      "origin and integrity checked before install; anti-rollback counter " +
          (counter ? std::to_string(*counter) : std::string("?")),
      "anti-rollback counter unreadable or no TUF root");
  add("5.3-4A", policy.has_value(), "the agent installs updates automatically when allowed",
      "policy unreadable");
  add("5.3-4B", policy.has_value() && policy->automatic, "automatic updates are on",
      "automatic updates are switched off on this device");
  add("5.3-5", config.check_interval <= std::chrono::hours(24),
      "checks for updates every " + std::to_string(config.check_interval.count()) + " s",
      "checks less often than daily");
  add("5.3-6A", policy.has_value(),
      "the user can disable, enable or postpone updates (provisio-agent policy set)",
      "policy unreadable");
  record->details_json = formats::DumpJson(details);
  if (options.evidence_out.empty()) {
    Result<std::string> json = evidence::ToJson(*record);
    if (!json) {
      err << "provisio-agent evidence: " << json.error().message() << '\n';
      return kFailure;
    }
    out << *json;
    return kOk;
  }
  Result<void> written = evidence::WriteEvidenceRecord(options.evidence_out, *record);
  if (!written) {
    err << "provisio-agent evidence: " << written.error().message() << '\n';
    return kFailure;
  }
  out << "evidence written to " << options.evidence_out << '\n';
  return kOk;
}

int RunLoop(Runtime& runtime, bool once, std::ostream& out, std::ostream& err) {
  OsRandom random;
  for (;;) {
    Result<std::string> outcome = runtime.agent->RunOnce();
    // Failures are reported as events by the agent; the service keeps going.
    if (outcome) {
      out << *outcome << '\n';
    } else {
      err << "provisio-agent run: " << outcome.error().message() << '\n';
    }
    if (once) {
      return outcome ? kOk : kFailure;
    }
    const auto jitter_range = static_cast<std::uint32_t>(runtime.config.check_jitter.count() + 1);
    Result<std::uint32_t> jitter = random.Uniform(jitter_range);
    std::this_thread::sleep_for(runtime.config.check_interval +
                                std::chrono::seconds(jitter ? *jitter : 0));
  }
}

}  // namespace

int RunAgentProgram(int argc, const char* const* argv, std::ostream& out, std::ostream& err) {
  CLI::App app(
      "provisio-agent: keeps a device's software current (EN 303 645 5.3) with verified TUF "
      "updates, A/B slots, an anti-rollback counter and automatic rollback.\n"
      "Exit codes: 0 ok, 1 could not do it or update refused, 2 bad command line.");
  app.name("provisio-agent");
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string(ToolVersion()));
  ProgramOptions options;
  app.add_option("-c,--config", options.config_path, "Agent configuration (JSON)")
      ->capture_default_str();

  CLI::App* init = app.add_subcommand("init", "Record the factory image once, at the factory");
  init->add_option("--slot", options.slot, "Slot holding the factory image")
      ->check(CLI::IsMember({"a", "b"}));
  init->add_option("--image-version", options.version, "Version of the factory image")->required();
  init->add_option("--security-version", options.security_version,
                   "Its security version (starts the anti-rollback counter)");
  CLI::App* run = app.add_subcommand("run", "Service loop: check, install, confirm, repeat");
  run->add_flag("--once", options.once, "One round, then exit");
  app.add_subcommand("check", "Refresh metadata and say whether an update is available");
  app.add_subcommand("install", "Install the available update now (ignores postponement)");
  app.add_subcommand("boot", "Simulated power-on: trial-boot a pending slot or roll back");
  app.add_subcommand("confirm", "Run the health check on a trial boot and commit it");
  app.add_subcommand("rollback", "Return to the other slot if the counter allows it");
  CLI::App* status = app.add_subcommand("status", "Slots, versions, counter and policy");
  status->add_flag("--json", options.json, "Print JSON");
  CLI::App* policy = app.add_subcommand("policy", "Show or change the update policy");
  policy->require_subcommand(1);
  policy->add_subcommand("show", "Print the policy as JSON");
  CLI::App* set = policy->add_subcommand("set", "Change the policy");
  set->add_option("--automatic", options.automatic, "Automatic updates on or off")
      ->check(CLI::IsMember({"on", "off"}));
  set->add_option("--notify-only", options.notify_only, "Only notify about updates")
      ->check(CLI::IsMember({"on", "off"}));
  set->add_option("--postpone-until", options.postpone_until,
                  "Hold feature updates until this UTC time, or 'none'");
  set->add_option("--window", options.window, "Maintenance window HH:MM-HH:MM UTC, or 'none'");
  CLI::App* evidence = app.add_subcommand("evidence", "Write an evidence record for 5.3");
  evidence->add_option("--out", options.evidence_out, "Evidence file (default: stdout)");
  evidence->add_option("--product-version", options.product_version, "Software version");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e, out, err) == 0 ? kOk : kUsage;
  }
  const std::string command = app.get_subcommands().front()->get_name();
  const bool online = command == "check" || command == "install" || command == "run";
  Result<std::unique_ptr<Runtime>> runtime = MakeRuntime(options, online, err);
  if (!runtime) {
    err << "provisio-agent " << command << ": " << runtime.error().message() << '\n';
    return kFailure;
  }
  Agent& agent = *(*runtime)->agent;
  if (command == "init") {
    SlotContents factory;
    factory.version = options.version;
    factory.security_version = options.security_version;
    factory.target_name = "factory";
    const Slot slot = options.slot == "a" ? Slot::kA : Slot::kB;
    // Record what the slot holds now, so every later boot can be checked
    // against a known image.
    Result<FileDigest> digest =
        Sha256File(slot == Slot::kA ? (*runtime)->config.slots.a : (*runtime)->config.slots.b);
    if (!digest) {
      err << "provisio-agent init: " << digest.error().message() << '\n';
      return kFailure;
    }
    factory.sha256 = digest->sha256_hex;
    factory.length = digest->size;
    Result<void> done = agent.Initialize(slot, factory);
    return Report(
        done ? Result<std::string>("initialised: slot " + options.slot + " runs " + options.version)
             : Result<std::string>(Fail(done.error())),
        "init", out, err);
  }
  if (command == "run") {
    return RunLoop(**runtime, options.once, out, err);
  }
  if (command == "check") {
    Result<CheckResult> check = agent.Check();
    return Report(
        check ? Result<std::string>(check->summary) : Result<std::string>(Fail(check.error())),
        "check", out, err);
  }
  if (command == "install") {
    return Report(agent.Install(false), "install", out, err);
  }
  if (command == "boot") {
    return Report(agent.Boot(), "boot", out, err);
  }
  if (command == "confirm") {
    return Report(agent.Confirm(), "confirm", out, err);
  }
  if (command == "rollback") {
    return Report(agent.Rollback(), "rollback", out, err);
  }
  if (command == "status") {
    return RunStatus(**runtime, options.json, out, err);
  }
  if (command == "policy") {
    if (policy->got_subcommand("set")) {
      return RunPolicySet(**runtime, options, out, err);
    }
    Result<UpdatePolicy> current = LoadPolicy((*runtime)->config.policy_path);
    return Report(current ? Result<std::string>(PolicyToJson(*current))
                          : Result<std::string>(Fail(current.error())),
                  "policy show", out, err);
  }
  if (command == "evidence") {
    return RunEvidence(**runtime, options, out, err);
  }
  return kUsage;
}

}  // namespace provisio::agent
