#include "provisio/agent/agent.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <system_error>

#include <openssl/evp.h>

namespace provisio::agent {
namespace {

std::string ErrnoText(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// SHA-256 of the first `length` bytes of `path` (a slot may be a block
// device larger than the image).
Result<std::string> HashPrefix(const std::filesystem::path& path, std::uint64_t length) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Fail(ErrorCode::kIo, "opening " + path.string() + ": " + ErrnoText(errno));
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buffer(1 << 20);
  std::uint64_t remaining = length;
  while (remaining > 0) {
    const ssize_t n = ::read(fd, buffer.data(), std::min<std::uint64_t>(buffer.size(), remaining));
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n <= 0) {
      EVP_MD_CTX_free(ctx);
      ::close(fd);
      return Fail(ErrorCode::kVerification, path.string() + " is shorter than the image");
    }
    EVP_DigestUpdate(ctx, buffer.data(), static_cast<std::size_t>(n));
    remaining -= static_cast<std::uint64_t>(n);
  }
  ::close(fd);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx, digest, &size);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

const std::filesystem::path& SlotPath(const SlotLayout& layout, Slot slot) {
  return slot == Slot::kA ? layout.a : layout.b;
}

}  // namespace

Result<bool> CommandHealthCheck::Run(Slot slot, const SlotContents& contents) {
  if (argv_.empty()) {
    return true;  // No check configured: booting is the only test.
  }
  Result<int> status = RunProgram(argv_, "",
                                  {{"PROVISIO_SLOT", std::string(ToString(slot))},
                                   {"PROVISIO_SLOT_PATH", SlotPath(slots_, slot).string()},
                                   {"PROVISIO_VERSION", contents.version}},
                                  300);
  if (!status) {
    return Fail(status.error().WithContext("running health check"));
  }
  return *status == 0;
}

EnvironmentCrashPoints::EnvironmentCrashPoints() {
  const char* value = std::getenv("PROVISIO_AGENT_KILL_AT");
  kill_at_ = value != nullptr ? value : "";
}

void EnvironmentCrashPoints::Reached(std::string_view step) {
  if (!kill_at_.empty() && step == kill_at_) {
    ::kill(::getpid(), SIGKILL);
  }
}

const std::vector<std::string>& AllCrashPoints() {
  static const std::vector<std::string> kPoints = {
      "downloaded",   "slot-invalidated", "slot-written", "pending-saved",
      "boot-counted", "counter-advanced", "confirmed",    "rollback-saved",
  };
  return kPoints;
}

void Agent::Report(std::string event,
                   std::string reason,
                   std::map<std::string, std::string> fields,
                   bool notify) {
  services_.events.Report(
      AgentEvent{std::move(event), std::move(reason), std::move(fields), notify});
}

Result<DeviceState> Agent::LoadState() const {
  Result<DeviceState> state = LoadDeviceState(config_.state_dir / "state.json");
  if (!state && state.error().code() == ErrorCode::kNotFound) {
    return Fail(ErrorCode::kNotFound,
                "device not initialised: run `provisio-agent init` once at the factory");
  }
  return state;
}

Result<void> Agent::Save(DeviceState& state, std::string last_event) {
  state.last_event = FormatUtc(services_.clock.Now()) + " " + std::move(last_event);
  return SaveDeviceState(config_.state_dir / "state.json", state);
}

Result<void> Agent::Initialize(Slot running, const SlotContents& factory_image) {
  std::error_code ec;
  if (std::filesystem::exists(config_.state_dir / "state.json", ec)) {
    return Fail(ErrorCode::kConflict, "device already initialised");
  }
  std::filesystem::create_directories(config_.state_dir, ec);
  if (ec) {
    return Fail(ErrorCode::kIo, config_.state_dir.string() + ": " + ec.message());
  }
  FileAntiRollbackCounter* file_counter =
      dynamic_cast<FileAntiRollbackCounter*>(&services_.counter);
  if (file_counter != nullptr) {
    Result<void> created = file_counter->Create(factory_image.security_version);
    if (!created && created.error().code() != ErrorCode::kConflict) {
      return created;
    }
  }
  DeviceState state;
  state.confirmed = running;
  state.booted = running;
  state.contents(running) = factory_image;
  state.contents(running).bootable = true;
  Result<void> saved = Save(state, "initialised with " + factory_image.version + " in slot " +
                                       std::string(ToString(running)));
  if (!saved) {
    return saved;
  }
  Report("initialised", "factory image recorded",
         {{"slot", std::string(ToString(running))}, {"version", factory_image.version}}, false);
  return {};
}

