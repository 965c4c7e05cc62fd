#!/usr/bin/env bash
# Builds the firmware test images: a small root filesystem with planted
# weaknesses (or a clean one) packed every way the scanner must unpack.
# usage: firmware_make_images.sh OUTDIR planted|clean
# Writes OUTDIR/<variant>.bin for each variant it could build and prints the
# variant names, one per line. Needs: mksquashfs, cpio, tar, gzip, xz,
# mke2fs, mkimage, mkfs.jffs2, mkfs.ubifs, ubinize (mtd-utils), openssl, python3,
# dropbearkey (dropbear-bin), wg (wireguard-tools).
set -euo pipefail
out="$1"
kind="$2"
root="$out/rootfs-$kind"
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,etc/init.d,etc/ssh,etc/ssl/private,etc/config,etc/dropbear,etc/nginx,usr/bin,usr/sbin,usr/lib,lib}

elf() {  # a stand-in ELF file holding the given strings
  printf '\177ELF\002\001\001\000\000\000\000\000\000\000\000\000'
  head -c 2048 /dev/zero
  printf '%s\000' "$@"
  head -c 1024 /dev/zero
}

if [ "$kind" = planted ]; then
  cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
admin:x:0:0:admin:/root:/bin/sh
guest::1000:1000:guest:/home/guest:/bin/sh
daemon:x:1:1:daemon:/:/bin/false
P
  root_hash=$(openssl passwd -1 -salt q4Xp9sLm xc3511)
  admin_hash=$(openssl passwd -6 -salt 'rounds=6000$Vt3mZr8kQw1pLx0c' 'Kj#83vNq!pZ0x-unique')
  cat > "$root/etc/shadow" <<S
root:${root_hash}:19000:0:99999:7:::
admin:${admin_hash}:19000:0:99999:7:::
guest:*:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
S
  cat > "$root/etc/inittab" <<'I'
::sysinit:/etc/init.d/rcS
ttyS0::respawn:/bin/sh
::shutdown:/bin/umount -a -r
I
  cat > "$root/etc/init.d/rcS" <<'R'
#!/bin/sh
# start services
mount -a
telnetd -l /bin/login
/usr/bin/adbd &
echo "boot done"
R
  printf 'Port 22\nPermitRootLogin yes\n' > "$root/etc/ssh/sshd_config"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$root/etc/ssl/private/device.key" 2>/dev/null
  { head -c 3000 /dev/urandom; openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -outform DER 2>/dev/null; head -c 3000 /dev/urandom; } > "$root/usr/lib/libvendor.so"
  printf '[cloud]\nregion=eu-west-1\nAWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n' > "$root/etc/config/cloud.conf"
  # Raw keys, written by the real tools: a dropbear host key baked into the
  # image and a WireGuard key in an OpenWrt network config.
  dropbearkey -t ed25519 -f "$root/etc/dropbear/dropbear_ed25519_host_key" >/dev/null 2>&1
  wg_key=$(umask 077; wg genkey)
  printf "config interface 'wg0'\n\toption proto 'wireguard'\n\toption private_key '%s'\n" "$wg_key" > "$root/etc/config/network"
  cat > "$root/etc/nginx/nginx.conf" <<'N'
server {
  listen 443 ssl;
  ssl_protocols SSLv3 TLSv1.2;
  ssl_ciphers HIGH:RC4-SHA:!aNULL;
}
N
  cat > "$root/usr/bin/update.sh" <<'U'
#!/bin/sh
password=Sup3rS3cret
curl -k -o /tmp/fw.bin https://update.example.com/fw.bin
U
  elf "gdbserver" "GNU gdbserver (GDB) 12.1" > "$root/usr/bin/gdbserver"
  elf "BusyBox v1.36.1 (2024-01-01 00:00:00 UTC) multi-call binary." > "$root/bin/busybox"
  elf "helper" > "$root/usr/sbin/helper"
  chmod 0755 "$root/etc/init.d/rcS" "$root/usr/bin/update.sh" "$root/usr/bin/gdbserver"
  chmod 4755 "$root/bin/busybox"
  chmod 0777 "$root/usr/sbin/helper"
else
  cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/:/bin/false
P
  printf 'root:*:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
  cat > "$root/etc/inittab" <<'I'
::sysinit:/etc/init.d/rcS
ttyS0::respawn:/sbin/getty -L ttyS0 115200 vt100
I
  cat > "$root/etc/init.d/rcS" <<'R'
#!/bin/sh
mount -a
/usr/sbin/dropbear -s -g
killall telnetd
R
  printf 'PermitRootLogin prohibit-password\nPasswordAuthentication no\n' > "$root/etc/ssh/sshd_config"
  cat > "$root/etc/nginx/nginx.conf" <<'N'
