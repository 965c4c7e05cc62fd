#!/bin/sh
# TUF refresh benchmark: provisio-tuf-client against the tuf-js client,
# refreshing from and downloading one target of loopback repositories with
# N targets, in one run.
#
#   bench/run_tuf_refresh.sh [BUILD_DIR] [COUNTS...]
#
# Defaults: BUILD_DIR=build, COUNTS="1000 10000 100000". For each N the
# repository is built once per layout with `provisio update repo`:
#   single  - every target in the top-level targets role;
#   bins    - `delegate --hash-bins B` (B = 16 below 10,000 targets, else 256),
#             targets spread over B delegated roles by the hash of their path.
# The repository is served by a small Node static file server on 127.0.0.1
# (ephemeral port) and both clients start from a fresh metadata directory
# holding only 1.root.json:
#   provisio - two processes of the conformance protocol's client:
#              `provisio-tuf-client init` (trust the root file), then
#              `download`, which runs the whole refresh workflow (timestamp,
#              snapshot, targets, delegation search) and fetches the target;
#   tuf-js   - one node process: Updater.refresh(), getTargetInfo(),
#              downloadTarget() (bench/tuf_refresh_client.js).
# Wall and CPU seconds (user+sys, children included) and peak RSS come from
# /usr/bin/time. Best of RUNS runs (default 3); tuf-js runs once above 1,000
# targets, only up to TUFJS_MAX targets (default 10000; its cost grows with
# the square of N) and under a TUFJS_TIMEOUT (default 300 s).
#
# Needs node and tests/interop/tuf/node_modules (scripts/npm-setup), python3.
# Not part of the CI tests.
set -eu

