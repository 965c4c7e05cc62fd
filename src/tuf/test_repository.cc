#include "tuf/test_repository.h"

#include <chrono>
#include <iterator>

#include <openssl/evp.h>

#include "provisio/core/sha256.h"
#include "provisio/tuf/target_verifier.h"

namespace provisio::tuf::testing {
namespace {

// Fixed RSA-2048 TEST keys (not secrets, used only by unit tests): RSA key
// generation takes seconds on a loaded machine, and every TEST runs in its
// own process under ctest.
const char* const kRsaTestKeys[] = {
    R"(-----BEGIN PRIVATE KEY-----
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQCiS9ejJqRMOecA
A1ymiuRMMlcsqhYcNVjuJ1j3o2yL7ZBHjb+tFnh8TZUuIxpWCgrWVksipaKucgw4
gQqaRa6G2oBI6zbAKtvTORXCWpfKLKj5HBraI9ei2uid5nWHZftszKPwt/MrWZq4
aL4FD768OrQSbk/8hwznlCC3srNXCh0Lu4dPqQOhsanmSNjEYZgM5BDs86vaO8to
OPd38wYkozXDOcNvqEEE1+KVFWy5Bh0Dcu/DVVzVm/nj0I163mBkcFiisFAvh+Nj
nvXDLeWgCesGHFp22/N54+MkeOR0cxglkYEz0vrh4wDLHHlNMkFzV7fduXWNsOHS
siEwx8jZAgMBAAECggEAE+SFq3Xfrsesmp3u3+t3iOblNEBrSh0YV8WLJDxb4ElX
tUuIrlWqIjtMsR1km53qvuOQHVCt0GHCgXUAqJDor9cNoRJykSqXq+vL8NjzkLh5
ZCJHoMwCoO+h0kPWjUho4Uiygf18EOjQW/DbtKldxLrRyk4K4A4qHOL1QSrmTEFL
PvNqns618N+6tsNkQweUKebgpxZy+JEA/Pnd7Yll4KskSnddxz/GdeRU1BsvGulA
PlLVlc1UQa4GZNVFY5BNfEZ4rvTeCYZYwszV9slXVz08XPZCqXcnNB1ygX1+LZnF
PSjWIv/PJ+uEx6It/tQcpOdFMIUwhqJxs5xrmmh4MQKBgQDMGW1cfiFT2s4DPDNu
1w3CA0yzWMPtOQR7CsW5s4DEzO2fPNYrq8plRTZ5hqYMCf5ie3nexXbr81MqMIlu
qWau/p8iq7XxhQ52e23bAY64b6u0jV7Ub4I80UnCDvtDy1G4CPv+TRiRMfSmKYMf
wAiFmupxI7vZL0ZGJ/O+4Jk0CQKBgQDLkRh6RNFS9q7z6UO/H5wmE8GVEmmb5mSB
p7av692rKFv6P2ljobOJn+tjJ5ZZywD7wLOI917Pwfz17oZqy5j4e61BgO74Be4h
91zExQ/XajMtqFQtLr4TX35hIHQnM2dfd/I4i0onN5Bp5k5UeNbPuCFce9uc8KoW
pNL4+sRCUQKBgBBvF7Qz38EdxCrUhRuuq0fs9hcW1afbSHYT1vnt7zdpfNSulFwt
1/0xhoJgiiw7/cS2Rojeg4XaMN8by2UitMbwb6XeB6dr3E9D/wN8a56EN2IxY+pd
FDKLc5HxnN/HlkvoRUojsQ+34wgiHZHH56fCYpA7nVuOh+0MOH8tHIjpAoGAIAI7
qBYkF/iEAARgy6+rvO0EVm1jv8jVavG1LypWW7Bn7gyEhM8LTQuhVqEF6i6ag/uD
/3huJxrorL8J0ccb0Y6Y6qDccpF0JVEg/CvEVunzDC3YtpYP+znbxGf2+6cAjSlu
I+f7C/mXsp8tF+k8VcMtM76iBKZvCEp4hf/gVlECgYBrz1lHaVA88A9Fk8D1pWSR
s4UCvCH4WBuLhczgrtuH3Gr8r3g78Su/BMtmEkMExNCMjImsTV06WgpZZ+kNodHZ
BnSST5jbudPXTy4HirvHI+paWz8vsIEYVFBVZR8qelcIU4VW8aKxsCJ2d6bKqoWH
nwJmkrBG4T+HQDY/7S2/NA==
-----END PRIVATE KEY-----
)",
    R"(-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQC9aQNObOiR/V8N
ysJvldEsjjmzCJI5cEB20USd/vcRYa00OK4N3qmALJZAoxuHEPmYKFzCigWJmapt
b9uRHLCgU3I/TROZ2jvkUbOdJg6BuyFhWq/16O9VFRftU0kWAYa0lYzeTHaIoFGs
4naLgXuS8BV6F6gQHy4DJqIxkjf8LG+lZ5hRi0LV9+hYe5zQlg6FQHuOBGQjhR/j
WPC4t2h3ApuYVoiOV+U0+KkapnaXecMtX4Xqf03fGOMiQwZefGCEnoUJ9gKeYyQy
5ErFMnw8kD5hAykccgebnWYf2ncDF9J6ZJPAtXphJ3eIUcNqKdpsaBUDCmCwUjQ/
d77Gi5DFAgMBAAECggEAM30yDGY3vMPzTIUDYSEJaULKdZxNX7bfl00hCZAvaray
RmFoE1YlnrXALJcKWyemqhHC0ZGCmtq+hRxkxChX7WVxx7p0qxyzrkf1ezFGvUZ4
9wWXktI9CVSAGiBLXGOS0lFbJ20CxfZK7aPsVNUgmhuQww1ePu+y6uFcMvyMIo0b
t3WLUntycZB1znDlbW+sHCOf5BqxbUfByTznHeawiOTdx+plw++x/zT5PURZ7E8r
V9r3qsKx7o8CPQKSYKdREkZrUp2WKPgpTWIYl8dkDRdhUPAqldTLOoUqHx6hSjpJ
0VZWhzHaHGEMe9xktNQSBWr66jq7ZAd4SKI5KG6kuwKBgQDu977S6SCcsoh+0gFb
1xKrNUDH+i7oSA9luDTWpYHLdh4p3XRGlz/1I79iuJjc+bfb/cYsqXleramYftD2
vrqHBNXbkTDAWCQWfhOlNOgaA4Ev61Qnw5Km6IuY5ir7DcbHUbOskmOKj8GHDFam
suyiY7/EUSiXssD7EliweOA8awKBgQDK6QfDj560Hqp5BjSI6wNRq2DcSHNEjKXM
qYLOYu8q7hAClcHz0asu3uFtfk1iMqrWeyRqm+06+z+HvMKaj0IbzlIN/kAOh2v5
1Seyk7fJ08pqJ3aj+V/iJl88pk0N6ynUG4iTs2euPx8ZhIoqtzau06Qi1rdSTUFh
wRdbV+GzjwKBgQDqM7i7sGub54XK9TsLrX/IeAqjc1khoe4lPSHb9J1+sKbjVP0u
afHu6TgbItv+Rmehndfp0bb3ya/bmv5ltYvN5DlMVcG34SqNOMc8NNv9Es48DqGN
zykdl++ozHv3TQsyMaqsSVRxam67UqZh/h3ZEXXSi9ACzNhBuTteyTjLPQKBgG4J
OSCgPdxH1QKUjuDBMaeUXI6Y64l9DFyUgE8T78dEGoKMXAWw6jgcvfr2x1g9Sc/O
L81wiZG2tpkRkCbpEVyq4mycOHioj7GIGmMJIF3e8KHojLoXfhvR20u0k4y8vo47
8DDI1az0phTcf2DywkDEnPoXnoqPQqmUYOo0Gj2ZAoGBAI6EI0rU49d6r7ZdWfph
vaanA2As4Qql4WDXCAKy/syC6ibtlK42JUrDCSbBYUq2f+yuRL7ReANsVnG9dzY2
Ov4AlUUVVzXFLVR3A5GAJQH4lijQ8g1gKNLg4ebN0ZKAH9M6hlIKs//ytL9yIfEL
a+T+tyC7izWrU7atqkYe8Wg/
-----END PRIVATE KEY-----
)",
    R"(-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDDESEAb0ITijjT
bNepmrC+N/ooBHi2neDxVTFgvpKMm9l4iHvgN22nRCLdUZfVjFNjY7QgtmJlazGR
Pa0DSwfv5M2P7DLqx98T9qIpXi0bUXhcm8IY2Xwq5Un2aEf7+wetKvpYIe3rhNQ/
ZNRIHKLHRNjS+5PEQYPe1E7955z2ydMFnwIVtg/Mf1R/tdC04SA3ngkvkQbpJJdC
ZMlDkHiAxo6D2gJZUk3mG945drdCNYwllu6dURlhVH2D5vVjm1h/KJ5iSn/tTvPb
58JIrzdASs4UzlGCKJK0Ek+W2LvgDg//+VtlcfSA/9cV7GFE5uNJ28gBdiDByJ0t
44VjppdrAgMBAAECggEAP3QGdrQ6W83WL1xUCQ1TWgUugC74L3tK7WYnkk9br5aQ
1uca2LRfHI6LAtBkYihsBcQsl4mMl24XqSXVbmFNWylj/uG4LGxI8h8D4A4NATpu
uz1FlbzFadS9SwTgCaU+eYOl/N5InRjPzDFZ5n0+LDEGkRcaGbiwE1+ftHNPuW0a
RmtQDLP8jk69jvSQFMkj8YkHKVaEsYCBmmidG5gP2itt5lCLtLYh43/910RU16vF
mvqEpc0vVOjlUc1cu+zWpuE7fMgypsFe3PGzOQAFb0dO2f9xug8uGUx4h6rU6SSH
SmKMFEHKi3wdymDRbaAACb7oUBrDUcjAyGR889Hs1QKBgQD576GSRYe6wrbpwPif
8actrXSYybQnL59ZhPQGXOHFgO53VgP+Cygrf4tQ33BLRWEs9fSi6a0mij24pvgK
mIKR26wm9f5IgvG03NwRYnUvlRYobEe+aBI6mqU0wcm/7jnHbY8P41pNWYKRrrWS
j75siIQKVYdmuIwA+kjutb2ILQKBgQDHzLO0tHWTGY7sL81b+fnLyurQKoV4hMiN
fpYPHyGypHH29rZbR1oO+b2MolG8pERBnMzmWnl0mGP/eTCSh02CegLAX6OBhowt
5gskg2gz7Y4MNkG1xRx/G9O33SE621B2bs/54LUuTIVqW+OP2DkqYRKMT6dIsE7c
r0ZMP3WE9wKBgBDgHi+rJCv3A7Sqw97AyUHrSUkbrV9L9t1rfbKESPY162QBWcmo
ZTDyrqxqOcHLUHFhtf/d+UP15471LyBABejlRS1oRKAOv1Uv6GgAFtt8nH9kOD/h
9QEh+e+i+gVMh3gwrI0tE6bPWWKOwlHABOJ9ITU1aywDX+ic/ZmoicCNAoGAeMpr
1pLHBjCMdIQNzk5ZU3iQ71rVqF/2c3yVMf0rPTon4BuVcae4bZdUniI/8iEJVvV5
9sW56eB7jCbzU5LTLE+hPDZVvmfedZ0/HUsIg2RZ3U4r+b16Fep33A+nGFMg2Qjz
WWkdgCko+30kHYGmRdW8BfHd+5cDhm28vTocTU8CgYEAtL7Ob8TWosUyu0AZ4eOG
nP/mLCw1qINB0X8cwtFePmbQ5RqZ5WbzNq4yhh8vnkUVAKw9liTgsfUK2+wBfVut
+siGAt4+d4vjBsUxrthBVEjOuiLg7/m/DYk+ijYh6Hr5YggaQ4URfh+jnGAhouIg
EUJSHnzG4Gi08a/R5evp4lE=
-----END PRIVATE KEY-----
)",
};

