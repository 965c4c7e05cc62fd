#include "provisio/tuf/delegation.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "provisio/core/sha256.h"
#include "tuf/test_repository.h"

namespace provisio::tuf {
namespace {

using testing::NewKey;
using testing::TestNow;
using testing::TestRepository;

TEST(MatchesPathPatternTest, FollowsFnmatchPerPathComponent) {
  struct Case {
    const char* path;
    const char* pattern;
    bool matches;
  };
  const Case cases[] = {
      {"fw/a.bin", "fw/*", true},
      {"fw/sub/a.bin", "fw/*", false},  // '*' does not match '/'.
      {"fw/sub/a.bin", "fw/*/a.bin", true},
      {"fw/sub/a.bin", "fw/*/*", true},
      {"a.txt", "*.txt", true},
      {"dir/a.txt", "*.txt", false},
      {"fw/", "fw/*", true},  // '*' matches the empty string.
      {"fw", "fw/*", false},
      {"targets/foo-1.2.tgz", "targets/foo-*.tgz", true},
      {"x", "?", true},
      {"xy", "?", false},
      {"/", "?", false},
      {"a1", "a[0-9]", true},
      {"ab", "a[0-9]", false},
      {"ab", "a[!0-9]", true},
      {"a]", "a[]]", true},
      {"a-", "a[x-]", true},
      {"a[", "a[", true},  // An unclosed '[' is an ordinary character.
      {"abc", "abc", true},
      {"abc", "ABC", false},  // Case-sensitive.
      {"", "", true},
      {"aaa/bbb", "a*a/b*", true},
      {"mississippi", "*sip*", true},
      {"mississippi", "*sip*x", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.path) + " ~ " + c.pattern);

    EXPECT_EQ(MatchesPathPattern(c.path, c.pattern), c.matches);
  }
}

TEST(IsPathDelegatedTest, UsesPathsOrHashPrefixes) {
  const std::string digest = Sha256Hex("fw/a.bin");
  DelegatedRole by_paths;
  by_paths.paths = std::vector<std::string>{"apps/*", "fw/*"};
  DelegatedRole by_prefix;
  by_prefix.path_hash_prefixes = std::vector<std::string>{"zz", digest.substr(0, 2)};
  DelegatedRole by_other_prefix;
  by_other_prefix.path_hash_prefixes =
      std::vector<std::string>{digest.substr(0, 1) == "0" ? "1" : "0"};
  const DelegatedRole neither;

  EXPECT_TRUE(IsPathDelegated(by_paths, "fw/a.bin"));
  EXPECT_FALSE(IsPathDelegated(by_paths, "docs/a.bin"));
  EXPECT_TRUE(IsPathDelegated(by_prefix, "fw/a.bin"));
  EXPECT_FALSE(IsPathDelegated(by_other_prefix, "fw/a.bin"));
  EXPECT_FALSE(IsPathDelegated(neither, "fw/a.bin"));
}

TEST(RolesForTargetTest, StopsAfterTheFirstMatchingTerminatingRole) {
  Delegations delegations;
  const auto role = [](const char* name, const char* path, bool terminating) {
    DelegatedRole r;
    r.name = name;
    r.paths = std::vector<std::string>{path};
    r.terminating = terminating;
    return r;
  };
  delegations.roles = {role("a", "docs/*", true), role("b", "fw/*", false), role("c", "fw/*", true),
                       role("d", "fw/*", false)};

  const auto roles = RolesForTarget(delegations, "fw/x");

  const std::vector<std::pair<std::string, bool>> expected = {{"b", false}, {"c", true}};
  EXPECT_EQ(roles, expected);
}

// A repository plus a client-side set, with a loader that records its calls.
class FindTargetTest : public ::testing::Test {
 protected:
  Result<std::optional<FoundTarget>> Find(const std::string& path,
                                          TargetSearchOptions options = {}) {
    repo_.Refresh();
    Checked<TrustedMetadataSet> set = TrustedMetadataSet::Create(repo_.RootBytes(), clock_);
    PROVISIO_CHECK(set.has_value());
    PROVISIO_CHECK(set->UpdateTimestamp(repo_.TimestampBytes()).has_value());
    PROVISIO_CHECK(set->UpdateSnapshot(repo_.SnapshotBytes()).has_value());
    PROVISIO_CHECK(set->UpdateTargets(repo_.TargetsBytes()).has_value());
    set_.emplace(std::move(*set));
    loaded_.clear();
    const RoleLoader load = [this](const std::string& role,
                                   const std::string& parent) -> Result<void> {
      loaded_.push_back(role);
      if (role == fail_on_) {
        return Fail(ErrorCode::kNetwork, "cannot download " + role);
      }
      Checked<void> updated = set_->UpdateDelegatedTargets(repo_.TargetsBytes(role), role, parent);
      if (!updated) {
        return Fail(updated.error().ToError());
      }
      return {};
    };
    return FindTarget(*set_, path, load, options);
  }

