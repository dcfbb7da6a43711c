#!/bin/sh
# Run by busybox init before it stops every process and powers off: flush and make the root file
# system read-only, so the VM's disk is clean when QEMU exits.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
sync
mount -o remount,ro / 2>/dev/null || { sync; echo "shutdown: cannot remount / read-only (synced)"; }