std::string Sha512Hex(const std::string& content) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(content.data(), content.size(), digest, &length, EVP_sha512(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

MetaFile Describe(const std::string& bytes, std::int64_t version) {
  MetaFile meta;
  meta.version = version;
  meta.length = bytes.size();
  meta.hashes["sha256"] = Sha256Hex(bytes);
  return meta;
}

}  // namespace

TimePoint TestNow() {
  Result<TimePoint> now = ParseUtc("2030-01-01T00:00:00Z");
  PROVISIO_CHECK(now.has_value());
  return *now;
}

KeyPair NewKey(KeyType type) {
  if (type == KeyType::kRsaPss) {
    static std::size_t next = 0;
    Result<KeyPair> key =
        KeyPair::FromPrivateKeyPem(kRsaTestKeys[next++ % std::size(kRsaTestKeys)]);
    PROVISIO_CHECK(key.has_value());
    return *key;
  }
  Result<KeyPair> key = KeyPair::Generate(type);
  PROVISIO_CHECK(key.has_value());
  return *key;
}

TestRepository::TestRepository(KeyType type) {
  const TimePoint expires = TestNow() + std::chrono::days(365);
  root.body.expires = expires;
  root.body.consistent_snapshot = true;
  for (const char* role : {"root", "timestamp", "snapshot", "targets"}) {
    SetRoleKeys(role, {NewKey(type)}, 1);
  }
  targets.body.expires = expires;
  snapshot.body.expires = expires;
  timestamp.body.expires = expires;
  Refresh();
}

void TestRepository::SetRoleKeys(const std::string& role,
                                 const std::vector<KeyPair>& keys,
                                 int threshold) {
  RoleKeys& entry = root.body.roles[role];
  entry.keyids.clear();
  for (const KeyPair& key : keys) {
    root.body.keys[key.key_id()] = key.public_key();
    entry.keyids.push_back(key.key_id());
  }
  entry.threshold = threshold;
  signers[role] = keys;
}

DelegatedRole& TestRepository::Delegate(const std::string& parent,
                                        const std::string& name,
                                        std::vector<std::string> paths,
                                        bool terminating) {
  Metadata<Targets>& delegator = parent == "targets" ? targets : delegated.at(parent);
  if (!delegator.body.delegations) {
    delegator.body.delegations.emplace();
  }
  KeyPair key = NewKey();
  delegator.body.delegations->keys[key.key_id()] = key.public_key();
  DelegatedRole role;
  role.name = name;
  role.keyids = {key.key_id()};
  role.threshold = 1;
  role.terminating = terminating;
  role.paths = std::move(paths);
  delegator.body.delegations->roles.push_back(role);
  signers[name] = {key};
  Metadata<Targets>& child = delegated[name];
  child.body.expires = targets.body.expires;
  return delegator.body.delegations->roles.back();
}

void TestRepository::AddTarget(const std::string& role,
                               const std::string& path,
                               const std::string& content) {
  Metadata<Targets>& metadata = role == "targets" ? targets : delegated.at(role);
  TargetFile file;
  file.length = content.size();
  file.hashes["sha256"] = Sha256Hex(content);
  file.hashes["sha512"] = Sha512Hex(content);
  metadata.body.targets[path] = file;
}

std::string TestRepository::TargetsBytes(const std::string& role) const {
  if (role == "targets") {
    return Cached(targets, signers.at("targets"));
  }
  return Cached(delegated.at(role), signers.at(role));
}

void TestRepository::Refresh() {
  snapshot.body.meta.clear();
  snapshot.body.meta["targets.json"] = Describe(TargetsBytes(), targets.body.version);
  for (const auto& [name, role] : delegated) {
    snapshot.body.meta[name + ".json"] = Describe(TargetsBytes(name), role.body.version);
  }
  timestamp.body.snapshot_meta = Describe(SnapshotBytes(), snapshot.body.version);
}

void TestRepository::Bump(const std::string& role) {
  if (role == "root") {
    ++root.body.version;
  } else if (role == "timestamp") {
    ++timestamp.body.version;
  } else if (role == "snapshot") {
    ++snapshot.body.version;
  } else if (role == "targets") {
    ++targets.body.version;
  } else {
    ++delegated.at(role).body.version;
  }
}

}  // namespace provisio::tuf::testing
