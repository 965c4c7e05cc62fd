#!/bin/sh
# TUF target verification benchmark: provisio's streaming verifier
# (bench_target_verify, i.e. tuf::VerifyTargetFile) against `openssl dgst`
# and `sha256sum` on the same file, in one run.
#
#   bench/run_target_verify.sh [BUILD_DIR] [SIZE_MIB] [RUNS]
#
# Defaults: BUILD_DIR=build, SIZE_MIB=1024, RUNS=3 (best of RUNS is reported,
# after one warm-up read so every tool hashes from the page cache).
# Not part of the CI tests.
set -eu

build_dir=${1:-build}
size_mib=${2:-1024}
runs=${3:-3}
bench="$build_dir/bench/bench_target_verify"
if [ ! -x "$bench" ]; then
  echo "run_target_verify.sh: $bench not found; build it with: ninja -C $build_dir bench_target_verify" >&2
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tuf-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
file="$work/target.bin"

echo "creating a ${size_mib} MiB target in $work ..." >&2
head -c "$((size_mib * 1024 * 1024))" /dev/urandom >"$file"
cat "$file" >/dev/null

sha256=$(sha256sum "$file" | cut -d' ' -f1)
sha512=$(sha512sum "$file" | cut -d' ' -f1)

# best_of CMD...: runs CMD $runs times, prints "<best seconds> <max RSS KiB>
# <CPU seconds of the best run>".
best_of() {
  best=""
  cpu=""
  rss=0
  i=0
  while [ "$i" -lt "$runs" ]; do
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>/dev/null || {
      echo "run_target_verify.sh: failed: $*" >&2
      cat "$work/out" >&2
      exit 1
    }
    read -r t m u k <"$work/time"
    # Prefer the program's own wall-clock figure when it prints one (finer than %e).
    own=$(sed -n 's/.*seconds=\([0-9.]*\).*/\1/p' "$work/out")
    [ -n "$own" ] && t=$own
    if [ -z "$best" ] || [ "$(awk -v a="$t" -v b="$best" 'BEGIN { print (a < b) }')" = 1 ]; then
      best=$t
      cpu=$(awk -v u="$u" -v k="$k" 'BEGIN { printf "%.2f", u + k }')
    fi
    [ "$m" -gt "$rss" ] && rss=$m
    i=$((i + 1))
  done
  echo "$best $rss $cpu"
}

row() {
  name=$1
  shift
  set -- $(best_of "$@")
  mibs=$(awk -v s="$size_mib" -v t="$1" 'BEGIN { printf "%.1f", s / t }')
  echo "$name|$1|$mibs|$2|$3"
}

{
  row "openssl dgst -sha256" openssl dgst -sha256 "$file"
  row "openssl dgst -sha512" openssl dgst -sha512 "$file"
  row "sha256sum" sha256sum "$file"
  row "provisio sha256" "$bench" --sha256 "$sha256" "$file"
  row "provisio sha256+sha512" "$bench" --sha256 "$sha256" --sha512 "$sha512" "$file"
  row "provisio sha256+sha512 serial" "$bench" --serial --sha256 "$sha256" --sha512 "$sha512" "$file"
} >"$work/rows"

openssl_mibs=$(sed -n 's/^openssl dgst -sha256|[^|]*|\([^|]*\)|.*/\1/p' "$work/rows")
sha256sum_mibs=$(sed -n 's/^sha256sum|[^|]*|\([^|]*\)|.*/\1/p' "$work/rows")

echo
echo "TUF target verification, ${size_mib} MiB file, best of $runs runs ($(nproc) cores)"
echo "(wall-clock throughput; CPU = user+sys seconds of that run; load average: $(cut -d' ' -f1 /proc/loadavg))"
printf '%-30s %8s %9s %11s %13s %8s %13s\n' "tool" "seconds" "MiB/s" "vs openssl" "vs sha256sum" "CPU s" "peak RSS MiB"
awk -F'|' -v o="$openssl_mibs" -v s="$sha256sum_mibs" '{
  printf "%-30s %8s %9s %10.2fx %12.2fx %8s %13.1f\n", $1, $2, $3, $3 / o, $3 / s, $5, $4 / 1024
}' "$work/rows"
