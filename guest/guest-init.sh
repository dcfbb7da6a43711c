#!/bin/sh
# /etc/init.d/rcS, run by busybox init (PID 1) at every boot, first.
# Reports what the VM was given on the serial console (TENANTPORTAL-GUEST-READY) and starts acpid for
# the power button. If the VM is specialised already (marker file), says so
# (TENANTPORTAL-ALREADY-SPECIALISED) and lets the login prompt start; otherwise init runs
# /etc/tenantportal/specialise.sh next.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
umask 022
mount -t proc proc /proc
mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
hostname -F /etc/hostname

# The power button (QMP system_powerdown) arrives as KEY_POWER on /dev/input/event*; acpid runs
# /etc/acpi/PWRF/00000080, which asks init to power off. acpid writes its pid file once it has opened
# the event devices: wait for it (at most 2 s), so the button works from the READY line on.
if [ -c /dev/input/event0 ]; then
  acpid -l /run/acpid.log -p /run/acpid.pid
  i=0
  while [ ! -s /run/acpid.pid ] && [ $i -lt 40 ]; do sleep 0.05; i=$((i + 1)); done
else
  echo "guest: no /dev/input/event0, the power button will not be honoured"
fi

tpm=absent
[ -c /dev/tpm0 ] && tpm=present
ports=""
for n in /sys/class/virtio-ports/*/name; do
  [ -r "$n" ] || continue
  ports="$ports${ports:+,}$(basename "$(dirname "$n")"):$(cat "$n")"
done
[ -n "$ports" ] || ports=none
mode=ro
grep -q '^[^ ]* / ext4 rw' /proc/mounts && mode=rw
echo "TENANTPORTAL-GUEST-READY tpm0=$tpm virtio-ports=$ports root=$mode kernel=$(uname -r)"

marker=/etc/tenantportal/specialised
if [ -f "$marker" ]; then
  echo "TENANTPORTAL-ALREADY-SPECIALISED name=$(cat "$marker")"
  : >/run/tenantportal-ready
fi
