#!/usr/bin/env bash
# Boots the guest template under QEMU (TCG) and proves the host <-> guest protocol end to end, with raw
# QEMU commands and the same devices the QEMU driver gives a VM (serial console, answer port and QMP as
# unix sockets; see guest/README.md):
#   1. a plain qcow2 overlay of the template: the host connects only once the guest waits, sends half an
#      archive and goes away, then sends an archive with a "../" name: the guest must answer RECEIVED
#      with the archive's sha256, then SPECIALISE-FAILED reason=bad-entry-name, and power off;
#      booted again, it waits again (nothing was applied), and QMP system_powerdown powers it off
#      while it waits;
#   2. a LUKS-encrypted qcow2 copy with an swtpm vTPM (state encrypted) attached as tpm-crb, first boot:
#      READY (tpm0=present, root=rw), a specialisation (computer name, a marker administrator password,
#      an authorized key, an answer file, one file) answered RECEIVED + SPECIALISED on the port and
#      SPECIALISED on the console; root logs in on the console with the marker password; QMP
#      system_powerdown makes the guest print POWEROFF reason=acpi and QEMU exit;
#   3. the same disk again: ALREADY-SPECIALISED with the same name and a login prompt; power-down.
# First, archive-check.sh runs the guest's archive checks on the host against 35 archives (no QEMU).
# Then: the marker password is nowhere in the qcow2's bytes, its decrypted bytes, the vTPM state or the
# serial logs; a wrong disk key is refused.
# The host side of the protocol is boot-check-host.py (python3).
# Usage: guest/boot-check.sh [OUT]   (default guest/out, as built by guest/build.sh)
# LUKS_ITER_TIME=MS sets the LUKS key slot's PBKDF time (QEMU's default is 2000 ms).
# BOOT_CHECK_KEEP=1 keeps the work folder (serial logs; keys removed) and prints its path.
# Exits 0 only if every check passes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "${1:-$here/out}" && pwd)"
for f in vmlinuz initrd.gz template.qcow2; do
  [[ -f "$out/$f" ]] || { echo "boot-check: $out/$f missing; run guest/build.sh first" >&2; exit 2; }
done
for t in qemu-system-x86_64 qemu-img swtpm python3; do
  command -v "$t" >/dev/null || {
    echo "boot-check: $t missing; install with: apt-get install -y qemu-system-x86 qemu-utils swtpm swtpm-tools python3" >&2
    exit 2
  }
done

