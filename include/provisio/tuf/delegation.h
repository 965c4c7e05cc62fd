// Finding a target through the delegation graph: TUF spec 5.6.7, the
// pre-order depth-first search over delegated targets roles.
//
// Rules:
// - start at "targets"; a role's own "targets" entry for the path wins;
// - children are visited in the order listed, and only those whose paths (or
//   path_hash_prefixes) match the target path: a path must therefore match
//   every role on the chain from "targets";
// - a matching terminating role ends the search of its siblings and of the
//   roles still waiting higher up (only its own subtree remains);
// - a role name is visited at most once (cycles end), and at most
//   `max_roles` roles are visited; if the cap is reached the target is "not
//   found" (as python-tuf), with no error;
// - succinct_roles delegate each path to exactly one bin, terminating.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "provisio/core/result.h"
#include "provisio/tuf/metadata.h"
#include "provisio/tuf/trusted_metadata_set.h"

namespace provisio::tuf {

// Shell-style match of one target path against one TUF path pattern, as
// python-tuf: both are split at '/', must have the same number of parts, and
// each part must fnmatch ('*' any run of characters, '?' one character,
// '[abc]', '[a-z]', '[!abc]'). So '*' never matches '/': "a/*" matches "a/b"
// but not "a/b/c". Matching is on bytes (UTF-8 code units).
bool MatchesPathPattern(std::string_view target_path, std::string_view pattern);

// True when `role` delegates `target_path`: any of its paths matches, or
// sha256(target_path) in hex starts with any of its path_hash_prefixes.
bool IsPathDelegated(const DelegatedRole& role, std::string_view target_path);

// The child roles of `delegations` to visit for `target_path`, in order, as
// (role name, terminating), stopping after the first terminating one.
std::vector<std::pair<std::string, bool>> RolesForTarget(const Delegations& delegations,
                                                         std::string_view target_path);

struct TargetSearchOptions {
  std::size_t max_roles = 32;  // Roles visited before giving up (spec: a client-set cap).
};

struct FoundTarget {
  std::string role;  // The targets role that listed the file.
  TargetFile file;
};

// Loads delegated role `role` (whose delegator is `parent`) into the set:
// typically download "<role>.json" (versioned name if consistent snapshots)
// bounded by snapshot's length or a maximum, then
// set.UpdateDelegatedTargets(bytes, role, parent). Called only for roles not
// yet in the set. Return any failure (rejection.ToError() or a transport error).
using RoleLoader = std::function<Result<void>(const std::string& role, const std::string& parent)>;

// Searches for `target_path`. REQUIRES: "targets" is loaded in `set`.
// Returns nullopt when no visited role lists the path. Fails only with what
// `load` returns (the search stops at the first failure, as python-tuf).
Result<std::optional<FoundTarget>> FindTarget(TrustedMetadataSet& set,
                                              std::string_view target_path,
                                              const RoleLoader& load,
                                              const TargetSearchOptions& options = {});

}  // namespace provisio::tuf
