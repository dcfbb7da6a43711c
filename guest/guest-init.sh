#!/bin/sh
# /etc/init.d/rcS, run by busybox init (PID 1) at every boot before the login prompt starts.
# Reports what the VM was given on the serial console (TENANTPORTAL-GUEST-READY), starts acpid for the
# power button, then either specialises the VM from the answer port (first boot: no marker file) or
# reports that it already is (TENANTPORTAL-ALREADY-SPECIALISED). A failed specialisation powers off.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
umask 022
mount -t proc proc /proc
mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run
hostname -F /etc/hostname

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

# The power button (QMP system_powerdown) arrives as KEY_POWER on /dev/input/event*; acpid runs
# /etc/acpi/PWRF/00000080, which asks init to power off.
if [ -c /dev/input/event0 ]; then
  acpid -l /run/acpid.log -p /run/acpid.pid
else
  echo "guest: no /dev/input/event0, the power button will not be honoured"
fi

marker=/etc/tenantportal/specialised
if [ -f "$marker" ]; then
  echo "TENANTPORTAL-ALREADY-SPECIALISED name=$(cat "$marker")"
else
  echo "TENANTPORTAL-SPECIALISE-WAITING"
  if ! /etc/tenantportal/specialise.sh; then
    # specialise.sh has printed TENANTPORTAL-SPECIALISE-FAILED reason=...
    sync
    mount -o remount,ro / 2>/dev/null
    sync
    poweroff -f
  fi
fi
