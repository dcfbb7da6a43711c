# Sourced by /sbin/init. specialise_from_answer_port is the hook where the guest will read the
# specialisation answer file from the virtio-serial port named org.tenantportal.answer and apply it
# (hostname, administrator password hash, SSH keys, files). Not implemented yet: it only reports
# whether the port is present.
SPECIALISE_PORT_NAME=org.tenantportal.answer

specialise_from_answer_port() {
  for n in /sys/class/virtio-ports/*/name; do
    [ -r "$n" ] || continue
    if [ "$(cat "$n")" = "$SPECIALISE_PORT_NAME" ]; then
      echo "TENANTPORTAL-SPECIALISE port=/dev/$(basename "$(dirname "$n")") status=not-implemented"
      return 0
    fi
  done
  echo "TENANTPORTAL-SPECIALISE port=none status=skipped"
}
