#!/usr/bin/env bash
# Boots the guest template twice under QEMU (TCG) and checks the guest's serial marker line:
#   1. the template itself (read-only), with a virtio-serial port;
#   2. a LUKS-encrypted qcow2 copy of it, with an swtpm vTPM (state encrypted) attached as tpm-crb; the guest must
#      report /dev/tpm0.
# Usage: guest/boot-check.sh [OUT]   (default guest/out, as built by guest/build.sh)
# LUKS_ITER_TIME=MS sets the LUKS key slot's PBKDF time (QEMU's default is 2000 ms).
# Exits 0 only if both boots print the marker line as expected.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="$(cd "${1:-$here/out}" && pwd)"
for f in vmlinuz initrd.gz template.qcow2; do
  [[ -f "$out/$f" ]] || { echo "boot-check: $out/$f missing; run guest/build.sh first" >&2; exit 2; }
done
for t in qemu-system-x86_64 qemu-img swtpm; do
  command -v "$t" >/dev/null || {
    echo "boot-check: $t missing; install with: apt-get install -y qemu-system-x86 qemu-utils swtpm swtpm-tools" >&2
    exit 2
  }
done

marker="TENANTPORTAL-GUEST-READY"
work="$(mktemp -d)"
chmod 0700 "$work"
swtpm_pid=""
qemu_pid=""
cleanup() {
  [[ -n "$qemu_pid" ]] && kill "$qemu_pid" 2>/dev/null || true
  if [[ -n "$swtpm_pid" ]]; then
    kill "$swtpm_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$swtpm_pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT

now_ms() { date +%s%3N; }

# Runs QEMU in the background with a 120 s limit, waits for it, prints the boot time and the
# marker line. $1 = log file; the rest are extra QEMU arguments.
boot() {
  local log="$1"; shift
  local start end rc
  start="$(now_ms)"
  timeout 120 qemu-system-x86_64 -accel tcg -m 256 -nographic -no-reboot -nodefaults -serial stdio \
    -kernel "$out/vmlinuz" -initrd "$out/initrd.gz" -append "console=ttyS0 quiet panic=-1" \
    -device virtio-serial-pci,id=vser0 \
    -chardev null,id=answer0 -device virtserialport,bus=vser0.0,chardev=answer0,name=org.tenantportal.answer \
    "$@" </dev/null >"$log" 2>&1 &
  qemu_pid=$!
  rc=0
  wait "$qemu_pid" || rc=$?
  qemu_pid=""
  end="$(now_ms)"
  local line
  line="$(tr -d '\r' <"$log" | grep -m1 "^$marker" || true)"
  if [[ -z "$line" ]]; then
    echo "boot-check: no marker line (qemu exit $rc); serial log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
  echo "  $line"
  tr -d '\r' <"$log" | grep '^TENANTPORTAL-SPECIALISE' | sed 's/^/  /' || true
  printf '  boot to marker and power-off: %d.%03d s (qemu exit %d)\n' $(((end - start) / 1000)) $(((end - start) % 1000)) "$rc"
  BOOT_LINE="$line"
}

echo "1. template (plain qcow2, read-only, virtio-serial, no TPM)"
boot "$work/plain.log" -drive "file=$out/template.qcow2,if=virtio,format=qcow2,readonly=on"
[[ "$BOOT_LINE" == *"virtio-ports=vport"*"org.tenantportal.answer"* ]] \
  || { echo "boot-check: guest saw no virtio-serial port" >&2; exit 1; }

echo "2. LUKS-encrypted qcow2 copy with an swtpm vTPM (tpm-crb)"
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
# The template holds its init script (and so the marker string) in clear; the copy must not.
grep -qa "$marker" "$out/template.qcow2" || { echo "boot-check: template lacks its marker string" >&2; exit 1; }
if grep -qa "$marker" "$work/vm.qcow2"; then
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

mkdir -m 0700 "$work/tpm"
tpmkey="$work/tpm.key"
(umask 077 && head -c 32 /dev/urandom | base64 -w0 >"$tpmkey")
swtpm socket --tpm2 --tpmstate "dir=$work/tpm" --ctrl "type=unixio,path=$work/tpm/sock" \
  --key "pwdfile=$tpmkey,mode=aes-256-cbc,kdf=pbkdf2" --pid "file=$work/tpm/swtpm.pid" --daemon
rm -f "$tpmkey"
for _ in $(seq 50); do [[ -s "$work/tpm/swtpm.pid" && -S "$work/tpm/sock" ]] && break; sleep 0.1; done
swtpm_pid="$(cat "$work/tpm/swtpm.pid")"

boot "$work/luks.log" \
  -object "secret,id=s0,file=$key" \
  -blockdev "driver=qcow2,node-name=disk0,encrypt.format=luks,encrypt.key-secret=s0,file.driver=file,file.filename=$work/vm.qcow2" \
  -device virtio-blk-pci,drive=disk0 \
  -chardev "socket,id=tpmchr,path=$work/tpm/sock" -tpmdev emulator,id=tpm0,chardev=tpmchr \
  -device tpm-crb,tpmdev=tpm0
rm -f "$key"
[[ "$BOOT_LINE" == *"tpm0=present"* ]] || { echo "boot-check: guest saw no /dev/tpm0" >&2; exit 1; }
[[ "$BOOT_LINE" == *"root=rw"* ]] || { echo "boot-check: encrypted root not writable" >&2; exit 1; }

# swtpm exits when QEMU closes its control channel; make sure it is gone.
for _ in $(seq 50); do kill -0 "$swtpm_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$swtpm_pid" 2>/dev/null; then kill "$swtpm_pid"; fi
swtpm_pid=""

echo "boot-check: OK"
