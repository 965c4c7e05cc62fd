// Reads a catalogue or PSTI mapping from YAML text (the format of
// data/catalog/*.yaml, schema "provisio.catalog/v1").
#pragma once

#include <string_view>
#include <vector>

#include "provisio/catalog/catalog.h"
#include "provisio/core/result.h"

namespace provisio::catalog {

// Parses and validates a catalogue: ids unique and well-formed, every
// condition and feature a provision names is defined, every clause known,
// status text consistent with the lists. Errors name source:line:col.
Result<Catalog> ParseCatalogYaml(std::string_view text, std::string_view source_name);

Result<std::vector<PstiRequirement>> ParsePstiYaml(std::string_view text,
                                                   std::string_view source_name);

// True for ids such as "5.1-1", "5.3-4A", "6-8" and "4-1".
bool IsWellFormedProvisionId(std::string_view id);

}  // namespace provisio::catalog