Result<DeviceState> Agent::Status() const {
  return LoadState();
}

Result<std::string> Agent::VerifyRunningSlot() const {
  Result<DeviceState> state = LoadState();
  if (!state) {
    return Fail(state.error());
  }
  const SlotContents& running = state->contents(state->booted);
  if (!running.bootable || running.sha256.empty()) {
    return Fail(ErrorCode::kVerification,
                "running slot " + std::string(ToString(state->booted)) + " has no recorded image");
  }
  Result<std::string> hash = HashPrefix(SlotPath(config_.slots, state->booted), running.length);
  if (!hash) {
    return Fail(hash.error());
  }
  if (*hash != running.sha256) {
    return Fail(ErrorCode::kVerification, "running slot " + std::string(ToString(state->booted)) +
                                              " does not hold the recorded image " +
                                              running.version);
  }
  return "running slot " + std::string(ToString(state->booted)) + " holds " + running.version +
         " (sha256 " + running.sha256.substr(0, 16) + "...)";
}

Result<CheckResult> Agent::Check() {
  Result<DeviceState> state = LoadState();
  if (!state) {
    return Fail(state.error());
  }
  Result<std::uint64_t> counter = services_.counter.Read();
  if (!counter) {
    Report("rejected", counter.error().message(), {}, true);
    return Fail(counter.error());
  }
  Result<std::vector<AvailableUpdate>> updates = services_.source.Refresh();
  if (!updates) {
    Report("refresh-failed", updates.error().message(), {}, true);
    return Fail(updates.error().WithContext("refreshing update metadata"));
  }
  const SlotContents& running = state->contents(state->booted);
  CheckResult result;
  const AvailableUpdate* newest = nullptr;
  for (const AvailableUpdate& u : *updates) {
    if (u.hardware_id != config_.hardware_id) {
      continue;  // Images for other hardware are never candidates.
    }
    if (std::find(state->failed_images.begin(), state->failed_images.end(), u.sha256) !=
        state->failed_images.end()) {
      result.rejections.push_back(u.target_name + " failed its trial boot before; skipped");
      continue;
    }
    if (newest == nullptr || CompareVersions(u.version, newest->version) > 0) {
      newest = &u;
    }
  }
  if (newest == nullptr) {
    result.summary = "no update published for hardware id " + config_.hardware_id;
    return result;
  }
  const int order = CompareVersions(newest->version, running.version);
  if (order == 0) {
    result.summary = "up to date (" + running.version + ")";
    return result;
  }
  if (order < 0) {
    const std::string why = "newest target " + newest->target_name + " is version " +
                            newest->version + ", older than the running " + running.version +
                            "; downgrade refused";
    result.rejections.push_back(why);
    result.summary = "up to date (" + running.version + "); " + why;
    result.refused = true;
    Report("rejected", why, {{"target", newest->target_name}, {"version", newest->version}}, true);
    return result;
  }
  if (newest->security_version < *counter) {
    const std::string why = newest->target_name + " has security_version " +
                            std::to_string(newest->security_version) +
                            " below the anti-rollback counter " + std::to_string(*counter);
    result.rejections.push_back(why);
    result.summary = "refused " + newest->version + ": " + why;
    result.refused = true;
    Report("rejected", why, {{"target", newest->target_name}, {"version", newest->version}}, true);
    return result;
  }
  result.candidate = *newest;
  result.security_update =
      newest->security_update || newest->security_version > running.security_version;
  result.summary = newest->version + " available" +
                   (result.security_update ? " (security update)" : " (feature update)");
  return result;
}

