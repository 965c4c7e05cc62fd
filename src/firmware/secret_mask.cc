#include "firmware/secret_mask.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "provisio/core/text.h"

namespace provisio::firmware {
namespace {

constexpr std::string_view kMask = "****";

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t';
}

// Where the value that starts at `at` ends: at whitespace, a quote (or the
// closing `quote`), `;`, `,`, `&`, `<` or the end of the line.
std::size_t ValueEnd(const std::string& text, std::size_t at, char quote) {
  std::size_t end = at;
  while (end < text.size()) {
    const char c = text[end];
    if (quote != 0 ? c == quote
                   : (IsSpace(c) || c == '"' || c == '\'' || c == ';' || c == ',' || c == '&' ||
                      c == '<' || c == ')')) {
      break;
    }
    ++end;
  }
  return end;
}

// Replaces text[begin, end) with the mask unless it is empty, a variable or
// already masked. Returns where scanning should go on.
std::size_t MaskRange(std::string* text, std::size_t begin, std::size_t end) {
  if (end <= begin)
    return end;
  const std::string_view value = std::string_view(*text).substr(begin, end - begin);
  if (value.front() == '$' || value.substr(0, kMask.size()) == kMask)
    return end;
  text->replace(begin, end - begin, kMask);
  return begin + kMask.size();
}

// scheme://user:secret@host
void MaskUrlPasswords(std::string* text) {
  std::size_t at = 0;
  while ((at = text->find("://", at)) != std::string::npos) {
    at += 3;
    std::size_t end = at;
    while (end < text->size() && !IsSpace((*text)[end]) && (*text)[end] != '/' &&
           (*text)[end] != '"' && (*text)[end] != '\'') {
      ++end;
    }
    const std::size_t at_sign = text->rfind('@', end == 0 ? 0 : end - 1);
    if (at_sign == std::string::npos || at_sign < at)
      continue;
    const std::size_t colon = text->find(':', at);
    if (colon == std::string::npos || colon > at_sign)
      continue;
    at = MaskRange(text, colon + 1, at_sign);
  }
}

// -u user:secret, --user user:secret, --user=user:secret, --proxy-user ...
void MaskUserOptions(std::string* text) {
  std::size_t at = 0;
  while (at < text->size()) {
    while (at < text->size() && IsSpace((*text)[at]))
      ++at;
    std::size_t end = at;
    while (end < text->size() && !IsSpace((*text)[end]))
      ++end;
    const std::string_view word = std::string_view(*text).substr(at, end - at);
    std::size_t value = std::string::npos;
    if (word == "-u" || word == "--user" || word == "--proxy-user" || word == "-U") {
      value = end;
      while (value < text->size() && IsSpace((*text)[value]))
        ++value;
    } else if (word.substr(0, 7) == "--user=" || word.substr(0, 13) == "--proxy-user=") {
      value = at + word.find('=') + 1;
    } else if (word.size() > 2 && word.substr(0, 2) == "-u" && word[2] != '-') {
      value = at + 2;  // -uadmin:secret
    }
    if (value != std::string::npos && value < text->size()) {
      const char quote = (*text)[value] == '"' || (*text)[value] == '\'' ? (*text)[value] : 0;
      const std::size_t begin = quote != 0 ? value + 1 : value;
      const std::size_t stop = ValueEnd(*text, begin, quote);
      const std::size_t colon = text->find(':', begin);
      if (colon != std::string::npos && colon < stop) {
        MaskRange(text, colon + 1, stop);
        // Re-measure: the line may be shorter now.
        end = std::min(text->size(), colon + 1 + kMask.size());
      }
    }
    at = end;
  }
}

// password=secret, "password": "secret", --password secret, option psk 'x'.
void MaskKeyValues(std::string* text) {
  static constexpr std::array<std::string_view, 7> kKeys = {"pass",   "pwd",     "secret", "token",
                                                            "apikey", "api_key", "psk"};
  const std::string lower = AsciiLower(*text);
  // Positions shift as values are masked: collect first, mask from the end.
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const std::string_view key : kKeys) {
    for (std::size_t found = lower.find(key); found != std::string::npos;
         found = lower.find(key, found + 1)) {
      std::size_t at = found + key.size();
      while (at < lower.size() && IsNameChar(lower[at]) && lower[at] != '.')
        ++at;
      // `RootPasswordAuth 'on'`, `pwd_auth=yes`: a switch named after the
      // password, not the password itself.
      if (std::string_view(lower).substr(found, at - found).ends_with("auth"))
        continue;
      const bool option = found >= 1 && (*text)[found - 1] == '-';
      if (at < text->size() && ((*text)[at] == '"' || (*text)[at] == '\''))
        ++at;  // The closing quote of a JSON or YAML key.
      std::size_t value = at;
      while (value < text->size() && IsSpace((*text)[value]))
        ++value;
      if (value >= text->size())
        continue;
      const char separator = (*text)[value];
      if (separator == '=' || separator == ':' || separator == '>') {
        ++value;
        while (value < text->size() && IsSpace((*text)[value]))
          ++value;
      } else if (value == at || !(option || separator == '"' || separator == '\'')) {
        // `PasswordAuthentication yes`, `/etc/passwd`: a name, not a key.
        continue;
      }
      if (value >= text->size())
        continue;
      const char quote = (*text)[value] == '"' || (*text)[value] == '\'' ? (*text)[value] : 0;
      const std::size_t begin = quote != 0 ? value + 1 : value;
      const std::size_t end =
          separator == '>' ? text->find('<', begin) : ValueEnd(*text, begin, quote);
      ranges.emplace_back(begin, end == std::string::npos ? text->size() : end);
    }
  }
  // A key found inside an earlier value ("secret = pass:x") is part of it.
  std::sort(ranges.begin(), ranges.end());
  std::vector<std::pair<std::size_t, std::size_t>> kept;
  for (const auto& range : ranges) {
    if (kept.empty() || range.first >= kept.back().second)
      kept.push_back(range);
  }
  for (auto it = kept.rbegin(); it != kept.rend(); ++it)
    MaskRange(text, it->first, it->second);
}

}  // namespace

std::string MaskSecrets(std::string_view line) {
  std::string text(line);
  MaskUrlPasswords(&text);
  MaskUserOptions(&text);
  MaskKeyValues(&text);
  return text;
}

}  // namespace provisio::firmware
