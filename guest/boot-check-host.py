#!/usr/bin/env python3
"""Host side of guest/boot-check.sh: plays the QEMU driver's part of the host <-> guest protocol against
a running QEMU, with its sockets in one folder (console.sock, answer.sock, qmp.sock).

  boot-check-host.py first-boot DIR NAME PASSWORD_FILE   send a specialisation, check the answers,
                                                         log in on the console, power down by ACPI
  boot-check-host.py later-boot DIR NAME                 expect ALREADY-SPECIALISED and a login
                                                         prompt, power down by ACPI
  boot-check-host.py bad-archive DIR                     connect only once the guest waits, send half
                                                         an archive and disconnect, reconnect and send
                                                         an archive with a "../" name: expect
                                                         SPECIALISE-FAILED (the guest powers off)
  boot-check-host.py waiting-powerdown DIR               power down by ACPI while the guest waits for
                                                         its specialisation

Every wait is bounded. Prints one line per step with the seconds since the script started. Never
prints the password.
"""
import hashlib
import io
import json
import os
import socket
import sys
import tarfile
import time

START = time.monotonic()


def log(msg):
    print(f"  [{time.monotonic() - START:5.1f} s] {msg}", flush=True)


def die(msg):
    print(f"boot-check: {msg}", file=sys.stderr, flush=True)
    sys.exit(1)