Result<void> Agent::WriteSlot(Slot slot, const std::filesystem::path& image, std::uint64_t length) {
  const std::filesystem::path& target = SlotPath(config_.slots, slot);
  const int in = ::open(image.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    return Fail(ErrorCode::kIo, "opening " + image.string() + ": " + ErrnoText(errno));
  }
  const int out = ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (out < 0) {
    const int error = errno;
    ::close(in);
    return Fail(ErrorCode::kIo, "opening slot " + target.string() + ": " + ErrnoText(error));
  }
  std::vector<char> buffer(1 << 20);
  Result<void> outcome;
  for (;;) {
    const ssize_t n = ::read(in, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n < 0) {
      outcome = Fail(ErrorCode::kIo, "reading " + image.string() + ": " + ErrnoText(errno));
      break;
    }
    if (n == 0) {
      break;
    }
    std::size_t done = 0;
    while (done < static_cast<std::size_t>(n)) {
      const ssize_t w = ::write(out, buffer.data() + done, static_cast<std::size_t>(n) - done);
      if (w < 0 && errno == EINTR) {
        continue;
      }
      if (w <= 0) {
        outcome = Fail(ErrorCode::kIo, "writing slot " + target.string() + ": " + ErrnoText(errno));
        break;
      }
      done += static_cast<std::size_t>(w);
    }
    if (!outcome) {
      break;
    }
  }
  // A regular-file slot ends with the image; a block device keeps its size.
  struct stat st {};
  if (outcome && ::fstat(out, &st) == 0 && S_ISREG(st.st_mode)) {
    if (::ftruncate(out, static_cast<off_t>(length)) != 0) {
      outcome = Fail(ErrorCode::kIo, "truncating slot: " + ErrnoText(errno));
    }
  }
  if (outcome && ::fsync(out) != 0) {
    outcome = Fail(ErrorCode::kIo, "fsync of slot " + target.string() + ": " + ErrnoText(errno));
  }
  ::close(out);
  ::close(in);
  return outcome;
}

Result<std::string> Agent::Install(bool respect_policy) {
  Result<DeviceState> state = LoadState();
  if (!state) {
    return Fail(state.error());
  }
  if (state->pending) {
    return Fail(ErrorCode::kConflict,
                "slot " + std::string(ToString(state->pending->slot)) +
                    " holds an update waiting for boot and confirmation; run `provisio-agent "
                    "boot` and `confirm`, or `rollback`");
  }
  if (state->booted != state->confirmed) {
    return Fail(ErrorCode::kConflict, "running an unconfirmed slot; reboot first");
  }
  Result<CheckResult> check = Check();
  if (!check) {
    return Fail(check.error());
  }
  if (!check->candidate) {
    if (check->refused) {
      // A refusal is a failure for the caller (`install`, `run --once` exit 1).
      return Fail(ErrorCode::kVerification, check->summary);
    }
    return check->summary;
  }
  const AvailableUpdate update = *check->candidate;
  if (respect_policy) {
    Result<UpdatePolicy> policy = LoadPolicy(config_.policy_path);
    if (!policy) {
      return Fail(policy.error());
    }
    const PolicyOutcome decision =
        DecideUpdate(*policy, check->security_update, services_.clock.Now());
    if (decision.decision != PolicyDecision::kInstall) {
      Report(decision.decision == PolicyDecision::kPostpone ? "postponed" : "update-available",
             decision.reason, {{"target", update.target_name}, {"version", update.version}},
             decision.decision != PolicyDecision::kPostpone);
      return update.version + " available, not installed: " + decision.reason;
    }
  }
  if (update.hardware_id != config_.hardware_id) {
    return Fail(ErrorCode::kVerification, "target is for hardware " + update.hardware_id);
  }
  const Slot slot = Other(state->booted);
  PROVISIO_CHECK(slot != state->booted);
  const std::filesystem::path download = config_.state_dir / "download.part";
  std::error_code ec;
  std::filesystem::remove(download, ec);
  Result<void> fetched = services_.source.Download(update, download);
  if (!fetched) {
    std::filesystem::remove(download, ec);
    Report("rejected", fetched.error().message(),
           {{"target", update.target_name}, {"version", update.version}}, true);
    return Fail(fetched.error().WithContext("downloading " + update.target_name));
  }
  services_.crash.Reached("downloaded");
  // The slot is about to be overwritten: it must not count as bootable
  // while it holds a partial image.
  state->contents(slot) = SlotContents{};
  Result<void> saved =
      Save(*state, "writing " + update.version + " to slot " + std::string(ToString(slot)));
  if (!saved) {
    return Fail(saved.error());
  }
  services_.crash.Reached("slot-invalidated");
  Result<void> written = WriteSlot(slot, download, update.length);
  std::filesystem::remove(download, ec);
  if (!written) {
    Report("install-failed", written.error().message(), {{"slot", std::string(ToString(slot))}},
           true);
    return Fail(written.error());
  }
  services_.crash.Reached("slot-written");
  Result<std::string> slot_hash = HashPrefix(SlotPath(config_.slots, slot), update.length);
  if (!slot_hash || *slot_hash != update.sha256) {
    const std::string why =
        slot_hash ? "slot contents do not match the verified image" : slot_hash.error().message();
    Report("install-failed", why, {{"slot", std::string(ToString(slot))}}, true);
    return Fail(ErrorCode::kVerification, why);
  }
  SlotContents& contents = state->contents(slot);
  contents.bootable = true;
  contents.target_name = update.target_name;
  contents.version = update.version;
  contents.security_version = update.security_version;
  contents.sha256 = update.sha256;
  contents.length = update.length;
  state->pending = PendingUpdate{slot, 0};
  saved = Save(*state, update.version + " installed in slot " + std::string(ToString(slot)) +
                           ", waiting for reboot");
  if (!saved) {
    return Fail(saved.error());
  }
  services_.crash.Reached("pending-saved");
  Report("installed", "verified image written; reboot to try it",
         {{"slot", std::string(ToString(slot))},
          {"target", update.target_name},
          {"version", update.version}},
         false);
  return update.version + " installed in slot " + std::string(ToString(slot)) +
         "; it boots on trial at the next reboot";
}