  // The role that the search returned, or "" when not found.
  std::string FoundIn(const std::string& path, TargetSearchOptions options = {}) {
    Result<std::optional<FoundTarget>> found = Find(path, options);
    EXPECT_TRUE(found.has_value()) << found.error().message();
    if (!found || !found->has_value()) {
      return "";
    }
    return (*found)->role;
  }

  TestRepository repo_;
  FixedClock clock_{TestNow()};
  std::optional<TrustedMetadataSet> set_;
  std::vector<std::string> loaded_;
  std::string fail_on_;
};

TEST_F(FindTargetTest, FindsATargetOfTheTopLevelRoleWithoutLoadingAnything) {
  repo_.AddTarget("targets", "readme.txt", "hello");
  repo_.Delegate("targets", "a", {"*"});

  Result<std::optional<FoundTarget>> found = Find("readme.txt");

  ASSERT_TRUE(found.has_value());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->role, "targets");
  EXPECT_EQ((*found)->file.length, 5U);
  EXPECT_TRUE(loaded_.empty());
}

TEST_F(FindTargetTest, SearchesDepthFirstInListedOrder) {
  repo_.Delegate("targets", "a", {"fw/*"});
  repo_.Delegate("a", "a1", {"fw/*"});
  repo_.Delegate("targets", "b", {"fw/*"});
  repo_.AddTarget("a1", "fw/x.bin", "from a1");
  repo_.AddTarget("b", "fw/x.bin", "from b");

  EXPECT_EQ(FoundIn("fw/x.bin"), "a1");
  EXPECT_EQ(loaded_, (std::vector<std::string>{"a", "a1"}));
  EXPECT_EQ(FoundIn("fw/missing.bin"), "");
  EXPECT_EQ(loaded_, (std::vector<std::string>{"a", "a1", "b"}));
}

TEST_F(FindTargetTest, TerminatingRoleEndsTheSearchOutsideItsSubtree) {
  repo_.Delegate("targets", "a", {"fw/*"}, /*terminating=*/true);
  repo_.Delegate("a", "a1", {"fw/*"});
  repo_.Delegate("targets", "b", {"fw/*"});
  repo_.AddTarget("b", "fw/x.bin", "from b");
  repo_.AddTarget("a1", "fw/y.bin", "from a1");

  EXPECT_EQ(FoundIn("fw/x.bin"), "");
  EXPECT_EQ(loaded_, (std::vector<std::string>{"a", "a1"}));
  EXPECT_EQ(FoundIn("fw/y.bin"), "a1");
}

TEST_F(FindTargetTest, TerminatingRoleThatDoesNotMatchDoesNotStopTheSearch) {
  repo_.Delegate("targets", "docs", {"docs/*"}, /*terminating=*/true);
  repo_.Delegate("targets", "b", {"fw/*"});
  repo_.AddTarget("b", "fw/x.bin", "from b");

  EXPECT_EQ(FoundIn("fw/x.bin"), "b");
  EXPECT_EQ(loaded_, (std::vector<std::string>{"b"}));
}

TEST_F(FindTargetTest, IgnoresTargetsARoleListsOutsideItsDelegatedPaths) {
  repo_.Delegate("targets", "apps", {"apps/*"});
  repo_.AddTarget("apps", "fw/x.bin", "not delegated to apps");

  EXPECT_EQ(FoundIn("fw/x.bin"), "");
  EXPECT_TRUE(loaded_.empty());
}

