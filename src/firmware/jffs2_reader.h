// JFFS2, the log-structured flash file system of many older routers and
// cameras. There is no superblock: the file system is a run of nodes
// (directory entries and inode data fragments, each with a CRC and a
// version), and the newest version of each wins. No Debian package reads
// JFFS2 images in user space, so this is our own reader.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "firmware/unpacker.h"

namespace provisio::firmware {

// True when a JFFS2 node header (either byte order) with a valid header CRC
// starts at data[0].
bool LooksLikeJffs2(std::string_view data);

// Reads the JFFS2 file system that starts at data[0] and emits its files
// through unpacker.EmitFile. Returns the bytes the node run occupies (0 when
// no valid node starts at data[0]). Damaged nodes (bad CRCs, impossible
// sizes) are skipped with a note; data compressed with a codec this reader
// does not know is noted, and the file is emitted without it.
std::uint64_t ReadJffs2(Unpacker& unpacker,
                        std::string_view data,
                        const std::string& chain,
                        unsigned depth);

}  // namespace provisio::firmware
