// The production UpdateSource: the TUF client of the update module. Targets
// that carry update metadata in their TUF "custom" object
//   {"hardware_id": "plug-v1", "version": "2.1.0", "security_version": 4,
//    "security_update": true, "release_notes_url": "https://..."}
// are offered to the agent; everything is verified by TUF before use.
#pragma once

#include <memory>

#include "provisio/agent/config.h"
#include "provisio/agent/update_source.h"
#include "provisio/core/clock.h"

namespace provisio::agent {

// Creates the TUF-backed source. On first use copies config.trusted_root into
// config.metadata_dir when that folder has no root.json yet; afterwards the
// root changes only through verified root rotation.
Result<std::unique_ptr<UpdateSource>> MakeTufUpdateSource(const AgentConfig& config,
                                                          const Clock& clock);

}  // namespace provisio::agent
