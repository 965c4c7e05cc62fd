#include "provisio/agent/device_state.h"

#include "formats/document.h"
#include "provisio/core/files.h"

namespace provisio::agent {
namespace {

using formats::Json;

Json ContentsJson(const SlotContents& c) {
  return {{"bootable", c.bootable}, {"target_name", c.target_name},
          {"version", c.version},   {"security_version", c.security_version},
          {"sha256", c.sha256},     {"length", c.length}};
}

Result<Slot> ParseSlot(const Json& value, const std::string& where) {
  if (value.is_string() && value == "a") {
    return Slot::kA;
  }
  if (value.is_string() && value == "b") {
    return Slot::kB;
  }
  return Fail(ErrorCode::kParse, where + ": slot must be \"a\" or \"b\"");
}

Result<SlotContents> ParseContents(const Json& value, const std::string& where) {
  if (!value.is_object()) {
    return Fail(ErrorCode::kParse, where + ": slot contents must be an object");
  }
  SlotContents c;
  const auto bootable = value.find("bootable");
  const auto target = value.find("target_name");
  const auto version = value.find("version");
  const auto security = value.find("security_version");
  const auto sha = value.find("sha256");
  const auto length = value.find("length");
  if (bootable == value.end() || !bootable->is_boolean() || target == value.end() ||
      !target->is_string() || version == value.end() || !version->is_string() ||
      security == value.end() || !security->is_number_unsigned() || sha == value.end() ||
      !sha->is_string() || length == value.end() || !length->is_number_unsigned()) {
    return Fail(ErrorCode::kParse, where + ": slot contents are incomplete");
  }
  c.bootable = bootable->get<bool>();
  c.target_name = target->get<std::string>();
  c.version = version->get<std::string>();
  c.security_version = security->get<std::uint64_t>();
  c.sha256 = sha->get<std::string>();
  c.length = length->get<std::uint64_t>();
  return c;
}

}  // namespace

std::string_view ToString(Slot slot) {
  return slot == Slot::kA ? "a" : "b";
}

std::string DeviceStateToJson(const DeviceState& state, int indent) {
  Json out = {{"schema", "provisio.agent-state/v1"},
              {"confirmed", std::string(ToString(state.confirmed))},
              {"booted", std::string(ToString(state.booted))},
              {"slots", {{"a", ContentsJson(state.a)}, {"b", ContentsJson(state.b)}}},
              {"last_event", state.last_event},
              {"failed_images", state.failed_images}};
  if (state.pending) {
    out["pending"] = {{"slot", std::string(ToString(state.pending->slot))},
                      {"boot_attempts", state.pending->boot_attempts}};
  } else {
    out["pending"] = nullptr;
  }
  return formats::DumpJson(out, indent);
}

Result<DeviceState> LoadDeviceState(const std::filesystem::path& path) {
  Result<formats::Document> doc = formats::ReadJsonFile(path);
  if (!doc) {
    return Fail(doc.error().WithContext("reading device state"));
  }
  const Json& root = doc->value;
  const std::string where = path.string();
  if (!root.is_object() || root.value("schema", "") != "provisio.agent-state/v1") {
    return Fail(ErrorCode::kParse, where + ": not a provisio agent state file");
  }
  DeviceState state;
  const auto slots = root.find("slots");
  if (!root.contains("confirmed") || !root.contains("booted") || slots == root.end() ||
      !slots->is_object() || !slots->contains("a") || !slots->contains("b")) {
    return Fail(ErrorCode::kParse, where + ": state is incomplete");
  }
  Result<Slot> confirmed = ParseSlot(root["confirmed"], where);
  Result<Slot> booted = confirmed ? ParseSlot(root["booted"], where) : confirmed;
  if (!booted) {
    return Fail(booted.error());
  }
  state.confirmed = *confirmed;
  state.booted = *booted;
  Result<SlotContents> a = ParseContents((*slots)["a"], where + ": slots.a");
  Result<SlotContents> b = a ? ParseContents((*slots)["b"], where + ": slots.b") : a;
  if (!b) {
    return Fail(b.error());
  }
  state.a = *a;
  state.b = *b;
  const auto pending = root.find("pending");
  if (pending != root.end() && !pending->is_null()) {
    if (!pending->is_object() || !pending->contains("slot") ||
        !(*pending)["boot_attempts"].is_number_integer()) {
      return Fail(ErrorCode::kParse, where + ": 'pending' is malformed");
    }
    Result<Slot> slot = ParseSlot((*pending)["slot"], where);
    if (!slot) {
      return Fail(slot.error());
    }
    state.pending = PendingUpdate{*slot, (*pending)["boot_attempts"].get<int>()};
  }
  const auto failed = root.find("failed_images");
  if (failed != root.end() && failed->is_array()) {
    for (const Json& item : *failed) {
      if (item.is_string()) {
        state.failed_images.push_back(item.get<std::string>());
      }
    }
  }
  const auto last = root.find("last_event");
  if (last != root.end() && last->is_string()) {
    state.last_event = last->get<std::string>();
  }
  return state;
}

Result<void> SaveDeviceState(const std::filesystem::path& path, const DeviceState& state) {
  return WriteFileAtomically(path, DeviceStateToJson(state) + "\n");
}

}  // namespace provisio::agent