TEST_F(FindTargetTest, RequiresThePathToMatchEveryRoleOnTheChain) {
  repo_.Delegate("targets", "fw", {"fw/*"});
  repo_.Delegate("fw", "everything", {"*", "*/*", "apps/*"});
  repo_.Delegate("targets", "apps", {"apps/*"});
  repo_.AddTarget("everything", "apps/x.bin", "reached through fw");
  repo_.AddTarget("everything", "fw/y.bin", "fine");

  EXPECT_EQ(FoundIn("apps/x.bin"), "");
  EXPECT_EQ(loaded_, (std::vector<std::string>{"apps"}));
  EXPECT_EQ(FoundIn("fw/y.bin"), "everything");
}

TEST_F(FindTargetTest, VisitsEachRoleOnceWhenDelegationsFormACycle) {
  repo_.Delegate("targets", "a", {"fw/*"});
  repo_.Delegate("a", "b", {"fw/*"});
  // b delegates back to a.
  Metadata<Targets>& b = repo_.delegated["b"];
  b.body.delegations.emplace();
  const KeyPair a_key = repo_.signers["a"][0];
  b.body.delegations->keys[a_key.key_id()] = a_key.public_key();
  DelegatedRole back;
  back.name = "a";
  back.keyids = {a_key.key_id()};
  back.paths = std::vector<std::string>{"fw/*"};
  b.body.delegations->roles.push_back(back);

  EXPECT_EQ(FoundIn("fw/x.bin"), "");
  EXPECT_EQ(loaded_, (std::vector<std::string>{"a", "b"}));
}

TEST_F(FindTargetTest, GivesUpAfterTheCapOfVisitedRoles) {
  std::string parent = "targets";
  for (int i = 0; i < 5; ++i) {
    const std::string name = "level" + std::to_string(i);
    repo_.Delegate(parent, name, {"fw/*"});
    parent = name;
  }
  repo_.AddTarget("level4", "fw/deep.bin", "deep");

  EXPECT_EQ(FoundIn("fw/deep.bin", TargetSearchOptions{5}), "");
  EXPECT_EQ(loaded_.size(), 4U);  // targets + level0..level3 make five visits.
  EXPECT_EQ(FoundIn("fw/deep.bin", TargetSearchOptions{6}), "level4");
}

TEST_F(FindTargetTest, StopsAtTheFirstRoleThatFailsToLoad) {
  repo_.Delegate("targets", "a", {"fw/*"});
  repo_.Delegate("targets", "b", {"fw/*"});
  repo_.AddTarget("b", "fw/x.bin", "from b");
  fail_on_ = "a";

  Result<std::optional<FoundTarget>> found = Find("fw/x.bin");

  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kNetwork);
  EXPECT_EQ(loaded_, (std::vector<std::string>{"a"}));
}

TEST_F(FindTargetTest, RejectsADelegatedRoleSignedByAnUnlistedKey) {
  repo_.Delegate("targets", "a", {"fw/*"});
  repo_.AddTarget("a", "fw/x.bin", "x");
  repo_.signers["a"] = {NewKey()};

  Result<std::optional<FoundTarget>> found = Find("fw/x.bin");

  ASSERT_FALSE(found.has_value());
  EXPECT_EQ(found.error().code(), ErrorCode::kVerification);
}

TEST_F(FindTargetTest, FindsTargetsInSuccinctHashBins) {
  repo_.targets.body.delegations.emplace();
  const KeyPair bins_key = NewKey();
  repo_.targets.body.delegations->keys[bins_key.key_id()] = bins_key.public_key();
  const SuccinctRoles succinct{3, "bin", {bins_key.key_id()}, 1, {}};
  repo_.targets.body.delegations->succinct_roles = succinct;
  for (const std::string& name : SuccinctRoleNames(succinct)) {
    repo_.delegated[name].body.expires = repo_.targets.body.expires;
    repo_.signers[name] = {bins_key};
  }
  const std::string bin = SuccinctRoleForTarget(succinct, "fw/x.bin");
  repo_.AddTarget(bin, "fw/x.bin", "x");

  EXPECT_EQ(FoundIn("fw/x.bin"), bin);
  EXPECT_EQ(loaded_, (std::vector<std::string>{bin}));
}

}  // namespace
}  // namespace provisio::tuf
