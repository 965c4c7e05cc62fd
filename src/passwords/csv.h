// RFC 4180 CSV fields, as the passwords module writes and reads them: one
// record per line (no field holds a line break).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace provisio::passwords {

// Appends `field` to `out`, quoted when it holds a comma, a double quote, CR
// or LF (inner quotes doubled), as is otherwise. Appends in place, so a
// caller that wipes `out` afterwards leaves no copy of the field behind.
void AppendCsvField(std::string& out, std::string_view field);

// Splits one CSV line into its fields, undoing RFC 4180 quoting. nullopt for
// an unterminated quote or text after a closing quote.
std::optional<std::vector<std::string>> SplitCsvLine(std::string_view line);

}  // namespace provisio::passwords
