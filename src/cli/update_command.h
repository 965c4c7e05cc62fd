// `provisio update repo init|add|delegate|sign|rotate-root|publish|status` and
// `provisio update evidence`: the manufacturer's TUF repository (signed
// updates, EN 303 645 provision 5.3).
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"
#include "provisio/core/clock.h"

namespace provisio::cli {

struct UpdateInitOptions {
  std::string dir;
  std::string key_type = "ed25519";
  std::vector<std::string> thresholds;  // "role=N"
  std::vector<std::string> keys;        // "role=N"
  std::vector<std::string> expires;     // "role=DAYS"
};

struct UpdateAddOptions {
  std::string dir;
  std::vector<std::string> files;
  std::string name;
  std::string base_dir;  // With several files: names relative to this dir.
  std::string hardware_id;
  std::string version;
  std::optional<std::int64_t> security_version;
  std::string release_notes;
};

struct UpdateDelegateOptions {
  std::string dir;
  std::string role;
  std::string parent = "targets";
  std::vector<std::string> paths;
  int keys = 1;
  int threshold = 1;
  bool terminating = false;
  int hash_bins = 0;
};

struct UpdateSignOptions {
  std::string dir;
  std::string role;
  std::string key_file;
};

struct UpdateRotateRootOptions {
  std::string dir;
  int new_keys = 1;
  int threshold = 0;  // 0: same as new_keys.
};

struct UpdatePublishOptions {
  std::string dir;
  std::vector<std::string> expires;  // "role=DAYS", saved as the new policy.
  bool json = false;
};

struct UpdateEvidenceOptions {
  std::string dir;
  std::string out;
  std::string manufacturer;
  std::string model;
  std::string software_version;
};

int RunUpdateInit(const UpdateInitOptions& options,
                  const Clock& clock,
                  std::ostream& out,
                  std::ostream& err);
int RunUpdateAdd(const UpdateAddOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err);
int RunUpdateDelegate(const UpdateDelegateOptions& options,
                      const Clock& clock,
                      std::ostream& out,
                      std::ostream& err);
int RunUpdateSign(const UpdateSignOptions& options,
                  const Clock& clock,
                  std::ostream& out,
                  std::ostream& err);
int RunUpdateRotateRoot(const UpdateRotateRootOptions& options,
                        const Clock& clock,
                        std::ostream& out,
                        std::ostream& err);
int RunUpdatePublish(const UpdatePublishOptions& options,
                     const Clock& clock,
                     std::ostream& out,
                     std::ostream& err);
int RunUpdateEvidence(const UpdateEvidenceOptions& options,
                      const Clock& clock,
                      std::ostream& out,
                      std::ostream& err);

void AddUpdateCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