server {
  listen 443 ssl;
  # SSLv3 and TLSv1 are off
  ssl_protocols TLSv1.2 TLSv1.3;
  ssl_ciphers HIGH:!aNULL:!MD5:!RC4;
  ssl_prefer_server_ciphers on;
  ssl_verify_client off;
}
N
  printf '#!/bin/sh\nread -p "Password: " pass\ncurl --fail -o /tmp/fw.bin https://update.example.com/fw.bin\n' > "$root/usr/bin/update.sh"
  elf "BusyBox v1.36.1 (2024-01-01 00:00:00 UTC) multi-call binary." > "$root/bin/busybox"
  chmod 0755 "$root/etc/init.d/rcS" "$root/usr/bin/update.sh" "$root/bin/busybox"
  # Real programs full of key-type names and key-parsing code: no findings.
  printf "config interface 'wg0'\n\toption proto 'wireguard'\n\tlist addresses '10.0.0.1/24'\n" > "$root/etc/config/network"
  for lib in /usr/lib/x86_64-linux-gnu/libssl.so.3 /usr/lib/x86_64-linux-gnu/libcrypto.so.3 /usr/bin/curl \
             /usr/sbin/dropbear /usr/bin/dropbearkey /usr/bin/wg; do
    if [ -f "$lib" ]; then cp "$lib" "$root/usr/lib/"; fi
  done
fi
printf 'Linux version 5.15.137 (builder@host) (gcc 12.2.0) #1 SMP\n' > "$out/kernel-$kind.txt"
gzip -9 -n -c "$out/kernel-$kind.txt" > "$out/kernel-$kind.gz"

# uImage(squashfs)
mksquashfs "$root" "$out/rootfs-$kind.sqfs" -noappend -comp gzip -all-root -quiet >/dev/null
mkimage -A arm -O linux -T filesystem -C none -n "rootfs" -d "$out/rootfs-$kind.sqfs" "$out/uimage-squashfs.bin" >/dev/null
echo uimage-squashfs

# squashfs with LZO (older vendor images); libsquashfs has no LZO decoder
mksquashfs "$root" "$out/squashfs-lzo.bin" -noappend -comp lzo -all-root -quiet >/dev/null
echo squashfs-lzo

# TRX(kernel.gz, cpio.gz)
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc --owner=0:0 --quiet) | gzip -n > "$out/rootfs-$kind.cpio.gz"
python3 - "$out/kernel-$kind.gz" "$out/rootfs-$kind.cpio.gz" "$out/trx-cpio.bin" <<'PY'
import struct, sys, zlib
kernel = open(sys.argv[1], 'rb').read()
rootfs = open(sys.argv[2], 'rb').read()
pad = lambda b: b + b'\0' * (-len(b) % 4)
header_size = 28
k_off = header_size
r_off = k_off + len(pad(kernel))
body = pad(kernel) + rootfs
length = header_size + len(body)
rest = struct.pack('<I3I', (1 << 16), k_off, r_off, 0) + body
crc = (zlib.crc32(rest) ^ 0xFFFFFFFF) & 0xFFFFFFFF  # TRX stores the CRC register without the final inversion
open(sys.argv[3], 'wb').write(b'HDR0' + struct.pack('<II', length, crc) + rest)
PY
echo trx-cpio

# raw flash: random bootloader bytes, tar at an odd offset, padding
(cd "$root" && tar --owner=0 --group=0 --numeric-owner --sort=name -cf "$out/rootfs-$kind.tar" .)
{ head -c 65536 /dev/urandom | tr -d '\037\213\375\047hHBPu0S]\205U(' ; cat "$out/rootfs-$kind.tar"; head -c 4096 /dev/zero; } > "$out/raw-tar.bin"
echo raw-tar

# ext4 via mke2fs -d
rm -f "$out/ext4.bin"
mke2fs -q -t ext4 -d "$root" -b 1024 -N 256 -E root_owner=0:0 "$out/ext4.bin" 8M >/dev/null 2>&1
echo ext4

# raw NOR flash: 64 KiB of bootloader bytes, then a big-endian JFFS2 partition
bootloader() {  # random bytes without container magics, exactly $1 bytes
  # The last head closes the pipe early: tr's SIGPIPE is expected.
  head -c $(($1 * 2)) /dev/urandom | tr -d '\037\213\375\047hHBPu0S]\205\031U1(sE\004' | head -c "$1" || true
}
mkfs.jffs2 -b -U -e 0x10000 -r "$root" -o "$out/rootfs-$kind.jffs2"
{ bootloader 65536; cat "$out/rootfs-$kind.jffs2"; } > "$out/jffs2.bin"
echo jffs2

# raw NAND: 128 KiB of bootloader bytes, then UBI with a UBIFS volume
mkfs.ubifs -U -r "$root" -m 2048 -e 126976 -c 128 -x zlib -o "$out/rootfs-$kind.ubifs"
printf '[rootfs]\nmode=ubi\nimage=%s\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\n' \
  "$out/rootfs-$kind.ubifs" > "$out/ubi-$kind.ini"
ubinize -o "$out/rootfs-$kind.ubi" -m 2048 -p 131072 -s 2048 "$out/ubi-$kind.ini" >/dev/null 2>&1
{ bootloader 131072; cat "$out/rootfs-$kind.ubi"; } > "$out/ubi.bin"
echo ubi

# raw NOR flash of an older camera: 64 KiB of bootloader bytes, then CramFS
mkfs.cramfs "$root" "$out/rootfs-$kind.cramfs" >/dev/null
{ bootloader 65536; cat "$out/rootfs-$kind.cramfs"; } > "$out/cramfs.bin"
echo cramfs
