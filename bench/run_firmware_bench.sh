#!/usr/bin/env bash
# Firmware scanner benchmark (docs/benchmarks.md, section "Firmware scan").
# Builds a raw flash image of at least 500 MB (random bootloader, uImage with
# a gzip kernel, squashfs root filesystem holding real ELF libraries, random
# blobs, text and the planted weaknesses of the integration test), then in
# one run times:
#   1. provisio firmware scan IMAGE           (unpack + all checks, end to end)
#   2. rg -f PATTERNS over the already unpacked tree (same regexes)
#   3. binwalk IMAGE                          (signature scan only)
# plus provisio with the image's SHA-256 (--json) and both scanners on 32 MiB
# of random bytes, where binwalk cannot skip anything. Then the same three on
# image C, the same firmware as a full-chip dump of a 1 GiB NAND: partitions
# padded with erased bytes and a JFFS2 overlay partition.
# usage: bench/run_firmware_bench.sh PROVISIO [WORKDIR] [SIZE_MB]
# Needs: mksquashfs/unsquashfs (squashfs-tools), mkimage (u-boot-tools), mkfs.jffs2 (mtd-utils),
# ripgrep, binwalk. ripgrep and binwalk are only needed here, so they are not
# in scripts/install-deps: apt-get install ripgrep binwalk.
set -euo pipefail
provisio=$(realpath "$1")
work=${2:-$(mktemp -d)}
size_mb=${3:-760}
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$work"
root="$work/rootfs"
image="$work/flash.bin"

if [ ! -f "$image" ]; then
  set +o pipefail  # `yes | head` and an early `break` end pipes with SIGPIPE on purpose
  rm -rf "$root"
  mkdir -p "$work/planted"
  bash "$here/../tests/integration/firmware_make_images.sh" "$work/planted" planted >/dev/null
  cp -a "$work/planted/rootfs-planted" "$root"
  mkdir -p "$root/usr/lib/real" "$root/opt/blobs" "$root/var/log"
  # ~120 MB of real ELF libraries and programs.
  find /usr/lib/x86_64-linux-gnu /usr/bin -maxdepth 1 -type f -size +100k 2>/dev/null | sort |
    head -c 1000000 | while read -r f; do
      [ "$(du -sm "$root/usr/lib/real" | cut -f1)" -ge 120 ] && break
      cp "$f" "$root/usr/lib/real/" 2>/dev/null || true
    done
  # ~40 MB of log-like text.
  for i in $(seq 1 40); do
    yes "Nov 28 12:00:0$((i % 10)) dev daemon[$i]: connection from 10.0.0.$i port 5$i accepted, session opened for user nobody" |
      head -c 1048576 > "$root/var/log/messages.$i"
  done
  # The rest: incompressible blobs (firmware for radios, DSPs, ...).
  have=$(du -sm "$root" | cut -f1)
  need=$((size_mb - have))
  for i in $(seq 1 $(((need + 15) / 16))); do head -c 16777216 /dev/urandom > "$root/opt/blobs/blob$i.bin"; done
  mksquashfs "$root" "$work/rootfs.sqfs" -noappend -comp gzip -all-root -quiet -processors 2 >/dev/null
  mkimage -A arm -O linux -T kernel -C gzip -n "Linux" -d "$work/planted/kernel-planted.gz" "$work/kernel.uimage" >/dev/null
  { head -c 1048576 /dev/urandom; cat "$work/kernel.uimage"; head -c $((65536 - $(stat -c %s "$work/kernel.uimage"))) /dev/zero;
    cat "$work/rootfs.sqfs"; } > "$image"
  rm -rf "$work/tree"
  unsquashfs -q -n -d "$work/tree" "$work/rootfs.sqfs" >/dev/null
  set -o pipefail
fi

