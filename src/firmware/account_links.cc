#include "firmware/account_links.h"

#include <memory>

namespace provisio::firmware {
namespace {

// The first line that is not empty or a comment reads like an account entry
// ("name:field:..."): what a passwd or shadow file holds, and few others.
bool LooksLikeAccountFile(std::string_view data) {
  // The head decides, as for the checker's text files: this runs on the
  // unpacking thread for every small file.
  data = data.substr(0, 8192);
  if (data.find('\0') != std::string_view::npos)
    return false;
  while (!data.empty()) {
    const std::size_t end = data.find('\n');
    const std::string_view line = data.substr(0, end);
    if (!line.empty() && line.front() != '#') {
      const std::size_t colon = line.find(':');
      if (colon == 0 || colon == std::string_view::npos || colon > 64)
        return false;
      if (line.substr(0, colon).find_first_of(" \t") != std::string_view::npos)
        return false;
      return line.find(':', colon + 1) != std::string_view::npos;
    }
    if (end == std::string_view::npos)
      break;
    data.remove_prefix(end + 1);
  }
  return false;
}

}  // namespace

// Whether every entry line of `data` (at least one) has the form of
// shadow(5): name:hash:lastchg:min:max:warn:inactive:expire:reserved, the
// last seven numeric or empty; or of passwd(5): name:password:uid:gid:
// gecos:home:shell with numeric ids.
AccountFormat AccountFormatOfText(std::string_view data) {
  bool shadow = true;
  bool passwd = true;
  bool any = false;
  const auto numeric = [](std::string_view field, bool may_be_empty) {
    if (field.empty())
      return may_be_empty;
    return field.size() <= 10 && field.find_first_not_of("0123456789") == std::string_view::npos;
  };
  // Line by line, not split up front: most text files fail on their first line.
  for (std::size_t at = 0; at < data.size();) {
    std::size_t end = data.find('\n', at);
    if (end == std::string_view::npos)
      end = data.size();
    std::string_view line = data.substr(at, end - at);
    at = end + 1;
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (line.empty() || line.front() == '#')
      continue;
    std::vector<std::string_view> fields;
    for (std::size_t from = 0; fields.size() < 10;) {
      const std::size_t colon = line.find(':', from);
      fields.push_back(line.substr(from, colon == std::string_view::npos ? colon : colon - from));
      if (colon == std::string_view::npos)
        break;
      from = colon + 1;
    }
    if (fields.empty() || fields[0].empty() || fields[0].size() > 64 ||
        fields[0].find_first_of(" \t") != std::string_view::npos) {
      return AccountFormat::kNone;
    }
    bool shadow_line = fields.size() == 9;
    for (std::size_t i = 2; shadow_line && i < 9; ++i)
      shadow_line = numeric(fields[i], true);
    const bool passwd_line =
        fields.size() == 7 && numeric(fields[2], false) && numeric(fields[3], false);
    shadow = shadow && shadow_line;
    passwd = passwd && passwd_line;
    if (!shadow && !passwd)
      return AccountFormat::kNone;
    any = true;
  }
  if (!any)
    return AccountFormat::kNone;
  return shadow ? AccountFormat::kShadow : AccountFormat::kPasswd;
}

std::string ResolveLinkTarget(const std::string& link_path, const std::string& target) {
  bool escaped = false;
  if (!target.empty() && target.front() == '/')
    return NormalizeImagePath(target, &escaped);
  const std::size_t slash = link_path.rfind('/');
  const std::string folder = slash == std::string::npos ? "/" : link_path.substr(0, slash + 1);
  // ".." at the root stays at the root, as the kernel resolves it: a link
  // cannot lead out of its filesystem.
  return NormalizeImagePath(folder + target, &escaped);
}

AccountFormat AccountFormatOfPath(std::string_view path) {
  if (path.ends_with("/etc/passwd"))
    return AccountFormat::kPasswd;
  if (path.ends_with("/etc/shadow"))
    return AccountFormat::kShadow;
  return AccountFormat::kNone;
}

bool AccountLinkResolver::IsAccountPath(const std::string& path) {
  return AccountFormatOfPath(path) != AccountFormat::kNone;
}

std::vector<ExtractedFile> AccountLinkResolver::Observe(ExtractedFile* file) {
  const Key key{file->chain, file->path};
  if (file->kind == ExtractedFile::Kind::kSymlink) {
    const std::string target = ResolveLinkTarget(file->path, file->link_target);
    links_[key] = target;
    std::vector<ExtractedFile> found;
    // An account link that led here follows this link on.
    if (const auto waiting = waiting_.find(key); waiting != waiting_.end()) {
      const std::string link_path = waiting->second;
      waiting_.erase(waiting);
      found = Route(file->chain, link_path, Follow(file->chain, target));
    }
    if (IsAccountPath(file->path)) {
      for (ExtractedFile& copy : Route(file->chain, file->path, Follow(file->chain, target)))
        found.push_back(std::move(copy));
    }
    return found;
  }
  if (file->kind == ExtractedFile::Kind::kRegular) {
    if (const auto waiting = waiting_.find(key); waiting != waiting_.end()) {
      file->reached_as = waiting->second;
      waiting_.erase(waiting);
    } else {
      KeepIfAccountLike(*file);
    }
  }
  return {};
}

std::string AccountLinkResolver::Follow(const std::string& chain, std::string path) const {
  for (int hop = 0; hop < kMaxHops; ++hop) {
    const auto link = links_.find({chain, path});
    if (link == links_.end())
      break;
    path = link->second;
  }
  return path;
}

std::vector<ExtractedFile> AccountLinkResolver::Route(const std::string& chain,
                                                      const std::string& link_path,
                                                      const std::string& target) {
  // A target that is itself an account path is read by its own name; a
  // target that is still a link after kMaxHops is a loop or too deep.
  if (target == link_path || IsAccountPath(target) || links_.count({chain, target}) > 0)
    return {};
  if (const auto kept = kept_.find({chain, target}); kept != kept_.end()) {
    ExtractedFile copy = kept->second;
    copy.reached_as = link_path;
    copy.accounts_only = true;
    return {copy};
  }
  waiting_[{chain, target}] = link_path;
  return {};
}

void AccountLinkResolver::KeepIfAccountLike(const ExtractedFile& file) {
  // A file of the strict form is checked for what it is anyway; a link to
  // it adds nothing.
  if (file.data.empty() || file.data.size() > kMaxKeptFileBytes ||
      kept_bytes_ + file.data.size() > kMaxKeptBytes || IsAccountPath(file.path) ||
      !LooksLikeAccountFile(file.data) || AccountFormatOfText(file.data) != AccountFormat::kNone) {
    return;
  }
  // A copy: the file's own buffer may be a whole decoded archive.
  auto owned = std::make_shared<const std::string>(file.data);
  ExtractedFile kept = file;
  kept.data = *owned;
  kept.owner = std::move(owned);
  kept_bytes_ += kept.data.size();
  kept_[{file.chain, file.path}] = std::move(kept);
}

}  // namespace provisio::firmware
