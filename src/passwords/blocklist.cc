#include "provisio/passwords/blocklist.h"

#include <algorithm>
#include <functional>

#include "passwords/bundled_data.h"
#include "provisio/core/files.h"
#include "provisio/core/text.h"

namespace provisio::passwords {
namespace {

std::uint64_t LengthBit(std::size_t length) {
  return std::uint64_t{1} << std::min<std::size_t>(length, 63);
}

}  // namespace

Blocklist Blocklist::Bundled() {
  Blocklist list;
  for (const auto& [name, text] : internal::BundledBlocklistTexts()) {
    list.AddText(text, name);
  }
  return list;
}

void Blocklist::AddText(std::string_view text, std::string_view list_name) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      continue;
    }
    const std::size_t bit = std::hash<std::string_view>{}(line) % kFilterBits;
    filter_[bit / 64] |= std::uint64_t{1} << (bit % 64);
    length_mask_ |= LengthBit(line.size());
    exact_.emplace(line);
    lower_.insert(AsciiLower(line));
  }
  sources_.emplace_back(list_name);
}

Result<void> Blocklist::AddFile(const std::filesystem::path& path) {
  Result<std::string> text = ReadFile(path);
  if (!text) {
    return Fail(text.error().WithContext("reading blocklist"));
  }
  AddText(*text, path.string());
  return {};
}

bool Blocklist::Contains(std::string_view password) const {
  if ((length_mask_ & LengthBit(password.size())) == 0) {
    return false;
  }
  const std::size_t bit = std::hash<std::string_view>{}(password) % kFilterBits;
  if ((filter_[bit / 64] & (std::uint64_t{1} << (bit % 64))) == 0) {
    return false;
  }
  return exact_.contains(password);
}

std::vector<std::string_view> Blocklist::EntriesOfLength(std::size_t length) const {
  std::vector<std::string_view> entries;
  if ((length_mask_ & LengthBit(length)) == 0) {
    return entries;
  }
  for (const std::string& entry : exact_) {
    if (entry.size() == length) {
      entries.emplace_back(entry);
    }
  }
  return entries;
}

bool Blocklist::ContainsIgnoringCase(std::string_view password) const {
  return lower_.contains(AsciiLower(password));
}

}  // namespace provisio::passwords