ready="TENANTPORTAL-GUEST-READY"
work="$(mktemp -d)"
chmod 0700 "$work"
swtpm_pid=""
qemu_pid=""
cleanup() {
  if [[ -n "$qemu_pid" ]]; then
    kill "$qemu_pid" 2>/dev/null || true
    wait "$qemu_pid" 2>/dev/null || true
  fi
  if [[ -n "$swtpm_pid" ]]; then
    kill "$swtpm_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$swtpm_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [[ "${BOOT_CHECK_KEEP:-}" == 1 ]]; then
    rm -f "$work"/*.key "$work/password" "$work/vm.raw"
    echo "boot-check: work folder kept: $work"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

now_ms() { date +%s%3N; }
secs() { printf '%d.%03d s' $(($1 / 1000)) $(($1 % 1000)); }

# Starts QEMU in the background (at most 120 s) with the driver's devices, sockets in $1.
# $1 = folder for console.sock, answer.sock, qmp.sock and serial.log; the rest are extra QEMU arguments.
qemu_start() {
  local d="$1"; shift
  mkdir -p -m 0700 "$d"
  QEMU_START_MS="$(now_ms)"
  timeout 120 qemu-system-x86_64 -accel tcg -m 256 -display none -no-reboot -nodefaults \
    -kernel "$out/vmlinuz" -initrd "$out/initrd.gz" -append "console=ttyS0 quiet panic=-1" \
    -chardev "socket,id=serial0,path=$d/console.sock,server=on,wait=off,logfile=$d/serial.log" \
    -serial chardev:serial0 \
    -device virtio-serial-pci,id=vser0 \
    -chardev "socket,id=answer,path=$d/answer.sock,server=on,wait=off" \
    -device virtserialport,bus=vser0.0,chardev=answer,name=org.tenantportal.answer \
    -qmp "unix:$d/qmp.sock,server=on,wait=off" \
    "$@" </dev/null >"$d/qemu.out" 2>&1 &
  qemu_pid=$!
}

# Waits (at most $1 s) for QEMU to exit; it must exit 0. $2 = folder (for the serial log).
qemu_wait_exit() {
  local limit="$1" d="$2" t0 rc=0
  t0="$(now_ms)"
  for _ in $(seq $((limit * 10))); do kill -0 "$qemu_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$qemu_pid" 2>/dev/null; then
    echo "boot-check: QEMU still running ${limit} s later; serial log:" >&2
    tail -n 20 "$d/serial.log" >&2
    return 1
  fi
  wait "$qemu_pid" || rc=$?
  qemu_pid=""
  QEMU_EXIT_MS=$(($(now_ms) - t0))
  if ((rc != 0)); then
    echo "boot-check: QEMU exited with $rc" >&2; cat "$d/qemu.out" >&2; return 1
  fi
  echo "  QEMU exited 0, $(secs "$QEMU_EXIT_MS") after the last check; $(secs $(($(now_ms) - QEMU_START_MS))) since it started"
}

# Prints the serial line starting with $2 from folder $1's log (CR removed).
serial_line() { tr -d '\r' <"$1/serial.log" | grep -a -m1 "^$2" || true; }

host() { python3 "$here/boot-check-host.py" "$@"; }

echo "0. the guest's archive checks, on the host (archive-check.sh)"
"$here/archive-check.sh" | sed 's/^/  /'

echo "1. malformed archive on a plain qcow2 overlay of the template"
qemu-img create -q -f qcow2 -F qcow2 -b "$out/template.qcow2" "$work/bad.qcow2"
qemu_start "$work/b1" -drive "file=$work/bad.qcow2,if=virtio,format=qcow2"
host bad-archive "$work/b1"
qemu_wait_exit 30 "$work/b1"
line="$(serial_line "$work/b1" "$ready")"
echo "  $line"
[[ "$line" == *"virtio-ports=vport"*"org.tenantportal.answer"* ]] \
  || { echo "boot-check: guest saw no virtio-serial answer port" >&2; exit 1; }
if tr -d '\r' <"$work/b1/serial.log" | grep -aq '^TENANTPORTAL-SPECIALISED'; then
  echo "boot-check: guest specialised from a malformed archive" >&2; exit 1
fi
echo "   the same overlay again: still waiting; ACPI power-down while it waits"
qemu_start "$work/b1w" -drive "file=$work/bad.qcow2,if=virtio,format=qcow2"
host waiting-powerdown "$work/b1w"
qemu_wait_exit 30 "$work/b1w"

echo "2. LUKS-encrypted qcow2 copy with an swtpm vTPM (tpm-crb): first boot, specialisation, login, ACPI power-down"
key="$work/disk.key"
(umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$key")
start="$(now_ms)"
# qemu-img times PBKDF2 with the thread's CPU clock; on a loaded host that clock can read 0 ms and
# it fails with "Unable to get accurate CPU usage". That failure is transient: try again.
for attempt in 1 2 3 4 5; do
  rm -f "$work/vm.qcow2"
  if err="$(qemu-img convert -q -f qcow2 -O qcow2 --object "secret,id=s0,file=$key" \
        -o "encrypt.format=luks,encrypt.key-secret=s0${LUKS_ITER_TIME:+,encrypt.iter-time=$LUKS_ITER_TIME}" \
        "$out/template.qcow2" "$work/vm.qcow2" 2>&1)"; then
    break
  fi
  if [[ "$err" != *"Unable to get accurate CPU usage"* || $attempt == 5 ]]; then
    echo "boot-check: qemu-img convert failed: $err" >&2; exit 1
  fi
  echo "  qemu-img: $err (attempt $attempt), retrying"
done
end="$(now_ms)"
printf '  encrypted copy made in %d.%03d s\n' $(((end - start) / 1000)) $(((end - start) % 1000))
# The template holds its init script (and so the READY string) in clear; the copy must not.
grep -qa "$ready" "$out/template.qcow2" || { echo "boot-check: template lacks its READY string" >&2; exit 1; }
if grep -qa "$ready" "$work/vm.qcow2"; then
  echo "boot-check: encrypted copy contains plaintext of the template" >&2; exit 1
fi

wrong="$work/wrong.key"
(umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$wrong")
if err="$(qemu-img check -q --object "secret,id=s0,file=$wrong" \
      --image-opts "driver=qcow2,encrypt.key-secret=s0,file.filename=$work/vm.qcow2" 2>&1)"; then
  echo "boot-check: encrypted copy opened with a wrong key" >&2; exit 1
fi
rm -f "$wrong"
echo "  wrong key refused: ${err##*: }"

name="vm-check-$(head -c 4 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The marker administrator password: random, so finding it anywhere proves a leak.
password="Marker-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')"
(umask 077 && printf '%s' "$password" >"$work/password")

mkdir -m 0700 "$work/tpm"
tpmkey="$work/tpm.key"
(umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$tpmkey")
# One swtpm for the VM, its state encrypted with the key in $tpmkey (the same key at every start).
swtpm_start() {
  rm -f "$work/tpm/swtpm.pid"
  swtpm socket --tpm2 --tpmstate "dir=$work/tpm" --ctrl "type=unixio,path=$work/tpm/sock" \
    --key "pwdfile=$tpmkey,mode=aes-256-cbc,kdf=pbkdf2" --pid "file=$work/tpm/swtpm.pid" --daemon
  for _ in $(seq 50); do [[ -s "$work/tpm/swtpm.pid" && -S "$work/tpm/sock" ]] && break; sleep 0.1; done
  swtpm_pid="$(cat "$work/tpm/swtpm.pid")"
}
# swtpm exits when QEMU closes its control channel; make sure it is gone.
swtpm_stop() {
  for _ in $(seq 50); do kill -0 "$swtpm_pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$swtpm_pid" 2>/dev/null; then kill "$swtpm_pid"; fi
  swtpm_pid=""
}
luks_args=(
  -object "secret,id=s0,file=$key"
  -blockdev "driver=qcow2,node-name=disk0,encrypt.format=luks,encrypt.key-secret=s0,file.driver=file,file.filename=$work/vm.qcow2"
  -device virtio-blk-pci,drive=disk0
  -chardev "socket,id=tpmchr,path=$work/tpm/sock" -tpmdev emulator,id=tpm0,chardev=tpmchr
  -device tpm-crb,tpmdev=tpm0
)

swtpm_start
qemu_start "$work/b2" "${luks_args[@]}"
host first-boot "$work/b2" "$name" "$work/password"
qemu_wait_exit 30 "$work/b2"
swtpm_stop
line="$(serial_line "$work/b2" "$ready")"
echo "  $line"
[[ "$line" == *"tpm0=present"* ]] || { echo "boot-check: guest saw no /dev/tpm0" >&2; exit 1; }
[[ "$line" == *"root=rw"* ]] || { echo "boot-check: encrypted root not writable" >&2; exit 1; }

echo "3. the same disk and vTPM state again: already specialised"
swtpm_start
qemu_start "$work/b3" "${luks_args[@]}"
host later-boot "$work/b3" "$name"
qemu_wait_exit 30 "$work/b3"
swtpm_stop
rm -f "$tpmkey"

echo "4. the marker password is nowhere: qcow2 bytes, decrypted disk, vTPM state, serial logs"
# The decrypted disk holds the computer name in clear (so this search can find what is there) and
# root's password hash, never the password.
qemu-img convert -q --object "secret,id=s0,file=$key" --image-opts -O raw \
  "driver=qcow2,encrypt.key-secret=s0,file.filename=$work/vm.qcow2" "$work/vm.raw"
rm -f "$key"
grep -qaF "$name" "$work/vm.raw" || { echo "boot-check: decrypted disk lacks the computer name" >&2; exit 1; }
grep -qaF "\$6\$" "$work/vm.raw" || { echo "boot-check: decrypted disk lacks a sha512 password hash" >&2; exit 1; }
searched=0
for f in "$work/vm.qcow2" "$work/vm.raw" "$work/bad.qcow2" "$work"/tpm/* "$work"/b*/serial.log "$work"/b*/qemu.out; do
  [[ -f "$f" ]] || continue
  if grep -qaF "$password" "$f"; then echo "boot-check: the marker password is in $f" >&2; exit 1; fi
  searched=$((searched + 1))
done
echo "  not found in $searched files"
rm -f "$work/vm.raw"

echo "boot-check: OK"
