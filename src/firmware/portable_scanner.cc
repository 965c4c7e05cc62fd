// The portable PatternScanner: finds each pattern's required literal, then
// confirms with std::regex in a window around it.
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>

#include "firmware/scanners.h"

namespace provisio::firmware {
namespace {

class PortableScanner final : public PatternScanner {
 public:
  struct Compiled {
    Pattern pattern;
    std::string literal;  // Lower-cased when caseless.
    std::regex regex;
  };

  explicit PortableScanner(std::vector<Compiled> compiled) : compiled_(std::move(compiled)) {
    for (const Compiled& c : compiled_) {
      any_caseless_ = any_caseless_ || c.pattern.caseless;
    }
  }

  Result<void> Scan(std::string_view data,
                    const std::function<void(const Match&)>& on_match) const override {
    std::string lowered;
    if (any_caseless_) {
      lowered.assign(data);
      for (char& c : lowered)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    for (const Compiled& c : compiled_) {
      const std::string_view haystack = c.pattern.caseless ? std::string_view(lowered) : data;
      std::set<std::pair<std::size_t, std::size_t>> seen;
      // Each literal gives a window where a match containing it must lie.
      // Overlapping windows are merged before the regex runs: a window cut
      // where the previous one ended would miss a match straddling the cut.
      auto search = [&](std::size_t begin, std::size_t end) {
        using Iterator = std::regex_iterator<std::string_view::const_iterator>;
        for (Iterator it(data.begin() + static_cast<std::ptrdiff_t>(begin),
                         data.begin() + static_cast<std::ptrdiff_t>(end), c.regex);
             it != Iterator(); ++it) {
          const std::size_t start = begin + static_cast<std::size_t>(it->position());
          const std::size_t stop = start + static_cast<std::size_t>(it->length());
          if (stop == start || !seen.insert({start, stop}).second)
            continue;
          on_match(Match{c.pattern.id, start, stop});
        }
      };
      std::size_t window_begin = 0;
      std::size_t window_end = 0;
      for (std::size_t at = haystack.find(c.literal); at != std::string_view::npos;
           at = haystack.find(c.literal, at + 1)) {
        const std::size_t from = at > c.pattern.max_length ? at - c.pattern.max_length : 0;
        const std::size_t to = std::min(data.size(), at + c.literal.size() + c.pattern.max_length);
        if (window_end > window_begin && from <= window_end) {
          window_end = std::max(window_end, to);
          continue;
        }
        if (window_end > window_begin)
          search(window_begin, window_end);
        window_begin = from;
        window_end = to;
      }
      if (window_end > window_begin)
        search(window_begin, window_end);
    }
    return {};
  }

  std::string_view Engine() const override { return "portable"; }

 private:
  std::vector<Compiled> compiled_;
  bool any_caseless_ = false;
};

}  // namespace

Result<std::unique_ptr<PatternScanner>> MakePortableScanner(const std::vector<Pattern>& patterns) {
  std::vector<PortableScanner::Compiled> compiled;
  for (const Pattern& pattern : patterns) {
    if (pattern.literal.empty()) {
      return Fail(ErrorCode::kInvalidArgument,
                  "pattern " + std::to_string(pattern.id) + " has no required literal");
    }
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if (pattern.caseless)
      flags |= std::regex::icase;
    try {
      std::string literal = pattern.literal;
      if (pattern.caseless) {
        for (char& c : literal)
          c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      compiled.push_back({pattern, std::move(literal), std::regex(pattern.regex, flags)});
    } catch (const std::regex_error& e) {
      return Fail(ErrorCode::kInvalidArgument,
                  "pattern " + std::to_string(pattern.id) + " does not compile: " + e.what());
    }
  }
  return std::unique_ptr<PatternScanner>(new PortableScanner(std::move(compiled)));
}

}  // namespace provisio::firmware