# The regexes provisio runs (BinaryPatterns and TextPatterns in
# src/firmware/checks.cc), in ripgrep syntax: bytes mode for binary escapes,
# (?i) where provisio matches without case. Keep the two lists in step.
# The URL and curl -u credential patterns are given to ripgrep in their
# fastest form for it: without the scheme before "://" and with unbounded
# repeats. They find the same lines; the bounded forms provisio uses make
# ripgrep's DFA large (2.5 s more over image A's tree, measured).
patterns="$work/patterns.txt"
cat > "$patterns" <<'P'
(?-u)-----BEGIN (RSA |EC |DSA |ENCRYPTED |OPENSSH |PGP )?PRIVATE KEY( BLOCK)?-----
(?-u)\x30[\x00-\xff]{1,3}\x02\x01\x00
(?-u)\x30[\x00-\xff]{1,3}\x02\x01\x01
ssh-
ecdsa-sha2-nistp
AKIA[0-9A-Z]{16}
ASIA[0-9A-Z]{16}
gh[pousr]_[A-Za-z0-9]{36}
github_pat_[A-Za-z0-9_]{60,}
AIza[0-9A-Za-z_-]{35}
[rs]k_live_[0-9A-Za-z]{24,}
xox[baprs]-[0-9A-Za-z-]{10,}
hooks\.slack\.com/services/T[0-9A-Za-z]+/B[0-9A-Za-z]+/[0-9A-Za-z]{20,}
BusyBox v[0-9]+\.[0-9]+(\.[0-9]+)?
OpenSSL [0-9]\.[0-9]+\.[0-9]+[a-z]{0,2}(-fips)?[ \x00]
dropbear_20[0-9]{2}\.[0-9]{2}
Linux version [2-9]\.[0-9]+(\.[0-9]+)?
OpenSSH_[0-9]+\.[0-9]+p[0-9]+
dnsmasq-[0-9]+\.[0-9]+
lighttpd/[0-9]+\.[0-9]+\.[0-9]+
U-Boot (20[0-9]{2}\.[0-9]{2}|1\.[0-9]\.[0-9]+)
libcurl/[0-9]+\.[0-9]+\.[0-9]+
nginx/[0-9]+\.[0-9]+\.[0-9]+
init=/bin/(sh|ash|bash|hush)
(?i)SSLv[23]([^.0-9A-Za-z_]|$)
(?i)TLSv1(\.0)?([^.0-9A-Za-z_]|$)
(?i)use-sslv[23][ \t]*=[ \t]*"?(enable|yes|1|true)
(?i)cipher
(?i)CURLOPT_SSL_VERIFY(PEER|HOST)[ \t,)=>]*(0|0L|FALSE)
--insecure
--no-check-certificate
curl[^\r\n|;]*[ \t]-[A-Za-z]*k[A-Za-z]*([ \t;"']|$)
(?i)verify(_?peer|_?ssl)?[ \t]*[=:][ \t]*["']?(0|no|false|none|off)([^A-Za-z0-9_]|$)
(?i)pass(word|wd|phrase)?(['"]?\]?[ \t]*(=>|[:=])[ \t]*['"]?|[ \t]+['"]|>|['"][ \t]*,[ \t]*['"])[^ \t\r\n'"$<{%(]{4,}
echo[ \t]+['"]?[A-Za-z_][A-Za-z0-9_-]*:[^ \t\r\n'"$:]{3,64}['"]?[ \t]*\|[ \t]*chpasswd
(?i)secret(_?access_?key|_?key)?['"]?[ \t]*[:=][ \t]*['"]?[A-Za-z0-9+/_-]{16,}
(?i)api_?key[ \t]*[:=][ \t]*['"]?[A-Za-z0-9+/_-]{16,}
(?i)private_?key['"]?[ \t]*[:= \t][ \t]*['"]?[A-Za-z0-9+/]{43}=
(?i)psk[ \t]*=[ \t]*['"]?[^ \t\r\n'"$<{%(]{8,}
passwd[ \t]+-d[ \t]+['"]?[A-Za-z_][A-Za-z0-9_.-]*
(echo|printf)[ \t][^|\r\n]*\|[ \t]*passwd
_create_unverified_context
(?i)sslverify['"]?[ \t]+['"]?(false|no|0|off)([^A-Za-z0-9_]|$)
(?i)git_ssl_no_verify[ \t]*=[ \t]*['"]?(1|true|yes)
(?i)(bridge|tls|ssl)_insecure['"]?[ \t]*[:= \t][ \t]*['"]?(true|1|yes|on)([^A-Za-z0-9_]|$)
://[^ \t\r\n/:@'"$<>{}]+:[^ \t\r\n/@'"$<>{}]+@
(-u|--user|--proxy-user)[ \t=]*['"]?[^ \t\r\n'"$:-][^ \t\r\n'"$:]*:[^ \t\r\n'"$]+
(--pass(word|wd)?|sshpass[ \t]+-p)[ \t]+['"]?[^ \t\r\n'"$<{%(-][^ \t\r\n'"]{2,}
mosquitto_(pub|sub|rr)[^\r\n|;]*[ \t]-P[ \t]+['"]?[^ \t\r\n'"$<{%(-][^ \t\r\n'"]{2,}
mysql(dump|admin|check)?[ \t][^\r\n|;]*[ \t]-p['"]?[^ \t\r\n'"$<{%(-][^ \t\r\n'"]{2,}
(?i)reject_?unauthorized['"]?[ \t]*[:=][ \t]*['"]?(0|false)([^A-Za-z0-9_]|$)
P

# The same firmware as a full-chip dump, the way a flash programmer reads a
# 1 GiB NAND: each partition padded with erased bytes (0xFF) to its size,
# and an overlay partition (rootfs_data) that holds a JFFS2 with a few
# configuration files, the rest erased as on a newly installed device.
chip="$work/flash-chip.bin"
overlay="$work/overlay"
if [ ! -f "$chip" ]; then
  rm -rf "$overlay"
  mkdir -p "$overlay/upper/etc/config"
  printf 'config system\n\toption hostname camera\n' > "$overlay/upper/etc/config/system"
  echo 1 > "$overlay/.fs_state"
  mkfs.jffs2 -l -U -e 0x20000 --pad=0x8000000 -r "$overlay" -o "$work/rootfs_data.jffs2"
  erased() { head -c "$1" /dev/zero | tr '\0' '\377'; }
  # Writes FILE, then erased bytes up to SIZE (a partition of the chip).
  partition() { cat "$2"; erased $(($1 - $(stat -c %s "$2"))); }
  head -c 262144 /dev/urandom > "$work/u-boot.bin"
  sqfs_size=$(stat -c %s "$work/rootfs.sqfs")
  rootfs_part=$(((sqfs_size + 67108863) / 67108864 * 67108864))
  { partition 1048576 "$work/u-boot.bin"; partition 8388608 "$work/kernel.uimage"
    partition "$rootfs_part" "$work/rootfs.sqfs"; cat "$work/rootfs_data.jffs2"; } > "$chip.tmp"
  mv "$chip.tmp" "$chip"
fi
[ "${IMAGE_ONLY:-0}" = 1 ] && { echo "$image"; echo "$chip"; exit 0; }

# Wall-clock and CPU (user+system) seconds of a command: the lowest of RUNS
# runs each (default 3), which filters out most of the noise of a shared
# machine.
measure() {
  local TIMEFORMAT='%R %U %S' line best_w='' best_c='' w c
  for _ in $(seq 1 "${RUNS:-3}"); do
    line=$( { time "$@" >/dev/null 2>&1 || true; } 2>&1 | tail -1)
    read -r w u s <<< "$line"
    c=$(echo "$u + $s" | bc)
    if [ -z "$best_w" ] || [ "$(echo "$w < $best_w" | bc)" = 1 ]; then best_w=$w; fi
    if [ -z "$best_c" ] || [ "$(echo "$c < $best_c" | bc)" = 1 ]; then best_c=$c; fi
  done
  echo "$best_w $best_c"
}

image_mb=$(( $(stat -c %s "$image") / 1048576 ))
tree_mb=$(du -sm "$work/tree" | cut -f1)
echo "image: $image ($image_mb MiB), unpacked tree: $tree_mb MiB, $(find "$work/tree" -type f | wc -l) files"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# Warm the page cache for every contender.
cat "$image" > /dev/null; find "$work/tree" -type f -exec cat {} + > /dev/null

read -r w_provisio c_provisio <<< "$(measure "$provisio" firmware scan "$image" --threads 2)"
read -r w_hashed c_hashed <<< "$(measure "$provisio" firmware scan "$image" --threads 2 --json)"
read -r w_portable c_portable <<< "$(measure "$provisio" firmware scan "$image" --threads 2 --engine portable)"
read -r w_rg c_rg <<< "$(measure rg -a --no-ignore --hidden -j 2 --count-matches -f "$patterns" "$work/tree")"
if [ "${SKIP_BINWALK:-0}" = 1 ]; then
  w_binwalk=NaN; c_binwalk=NaN
else
  read -r w_binwalk c_binwalk <<< "$(measure binwalk --quiet "$image")"
fi
# Signature scanning speed where no container can be skipped: 32 MiB of
# random bytes (binwalk jumps over a squashfs by its size field, so on the
# image it only reads the first MiB and the headers).
[ -f "$work/random32.bin" ] || head -c 33554432 /dev/urandom > "$work/random32.bin"
read -r w_prandom c_prandom <<< "$(measure "$provisio" firmware scan "$work/random32.bin" --threads 2)"
if [ "${SKIP_BINWALK:-0}" = 1 ]; then
  w_brandom=NaN; c_brandom=NaN
else
  read -r w_brandom c_brandom <<< "$(measure binwalk --quiet "$work/random32.bin")"
fi
# The full-chip dump: ripgrep gets the same unpacked tree plus the overlay.
# binwalk reads erased flash at about 2 MiB/s, so it runs once here
# (BINWALK_RUNS to change); a run of minutes has little noise to filter.
chip_mb=$(( $(stat -c %s "$chip") / 1048576 ))
cat "$chip" > /dev/null
read -r w_pchip c_pchip <<< "$(measure "$provisio" firmware scan "$chip" --threads 2)"
read -r w_rgchip c_rgchip <<< "$(measure rg -a --no-ignore --hidden -j 2 --count-matches -f "$patterns" "$work/tree" "$overlay")"
if [ "${SKIP_BINWALK:-0}" = 1 ]; then
  w_bchip=NaN; c_bchip=NaN
else
  read -r w_bchip c_bchip <<< "$(RUNS=${BINWALK_RUNS:-1} measure binwalk --quiet "$chip")"
fi
"$provisio" firmware scan "$image" --threads 2 > "$work/provisio-summary.txt" || true
"$provisio" firmware scan "$chip" --threads 2 > "$work/provisio-chip-summary.txt" || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

echo "image A: $image ($image_mb MiB, an update image: uImage and squashfs back to back)"
printf '%-34s %10s %10s\n' "" "wall s" "cpu s"
printf '%-34s %10s %10s\n' "provisio (hyperscan, end to end)" "$w_provisio" "$c_provisio"
printf '%-34s %10s %10s\n' "provisio --json (+ image SHA-256)" "$w_hashed" "$c_hashed"
printf '%-34s %10s %10s\n' "provisio (portable engine)" "$w_portable" "$c_portable"
printf '%-34s %10s %10s\n' "ripgrep over unpacked tree" "$w_rg" "$c_rg"
printf '%-34s %10s %10s\n' "binwalk signature scan" "$w_binwalk" "$c_binwalk"
printf '%-34s %10s %10s\n' "provisio, 32 MiB random" "$w_prandom" "$c_prandom"
printf '%-34s %10s %10s\n' "binwalk, 32 MiB random" "$w_brandom" "$c_brandom"
ratio() { if [ "$1" = NaN ]; then echo n/a; else echo "scale=1; $1 / $2" | bc; fi; }
printf 'speedup vs ripgrep: wall %s x, cpu %s x\n' "$(ratio "$w_rg" "$w_provisio")" "$(ratio "$c_rg" "$c_provisio")"
printf 'speedup vs binwalk: wall %s x, cpu %s x\n' "$(ratio "$w_binwalk" "$w_provisio")" "$(ratio "$c_binwalk" "$c_provisio")"
printf 'speedup vs binwalk, 32 MiB random: wall %s x, cpu %s x\n' "$(ratio "$w_brandom" "$w_prandom")" "$(ratio "$c_brandom" "$c_prandom")"
grep -c '^  \[' "$work/provisio-summary.txt" | sed 's/^/provisio findings: /'
echo
echo "image C: $chip ($chip_mb MiB, the same firmware as a full-chip dump with erased space)"
printf '%-34s %10s %10s\n' "" "wall s" "cpu s"
printf '%-34s %10s %10s\n' "provisio (hyperscan, end to end)" "$w_pchip" "$c_pchip"
printf '%-34s %10s %10s\n' "ripgrep over unpacked tree" "$w_rgchip" "$c_rgchip"
printf '%-34s %10s %10s\n' "binwalk signature scan" "$w_bchip" "$c_bchip"
printf 'speedup vs ripgrep: wall %s x, cpu %s x\n' "$(ratio "$w_rgchip" "$w_pchip")" "$(ratio "$c_rgchip" "$c_pchip")"
printf 'speedup vs binwalk: wall %s x, cpu %s x\n' "$(ratio "$w_bchip" "$w_pchip")" "$(ratio "$c_bchip" "$c_pchip")"
grep -c '^  \[' "$work/provisio-chip-summary.txt" | sed 's/^/provisio findings: /'
