#!/usr/bin/env bash
# Checks the guest's archive checks (specialise.sh's extract and check_values) on the host, without
# QEMU: well-formed archives are extracted byte for byte, every malformed one fails with its reason.
# Needs busybox (busybox-static) and python3. Runs in about a second.
# Usage: guest/archive-check.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for t in busybox python3; do
  command -v "$t" >/dev/null || { echo "archive-check: $t missing (apt-get install -y busybox-static python3)" >&2; exit 2; }
done
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Writes CASE.tar and CASE.expect (the expected reason, or "ok") for each case into $work/cases.
python3 - "$work/cases" <<'EOF'
import io, os, sys, tarfile

out = sys.argv[1]
os.makedirs(out)

def info(name, size, type_=tarfile.REGTYPE, linkname=""):
    ti = tarfile.TarInfo(name)
    ti.size, ti.mode, ti.mtime, ti.uid, ti.gid, ti.type, ti.linkname = size, 0o600, 0, 0, 0, type_, linkname
    return ti

def build(entries, fmt=tarfile.USTAR_FORMAT):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=fmt) as tar:
        for e in entries:
            if isinstance(e, tarfile.TarInfo):
                tar.addfile(e)
            else:
                name, data = e
                tar.addfile(info(name, len(data)), io.BytesIO(data))
    return bio.getvalue()

def rechecksum(b, at=0):
    """Recomputes the checksum of the header at byte offset at."""
    b = bytearray(b)
    b[at + 148:at + 156] = b" " * 8
    b[at + 148:at + 155] = b"%06o\0" % sum(b[at:at + 512])
    return bytes(b)

def patch(b, at, data):
    b = bytearray(b)
    b[at:at + len(data)] = data
    return rechecksum(bytes(b), at - at % 512)

name = [("computer-name", b"vm-01")]
good = name + [("administrator-password", b"Pw-1\n"), ("ssh/authorized_keys", b"ssh-ed25519 AAAA k\n"),
               ("answer-file", b"<unattend/>"), ("rdp.pfx", bytes(range(256))), ("files/.a_b-1.txt", b"x"),
               ("files/empty", b"")]