Result<std::string> Agent::RollBackPending(DeviceState& state, const std::string& why) {
  const Slot failed = state.pending->slot;
  const std::string version = state.contents(failed).version;
  if (!state.contents(failed).sha256.empty()) {
    state.failed_images.push_back(state.contents(failed).sha256);
  }
  state.contents(failed).bootable = false;
  state.pending.reset();
  state.booted = state.confirmed;
  Result<void> saved = Save(state, "rolled back from " + version + ": " + why);
  if (!saved) {
    return Fail(saved.error());
  }
  services_.crash.Reached("rollback-saved");
  Report("rolled-back", why,
         {{"failed_slot", std::string(ToString(failed))},
          {"failed_version", version},
          {"running_slot", std::string(ToString(state.confirmed))},
          {"running_version", state.contents(state.confirmed).version}},
         true);
  return "rolled back to slot " + std::string(ToString(state.confirmed)) + " (" +
         state.contents(state.confirmed).version + "): " + why;
}

Result<std::string> Agent::Boot() {
  Result<DeviceState> state = LoadState();
  if (!state) {
    return Fail(state.error());
  }
  if (!state->pending) {
    state->booted = state->confirmed;
    if (!state->contents(state->booted).bootable) {
      return Fail(ErrorCode::kInternal, "confirmed slot is not bootable");
    }
    Result<void> saved = Save(*state, "booted slot " + std::string(ToString(state->booted)));
    if (!saved) {
      return Fail(saved.error());
    }
    return "booted slot " + std::string(ToString(state->booted)) + " (" +
           state->contents(state->booted).version + ")";
  }
  const Slot trial = state->pending->slot;
  // A crash between raising the counter and committing means the slot was
  // already confirmed: finish the commit rather than fall back to an image
  // the counter no longer allows.
  Result<std::uint64_t> counter = services_.counter.Read();
  if (counter && *counter > state->contents(state->confirmed).security_version &&
      *counter <= state->contents(trial).security_version) {
    state->confirmed = trial;
    state->booted = trial;
    state->pending.reset();
    Result<void> saved =
        Save(*state, "completed interrupted confirmation of slot " + std::string(ToString(trial)));
    if (!saved) {
      return Fail(saved.error());
    }
    return "booted slot " + std::string(ToString(trial)) + " (confirmation completed)";
  }
  if (state->pending->boot_attempts >= config_.max_boot_attempts) {
    return RollBackPending(
        *state, "not confirmed within " + std::to_string(config_.max_boot_attempts) + " boots");
  }
  state->pending->boot_attempts += 1;
  state->booted = trial;
  Result<void> saved = Save(*state, "trial boot " + std::to_string(state->pending->boot_attempts) +
                                        " of slot " + std::string(ToString(trial)));
  if (!saved) {
    return Fail(saved.error());
  }
  services_.crash.Reached("boot-counted");
  return "trial boot " + std::to_string(state->pending->boot_attempts) + "/" +
         std::to_string(config_.max_boot_attempts) + " of slot " + std::string(ToString(trial)) +
         " (" + state->contents(trial).version + "); run `provisio-agent confirm`";
}