def connect(path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(path)
            return s
        except OSError:
            s.close()
            if time.monotonic() > deadline:
                die(f"cannot connect to {path}")
            time.sleep(0.05)


class Stream:
    """Accumulates what a socket sends and waits for a byte string in it."""

    def __init__(self, sock, name):
        self.sock, self.name, self.buf, self.pos = sock, name, b"", 0

    def wait_for(self, needles, timeout, whole_line=True):
        """Waits until one of needles appears after the last match (and, if whole_line, the end of
        its line); returns (needle, the line it is on)."""
        if isinstance(needles, bytes):
            needles = [needles]
        deadline = time.monotonic() + timeout
        while True:
            hits = [(self.buf.find(n, self.pos), n) for n in needles]
            hits = [(i, n) for i, n in hits if i >= 0]
            if hits and (not whole_line or self.buf.find(b"\n", min(hits)[0]) >= 0):
                i, n = min(hits)
                end = self.buf.find(b"\n", i)
                end = len(self.buf) if end < 0 else end
                self.pos = i + len(n)
                start = self.buf.rfind(b"\n", 0, i) + 1
                return n, self.buf[start:end].decode("utf-8", "replace").strip()
            left = deadline - time.monotonic()
            if left <= 0:
                tail = self.buf[-600:].decode("utf-8", "replace")
                die(f"{self.name}: none of {needles} within {timeout} s; last output:\n{tail}")
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                tail = self.buf[-600:].decode("utf-8", "replace")
                die(f"{self.name}: closed while waiting for {needles}; last output:\n{tail}")
            self.buf += data

    def send(self, data):
        self.sock.sendall(data)


def archive(entries):
    """A POSIX ustar archive, as the driver writes it: regular files, mode 0600, uid/gid 0, mtime 0."""
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name, data in entries:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime, info.uid, info.gid = len(data), 0o600, 0, 0, 0
            tar.addfile(info, io.BytesIO(data))
    return bio.getvalue()


def send_specialisation(d, payload, deadline):
    answer = Stream(connect(os.path.join(d, "answer.sock"), deadline), "answer port")
    answer.send(b"TENANTPORTAL-SPECIALISATION 1 %d\n" % len(payload) + payload)
    log(f"answer port: sent a {len(payload)}-byte archive")
    _, line = answer.wait_for(b"TENANTPORTAL-RECEIVED ", 60)
    want = hashlib.sha256(payload).hexdigest()
    if line != f"TENANTPORTAL-RECEIVED {want}":
        die(f"answer port: expected the archive's sha256 {want}, got: {line}")
    log("answer port: TENANTPORTAL-RECEIVED with the archive's sha256")
    return answer


def qmp_powerdown(d):
    qmp = Stream(connect(os.path.join(d, "qmp.sock"), time.monotonic() + 10), "qmp")
    qmp.wait_for(b'"QMP"', 10)
    qmp.send(b'{"execute":"qmp_capabilities"}\n')
    qmp.wait_for(b'"return"', 10)
    qmp.send(b'{"execute":"system_powerdown"}\n')
    qmp.wait_for(b'"return"', 10)
    log("qmp: system_powerdown sent")
    t0 = time.monotonic()
    _, line = qmp.wait_for(b'"SHUTDOWN"', 30)
    event = json.loads(line)
    log(f"qmp: SHUTDOWN event ({event['data']}) {time.monotonic() - t0:.1f} s after system_powerdown")
    if event["data"].get("guest") is not True:
        die("qmp: the shutdown was not the guest's own")


def login(console, name, password):
    console.wait_for(f"{name} login:".encode(), 60, whole_line=False)
    log(f"console: '{name} login:' prompt")
    console.send(b"root\r")
    console.wait_for(b"Password:", 20, whole_line=False)
    console.send(password + b"\r")
    console.wait_for([f"{name}:~# ".encode(), b"Login incorrect"], 30, whole_line=False)
    if b"Login incorrect" in console.buf[-200:]:
        die("console: root login with the administrator password refused")
    console.send(b"echo LOGIN-OK-$(id -u)-$(hostname)\r")
    console.wait_for(f"LOGIN-OK-0-{name}".encode(), 20)
    log(f"console: logged in as root with the administrator password (shell on {name})")
    console.send(b"exit\r")


def first_boot(d, name, password_file):
    with open(password_file, "rb") as f:
        password = f.read()
    deadline = time.monotonic() + 30
    console = Stream(connect(os.path.join(d, "console.sock"), deadline), "console")
    payload = archive([
        ("computer-name", name.encode()),
        ("administrator-password", password),
        ("ssh/authorized_keys", b"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBootCheckKeyBootCheckKeyBootCheckKey0 check\n"),
        ("answer-file", b"<unattend><ComputerName>" + name.encode() + b"</ComputerName></unattend>\n"),
        ("files/hello.txt", b"hello from the host\n"),
    ])
    answer = send_specialisation(d, payload, deadline)
    _, line = console.wait_for(b"TENANTPORTAL-SPECIALISE-WAITING", 60)
    _, line = answer.wait_for([b"TENANTPORTAL-SPECIALISED ", b"TENANTPORTAL-SPECIALISE-FAILED"], 60)
    if line != f"TENANTPORTAL-SPECIALISED name={name}":
        die(f"answer port: {line}")
    log(f"answer port: {line}")
    answer.sock.close()
    _, line = console.wait_for(b"TENANTPORTAL-SPECIALISED ", 30)
    if line != f"TENANTPORTAL-SPECIALISED name={name}":
        die(f"console: {line}")
    console.wait_for(f"specialised as {name}".encode(), 10)
    log(f"console: {line} / specialised as {name}")
    login(console, name, password)
    qmp_powerdown(d)
    console.wait_for(b"TENANTPORTAL-GUEST-POWEROFF reason=acpi", 30)
    log("console: TENANTPORTAL-GUEST-POWEROFF reason=acpi")


def later_boot(d, name):
    console = Stream(connect(os.path.join(d, "console.sock"), time.monotonic() + 30), "console")
    _, line = console.wait_for(
        [b"TENANTPORTAL-ALREADY-SPECIALISED", b"TENANTPORTAL-SPECIALISE-WAITING"], 60)
    if line != f"TENANTPORTAL-ALREADY-SPECIALISED name={name}":
        die(f"console: {line}")
    log(f"console: {line}")
    console.wait_for(f"{name} login:".encode(), 60, whole_line=False)
    log(f"console: '{name} login:' prompt")
    qmp_powerdown(d)
    console.wait_for(b"TENANTPORTAL-GUEST-POWEROFF reason=acpi", 30)
    log("console: TENANTPORTAL-GUEST-POWEROFF reason=acpi")


def bad_archive(d):
    deadline = time.monotonic() + 30
    console = Stream(connect(os.path.join(d, "console.sock"), deadline), "console")
    payload = archive([("computer-name", b"bad-one"), ("../etc/passwd", b"x::0:0::/:/bin/sh\n")])
    # A host that connects late, and one that goes away part-way, are waited for.
    console.wait_for(b"TENANTPORTAL-SPECIALISE-WAITING", 60)
    log("console: TENANTPORTAL-SPECIALISE-WAITING")
    time.sleep(1)
    first = connect(os.path.join(d, "answer.sock"), deadline)
    first.sendall(b"TENANTPORTAL-SPECIALISATION 1 %d\n" % len(payload) + payload[:3000])
    time.sleep(1)
    first.close()
    log("answer port: connected late, sent half an archive, disconnected")
    time.sleep(1)
    answer = send_specialisation(d, payload, deadline)
    _, line = answer.wait_for([b"TENANTPORTAL-SPECIALISED ", b"TENANTPORTAL-SPECIALISE-FAILED"], 60)
    if line != "TENANTPORTAL-SPECIALISE-FAILED reason=bad-entry-name":
        die(f"answer port: {line}")
    log(f"answer port: {line}")
    _, line = console.wait_for(b"TENANTPORTAL-SPECIALISE-FAILED", 30)
    if line != "TENANTPORTAL-SPECIALISE-FAILED reason=bad-entry-name":
        die(f"console: {line}")
    log(f"console: {line}")


def waiting_powerdown(d):
    console = Stream(connect(os.path.join(d, "console.sock"), time.monotonic() + 30), "console")
    console.wait_for(b"TENANTPORTAL-SPECIALISE-WAITING", 60)
    log("console: TENANTPORTAL-SPECIALISE-WAITING")
    qmp_powerdown(d)
    console.wait_for(b"TENANTPORTAL-GUEST-POWEROFF reason=acpi", 30)
    log("console: TENANTPORTAL-GUEST-POWEROFF reason=acpi")


def main(argv):
    if len(argv) == 5 and argv[1] == "first-boot":
        first_boot(argv[2], argv[3], argv[4])
    elif len(argv) == 4 and argv[1] == "later-boot":
        later_boot(argv[2], argv[3])
    elif len(argv) == 3 and argv[1] == "bad-archive":
        bad_archive(argv[2])
    elif len(argv) == 3 and argv[1] == "waiting-powerdown":
        waiting_powerdown(argv[2])
    else:
        die(__doc__)


if __name__ == "__main__":
    main(sys.argv)
