#!/bin/sh
# /etc/tenantportal/specialise.sh: the first-boot specialisation, run once by init after rcS; does
# nothing if the marker /etc/tenantportal/specialised exists. Protocol (host -> guest, on the virtio-serial port named
# org.tenantportal.answer):
#   "TENANTPORTAL-SPECIALISATION 1 <LENGTH>\n" then LENGTH bytes of a POSIX ustar archive.
# Guest -> host on the same port: "TENANTPORTAL-RECEIVED <sha256 of the archive>\n", then
# "TENANTPORTAL-SPECIALISED name=NAME\n" or "TENANTPORTAL-SPECIALISE-FAILED reason=REASON\n".
# The archive is checked strictly (regular files with known names only, valid headers and checksums,
# bounded sizes), extracted to a tmpfs and applied: hostname, root's password hash in /etc/shadow,
# root's authorized_keys, the answer file, rdp.pfx and files/*. Then the marker is written, the disk
# synced and the result printed on the serial console. Nothing secret is printed.
# When specialised, flags /run/tenantportal-ready (the login prompt starts). On failure prints
# TENANTPORTAL-SPECIALISE-FAILED reason=WORD and powers off (root read-only first).
# "specialise.sh receive" is the internal receiving step, run under `timeout` with the port on fd 3.
# Sourced with SPECIALISE_FUNCTIONS_ONLY=1 it only defines its functions (guest/archive-check.sh tests
# the archive checks on the host that way).
PATH=/sbin:/bin:/usr/sbin:/usr/bin
export PATH
umask 077

PORT_NAME=org.tenantportal.answer
WORK=/run/tenantportal-specialise
ARCHIVE=$WORK/archive
WAIT_SECONDS=600
MAX_LENGTH=16777216 # archive bytes
MAX_ENTRIES=64
PORT_WRITE_SECONDS=10
ETC=/etc/tenantportal

# --- receiving (runs as "specialise.sh receive", fd 3 = the answer port) -----------------------------

# Waits for the header line and reads exactly LENGTH bytes into $ARCHIVE. While the host side is not
# connected, a read returns end of file at once: poll. A host that disconnects part-way is waited for
# again (it starts over with the header). Exit 0 when received; 1 with the reason in $WORK/reason.
receive() {
  while :; do
    line=""
    if ! IFS= read -r -n 64 line <&3; then
      sleep 0.2
      continue
    fi
    case "$line" in
      "TENANTPORTAL-SPECIALISATION 1 "*) len=${line#TENANTPORTAL-SPECIALISATION 1 } ;;
      *) echo bad-header >"$WORK/reason"; exit 1 ;;
    esac
    case "$len" in
      '' | *[!0-9]* | 0*) echo bad-header >"$WORK/reason"; exit 1 ;;
    esac
    if [ "${#len}" -gt 9 ] || [ "$len" -gt "$MAX_LENGTH" ]; then
      echo archive-too-large >"$WORK/reason"; exit 1
    fi
    if [ $((len % 512)) -ne 0 ] || [ "$len" -lt 1024 ]; then
      echo bad-archive-length >"$WORK/reason"; exit 1
    fi
    dd bs=65536 iflag=fullblock,count_bytes count="$len" <&3 >"$ARCHIVE" 2>/dev/null
    [ "$(wc -c <"$ARCHIVE")" -eq "$len" ] && exit 0
    rm -f "$ARCHIVE" # the host went away part-way: wait for it to start over
  done
}

if [ "${1:-}" = receive ] && [ "${SPECIALISE_FUNCTIONS_ONLY:-}" != 1 ]; then
  receive
fi

# --- main ------------------------------------------------------------------------------------------

port_fd=""
# Writes one line to the host on the answer port. A write blocks while the host is not connected, so
# it is bounded.
port_say() {
  [ -n "$port_fd" ] || return 0
  timeout "$PORT_WRITE_SECONDS" sh -c 'printf "%s\n" "$1" >&3' port_say "$1" 2>/dev/null \
    || echo "specialise: the host did not take: ${1%% *}"
}

