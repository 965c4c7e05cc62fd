#include "firmware/account_links.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace provisio::firmware {
namespace {

ExtractedFile Link(const std::string& path,
                   const std::string& target,
                   const std::string& chain = "img > tar@0x0") {
  ExtractedFile file;
  file.kind = ExtractedFile::Kind::kSymlink;
  file.path = path;
  file.chain = chain;
  file.link_target = target;
  return file;
}

ExtractedFile Regular(const std::string& path,
                      const std::string& content,
                      const std::string& chain = "img > tar@0x0") {
  ExtractedFile file;
  file.path = path;
  file.chain = chain;
  auto owned = std::make_shared<const std::string>(content);
  file.data = *owned;
  file.owner = owned;
  return file;
}

// Shorter than shadow(5)'s nine fields: only a link makes it an account file.
const std::string kShadow = "root:$1$q4Xp9sLm$uzDCBhtCx.EvIy46g/ab51:19000\n";

TEST(ResolveLinkTargetTest, ResolvesInsideTheLinksFilesystem) {
  EXPECT_EQ(ResolveLinkTarget("/etc/shadow", "../data/shadow"), "/data/shadow");
  EXPECT_EQ(ResolveLinkTarget("/etc/shadow", "/data/shadow"), "/data/shadow");
  EXPECT_EQ(ResolveLinkTarget("/etc/shadow", "shadow.real"), "/etc/shadow.real");
  EXPECT_EQ(ResolveLinkTarget("/etc/shadow", "./conf//shadow"), "/etc/conf/shadow");
  // ".." at the root stays at the root: never out of the image.
  EXPECT_EQ(ResolveLinkTarget("/etc/shadow", "../../../../x/shadow"), "/x/shadow");
}

TEST(AccountLinkResolverTest, MarksATargetThatComesAfterItsLink) {
  AccountLinkResolver resolver;
  ExtractedFile link = Link("/etc/shadow", "../data/shadow");
  EXPECT_TRUE(resolver.Observe(&link).empty());
  ExtractedFile target = Regular("/data/shadow", kShadow);
  EXPECT_TRUE(resolver.Observe(&target).empty());
  EXPECT_EQ(target.reached_as, "/etc/shadow");
  EXPECT_FALSE(target.accounts_only);
}

TEST(AccountLinkResolverTest, HandsBackACopyOfATargetSeenBeforeItsLink) {
  AccountLinkResolver resolver;
  std::string bytes = kShadow;
  ExtractedFile target = Regular("/data/shadow", bytes);
  EXPECT_TRUE(resolver.Observe(&target).empty());
  EXPECT_TRUE(target.reached_as.empty());
  target = ExtractedFile{};  // The scan lets go of the original.

  ExtractedFile link = Link("/etc/shadow", "/data/shadow");
  const std::vector<ExtractedFile> copies = resolver.Observe(&link);
  ASSERT_EQ(copies.size(), 1u);
  EXPECT_EQ(copies[0].path, "/data/shadow");
  EXPECT_EQ(copies[0].reached_as, "/etc/shadow");
  EXPECT_TRUE(copies[0].accounts_only);
  EXPECT_EQ(copies[0].data, kShadow);
}

TEST(AccountLinkResolverTest, FollowsLinksToLinksInEitherOrder) {
  {
    AccountLinkResolver resolver;
    ExtractedFile account = Link("/etc/passwd", "/var/passwd");
    ExtractedFile hop = Link("/var/passwd", "../rw/passwd");
    ExtractedFile target = Regular("/rw/passwd", "guest::1000:1000::/:/bin/sh\n");
    EXPECT_TRUE(resolver.Observe(&account).empty());
    EXPECT_TRUE(resolver.Observe(&hop).empty());
    EXPECT_TRUE(resolver.Observe(&target).empty());
    EXPECT_EQ(target.reached_as, "/etc/passwd");
  }
  {
    AccountLinkResolver resolver;
    ExtractedFile target = Regular("/rw/passwd", "guest::1000:1000\n");
    ExtractedFile hop = Link("/var/passwd", "../rw/passwd");
    ExtractedFile account = Link("/etc/passwd", "/var/passwd");
    EXPECT_TRUE(resolver.Observe(&target).empty());
    EXPECT_TRUE(resolver.Observe(&hop).empty());
    EXPECT_EQ(resolver.Observe(&account).size(), 1u);
  }
}

TEST(AccountLinkResolverTest, IgnoresLoopsMissingTargetsAndOtherFilesystems) {
  AccountLinkResolver resolver;
  ExtractedFile a = Link("/etc/shadow", "/a");
  ExtractedFile b = Link("/a", "/b");
  ExtractedFile c = Link("/b", "/a");
  EXPECT_TRUE(resolver.Observe(&a).empty());
  EXPECT_TRUE(resolver.Observe(&b).empty());
  EXPECT_TRUE(resolver.Observe(&c).empty());

  // A file of the same path in another container is not the target.
  ExtractedFile elsewhere = Regular("/data/shadow", kShadow, "img > squashfs@0x1000");
  ExtractedFile link = Link("/etc/shadow", "../data/shadow");
  EXPECT_TRUE(resolver.Observe(&elsewhere).empty());
  AccountLinkResolver fresh;
  EXPECT_TRUE(fresh.Observe(&elsewhere).empty());
  EXPECT_TRUE(fresh.Observe(&link).empty());
  ExtractedFile same_path_other_chain = Regular("/data/shadow", kShadow, "img > cpio@0x0");
  EXPECT_TRUE(fresh.Observe(&same_path_other_chain).empty());
  EXPECT_TRUE(same_path_other_chain.reached_as.empty());
}

TEST(AccountLinkResolverTest, LeavesFilesOfTheStrictFormToTheChecker) {
  // The checker reads these as account files wherever they are: a copy
  // for the link would report them twice.
  AccountLinkResolver resolver;
  ExtractedFile target =
      Regular("/data/shadow", "root:$1$q4Xp9sLm$uzDCBhtCx.EvIy46g/ab51:19000:0:99999:7:::\n");
  EXPECT_TRUE(resolver.Observe(&target).empty());
  ExtractedFile link = Link("/etc/shadow", "../data/shadow");
  EXPECT_TRUE(resolver.Observe(&link).empty());
}

TEST(AccountFormatOfPathTest, NamesTheAccountFilesByTheirPathInAnyFilesystem) {
  EXPECT_EQ(AccountFormatOfPath("/etc/passwd"), AccountFormat::kPasswd);
  EXPECT_EQ(AccountFormatOfPath("/overlay/upper/etc/shadow"), AccountFormat::kShadow);
  EXPECT_EQ(AccountFormatOfPath("/etc/shadow-"), AccountFormat::kNone);
  EXPECT_EQ(AccountFormatOfPath("/etc/passwd.bak"), AccountFormat::kNone);
  EXPECT_EQ(AccountFormatOfPath("/usr/bin/passwd"), AccountFormat::kNone);
  EXPECT_TRUE(AccountLinkResolver::IsAccountPath("/etc/shadow"));
  EXPECT_FALSE(AccountLinkResolver::IsAccountPath("/etc/group"));
}

TEST(AccountFormatOfTextTest, KnowsTheStrictForms) {
  EXPECT_EQ(AccountFormatOfText("root:*:19000:0:99999:7:::\n"), AccountFormat::kShadow);
  EXPECT_EQ(AccountFormatOfText("# c\r\nroot:::0:99999:7:::\r\n\n"), AccountFormat::kShadow);
  EXPECT_EQ(AccountFormatOfText("root:x:0:0:root:/root:/bin/sh\n"), AccountFormat::kPasswd);
  EXPECT_EQ(AccountFormatOfText("root:x:0:0:root:/root:/bin/sh\nroot:*:1::::::\n"),
            AccountFormat::kNone);
  EXPECT_EQ(AccountFormatOfText("root:x:zero:0:root:/root:/bin/sh\n"), AccountFormat::kNone);
  EXPECT_EQ(AccountFormatOfText("a b:x:0:0:root:/root:/bin/sh\n"), AccountFormat::kNone);
  EXPECT_EQ(AccountFormatOfText("# only a comment\n"), AccountFormat::kNone);
  EXPECT_EQ(AccountFormatOfText(""), AccountFormat::kNone);
}

TEST(AccountLinkResolverTest, KeepsOnlyFilesThatLookLikeAccountFiles) {
  AccountLinkResolver resolver;
  ExtractedFile text = Regular("/data/notes", "just some text\nwith: one colon\n");
  ExtractedFile binary = Regular("/data/blob", std::string("root:x:\0\x01", 9));
  EXPECT_TRUE(resolver.Observe(&text).empty());
  EXPECT_TRUE(resolver.Observe(&binary).empty());
  ExtractedFile to_text = Link("/etc/passwd", "/data/notes");
  ExtractedFile to_binary = Link("/etc/shadow", "/data/blob");
  EXPECT_TRUE(resolver.Observe(&to_text).empty());
  EXPECT_TRUE(resolver.Observe(&to_binary).empty());
}

}  // namespace
}  // namespace provisio::firmware
