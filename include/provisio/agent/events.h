// How the agent reports what it did and why: one structured log line per
// event (never a secret), and a notify hook that tells trusted parties about
// failures and available updates. Reporting never stops the agent.
#pragma once

#include <filesystem>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "provisio/agent/config.h"
#include "provisio/core/clock.h"
#include "provisio/core/result.h"

namespace provisio::agent {

struct AgentEvent {
  std::string event;   // "installed", "rejected", "rolled-back", "update-available", ...
  std::string reason;  // Why, for people and machines.
  std::map<std::string, std::string> fields;  // target, version, slot, ...
  bool notify = false;                        // Also tell trusted parties.
};

class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Report(const AgentEvent& event) = 0;
};

// Appends JSON lines to a log file (0600) and to `mirror` (stderr in the
// program); runs the notify hooks of the configuration for events marked
// `notify`. Hook failures are logged, never raised.
class LoggingEventSink final : public EventSink {
 public:
  LoggingEventSink(std::filesystem::path log_path,
                   NotifyTargets notify,
                   const Clock& clock,
                   std::ostream* mirror);
  void Report(const AgentEvent& event) override;

  // The JSON line for `event` at `time`, as written to the log.
  static std::string FormatLine(const AgentEvent& event, TimePoint time);

 private:
  void Append(const std::string& line);

  std::filesystem::path log_path_;
  NotifyTargets notify_;
  const Clock& clock_;
  std::ostream* mirror_;
};

// Runs argv (no shell) with `stdin_text` on its standard input and extra
// environment variables; returns its exit status. Fails with kIo if it
// cannot be started; kills it after `timeout_seconds`.
Result<int> RunProgram(const std::vector<std::string>& argv,
                       const std::string& stdin_text,
                       const std::map<std::string, std::string>& environment,
                       int timeout_seconds);

}  // namespace provisio::agent