build_dir=${1:-build}
[ $# -gt 0 ] && shift
counts=${*:-1000 10000 100000}
runs=${RUNS:-3}
tufjs_max=${TUFJS_MAX:-10000}
tufjs_timeout=${TUFJS_TIMEOUT:-300}

here=$(cd "$(dirname "$0")" && pwd)
provisio="$build_dir/src/cli/provisio"
[ -x "$provisio" ] || provisio="$build_dir/provisio"
client="$build_dir/src/update/provisio-tuf-client"
[ -x "$client" ] || client="$build_dir/provisio-tuf-client"
for program in "$provisio" "$client"; do
  if [ ! -x "$program" ]; then
    echo "run_tuf_refresh.sh: $program not found; build it with: ninja -C $build_dir provisio provisio-tuf-client" >&2
    exit 1
  fi
done
export NODE_PATH="$here/../tests/interop/tuf/node_modules"
if ! command -v node >/dev/null || [ ! -d "$NODE_PATH/tuf-js" ]; then
  echo "run_tuf_refresh.sh: node or $NODE_PATH/tuf-js missing (run scripts/npm-setup)" >&2
  exit 1
fi
js="$here/tuf_refresh_client.js"

work=$(mktemp -d "${TMPDIR:-/tmp}/tuf-refresh.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# timed CMD...: runs CMD once under /usr/bin/time; prints "<wall s> <CPU s>
# <peak RSS KiB>" or "fail".
timed() {
  if /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >"$work/out" 2>&1; then
    read -r t u k m <"$work/time"
    awk -v t="$t" -v u="$u" -v k="$k" -v m="$m" 'BEGIN { printf "%.2f %.2f %d\n", t, u + k, m }'
  else
    echo "run_tuf_refresh.sh: failed: $*" >&2
    tail -5 "$work/out" >&2
    echo fail
  fi
}

# best RUNS CMD...: the run with the least wall time out of RUNS runs.
best() {
  n=$1
  shift
  result=""
  i=0
  while [ "$i" -lt "$n" ]; do
    r=$(timed "$@")
    [ "$r" = fail ] && { echo fail; return; }
    if [ -z "$result" ] || [ "$(echo "$r $result" | awk '{ print ($1 < $4) }')" = 1 ]; then
      result=$r
    fi
    i=$((i + 1))
  done
  echo "$result"
}

# The timed commands, as scripts /usr/bin/time can run:
# SCRIPT METADATA_URL TARGET_URL ROOT_FILE TARGET_NAME.
cat >"$work/provisio_run" <<EOF
#!/bin/sh
set -e
rm -rf "$work/pc"
"$client" --metadata-dir "$work/pc/metadata" init "\$3"
# download runs the whole refresh workflow first, then fetches the target:
# one process does what the tuf-js script does (a separate refresh process
# would refresh twice).
"$client" --metadata-url "\$1" --metadata-dir "$work/pc/metadata" --target-name "\$4" \\
  --target-dir "$work/pc/targets" --target-base-url "\$2" download
EOF
cat >"$work/tufjs_run" <<EOF
#!/bin/sh
rm -rf "$work/jc"
exec timeout "$tufjs_timeout" node "$js" client "\$1" "\$2" "\$3" "$work/jc" "\$4"
EOF
chmod +x "$work/provisio_run" "$work/tufjs_run"

rows="$work/rows"
: >"$rows"
# One source tree for the largest N, 1,000 files a directory; a repository
# of N targets adds the first N / 1000 directories.
max=0
for n in $counts; do
  if [ $((n % 1000)) -ne 0 ] || [ "$n" -lt 1000 ]; then
    echo "run_tuf_refresh.sh: counts must be multiples of 1000 (got $n)" >&2
    exit 2
  fi
  [ "$n" -gt "$max" ] && max=$n
done
src="$work/src"
echo "writing $max target files ..." >&2
python3 - "$src" "$max" <<'EOF'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    d = os.path.join(root, "fw", "d%03d" % (i // 1000))
    if i % 1000 == 0:
        os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "image-%06d.bin" % i), "w") as f:
        f.write("firmware image %d\n" % i)
EOF
for n in $counts; do
  dirs=$(i=0; while [ "$i" -lt $((n / 1000)) ]; do printf '%s/fw/d%03d ' "$src" "$i"; i=$((i + 1)); done)
  middle=$((n / 2))
  target=$(printf 'fw/d%03d/image-%06d.bin' $((middle / 1000)) "$middle")
  if [ "$n" -lt 10000 ]; then bins=16; else bins=256; fi
  for layout in single bins; do
    repo="$work/repo-$n-$layout"
    "$provisio" update repo init "$repo" >/dev/null
    if [ "$layout" = bins ]; then
      "$provisio" update repo delegate "$repo" --hash-bins "$bins" >/dev/null
      label="$bins hash bins"
    else
      label="targets role"
    fi
    echo "N=$n $layout: adding and publishing ..." >&2
    # shellcheck disable=SC2086 # $dirs: one word per directory.
    build=$(timed sh -c 'p=$1 r=$2 b=$3; shift 3; "$p" update repo add "$r" "$@" --base-dir "$b" &&
      "$p" update repo publish "$r"' sh "$provisio" "$repo" "$src" $dirs)
    [ "$build" = fail ] && exit 1
    size=$(du -sk "$repo/metadata" | cut -f1)
    rm -f "$work/port"
    node "$js" serve "$repo" "$work/port" &
    server_pid=$!
    for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
    base="http://127.0.0.1:$(cat "$work/port")"
    set -- "$base/metadata" "$base/targets" "$repo/metadata/1.root.json" "$target"
    echo "N=$n $layout: provisio-tuf-client ..." >&2
    p=$(best "$runs" "$work/provisio_run" "$@")
    [ "$p" = fail ] && exit 1
    cmp -s "$work/pc/targets/$(echo "$target" | sed 's|/|%2F|g')" \
      "$src/$target" || { echo "run_tuf_refresh.sh: provisio downloaded wrong bytes" >&2; exit 1; }
    j="skipped"
    if [ "$n" -le "$tufjs_max" ]; then
      echo "N=$n $layout: tuf-js ..." >&2
      if [ "$n" -le 1000 ]; then tufjs_runs=$runs; else tufjs_runs=1; fi
      j=$(best "$tufjs_runs" "$work/tufjs_run" "$@")
      [ "$j" = fail ] && j="failed/timeout"
    fi
    kill "$server_pid"
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    echo "$n|$layout|$label|$size|$build|$p|$j" >>"$rows"
    rm -rf "$repo"
  done
done

echo
echo "TUF refresh + download of one target, loopback, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "(provisio: init + download (refresh included), 2 processes, best of $runs; tuf-js: refresh+getTargetInfo+downloadTarget,"
echo " best of $runs at <= 1,000 targets, else 1 run; seconds wall / CPU, peak RSS MiB)"
printf '%8s %-15s %8s %12s | %8s %7s %7s | %8s %7s %7s | %9s\n' \
  targets layout "meta MiB" "build wall s" "provisio" "CPU s" "RSS" "tuf-js" "CPU s" "RSS" "speedup"
awk -F'|' '{
  split($5, b, " "); split($6, p, " "); n = split($7, j, " ");
  line = sprintf("%8d %-15s %8.1f %12s | %8s %7s %7.1f |", $1, $3, $4 / 1024, b[1], p[1], p[2], p[3] / 1024);
  if (n == 3) {
    line = line sprintf(" %8s %7s %7.1f | %8.1fx", j[1], j[2], j[3] / 1024, j[1] / (p[1] > 0 ? p[1] : 0.01));
  } else {
    line = line sprintf(" %-24s |", $7);
  }
  print line;
}' "$rows"
echo
for layout in single bins; do
  awk -F'|' -v l="$layout" '$2 == l { split($6, p, " "); t[$1] = p[1]; c[$1] = p[2] }
    END {
      if ((10000 in t) && (100000 in t))
        printf "provisio %-6s: time(100,000)/time(10,000) = %.1f wall, %.1f CPU (target <= 12)\n",
          l, t[100000] / t[10000], c[100000] / (c[10000] > 0 ? c[10000] : 0.01);
      if ((1000 in t) && (10000 in t))
        printf "provisio %-6s: time(10,000)/time(1,000)   = %.1f wall, %.1f CPU\n",
          l, t[10000] / t[1000], c[10000] / (c[1000] > 0 ? c[1000] : 0.01);
    }' "$rows"
done
