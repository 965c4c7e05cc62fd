// The two PatternScanner engines (see provisio/firmware/pattern_scanner.h).
#pragma once

#include <memory>
#include <vector>

#include "provisio/firmware/pattern_scanner.h"

namespace provisio::firmware {

Result<std::unique_ptr<PatternScanner>> MakePortableScanner(const std::vector<Pattern>& patterns);

// Fails with kUnsupported in builds without Hyperscan.
Result<std::unique_ptr<PatternScanner>> MakeHyperscanScanner(
    const std::vector<Pattern>& patterns, const std::filesystem::path& cache_dir = {});

}  // namespace provisio::firmware
