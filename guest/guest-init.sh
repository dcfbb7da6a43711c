#!/bin/sh
# Template's /sbin/init: reports what the VM was given on the serial console, runs the
# specialisation hook, then powers off.
mount -t proc proc /proc
mount -t sysfs sysfs /sys
[ -e /dev/null ] || mount -t devtmpfs devtmpfs /dev
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
grep -q ' / ext4 rw' /proc/mounts && mode=rw

echo "TENANTPORTAL-GUEST-READY tpm0=$tpm virtio-ports=$ports root=$mode kernel=$(uname -r)"

# Specialisation hook: later reads the answer file from the virtio-serial port
# named org.tenantportal.answer and applies it.
. /etc/tenantportal/specialise.sh
specialise_from_answer_port

sync
poweroff -f
