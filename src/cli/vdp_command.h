// `provisio vdp init|render|check`: the vulnerability disclosure policy
// (vdp.yaml), the public policy page and an RFC 9116 security.txt (5.2-1).
#pragma once

#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/command_context.h"
#include "provisio/core/clock.h"

namespace provisio::cli {

struct VdpInitOptions {
  std::string dir = ".";  // Where vdp.yaml is written.
  bool force = false;     // Overwrite an existing vdp.yaml.
};

struct VdpRenderOptions {
  std::string policy_path;  // vdp.yaml.
  std::string out_dir;      // Receives policy.html, policy.md, security.txt.
  std::string sign_key;     // gpg key id; empty = unsigned.
  std::string now;          // RFC 3339 time instead of the clock (reproducible output).
};

struct VdpCheckOptions {
  std::string file;
  std::string url;  // Where the file was fetched from, for the Canonical check.
  std::string now;  // RFC 3339 time instead of the clock.
  bool json = false;
};

// Exit 0 written, 1 failure (file exists without --force, cannot write).
int RunVdpInit(const VdpInitOptions& options, std::ostream& out, std::ostream& err);

// Exit 0 written, 1 failure (invalid policy, Expires too far, gpg failed).
int RunVdpRender(const VdpRenderOptions& options,
                 const Clock& clock,
                 std::ostream& out,
                 std::ostream& err);

// Exit 0 no errors or warnings, 3 findings, 1 cannot read the file.
int RunVdpCheck(const VdpCheckOptions& options,
                const Clock& clock,
                std::ostream& out,
                std::ostream& err);

// Adds `vdp` and its subcommands to `app`.
void AddVdpCommands(CLI::App& app, CommandContext& context);

}  // namespace provisio::cli