Result<std::string> Agent::Confirm() {
  Result<DeviceState> state = LoadState();
  if (!state) {
    return Fail(state.error());
  }
  if (!state->pending || state->booted != state->pending->slot) {
    return std::string("nothing to confirm: running confirmed slot ") +
           std::string(ToString(state->booted));
  }
  const Slot trial = state->pending->slot;
  const SlotContents contents = state->contents(trial);
  Result<bool> healthy = services_.health.Run(trial, contents);
  if (!healthy || !*healthy) {
    const std::string why =
        healthy ? "health check failed on " + contents.version : healthy.error().message();
    Result<std::string> rolled = RollBackPending(*state, why);
    if (!rolled) {
      return rolled;
    }
    return Fail(ErrorCode::kVerification, *rolled);
  }
  // Only a confirmed image may raise the floor; raise it before the commit
  // so a crash in between is completed by Boot(), never undone.
  Result<void> advanced = services_.counter.Advance(contents.security_version);
  if (!advanced) {
    Report("confirm-failed", advanced.error().message(), {}, true);
    return Fail(advanced.error());
  }
  services_.crash.Reached("counter-advanced");
  state->confirmed = trial;
  state->pending.reset();
  Result<void> saved =
      Save(*state, contents.version + " confirmed in slot " + std::string(ToString(trial)));
  if (!saved) {
    return Fail(saved.error());
  }
  services_.crash.Reached("confirmed");
  Report(
      "confirmed",
      "health check passed; anti-rollback counter at " + std::to_string(contents.security_version),
      {{"slot", std::string(ToString(trial))}, {"version", contents.version}}, false);
  return contents.version + " confirmed in slot " + std::string(ToString(trial));
}

Result<std::string> Agent::Rollback() {
  Result<DeviceState> state = LoadState();
  if (!state) {
    return Fail(state.error());
  }
  if (state->pending) {
    return RollBackPending(*state, "rollback requested by the user");
  }
  const Slot other = Other(state->confirmed);
  const SlotContents& contents = state->contents(other);
  if (!contents.bootable) {
    return Fail(ErrorCode::kConflict,
                "slot " + std::string(ToString(other)) + " holds no bootable image");
  }
  Result<std::uint64_t> counter = services_.counter.Read();
  if (!counter) {
    return Fail(counter.error());
  }
  if (contents.security_version < *counter) {
    return Fail(ErrorCode::kVerification,
                "slot " + std::string(ToString(other)) + " holds " + contents.version +
                    " with security_version " + std::to_string(contents.security_version) +
                    ", below the anti-rollback counter " + std::to_string(*counter));
  }
  state->confirmed = other;
  state->booted = other;
  Result<void> saved = Save(*state, "user rolled back to " + contents.version);
  if (!saved) {
    return Fail(saved.error());
  }
  Report("rolled-back", "rollback requested by the user",
         {{"running_slot", std::string(ToString(other))}, {"running_version", contents.version}},
         true);
  return "rolled back to slot " + std::string(ToString(other)) + " (" + contents.version + ")";
}

Result<std::string> Agent::RunOnce() {
  Result<DeviceState> state = LoadState();
  if (!state) {
    return Fail(state.error());
  }
  if (state->pending && state->booted == state->pending->slot) {
    Result<std::string> confirmed = Confirm();
    if (!confirmed) {
      return confirmed;
    }
    return *confirmed;
  }
  if (state->pending) {
    return std::string("update pending in slot ") + std::string(ToString(state->pending->slot)) +
           "; waiting for reboot";
  }
  return Install(true);
}

int CompareVersions(std::string_view left, std::string_view right) {
  auto next = [](std::string_view& s) {
    const std::size_t dot = s.find_first_of(".-+");
    std::string_view part = s.substr(0, dot);
    s = dot == std::string_view::npos ? std::string_view() : s.substr(dot + 1);
    return part;
  };
  while (!left.empty() || !right.empty()) {
    const std::string_view a = next(left);
    const std::string_view b = next(right);
    const bool a_num = !a.empty() && a.find_first_not_of("0123456789") == std::string_view::npos;
    const bool b_num = !b.empty() && b.find_first_not_of("0123456789") == std::string_view::npos;
    if (a_num && b_num) {
      const std::string_view at = a.substr(std::min(a.find_first_not_of('0'), a.size()));
      const std::string_view bt = b.substr(std::min(b.find_first_not_of('0'), b.size()));
      if (at.size() != bt.size()) {
        return at.size() < bt.size() ? -1 : 1;
      }
      if (at != bt) {
        return at < bt ? -1 : 1;
      }
      continue;
    }
    if (a != b) {
      return a < b ? -1 : 1;
    }
  }
  return 0;
}

}  // namespace provisio::agent
