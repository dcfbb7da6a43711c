#!/bin/sh
# /etc/init.d/login-prompt, respawned by init on ttyS0: busybox getty ("NAME login:", then login),
# once rcS or specialise.sh has flagged that the VM is specialised.
while [ ! -e /run/tenantportal-ready ]; do sleep 0.2; done
exec /sbin/getty -L 115200 ttyS0 vt100
