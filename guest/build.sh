#!/usr/bin/env bash
# Builds the guest template from Debian packages, reproducibly:
#   OUT/vmlinuz          the Debian cloud kernel, extracted from its package (never installed)
#   OUT/initrd.gz        busybox + virtio, ACPI button and evdev modules; its /init finds /dev/vda and
#                        switch_roots into it
#   OUT/template.qcow2   the template disk: a busybox ext4 root file system whose init specialises the VM
#                        at first boot from the answer port, runs a login prompt on ttyS0 and powers off on
#                        the ACPI power button
#   OUT/template.sha384  SHA-384 of template.qcow2 (hex)
#   OUT/manifest.txt     packages and versions used, and the hash of every guest input file
# Usage: guest/build.sh [OUT]   (default guest/out). Downloads go to OUT/cache.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/out}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
cache="$out/cache"

# Fixed inputs that make the output reproducible.
export SOURCE_DATE_EPOCH="${SOURCE_DATE_EPOCH:-1767225600}" # 2026-01-01T00:00:00Z
export E2FSPROGS_FAKE_TIME="$SOURCE_DATE_EPOCH"
export LC_ALL=C TZ=UTC
fs_uuid="6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f"
hash_seed="0d9b5c1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e"
disk_size="32M"

need() {
  local missing=()
  command -v qemu-img >/dev/null || missing+=(qemu-utils)
  command -v cpio >/dev/null || missing+=(cpio)
  command -v dpkg >/dev/null || missing+=(dpkg)
  command -v mke2fs >/dev/null || missing+=(e2fsprogs)
  command -v debugfs >/dev/null || missing+=(e2fsprogs)
  command -v apt-get >/dev/null || missing+=(apt)
  command -v gzip >/dev/null || missing+=(gzip)
  if ((${#missing[@]})); then
    echo "build.sh: missing tools; install with: apt-get install -y ${missing[*]}" >&2
    exit 2
  fi
}
need

# Resolve the versioned cloud kernel package and the versions apt offers.
kernel_pkg="$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')"
if [[ -z "$kernel_pkg" ]]; then
  echo "build.sh: apt offers no linux-image-cloud-amd64 (run apt-get update)" >&2
  exit 2
fi
candidate() { apt-cache policy "$1" | awk '/Candidate:/ {print $2; exit}'; }
packages=("$kernel_pkg" busybox-static)

# Every file that goes into the outputs. Each one's SHA-256 is part of the cache key, so changing any
# of them rebuilds. A file in this folder that is neither an input nor listed below is an error, so a
# new guest file cannot be forgotten here.
inputs=(build.sh initrd-init.sh guest-init.sh specialise.sh inittab login-prompt.sh acpi-power.sh shutdown.sh profile)
not_inputs=(README.md boot-check.sh boot-check-host.py archive-check.sh .gitignore)
for f in "$here"/*; do
  [[ -f "$f" ]] || continue
  b="$(basename "$f")"
  [[ " ${inputs[*]} ${not_inputs[*]} " == *" $b "* ]] \
    || { echo "build.sh: $b is not listed as an input (inputs=) or a non-input (not_inputs=)" >&2; exit 2; }
done

manifest_new="$(
  for p in "${packages[@]}"; do echo "package $p $(candidate "$p")"; done
  echo "source_date_epoch $SOURCE_DATE_EPOCH"
  for f in "${inputs[@]}"; do echo "input_sha256 $f $(sha256sum "$here/$f" | cut -d' ' -f1)"; done
)"

if [[ -f "$out/manifest.txt" && -f "$out/template.qcow2" && -f "$out/vmlinuz" && -f "$out/initrd.gz" \
      && -f "$out/template.sha384" ]] \
   && [[ "$(grep -v '^sha384 ' "$out/manifest.txt")" == "$manifest_new" ]] \
   && [[ "$(sha384sum "$out/template.qcow2" | cut -d' ' -f1)" == "$(cat "$out/template.sha384")" ]]; then
  echo "guest template up to date: $out (sha384 $(cat "$out/template.sha384"))"
  exit 0
fi

# Download (not install) the packages.
mkdir -p "$cache"
for p in "${packages[@]}"; do
  v="$(candidate "$p")"
  if ! ls "$cache/${p}_"*"_amd64.deb" >/dev/null 2>&1 \
     || ! dpkg-deb -f "$(ls "$cache/${p}_"*"_amd64.deb" | head -n1)" Version | grep -qxF "$v"; then
    rm -f "$cache/${p}_"*.deb
    (cd "$cache" && apt-get download "$p=$v" 2>&1 | grep -v '^W: Download is performed unsandboxed' || true)
  fi
done
for p in "${packages[@]}"; do
  ls "$cache/${p}_"*_amd64.deb >/dev/null 2>&1 || { echo "build.sh: apt-get download $p failed" >&2; exit 1; }
done
kernel_deb="$(ls "$cache/${kernel_pkg}_"*_amd64.deb)"
busybox_deb="$(ls "$cache/busybox-static_"*_amd64.deb)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dpkg -x "$kernel_deb" "$work/kernel"
dpkg -x "$busybox_deb" "$work/busybox"
kver="$(ls "$work/kernel/lib/modules")"
busybox="$work/busybox/bin/busybox"

# Fix every file's time, then pack. $1 = directory.
fix_times() { find "$1" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +; }

# Adds busybox and its applet links to a staged root. $1 = root.
add_busybox() {
  mkdir -p "$1/bin" "$1/sbin" "$1/usr/bin" "$1/usr/sbin"
  install -m 0755 "$busybox" "$1/bin/busybox"
  local applet
  for applet in $("$busybox" --list-full); do
    [[ -e "$1/$applet" ]] || ln -s /bin/busybox "$1/$applet"
  done
}

# 1. Kernel.
install -m 0644 "$work/kernel/boot/vmlinuz-$kver" "$out/vmlinuz.tmp"

# 2. Initramfs with the virtio modules in dependency order.
modroot="$work/kernel/lib/modules/$kver/kernel"
mod_path() { find "$modroot" -name "$1.ko" -o -name "$1.ko.xz" | head -n1; }
mod_deps() { local f; f="$(mod_path "$1")"; tr '\0' '\n' <"$f" | sed -n 's/^depends=//p' | tr ',' ' '; }
declare -A loaded=()
order=()
add_mod() {
  local m="$1" d
  [[ -n "${loaded[$m]:-}" ]] && return
  loaded[$m]=1
  if [[ -z "$(mod_path "$m")" ]]; then
    grep -q "/$m.ko$" "$work/kernel/lib/modules/$kver/modules.builtin" || { echo "module $m not found" >&2; exit 1; }
    return
  fi
  for d in $(mod_deps "$m"); do add_mod "$d"; done
  order+=("$m")
}
# virtio_console: the answer port; button + evdev: the ACPI power button as /dev/input/event* for acpid.
for m in virtio_pci virtio_blk virtio_console button evdev; do add_mod "$m"; done

initrd="$work/initrd"
add_busybox "$initrd"
mkdir -p "$initrd/proc" "$initrd/sys" "$initrd/dev" "$initrd/newroot" "$initrd/lib/modules"
for m in "${order[@]}"; do
  f="$(mod_path "$m")"
  case "$f" in
    *.xz) xz -dc "$f" >"$initrd/lib/modules/$m.ko" ;;
    *) cp "$f" "$initrd/lib/modules/$m.ko" ;;
  esac
  echo "$m" >>"$initrd/lib/modules/load-order"
done
install -m 0755 "$here/initrd-init.sh" "$initrd/init"
fix_times "$initrd"
(cd "$initrd" && find . -mindepth 1 | sort | cpio --quiet -o -H newc --reproducible -R 0:0) \
  | gzip -n -9 >"$out/initrd.gz.tmp"

# 3. Template root file system.
root="$work/root"
add_busybox "$root"
mkdir -p "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/run" "$root/root" \
         "$root/etc/tenantportal" "$root/etc/init.d" "$root/etc/acpi/PWRF" "$root/var/log"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root" "$root/etc/tenantportal"
# busybox init (/sbin/init -> busybox) reads /etc/inittab: rcS, then specialise.sh once, the login
# prompt on ttyS0, shutdown.sh at power-off.
install -m 0644 "$here/inittab" "$root/etc/inittab"
install -m 0755 "$here/guest-init.sh" "$root/etc/init.d/rcS"
install -m 0755 "$here/login-prompt.sh" "$root/etc/init.d/login-prompt"
install -m 0755 "$here/shutdown.sh" "$root/etc/init.d/shutdown"
install -m 0755 "$here/specialise.sh" "$root/etc/tenantportal/specialise.sh"
# busybox acpid runs /etc/acpi/PWRF/00000080 on the power button (its built-in event and action tables).
install -m 0755 "$here/acpi-power.sh" "$root/etc/acpi/PWRF/00000080"
install -m 0644 "$here/profile" "$root/etc/profile"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root/etc/passwd"
printf 'root:x:0:\n' >"$root/etc/group"
# Root's password is locked ("*") until the specialisation sets its hash.
printf 'root:*:%d:0:99999:7:::\n' $((SOURCE_DATE_EPOCH / 86400)) >"$root/etc/shadow"
printf 'ttyS0\n' >"$root/etc/securetty"
chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/securetty"
chmod 0600 "$root/etc/shadow"
printf 'template\n' >"$root/etc/hostname"
printf '127.0.0.1 localhost\n' >"$root/etc/hosts"
fix_times "$root"
rm -f "$work/root.img"
mke2fs -q -F -t ext4 -L tp-root -U "$fs_uuid" -E "hash_seed=$hash_seed,root_owner=0:0" \
  -d "$root" "$work/root.img" "$disk_size" >/dev/null
# mke2fs copies each file's ctime, which cannot be set from user space, and its owner, which is the
# building user: set both in the image (every file owned by root, whoever builds).
(cd "$root" && find . | sort | sed -e 's|^\.||' -e 's|^$|/|' \
  | while IFS= read -r f; do
      printf 'sif "%s" ctime @%s\nsif "%s" uid 0\nsif "%s" gid 0\n' "$f" "$SOURCE_DATE_EPOCH" "$f" "$f"
    done) >"$work/ctime.cmds"
debugfs -w -f "$work/ctime.cmds" "$work/root.img" >/dev/null 2>"$work/debugfs.err" \
  || { cat "$work/debugfs.err" >&2; exit 1; }
if grep -v '^debugfs ' "$work/debugfs.err" | grep -q .; then cat "$work/debugfs.err" >&2; exit 1; fi
raw_sha="$(sha384sum "$work/root.img" | cut -d' ' -f1)"
qemu-img convert -q -f raw -O qcow2 "$work/root.img" "$out/template.qcow2.tmp"

mv "$out/vmlinuz.tmp" "$out/vmlinuz"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
mv "$out/template.qcow2.tmp" "$out/template.qcow2"
sha="$(sha384sum "$out/template.qcow2" | cut -d' ' -f1)"
echo "$sha" >"$out/template.sha384"
{
  echo "$manifest_new"
  echo "sha384 template.qcow2 $sha"
  echo "sha384 template.raw $raw_sha"
  echo "sha384 vmlinuz $(sha384sum "$out/vmlinuz" | cut -d' ' -f1)"
  echo "sha384 initrd.gz $(sha384sum "$out/initrd.gz" | cut -d' ' -f1)"
} >"$out/manifest.txt"
echo "guest template built: $out (sha384 $sha)"
