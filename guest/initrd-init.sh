#!/bin/busybox sh
# Initramfs /init: plays the firmware and boot loader. Loads the virtio modules, finds the VM's
# disk (/dev/vda), mounts its root file system and hands over to its /sbin/init.
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
/bin/busybox mount -t devtmpfs devtmpfs /dev
for m in $(cat /lib/modules/load-order); do
  insmod "/lib/modules/$m.ko" || echo "initrd: cannot load $m"
done
i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
if [ ! -b /dev/vda ]; then
  echo "TENANTPORTAL-GUEST-FAILED no /dev/vda"
  poweroff -f
fi
mount -t ext4 -o rw /dev/vda /newroot 2>/dev/null || mount -t ext4 -o ro /dev/vda /newroot || {
  echo "TENANTPORTAL-GUEST-FAILED cannot mount /dev/vda"
  poweroff -f
}
mount --move /dev /newroot/dev
umount /sys /proc
exec switch_root /newroot /sbin/init
