#!/usr/bin/env bash
# Scans the planted and the clean test image with the provisio CLI and checks
# the SARIF 2.1.0 log with Microsoft's SARIF Multitool and the CycloneDX 1.6
# SBOM with @cyclonedx/cyclonedx-library.
# usage: firmware_interop.sh PROVISIO NODE
set -euo pipefail
provisio=$1
node=$2
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/@microsoft/sarif-multitool-linux" ] || [ ! -d "$here/node_modules/@cyclonedx/cyclonedx-library" ]; then
  echo "firmware_interop: npm peers missing; run scripts/npm-setup" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for kind in planted clean; do
  mkdir -p "$work/$kind"
  bash "$here/../../integration/firmware_make_images.sh" "$work/$kind" "$kind" >/dev/null
  status=0
  "$provisio" firmware scan "$work/$kind/uimage-squashfs.bin" --sarif "$work/$kind.sarif" \
    --sbom "$work/$kind.cdx.json" --no-pattern-cache >/dev/null || status=$?
  expected=0
  [ "$kind" = planted ] && expected=3
  if [ "$status" -ne "$expected" ]; then
    echo "firmware_interop: $kind scan exited $status, expected $expected" >&2
    exit 1
  fi
  "$node" "$here/sarif-validate.mjs" "$work/$kind.sarif"
  "$node" "$here/cdx-validate.mjs" "$work/$kind.cdx.json" 1.6
done
echo "firmware_interop: SARIF and CycloneDX outputs valid"
