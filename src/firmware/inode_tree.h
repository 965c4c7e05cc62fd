// What the JFFS2 and UBIFS readers share once they have replayed their node
// logs: a tree of directory entries (parent inode, name -> child inode) to
// walk from the root, and files typed by their POSIX mode to emit.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "firmware/unpacker.h"

namespace provisio::firmware {

struct InodeEntry {
  std::string name;
  std::uint64_t inode = 0;
};

// Directory inode -> its live entries (newest version, not deleted).
using InodeChildren = std::map<std::uint64_t, std::vector<InodeEntry>>;

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

// Emits an entry whose inode has no metadata node left (its data was lost).
void EmitOrphanEntry(Unpacker& unpacker,
                     const std::string& chain,
                     const std::string& path,
                     unsigned depth);

}  // namespace provisio::firmware
