// Password hashes of web servers' password files (.htpasswd, lighttpd and
// BusyBox httpd), in the forms libxcrypt does not know: Apache's MD5
// variant ($apr1$) and the salt-less {SHA} form.
#pragma once

#include <string>
#include <string_view>

namespace provisio::firmware {

// Whether `hash` is `password` hashed as "$apr1$salt$digest" (md5crypt's
// algorithm with "$apr1$" as its magic) or "{SHA}base64(sha1)". False for
// any other form.
bool WebPasswordMatches(std::string_view password, std::string_view hash);

// Whether `hash` has one of the forms WebPasswordMatches checks.
bool IsWebPasswordHash(std::string_view hash);

}  // namespace provisio::firmware
