// Process exit statuses of the `provisio` program. Scripts and CI jobs depend
// on these numbers (docs/errors.md): add new ones, never renumber.
#pragma once

namespace provisio::cli {

inline constexpr int kExitOk = 0;        // Did what was asked.
inline constexpr int kExitFailure = 1;   // Could not do what was asked (see stderr).
inline constexpr int kExitUsage = 2;     // Bad command line; nothing was done.
inline constexpr int kExitFindings = 3;  // Ran to completion and found non-conformities.

}  // namespace provisio::cli
