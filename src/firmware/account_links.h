// Account files (/etc/passwd, /etc/shadow) that an image reaches through a
// symlink, e.g. /etc/shadow -> ../data/shadow on a read-only root whose
// writable copy lives in another folder of the same filesystem.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware/unpacker.h"

namespace provisio::firmware {

enum class AccountFormat { kNone, kPasswd, kShadow };

// The account file a path names by itself: kPasswd for a path ending in
// /etc/passwd, kShadow for /etc/shadow (in any filesystem of the image).
AccountFormat AccountFormatOfPath(std::string_view path);

// Watches the files of an image in unpack order and tells which regular file
// is the target of an account-file symlink. Links are resolved inside their
// own filesystem only (the same container chain), through at most
// kMaxHops links, and never outside the image: a link to a file the image
// does not hold (a tmpfs path filled at boot) resolves to nothing.
//
// The target may come before or after the link. When it comes after, Observe
// marks it (`reached_as`) on its way to the scan. When it came before, it has
// been scanned already: Observe returns a copy marked `accounts_only`, which
// the checker reads for the account checks alone. To have that copy at hand,
// small text files that look like account files are kept, copied, up to
// kMaxKeptBytes in all.
class AccountLinkResolver {
 public:
  static constexpr int kMaxHops = 8;
  static constexpr std::size_t kMaxKeptFileBytes = std::size_t{1} << 20;
  static constexpr std::size_t kMaxKeptBytes = std::size_t{16} << 20;

  // Called once per file, in unpack order, before the file is scanned. May
  // set `file->reached_as`. Returns copies of earlier files to scan for the
  // account checks only.
  std::vector<ExtractedFile> Observe(ExtractedFile* file);

  // Whether `path` names an account file the checker reads by its path
  // (it ends in /etc/passwd or /etc/shadow).
  static bool IsAccountPath(const std::string& path);

 private:
  using Key = std::pair<std::string, std::string>;  // (chain, path)

  // Where `path` leads after following known links (at most kMaxHops).
  std::string Follow(const std::string& chain, std::string path) const;
  // The account link `link_path` leads to `target`: hands back the target
  // if it was seen already, or waits for it.
  std::vector<ExtractedFile> Route(const std::string& chain,
                                   const std::string& link_path,
                                   const std::string& target);
  void KeepIfAccountLike(const ExtractedFile& file);

  std::map<Key, std::string> links_;    // link -> its absolute target
  std::map<Key, std::string> waiting_;  // target not seen yet -> the account link's path
  std::map<Key, ExtractedFile> kept_;   // possible targets seen already (bytes owned)
  std::size_t kept_bytes_ = 0;
};

// Whether every entry line of `data` (at least one) has the strict form of
// shadow(5) or passwd(5); kNone for anything else. The checker reads such
// files as account files wherever they are (/etc/shadow-, /var/passwd).
AccountFormat AccountFormatOfText(std::string_view data);

// Where a symlink at `link_path` with the stored `target` points, as a
// normalised absolute path in the link's filesystem.
std::string ResolveLinkTarget(const std::string& link_path, const std::string& target);

}  // namespace provisio::firmware
