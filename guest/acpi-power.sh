#!/bin/sh
# /etc/acpi/PWRF/00000080: busybox acpid runs it when the ACPI power button is pressed (QMP
# system_powerdown). Announces the power-off and asks init for it; init runs /etc/init.d/shutdown
# (sync, root read-only) and powers off.
PATH=/sbin:/bin:/usr/sbin:/usr/bin
# Leading newline: the console may sit at "NAME login: " without one.
printf '\nTENANTPORTAL-GUEST-POWEROFF reason=acpi\n' >/dev/console
exec poweroff
