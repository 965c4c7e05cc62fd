#include "firmware/inode_tree.h"

#include <set>
#include <utility>

namespace provisio::firmware {
namespace {

constexpr unsigned kMaxDirectoryDepth = 256;
constexpr std::uint32_t kTypeMask = 0170000;
constexpr std::uint32_t kDirectory = 0040000;
constexpr std::uint32_t kRegular = 0100000;
constexpr std::uint32_t kSymlink = 0120000;

class TreeWalk {
 public:
  TreeWalk(Unpacker& unpacker,
           const std::string& chain,
           std::string_view format,
           const InodeChildren& children,
           const std::function<bool(std::uint64_t, const std::string&)>& visit)
      : unpacker_(unpacker), chain_(chain), format_(format), children_(children), visit_(visit) {}

  void Walk(std::uint64_t directory, const std::string& path, unsigned level) {
    const auto found = children_.find(directory);
    if (found == children_.end()) {
      return;
    }
    if (level > kMaxDirectoryDepth) {
      unpacker_.Note(chain_, std::string(format_) + " directory nesting deeper than " +
                                 std::to_string(kMaxDirectoryDepth) + " at '" + path +
                                 "'; not descended");
      return;
    }
    if (!open_.insert(directory).second) {
      unpacker_.Note(
          chain_, std::string(format_) + " directory cycle at '" + path + "'; not descended again");
      return;
    }
    for (const InodeEntry& entry : found->second) {
      bool escaped = false;
      const std::string child_path = NormalizeImagePath(path + "/" + entry.name, &escaped);
      if (escaped) {
        unpacker_.Note(chain_, std::string(format_) + " entry name '" + entry.name +
                                   "' tried to leave the root; kept as '" + child_path + "'");
      }
      if (visit_(entry.inode, child_path)) {
        Walk(entry.inode, child_path, level + 1);
      }
    }
    open_.erase(directory);
  }

 private:
  Unpacker& unpacker_;
  const std::string& chain_;
  std::string_view format_;
  const InodeChildren& children_;
  const std::function<bool(std::uint64_t, const std::string&)>& visit_;
  std::set<std::uint64_t> open_;  // Directories on the current path.
};

}  // namespace

void DirectoryLog::Record(std::uint64_t parent,
                          std::string name,
                          std::uint64_t version,
                          std::uint64_t inode) {
  Newest& newest = newest_[{parent, std::move(name)}];
  if (version >= newest.version) {
    newest.version = version;
    newest.inode = inode;
  }
}

InodeChildren DirectoryLog::LiveChildren() const {
  InodeChildren children;
  for (const auto& [key, newest] : newest_) {
    if (newest.inode != 0) {
      children[key.first].push_back(InodeEntry{key.second, newest.inode});
    }
  }
  return children;
}

void WalkInodeTree(Unpacker& unpacker,
                   const std::string& chain,
                   std::string_view format,
                   const InodeChildren& children,
                   std::uint64_t root,
                   const std::function<bool(std::uint64_t inode, const std::string& path)>& visit) {
  TreeWalk walk(unpacker, chain, format, children, visit);
  walk.Walk(root, "", 0);
}

bool EmitInodeFile(Unpacker& unpacker,
                   const std::string& chain,
                   const std::string& path,
                   const InodeAttributes& attributes,
                   unsigned depth,
                   const std::function<std::shared_ptr<std::string>()>& read) {
  ExtractedFile file;
  file.path = path;
  file.chain = chain;
  file.mode = attributes.mode & 07777;
  file.uid = attributes.uid;
  bool directory = false;
  switch (attributes.mode & kTypeMask) {
    case kDirectory:
      file.kind = ExtractedFile::Kind::kDirectory;
      directory = true;
      break;
    case kSymlink:
      file.kind = ExtractedFile::Kind::kSymlink;
      if (std::shared_ptr<std::string> target = read()) {
        file.link_target = *target;
      }
      break;
    case kRegular:
      file.kind = ExtractedFile::Kind::kRegular;
      if (std::shared_ptr<std::string> content = read()) {
        file.data = *content;
        file.owner = std::move(content);
      }
      break;
    default:
      file.kind = ExtractedFile::Kind::kOther;
      break;
  }
  unpacker.EmitFile(std::move(file), depth);
  return directory;
}

std::shared_ptr<std::string> AllocateInodeContent(Unpacker& unpacker,
                                                  const std::string& chain,
                                                  std::string_view format,
                                                  const std::string& path,
                                                  std::uint64_t size) {
  if (size > unpacker.limits().max_file_bytes) {
    unpacker.Note(chain, std::string(format) + " file '" + path + "' (" + std::to_string(size) +
                             " bytes) is over the per-file limit; not extracted");
    return nullptr;
  }
  if (!unpacker.Reserve(size, chain)) {
    return nullptr;
  }
  return std::make_shared<std::string>(static_cast<std::size_t>(size), '\0');
}

void EmitOrphanEntry(Unpacker& unpacker,
                     const std::string& chain,
                     const std::string& path,
                     unsigned depth) {
  ExtractedFile file;
  file.kind = ExtractedFile::Kind::kOther;
  file.path = path;
  file.chain = chain;
  unpacker.EmitFile(std::move(file), depth);
}

std::string MissingInodesNote(std::string_view file_system,
                              const std::vector<std::string>& orphans) {
  if (orphans.empty())
    return {};
  std::string message = std::to_string(orphans.size()) + " " + std::string(file_system) +
                        " directory entries name files whose inode nodes are missing "
                        "(their contents were lost):";
  for (std::size_t i = 0; i < orphans.size() && i < 5; ++i)
    message += " '" + orphans[i] + "'";
  if (orphans.size() > 5)
    message += " ...";
  return message;
}

}  // namespace provisio::firmware
