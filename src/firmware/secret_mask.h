// Evidence snippets quote configuration lines and command lines. A line that
// switches off certificate checks or starts a service may also carry a
// password (`curl -k -u admin:pw`, `telnetd --password pw`), and the report
// must never repeat it.
#pragma once

#include <string>
#include <string_view>

namespace provisio::firmware {

// Returns `line` with the secret values it holds replaced by "****": the
// value after a key or option whose name says password, passphrase, secret,
// token, api key or psk (`password=x`, `"password": "x"`, `--password x`,
// `option password 'x'`, `<Password>x<`), the password in a URL's user info
// (`https://user:x@host`), and the password half of `-u user:x` / `--user`.
// Values that are shell variables (`$PASS`) or already masked are kept.
std::string MaskSecrets(std::string_view line);

}  // namespace provisio::firmware
