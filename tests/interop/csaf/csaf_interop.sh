#!/usr/bin/env bash
# Builds CVD cases through the provisio CLI, exports each as a CSAF 2.0
# advisory and as VEX, and requires @secvisogram/csaf-validator-lib (strict
# schema + mandatory tests 6.1.x) to accept every document.
# usage: csaf_interop.sh PROVISIO NODE
set -euo pipefail
provisio=$1
node=$2
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/@secvisogram/csaf-validator-lib" ]; then
  echo "csaf_interop: npm peers missing; run scripts/npm-setup" >&2
  exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
store="$work/cvd.db"

cvd() {
  "$provisio" cvd "$@" --store "$store" --actor ci
}
export_both() {
  local id=$1 name=$2
  cvd export-csaf "$id" --out "$work/$name-advisory.json" \
    --publisher-name "Example IoT Corp" --publisher-namespace https://iot.example.com >/dev/null
  cvd export-csaf "$id" --out "$work/$name-vex.json" --vex \
    --publisher-name "Example IoT Corp" --publisher-namespace https://iot.example.com >/dev/null
}

# 1. Full lifecycle: v3.1 with temporal metrics, affected + not affected,
#    fix, release, disclosure, close (final advisory, several revisions).
a=$(cvd open --reporter alice@example.org --summary "Authentication bypass in the web UI" \
  --channel email --received 2026-01-05T09:00:00Z --at 2026-01-05T10:00:00Z)
cvd acknowledge "$a" --at 2026-01-05T12:00:00Z >/dev/null
cvd triage "$a" valid --cve CVE-2026-10001 --at 2026-01-06T12:00:00Z >/dev/null
cvd severity "$a" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/RL:O" --at 2026-01-06T13:00:00Z >/dev/null
cvd affected "$a" --product "Camera X1" --versions 1.2.3 --status affected --at 2026-01-06T14:00:00Z >/dev/null
cvd affected "$a" --product "Camera X1" --versions 0.9.0 --status not_affected \
  --justification component_not_present --impact "The web UI was added in 1.0." --at 2026-01-06T15:00:00Z >/dev/null
cvd fix "$a" --description "Check the session token on every request" --ref 4f2a9c1 --at 2026-01-20T10:00:00Z >/dev/null
cvd release "$a" 1.2.4 --at 2026-01-25T10:00:00Z >/dev/null
cvd disclose "$a" https://iot.example.com/advisories/2026-0001 --at 2026-02-01T10:00:00Z >/dev/null
cvd severity "$a" "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:C/CR:H/MAV:A" --at 2026-02-02T10:00:00Z >/dev/null
cvd close "$a" --at 2026-02-03T10:00:00Z >/dev/null
export_both "$a" lifecycle

# 2. v4.0 vector, still under investigation, not disclosed (draft).
b=$(cvd open --reporter bob@example.org --summary "Heap overflow in the MQTT parser" \
  --received 2026-02-10T09:00:00Z --at 2026-02-10T09:00:00Z)
cvd acknowledge "$b" --at 2026-02-10T10:00:00Z >/dev/null
cvd severity "$b" "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" --at 2026-02-10T11:00:00Z >/dev/null
cvd affected "$b" --product "Hub" --versions "<2.0.0" --status under_investigation --at 2026-02-10T12:00:00Z >/dev/null
export_both "$b" v4-draft

# 3. Two products, version ranges, affected with no fix yet, no CVE.
c=$(cvd open --reporter carol@example.org --summary "Hard-coded debug password" \
  --received 2026-03-01T09:00:00Z --at 2026-03-01T09:00:00Z)
cvd acknowledge "$c" --at 2026-03-01T10:00:00Z >/dev/null
cvd triage "$c" valid --at 2026-03-02T10:00:00Z >/dev/null
cvd severity "$c" "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:L/A:N" --at 2026-03-02T11:00:00Z >/dev/null
cvd affected "$c" --product "Plug S" --versions "all versions before 3.1" --status affected --at 2026-03-02T12:00:00Z >/dev/null
cvd affected "$c" --product "Plug M" --versions 2.0.0 --status affected --at 2026-03-02T12:30:00Z >/dev/null
cvd affected "$c" --product "Plug M" --versions 1.0.0 --status not_affected \
  --justification vulnerable_code_not_present --at 2026-03-02T13:00:00Z >/dev/null
cvd fix "$c" --description "Remove the debug account" --at 2026-03-05T13:00:00Z >/dev/null
export_both "$c" no-release

# 4. Disclosed without a release yet (90-day deadline), fixed products listed.
d=$(cvd open --reporter dave@example.org --summary "Cleartext firmware download" \
  --received 2026-01-01T00:00:00Z --at 2026-01-01T00:00:00Z --cve CVE-2026-10004)
cvd acknowledge "$d" --at 2026-01-02T00:00:00Z >/dev/null
cvd triage "$d" valid --at 2026-01-03T00:00:00Z >/dev/null
cvd affected "$d" --product "Camera X2" --versions 3.0.0 --status affected --at 2026-01-03T01:00:00Z >/dev/null
cvd affected "$d" --product "Camera X2" --versions 3.1.0 --status fixed --at 2026-01-03T02:00:00Z >/dev/null
cvd disclose "$d" https://iot.example.com/advisories/2026-0004 --at 2026-04-01T00:00:00Z >/dev/null
export_both "$d" disclosed-unfixed

cvd verify >/dev/null
cd "$here"
"$node" validate.mjs "$work"/*.json
