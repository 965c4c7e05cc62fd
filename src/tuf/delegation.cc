#include "provisio/tuf/delegation.h"

#include <algorithm>
#include <optional>
#include <set>

#include "provisio/core/sha256.h"

namespace provisio::tuf {
namespace {

// Matches a bracket expression starting at pattern[p] == '['. Returns the
// index just past ']' and sets `matched`, or npos when there is no closing
// ']' (then '[' is an ordinary character, as in Python's fnmatch).
std::size_t MatchBracket(std::string_view pattern, std::size_t p, char c, bool& matched) {
  std::size_t i = p + 1;
  bool negate = false;
  if (i < pattern.size() && pattern[i] == '!') {
    negate = true;
    ++i;
  }
  const std::size_t first = i;
  bool found = false;
  while (i < pattern.size() && (pattern[i] != ']' || i == first)) {
    const auto lo = static_cast<unsigned char>(pattern[i]);
    if (i + 2 < pattern.size() && pattern[i + 1] == '-' && pattern[i + 2] != ']') {
      const auto hi = static_cast<unsigned char>(pattern[i + 2]);
      const auto uc = static_cast<unsigned char>(c);
      if (lo <= uc && uc <= hi) {
        found = true;
      }
      i += 3;
    } else {
      if (pattern[i] == c) {
        found = true;
      }
      ++i;
    }
  }
  if (i >= pattern.size()) {
    return std::string_view::npos;
  }
  matched = found != negate;
  return i + 1;
}

// Python fnmatch.fnmatchcase on one path component: '*', '?', '[...]'.
bool FnMatch(std::string_view name, std::string_view pattern) {
  std::size_t n = 0;
  std::size_t p = 0;
  std::size_t star_p = std::string_view::npos;
  std::size_t star_n = 0;
  while (n < name.size()) {
    if (p < pattern.size()) {
      const char pc = pattern[p];
      if (pc == '*') {
        star_p = p++;
        star_n = n;
        continue;
      }
      if (pc == '?') {
        ++p;
        ++n;
        continue;
      }
      if (pc == '[') {
        bool matched = false;
        const std::size_t next = MatchBracket(pattern, p, name[n], matched);
        if (next != std::string_view::npos) {
          if (matched) {
            p = next;
            ++n;
            continue;
          }
        } else if (name[n] == '[') {
          ++p;
          ++n;
          continue;
        }
      } else if (pc == name[n]) {
        ++p;
        ++n;
        continue;
      }
    }
    if (star_p == std::string_view::npos) {
      return false;
    }
    p = star_p + 1;
    n = ++star_n;
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

std::vector<std::string_view> SplitSlash(std::string_view text) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = text.find('/', start);
    if (slash == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, slash - start));
    start = slash + 1;
  }
}

}  // namespace

bool MatchesPathPattern(std::string_view target_path, std::string_view pattern) {
  const std::vector<std::string_view> target_parts = SplitSlash(target_path);
  const std::vector<std::string_view> pattern_parts = SplitSlash(pattern);
  if (target_parts.size() != pattern_parts.size()) {
    return false;
  }
  for (std::size_t i = 0; i < target_parts.size(); ++i) {
    if (!FnMatch(target_parts[i], pattern_parts[i])) {
      return false;
    }
  }
  return true;
}

namespace {

// IsPathDelegated with sha256(target_path) computed at most once across the
// roles of one delegations object (hash bins list hundreds of roles).
bool IsDelegated(const DelegatedRole& role,
                 std::string_view target_path,
                 std::optional<std::string>& digest) {
  if (role.paths) {
    return std::any_of(role.paths->begin(), role.paths->end(), [&](const std::string& pattern) {
      return MatchesPathPattern(target_path, pattern);
    });
  }
  if (role.path_hash_prefixes) {
    if (!digest) {
      digest = Sha256Hex(target_path);
    }
    return std::any_of(role.path_hash_prefixes->begin(), role.path_hash_prefixes->end(),
                       [&](const std::string& prefix) { return digest->rfind(prefix, 0) == 0; });
  }
  return false;
}

}  // namespace

bool IsPathDelegated(const DelegatedRole& role, std::string_view target_path) {
  std::optional<std::string> digest;
  return IsDelegated(role, target_path, digest);
}

std::vector<std::pair<std::string, bool>> RolesForTarget(const Delegations& delegations,
                                                         std::string_view target_path) {
  std::vector<std::pair<std::string, bool>> roles;
  if (delegations.succinct_roles) {
    roles.emplace_back(SuccinctRoleForTarget(*delegations.succinct_roles, target_path), true);
    return roles;
  }
  std::optional<std::string> digest;
  for (const DelegatedRole& role : delegations.roles) {
    if (IsDelegated(role, target_path, digest)) {
      roles.emplace_back(role.name, role.terminating);
      if (role.terminating) {
        break;
      }
    }
  }
  return roles;
}

Result<std::optional<FoundTarget>> FindTarget(TrustedMetadataSet& set,
                                              std::string_view target_path,
                                              const RoleLoader& load,
                                              const TargetSearchOptions& options) {
  const std::string path(target_path);
  // (role, delegator); the back is visited next.
  std::vector<std::pair<std::string, std::string>> to_visit = {{"targets", "root"}};
  std::set<std::string> visited;
  std::size_t budget = options.max_roles;
  while (budget > 0 && !to_visit.empty()) {
    auto [role, parent] = std::move(to_visit.back());
    to_visit.pop_back();
    if (visited.count(role) != 0) {
      continue;  // A cycle, or a role reached twice: visit once.
    }
    const Metadata<Targets>* targets = set.targets(role);
    if (targets == nullptr) {
      Result<void> loaded = load(role, parent);
      if (!loaded) {
        return Fail(loaded.error());
      }
      targets = set.targets(role);
      if (targets == nullptr) {
        return Fail(ErrorCode::kInternal, "role loader did not load " + role);
      }
    }
    const auto found = targets->body.targets.find(path);
    if (found != targets->body.targets.end()) {
      return FoundTarget{role, found->second};
    }
    visited.insert(role);
    --budget;
    if (!targets->body.delegations) {
      continue;
    }
    std::vector<std::pair<std::string, bool>> children =
        RolesForTarget(*targets->body.delegations, path);
    if (!children.empty() && children.back().second) {
      to_visit.clear();  // Terminating: nothing outside its subtree is consulted.
    }
    for (auto it = children.rbegin(); it != children.rend(); ++it) {
      to_visit.emplace_back(it->first, role);
    }
  }
  return std::optional<FoundTarget>();
}

}  // namespace provisio::tuf
