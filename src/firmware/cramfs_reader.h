// CramFS, the compressed read-only file system of many older IP cameras
// and routers: a superblock, inode records with their names, and file data
// in zlib-compressed pages. No Debian package reads CramFS images in user
// space (util-linux only builds and checks them), so this is our own reader.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "firmware/unpacker.h"

namespace provisio::firmware {

// True when a little-endian CramFS superblock (magic and the "Compressed
// ROMFS" signature) starts at data[0].
bool LooksLikeCramfs(std::string_view data);

// How many bytes before the superblock the file system starts: 512 when
// it was built padded for boot code (mkfs.cramfs -p), where every offset
// counts from the start of the pad; otherwise 0. `superblock` starts at the
// magic.
std::size_t CramfsPadding(std::string_view superblock);

// Reads the CramFS file system that starts at data[0] (at the pad, if
// any) and emits its files through unpacker.EmitFile. Returns the bytes it
// occupies (0 when no valid superblock is there). Damaged parts (entries or
// data outside the image, blocks that do not decode) are noted and skipped.
std::uint64_t ReadCramfs(Unpacker& unpacker,
                         std::string_view data,
                         const std::string& chain,
                         unsigned depth);

}  // namespace provisio::firmware
