// UBI (the volume layer over raw NAND in many routers and cameras) and
// UBIFS (the file system usually inside a UBI volume). No Debian package
// reads these images in user space without the kernel's nandsim, so these
// are our own readers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "firmware/unpacker.h"

namespace provisio::firmware {

// True when a UBI erase-counter header with a valid CRC starts at data[0].
bool LooksLikeUbi(std::string_view data);

// Reads the UBI image that starts at data[0]: finds the erase-block size,
// maps every physical block to its volume and logical block (the newest
// copy wins) and emits each user volume as a file "/<volume name>" whose
// contents the unpacker then unpacks (UBIFS, squashfs, ...). Returns the
// bytes the run of UBI erase blocks occupies, 0 when it is not UBI.
std::uint64_t ReadUbi(Unpacker& unpacker,
                      std::string_view data,
                      const std::string& chain,
                      unsigned depth);

// True when a UBIFS node with a valid CRC starts at data[0].
bool LooksLikeUbifs(std::string_view data);

// Reads the UBIFS volume image at data[0] by replaying every node (inode,
// directory entry, data, truncation) in sequence-number order, as the kernel
// does when it recovers a journal: the newest node for each key wins and
// deletions apply. Emits the files through unpacker.EmitFile. Returns
// data.size() when it found a UBIFS tree, 0 otherwise.
std::uint64_t ReadUbifs(Unpacker& unpacker,
                        std::string_view data,
                        const std::string& chain,
                        unsigned depth);

}  // namespace provisio::firmware
