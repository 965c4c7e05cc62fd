#!/usr/bin/env bash
# Interop of provisio's TUF repository tool and client with tuf-js, for each
# key type, over loopback HTTP on ephemeral ports:
#   1. a repository made by `provisio update repo` is read by the tuf-js
#      Updater (refresh + download of a target with custom metadata);
#   2. a repository built and signed with @tufjs/models (custom metadata
#      whose keys sort differently in UTF-16 and code point order) is read by
#      provisio-tuf-client (init, refresh, download).
# Usage: run_interop.sh PROVISIO_BIN TUF_CLIENT_BIN
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
provisio=$1
tuf_client=$2
if ! command -v node >/dev/null || [ ! -d "$here/node_modules/tuf-js" ]; then
  echo "run_interop: node or tests/interop/tuf/node_modules missing (run scripts/npm-setup)" >&2
  exit 1
fi
work=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

for key_type in ed25519 ecdsa rsa; do
  echo "== $key_type: provisio repository -> tuf-js client"
  repo="$work/$key_type-provisio"
  printf 'provisio firmware for %s\n' "$key_type" >"$work/fw-$key_type.bin"
  "$provisio" update repo init "$repo" --key-type "$key_type" >/dev/null
  "$provisio" update repo add "$repo" "$work/fw-$key_type.bin" --name "fw/router.bin" \
    --hardware-id router-a --version 1.2.0 --security-version 4 >/dev/null
  "$provisio" update repo publish "$repo" >/dev/null
  node "$here/interop.js" client "$repo" fw/router.bin "$work/fw-$key_type.bin" \
    "$work/$key_type-tufjs-client"
  "$provisio" update evidence "$repo" --out "$work/evidence-$key_type.json" >/dev/null
  grep -q '"5.3-7"' "$work/evidence-$key_type.json"
  if grep -rq "PRIVATE KEY" "$work/evidence-$key_type.json" "$repo/metadata"; then
    echo "run_interop: private key material outside keys/" >&2
    exit 1
  fi

  echo "== $key_type: @tufjs/models repository -> provisio-tuf-client"
  peer="$work/$key_type-tufjs"
  node "$here/interop.js" build-repo "$peer" "$key_type"
  rm -f "$work/port"
  node "$here/interop.js" serve "$peer" "$work/port" &
  server_pid=$!
  for _ in $(seq 300); do [ -s "$work/port" ] && break; sleep 0.1; done
  base="http://127.0.0.1:$(cat "$work/port")"
  client="$work/$key_type-provisio-client"
  "$tuf_client" --metadata-dir "$client/metadata" init "$peer/metadata/1.root.json"
  "$tuf_client" --metadata-url "$base/metadata" --metadata-dir "$client/metadata" refresh
  "$tuf_client" --metadata-url "$base/metadata" --metadata-dir "$client/metadata" \
    --target-name fw/image.bin --target-dir "$client/targets" --target-base-url "$base/targets" \
    download
  cmp "$client/targets/fw%2Fimage.bin" "$peer/expected.bin"
  cmp "$client/metadata/timestamp.json" "$peer/metadata/timestamp.json"
  echo "provisio-tuf-client: refreshed and downloaded fw/image.bin"
  # The client reads time(2): under libfaketime 40 days on, the peer's
  # 30-day metadata has expired and a refresh must fail (freeze attack).
  if command -v faketime >/dev/null; then
    if faketime -f '+40d' "$tuf_client" --metadata-url "$base/metadata" \
        --metadata-dir "$client/metadata" refresh 2>/dev/null; then
      echo "run_interop: refresh accepted expired metadata under faketime" >&2
      exit 1
    fi
    echo "provisio-tuf-client: expired metadata refused under faketime +40d"
  fi
  kill "$server_pid"
  wait "$server_pid" 2>/dev/null || true
  server_pid=
done
echo "run_interop: all key types interoperate both ways"