cleanup() {
  if [ -d "$WORK" ]; then
    rm -rf "$WORK"/* 2>/dev/null
    umount "$WORK" 2>/dev/null
    rmdir "$WORK" 2>/dev/null
  fi
}

# $1 = one word saying what went wrong (never a secret). Reports it and powers off.
fail() {
  cleanup
  echo "TENANTPORTAL-SPECIALISE-FAILED reason=$1"
  port_say "TENANTPORTAL-SPECIALISE-FAILED reason=$1"
  sync
  mount -o remount,ro / 2>/dev/null
  sync
  poweroff -f
  exit 1
}

# $1 = hex of a header field (two lowercase digits a byte). Sets TEXT to its bytes before the first NUL.
# Fails if a non-NUL byte follows that NUL, or a byte is not one of [A-Za-z0-9._/- ].
field_text() {
  local h="$1" p esc=""
  while [ -n "$h" ]; do
    p=${h%"${h#??}"}
    h=${h#??}
    if [ "$p" = 00 ]; then
      case "$h" in *[!0]*) return 1 ;; esac
      break
    fi
    case "$p" in
      2d | 2e | 2f | 3[0-9] | 4[1-9a-f] | 5[0-9a] | 5f | 6[1-9a-f] | 7[0-9a] | 20) ;;
      *) return 1 ;;
    esac
    esc="$esc\\x$p"
  done
  TEXT=$(printf "$esc")
}

# $1 = hex of a numeric header field. Sets NUM to its value: optional leading spaces, 1..12 octal
# digits, then only spaces or NULs (the checksum field ends in NUL and space, the others in NUL).
field_octal() {
  local h="$1" p digits="" state=lead
  while [ -n "$h" ]; do
    p=${h%"${h#??}"}
    h=${h#??}
    case "$state:$p" in
      lead:20) ;;
      lead:3[0-7] | digits:3[0-7]) state=digits; digits="$digits${p#3}" ;;
      digits:00 | digits:20 | end:00 | end:20) state=end ;;
      *) return 1 ;;
    esac
  done
  [ -n "$digits" ] && [ "${#digits}" -le 12 ] || return 1
  NUM=$((0$digits))
}

# $1 = hex string. True if every byte is NUL.
all_zero() { case "$1" in *[!0]*) return 1 ;; esac; return 0; }

# $1 = file. True if it holds no NUL byte and at most one newline, at its end.
one_line() {
  local size nonul nl
  size=$(wc -c <"$1")
  nonul=$(tr -d '\000' <"$1" | wc -c)
  [ "$size" -eq "$nonul" ] || return 1
  nl=$(tr -cd '\n' <"$1" | wc -c)
  [ "$nl" -eq 0 ] && return 0
  [ "$nl" -eq 1 ] && [ "$(tail -c 1 "$1" | od -An -tx1 | tr -d ' \n')" = 0a ]
}

# Walks the ustar archive in $ARCHIVE and extracts each entry under $WORK/x. Every header must be
# POSIX ustar ("ustar\0" "00") with a valid checksum, a regular file (type '0' or NUL), no link name,
# no prefix, a known name, and fit in the archive; after the entries only zero blocks may follow.
extract() {
  local total blk entries hdr sum b name size nb max seen
  total=$(($(wc -c <"$ARCHIVE") / 512))
  blk=0
  entries=0
  seen="|"
  mkdir -p "$WORK/x/ssh" "$WORK/x/files"
  while :; do
    [ "$blk" -lt "$total" ] || fail truncated-archive
    hdr=$(dd if="$ARCHIVE" bs=512 skip="$blk" count=1 2>/dev/null | od -An -v -tx1)
    # shellcheck disable=SC2086
    set -- $hdr
    [ $# -eq 512 ] || fail truncated-archive
    hdr=$(printf '%s' "$@")
    all_zero "$hdr" && break
    entries=$((entries + 1))
    [ "$entries" -le "$MAX_ENTRIES" ] || fail too-many-entries

    # Checksum: the sum of the header's bytes with the checksum field (148..155) counted as spaces.
    sum=0
    b=0
    for p in "$@"; do
      if [ "$b" -ge 148 ] && [ "$b" -lt 156 ]; then sum=$((sum + 32)); else sum=$((sum + 0x$p)); fi
      b=$((b + 1))
    done
    field_octal "${hdr:296:16}" || fail bad-header-checksum
    [ "$NUM" -eq "$sum" ] || fail bad-header-checksum
    [ "${hdr:514:16}" = 7573746172003030 ] || fail not-posix-ustar
    case "${hdr:312:2}" in 30 | 00) ;; *) fail not-a-regular-file ;; esac
    all_zero "${hdr:314:200}" || fail not-a-regular-file # link name
    all_zero "${hdr:690:310}" || fail bad-entry-name     # name prefix
    field_text "${hdr:0:200}" || fail bad-entry-name
    name=$TEXT
    field_octal "${hdr:248:24}" || fail bad-entry-size
    size=$NUM

    case "$name" in
      computer-name) max=64 ;;
      administrator-password) max=1024 ;;
      ssh/authorized_keys | rdp.pfx) max=65536 ;;
      answer-file) max=1048576 ;;
      files/*)
        case "${name#files/}" in
          '' | . | .. | *[!A-Za-z0-9._-]*) fail bad-entry-name ;;
        esac
        max=$MAX_LENGTH
        ;;
      *) fail bad-entry-name ;;
    esac
    case "$seen" in *"|$name|"*) fail duplicate-entry ;; esac
    seen="$seen$name|"
    [ "$size" -le "$max" ] || fail entry-too-large
    nb=$(((size + 511) / 512))
    [ $((blk + 1 + nb)) -lt "$total" ] || fail truncated-archive
    if [ "$size" -gt 0 ]; then
      dd if="$ARCHIVE" bs=512 skip=$((blk + 1)) count="$nb" 2>/dev/null | head -c "$size" >"$WORK/x/$name" \
        || fail extract-failed
    else
      : >"$WORK/x/$name"
    fi
    [ "$(wc -c <"$WORK/x/$name")" -eq "$size" ] || fail extract-failed
    blk=$((blk + 1 + nb))
  done
  [ "$(dd if="$ARCHIVE" bs=512 skip="$blk" 2>/dev/null | tr -d '\000' | wc -c)" -eq 0 ] || fail trailing-data
  rm -f "$ARCHIVE"
}

# $1 = source file, $2 = destination. Copies with mode 0600, owner root, replacing atomically.
put() {
  cp "$1" "$2.new" && chown 0:0 "$2.new" && chmod 0600 "$2.new" && mv -f "$2.new" "$2"
}

# Checks the extracted values before anything is applied; sets NAME.
check_values() {
  local x="$WORK/x"
  [ -f "$x/computer-name" ] || fail missing-computer-name
  one_line "$x/computer-name" || fail bad-computer-name
  NAME=$(cat "$x/computer-name")
  # [A-Za-z0-9-]{1,63}, not starting with "-" (hostname would take it for an option).
  case "$NAME" in '' | -* | *[!A-Za-z0-9-]*) fail bad-computer-name ;; esac
  [ "${#NAME}" -le 63 ] || fail bad-computer-name
  if [ -f "$x/administrator-password" ]; then
    one_line "$x/administrator-password" || fail bad-administrator-password
    [ "$(tr -d '\n' <"$x/administrator-password" | wc -c)" -gt 0 ] || fail bad-administrator-password
  fi
}

apply() {
  local x="$WORK/x" name="$NAME" hash day
  if [ -f "$x/administrator-password" ]; then
    hash=$(mkpasswd -m sha512 <"$x/administrator-password")
    rm -f "$x/administrator-password"
    case "$hash" in '$6$'*) ;; *) fail password-hash-failed ;; esac
    day=$(($(date +%s) / 86400))
    awk -F: -v OFS=: -v h="$hash" -v d="$day" '$1 == "root" { $2 = h; $3 = d } { print }' /etc/shadow \
      >/etc/shadow.new || fail apply-failed-shadow
    grep -q '^root:\$6\$' /etc/shadow.new || fail apply-failed-shadow
    chown 0:0 /etc/shadow.new && chmod 0600 /etc/shadow.new && mv -f /etc/shadow.new /etc/shadow \
      || fail apply-failed-shadow
  fi

  if [ -f "$x/ssh/authorized_keys" ]; then
    mkdir -p /root/.ssh && chmod 0700 /root/.ssh || fail apply-failed-ssh
    put "$x/ssh/authorized_keys" /root/.ssh/authorized_keys || fail apply-failed-ssh
  fi
  if [ -f "$x/answer-file" ]; then
    put "$x/answer-file" "$ETC/answer-file" || fail apply-failed-answer-file
  fi
  if [ -f "$x/rdp.pfx" ]; then
    put "$x/rdp.pfx" "$ETC/rdp.pfx" || fail apply-failed-rdp-pfx
  fi
  # Names are [A-Za-z0-9._-]+ (checked in extract), so word splitting is safe; ls -A includes dot files.
  for f in $(ls -A "$x/files"); do
    mkdir -p "$ETC/files" && chmod 0700 "$ETC/files" || fail apply-failed-files
    put "$x/files/$f" "$ETC/files/$f" || fail apply-failed-files
  done

  printf '%s\n' "$name" >/etc/hostname.new && chmod 0644 /etc/hostname.new && mv -f /etc/hostname.new /etc/hostname \
    || fail apply-failed-hostname
  printf '127.0.0.1 localhost\n127.0.1.1 %s\n' "$name" >/etc/hosts.new && chmod 0644 /etc/hosts.new \
    && mv -f /etc/hosts.new /etc/hosts || fail apply-failed-hostname
  hostname "$name" || fail apply-failed-hostname

  # Everything above is on the disk before the marker says so.
  sync
  printf '%s\n' "$name" >"$ETC/specialised.new" && chmod 0644 "$ETC/specialised.new" \
    && mv -f "$ETC/specialised.new" "$ETC/specialised" || fail apply-failed-marker
  sync
  SPECIALISED_NAME=$name
}

[ "${SPECIALISE_FUNCTIONS_ONLY:-}" = 1 ] && return 0

# Only ever in the guest (busybox init as PID 1, this script installed): it powers off on failure.
if [ "$(cat /proc/1/comm 2>/dev/null)" != init ] || [ ! -f "$ETC/specialise.sh" ]; then
  echo "specialise.sh: runs only inside the guest" >&2
  exit 2
fi

[ -f "$ETC/specialised" ] && exit 0
echo "TENANTPORTAL-SPECIALISE-WAITING"

port=""
for n in /sys/class/virtio-ports/*/name; do
  [ -r "$n" ] || continue
  if [ "$(cat "$n")" = "$PORT_NAME" ]; then
    port=/dev/$(basename "$(dirname "$n")")
    break
  fi
done
[ -n "$port" ] && [ -c "$port" ] || fail no-answer-port

mkdir -p "$WORK"
mount -t tmpfs -o size=48m,mode=0700,nosuid,nodev,noexec tmpfs "$WORK" || fail no-tmpfs
# One descriptor for the header, the archive and the answers, opened once: closing the port discards
# what the host has sent. ("command" keeps a failed redirection from ending the script silently.)
command exec 3<>"$port" || fail cannot-open-answer-port
port_fd=3

timeout "$WAIT_SECONDS" "$0" receive
rc=$?
case "$rc" in
  0) ;;
  1) fail "$(cat "$WORK/reason" 2>/dev/null || echo receive-failed)" ;;
  *) fail timeout ;;
esac
port_say "TENANTPORTAL-RECEIVED $(sha256sum "$ARCHIVE" | cut -d' ' -f1)"

extract
check_values
apply
cleanup
echo "TENANTPORTAL-SPECIALISED name=$SPECIALISED_NAME"
echo "specialised as $SPECIALISED_NAME"
port_say "TENANTPORTAL-SPECIALISED name=$SPECIALISED_NAME"
exec 3<&-
: >/run/tenantportal-ready
exit 0
