// What the JFFS2 and UBIFS readers share: the directory entries of their
// node logs, replayed into a tree (parent inode, name -> child inode) to
// walk from the root, and files typed by their POSIX mode to emit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "firmware/unpacker.h"

namespace provisio::firmware {

struct InodeEntry {
  std::string name;
  std::uint64_t inode = 0;
};

// Directory inode -> its live entries (newest version, not deleted).
using InodeChildren = std::map<std::uint64_t, std::vector<InodeEntry>>;

// The directory entries a node log records, replayed: for each (parent
// inode, name) the entry with the highest version wins, the later one on a
// tie; a winning entry that names inode 0 is a deletion.
class DirectoryLog {
 public:
  // Records that directory `parent` names `inode` (0: deleted) `name` as of
  // `version` (JFFS2's node version, UBIFS's sequence number).
  void Record(std::uint64_t parent, std::string name, std::uint64_t version, std::uint64_t inode);

  // True when nothing was recorded, not even a deletion.
  bool empty() const { return newest_.empty(); }

  // Each directory's live entries in name order, for WalkInodeTree.
  InodeChildren LiveChildren() const;

 private:
  struct Newest {
    std::uint64_t version = 0;
    std::uint64_t inode = 0;
  };
  std::map<std::pair<std::uint64_t, std::string>, Newest> newest_;
};

// The note for directory entries whose inode nodes are missing: their count,
// the first five paths, and that their contents were lost. `file_system`
// names the format ("JFFS2", "UBIFS"). Empty when `orphans` is.
std::string MissingInodesNote(std::string_view file_system,
                              const std::vector<std::string>& orphans);

// Calls `visit(inode, path)` for every entry below `root`, parents before
// children, and descends where `visit` returns true (a directory). Paths are
// normalised inside the root; an escaping name, a directory cycle or nesting
// deeper than 256 levels is noted (naming `format`, "JFFS2") and not
// followed.
void WalkInodeTree(Unpacker& unpacker,
                   const std::string& chain,
                   std::string_view format,
                   const InodeChildren& children,
                   std::uint64_t root,
                   const std::function<bool(std::uint64_t inode, const std::string& path)>& visit);

// The latest metadata of an inode, as its file system's nodes record it.
struct InodeAttributes {
  std::uint32_t mode = 0;  // POSIX st_mode: type and permission bits.
  std::uint32_t uid = 0;
};

inline bool IsSymlinkMode(std::uint32_t mode) {
  return (mode & 0170000) == 0120000;
}

// Emits the file at `path` typed by `attributes.mode`. For a regular file
// or a symlink, `read()` gives its bytes (the link target for a symlink),
// or nullptr when they could not be extracted (the file is emitted empty).
// Returns true for a directory, which the caller then descends into.
bool EmitInodeFile(Unpacker& unpacker,
                   const std::string& chain,
                   const std::string& path,
                   const InodeAttributes& attributes,
                   unsigned depth,
                   const std::function<std::shared_ptr<std::string>()>& read);

// A zero-filled buffer for an inode's `size` bytes of content, charged to
// the unpacker's total budget. nullptr when `size` is over the per-file
// limit (noted, naming `format` and `path`) or the budget is spent.
std::shared_ptr<std::string> AllocateInodeContent(Unpacker& unpacker,
                                                  const std::string& chain,
                                                  std::string_view format,
                                                  const std::string& path,
                                                  std::uint64_t size);

// Emits an entry whose inode has no metadata node left (its data was lost).
void EmitOrphanEntry(Unpacker& unpacker,
                     const std::string& chain,
                     const std::string& path,
                     unsigned depth);

}  // namespace provisio::firmware
