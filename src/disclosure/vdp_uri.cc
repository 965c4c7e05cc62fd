#include "disclosure/vdp_uri.h"

#include <cstddef>

namespace provisio::disclosure::internal {
namespace {

bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsHex(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool IsUriChar(char c) {
  if (IsAlpha(c) || IsDigit(c)) {
    return true;
  }
  static constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=%";
  return kAllowed.find(c) != std::string_view::npos;
}

std::string_view Scheme(std::string_view uri) {
  const std::size_t colon = uri.find(':');
  return colon == std::string_view::npos ? std::string_view() : uri.substr(0, colon);
}

std::string HostProblem(std::string_view authority) {
  // Drop userinfo.
  const std::size_t at = authority.rfind('@');
  if (at != std::string_view::npos) {
    authority = authority.substr(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return "has an unterminated IPv6 address";
    }
    host = authority.substr(0, close + 1);
    port = authority.substr(close + 1);
    if (!port.empty() && port.front() != ':') {
      return "has text after the IPv6 address";
    }
  } else {
    const std::size_t colon = authority.find(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon);
    }
    if (host.empty()) {
      return "has no host name";
    }
    for (char c : host) {
      if (!IsAlpha(c) && !IsDigit(c) && c != '.' && c != '-' && c != '%' && c != '_') {
        return std::string("has an invalid character '") + c + "' in the host name";
      }
    }
    if (host.front() == '.' || host.front() == '-' || host.find("..") != std::string_view::npos) {
      return "has a malformed host name";
    }
  }
  if (!port.empty()) {
    port.remove_prefix(1);
    for (char c : port) {
      if (!IsDigit(c)) {
        return "has a non-numeric port";
      }
    }
  }
  return "";
}

}  // namespace

std::string UriProblem(std::string_view uri) {
  if (uri.empty()) {
    return "is empty";
  }
  for (std::size_t i = 0; i < uri.size(); ++i) {
    const char c = uri[i];
    if (c == ' ' || c == '\t') {
      return "contains whitespace";
    }
    if (!IsUriChar(c)) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f) {
        static constexpr char kHex[] = "0123456789ABCDEF";
        return std::string("contains the byte 0x") + kHex[u >> 4] + kHex[u & 0xF] +
               " (not allowed in URIs; percent-encode it)";
      }
      return std::string("contains '") + c + "' (not allowed in URIs; percent-encode it)";
    }
    if (c == '%' && (i + 2 >= uri.size() || !IsHex(uri[i + 1]) || !IsHex(uri[i + 2]))) {
      return "has a '%' not followed by two hex digits";
    }
  }
  const std::string_view scheme = Scheme(uri);
  if (scheme.empty()) {
    return "has no scheme (expected e.g. https:, mailto: or tel:)";
  }
  if (!IsAlpha(scheme.front())) {
    return "has a scheme that does not start with a letter";
  }
  for (char c : scheme) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '+' && c != '-' && c != '.') {
      return "has an invalid scheme";
    }
  }
  const std::string lower_scheme = AsciiLower(scheme);
  const std::string_view rest = uri.substr(scheme.size() + 1);
  if (rest.empty()) {
    return "has nothing after the scheme";
  }
  if (lower_scheme == "http" || lower_scheme == "https") {
    if (rest.substr(0, 2) != "//") {
      return "is missing '//' after '" + std::string(scheme) + ":'";
    }
    std::string_view authority = rest.substr(2);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    return HostProblem(authority);
  }
  if (lower_scheme == "mailto") {
    const std::size_t at = rest.find('@');
    if (at == std::string_view::npos || at == 0 || at + 1 >= rest.size()) {
      return "is not a mailto: address of the form mailto:name@domain";
    }
    return "";
  }
  if (lower_scheme == "tel") {
    bool digit = false;
    for (char c : rest.substr(0, rest.find(';'))) {
      if (IsDigit(c)) {
        digit = true;
      } else if (c != '+' && c != '-' && c != '.' && c != '(' && c != ')') {
        return "is not a tel: number (RFC 3966)";
      }
    }
    return digit ? "" : "is not a tel: number (RFC 3966)";
  }
  return "";
}

bool IsWebUri(std::string_view uri) {
  const std::string scheme = AsciiLower(Scheme(uri));
  return scheme == "http" || scheme == "https";
}

bool IsHttpsUri(std::string_view uri) {
  return AsciiLower(Scheme(uri)) == "https";
}

bool IsLanguageTag(std::string_view tag) {
  if (tag.empty()) {
    return false;
  }
  bool first = true;
  while (true) {
    const std::size_t dash = tag.find('-');
    const std::string_view subtag = tag.substr(0, dash);
    if (subtag.empty() || subtag.size() > 8) {
      return false;
    }
    for (char c : subtag) {
      if (!IsAlpha(c) && (first || !IsDigit(c))) {
        return false;
      }
    }
    if (first) {
      // Primary language subtags: 2-3 letters, 5-8 letters, or "x"/"i".
      const bool ok = subtag.size() == 2 || subtag.size() == 3 || subtag.size() >= 5 ||
                      subtag == "x" || subtag == "X" || subtag == "i" || subtag == "I";
      if (!ok) {
        return false;
      }
    }
    first = false;
    if (dash == std::string_view::npos) {
      return true;
    }
    tag = tag.substr(dash + 1);
  }
}

}  // namespace provisio::disclosure::internal