cases = {
    "ok": (build(good), "ok"),
    "ok-v7-typeflag": (patch(build(name), 156, b"\0"), "ok"),
    "ok-name-newline": (build([("computer-name", b"vm-01\n")]), "ok"),
    "traversal": (build(name + [("../etc/passwd", b"x")]), "bad-entry-name"),
    "absolute": (build(name + [("/etc/passwd", b"x")]), "bad-entry-name"),
    "files-dotdot": (build(name + [("files/..", b"x")]), "bad-entry-name"),
    "files-subdir": (build(name + [("files/a/b", b"x")]), "bad-entry-name"),
    "unknown-name": (build(name + [("etc/shadow", b"x")]), "bad-entry-name"),
    "space-in-name": (build(name + [("files/a b", b"x")]), "bad-entry-name"),
    "nul-in-name": (patch(build(name), 20, b"x"), "bad-entry-name"),
    # ustar splits a long name into prefix "aaa…" and name "files/x": the prefix must be empty.
    "prefix-used": (build(name + [("a" * 110 + "/files/x", b"x")]), "bad-entry-name"),
    "symlink": (build(name + [info("files/l", 0, tarfile.SYMTYPE, "/etc/shadow")]), "not-a-regular-file"),
    "hardlink": (build(name + [info("files/h", 0, tarfile.LNKTYPE, "computer-name")]), "not-a-regular-file"),
    "symlink-type-without-link-name": (patch(build(name), 156, b"2"), "not-a-regular-file"),
    "hardlink-type-without-link-name": (patch(build(name), 156, b"1"), "not-a-regular-file"),
    "directory": (build([info("ssh", 0, tarfile.DIRTYPE)] + name), "not-a-regular-file"),
    "link-name-on-file": (patch(build(name), 157, b"x"), "not-a-regular-file"),
    "gnu-magic": (build(name, tarfile.GNU_FORMAT), "not-posix-ustar"),
    "duplicate": (build(name + name), "duplicate-entry"),
    "bad-checksum": (bytes([build(name)[0] ^ 1]) + build(name)[1:], "bad-header-checksum"),
    "bad-size-digit": (patch(build(name), 124, b"00000000009\0"), "bad-entry-size"),
    "size-past-end": (patch(build(name + [("files/x", b"x")]), 1024 + 124, b"00000077777\0"), "truncated-archive"),
    "trailing-data": (build(name)[:-1] + b"\1", "trailing-data"),
    "no-end-block": (build(name)[:1024], "truncated-archive"),
    "too-many-entries": (build(name + [("files/f%d" % i, b"") for i in range(64)]), "too-many-entries"),
    "entry-too-large": (build([("computer-name", b"a" * 65)]), "entry-too-large"),
    "missing-computer-name": (build([("answer-file", b"x")]), "missing-computer-name"),
    "bad-computer-name": (build([("computer-name", b"vm_01")]), "bad-computer-name"),
    "computer-name-hyphen": (build([("computer-name", b"-vm")]), "bad-computer-name"),
    "computer-name-64": (build([("computer-name", b"a" * 64)]), "bad-computer-name"),
    "computer-name-two-lines": (build([("computer-name", b"vm\nx")]), "bad-computer-name"),
    "empty-password": (build(name + [("administrator-password", b"\n")]), "bad-administrator-password"),
    "password-nul": (build(name + [("administrator-password", b"a\0b")]), "bad-administrator-password"),
    "password-two-lines": (build(name + [("administrator-password", b"a\nb")]), "bad-administrator-password"),
}
# A PAX extended header (type 'x') could rename an entry: refused.
bio = io.BytesIO()
with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "x"}) as tar:
    tar.addfile(info("computer-name", 5), io.BytesIO(b"vm-01"))
cases["pax-header"] = (bio.getvalue(), "not-a-regular-file")
for case, (data, expect) in cases.items():
    with open(os.path.join(out, case + ".tar"), "wb") as f:
        f.write(data)
    with open(os.path.join(out, case + ".expect"), "w") as f:
        f.write(expect)
with open(os.path.join(out, "ok.files"), "w") as f:
    for n, d in good:
        f.write(f"{n} {d.hex()}\n")
EOF

failed=0
for t in "$work"/cases/*.tar; do
  c="$(basename "$t" .tar)"
  expect="$(cat "$work/cases/$c.expect")"
  rm -rf "$work/w" && mkdir -m 0700 "$work/w" && cp "$t" "$work/w/archive"
  # fail is replaced before anything runs: the guest's own fail powers off.
  got="$(SPECIALISE_FUNCTIONS_ONLY=1 busybox sh -c '
    . "$1"
    fail() { echo "$1"; exit 1; }
    WORK="$2"; ARCHIVE="$WORK/archive"
    extract
    check_values
    echo ok' sh "$here/specialise.sh" "$work/w" 2>&1 | tail -n 1 || true)"
  if [[ "$got" != "$expect" ]]; then
    echo "archive-check: $c: expected $expect, got $got" >&2; failed=1; continue
  fi
  if [[ "$c" == ok ]]; then
    while read -r name hex; do
      [[ "$(od -An -v -tx1 "$work/w/x/$name" | tr -d ' \n')" == "$hex" ]] \
        || { echo "archive-check: ok: $name extracted wrongly" >&2; failed=1; }
    done <"$work/cases/ok.files"
    [[ ! -e "$work/w/archive" ]] || { echo "archive-check: ok: archive left in the tmpfs" >&2; failed=1; }
  fi
done
((failed == 0)) || exit 1
echo "archive-check: OK ($(ls "$work"/cases/*.tar | wc -l) archives)"
