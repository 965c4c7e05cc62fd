#!/usr/bin/env bash
# Benchmarks of `provisio passwords` (results: docs/benchmarks.md, "passwords").
#  1. N label passwords (12 characters, 69.7 bits), unique in bounded memory and
#     checked against the bundled blocklists, written one per line - against an
#     `openssl rand | fold | sort -u` pipeline producing the same number of
#     unique 12-character strings in one run. Wall time and peak RSS come from
#     GNU time (/usr/bin/time -v, Debian package `time`).
#  2. Argon2id verifiers per second per core at the default cost (64 MiB, t=3).
#  3. Registry: generation with a per-candidate registry lookup plus one-
#     transaction registration of REGISTER_N passwords.
# Usage: bench/run_passwords_bench.sh [BUILD_DIR]   (N=10000000 by default)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
bench="$build/bench/bench_passwords"
N=${N:-10000000}
REGISTER_N=${REGISTER_N:-1000000}
VERIFIER_SECONDS=${VERIFIER_SECONDS:-10}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

[ -x "$bench" ] || { echo "build bench_passwords first (ninja -C $build bench_passwords)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

field() { sed -n "s/^.*$1: //p" "$2" | head -1; }
seconds() {  # "h:mm:ss" or "m:ss.xx" -> seconds
  awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }' <<<"$1"
}

echo "== generate $N passwords (uniqueness + blocklist, bounded memory)"
/usr/bin/time -v "$bench" generate "$N" "$work/provisio.txt" >"$work/ours.json" 2>"$work/ours.time"
cat "$work/ours.json"
ours_wall=$(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/ours.time")")
ours_rss=$(field 'Maximum resident set size (kbytes)' "$work/ours.time")
ours_cpu=$(awk '/User time|System time/ { s += $NF } END { print s }' "$work/ours.time")
ours_lines=$(wc -l <"$work/provisio.txt")
ours_unique=$(sort -u -S 50% -T "$work" "$work/provisio.txt" | wc -l)
rm -f "$work/provisio.txt"

echo "== baseline: openssl rand -base64 | fold -w 12 | sort -u"
bytes=$((N * 9))  # 9 random bytes = 12 base64 characters per password
/usr/bin/time -v sh -c "openssl rand -base64 $bytes | tr -d '\n' | fold -w 12 | sort -u -T '$work' > '$work/baseline.txt'" 2>"$work/base.time"
base_wall=$(seconds "$(field 'Elapsed (wall clock) time (h:mm:ss or m:ss)' "$work/base.time")")
base_rss=$(field 'Maximum resident set size (kbytes)' "$work/base.time")
base_cpu=$(awk '/User time|System time/ { s += $NF } END { print s }' "$work/base.time")
base_lines=$(wc -l <"$work/baseline.txt")
rm -f "$work/baseline.txt"

echo "== verifiers (Argon2id m=65536 KiB, t=3, p=1), ${VERIFIER_SECONDS}s per measurement"
"$bench" verifiers "$VERIFIER_SECONDS" 65536 3 | tee "$work/verifiers.json"

echo "== registry: $REGISTER_N passwords with lookup + one-transaction registration"
/usr/bin/time -v "$bench" register "$REGISTER_N" "$work/registry.db" 2>"$work/reg.time" | tee "$work/register.json"
reg_rss=$(field 'Maximum resident set size (kbytes)' "$work/reg.time")
reg_size=$(du -k "$work/registry.db" | cut -f1)

echo
echo "== summary"
echo "provisio:  $ours_lines passwords ($ours_unique unique) in ${ours_wall}s wall, ${ours_cpu}s CPU, peak RSS $((ours_rss / 1024)) MiB"
echo "baseline:  $base_lines unique strings in ${base_wall}s wall, ${base_cpu}s CPU, peak RSS $((base_rss / 1024)) MiB"
awk -v a="$base_wall" -v b="$ours_wall" 'BEGIN { printf "speed-up (wall): %.2fx (target >= 3x)\n", a / b }'
awk -v a="$base_cpu" -v b="$ours_cpu" 'BEGIN { printf "speed-up (CPU):  %.2fx\n", a / b }'
echo "memory:    $((ours_rss / 1024)) MiB (target <= 512 MiB)"
echo "registry:  $REGISTER_N passwords, peak RSS $((reg_rss / 1024)) MiB, file $((reg_size / 1024)) MiB"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "machine:   $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
