#!/usr/bin/env python3
"""A fake systemd NOTIFY_SOCKET for tests (Node cannot bind unix datagram sockets).

Usage: notify_receiver.py SOCKET_PATH
  SOCKET_PATH is a filesystem path, or "@name" for Linux's abstract namespace.

Binds an AF_UNIX SOCK_DGRAM socket there and prints JSON lines on stdout:
  {"ready": true}                      once bound;
  {"t": <s>, "kt": <s>, "msg": "..."}  per datagram, where t is time.monotonic()
                                       when read and kt the kernel's arrival time
                                       (SO_TIMESTAMPNS, wall clock; absent if the
                                       kernel gives none). Gaps measured with kt
                                       do not depend on when python got to run.
Exits when stdin closes (after draining queued datagrams) or on SIGTERM, so it
never outlives the test that started it.
"""
import json
import os
import select
import signal
import socket
import struct
import sys
import time

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # 35 on Linux (x86, arm)
TIMESPEC = struct.Struct("@ll")


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def receive(sock):
    data, ancdata, _flags, _addr = sock.recvmsg(65536, socket.CMSG_SPACE(TIMESPEC.size))
    line = {"t": time.monotonic(), "msg": data.decode("utf-8", "replace")}
    for level, kind, payload in ancdata:
        if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and len(payload) >= TIMESPEC.size:
            sec, nsec = TIMESPEC.unpack(payload[: TIMESPEC.size])
            line["kt"] = sec + nsec / 1e9
    emit(line)


def main():
    if len(sys.argv) != 2:
        print("usage: notify_receiver.py SOCKET_PATH", file=sys.stderr)
        return 2
    path = sys.argv[1]
    abstract = path.startswith("@")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + path[1:] if abstract else path)
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
    except OSError:
        pass
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    emit({"ready": True})
    stdin = sys.stdin.fileno()
    try:
        while True:
            readable, _, _ = select.select([sock, stdin], [], [])
            if sock in readable:
                receive(sock)
            elif stdin in readable and not os.read(stdin, 4096):
                sock.setblocking(False)
                while True:
                    try:
                        receive(sock)
                    except BlockingIOError:
                        return 0
    finally:
        sock.close()
        if not abstract:
            try:
                os.unlink(path)
            except OSError:
                pass


if __name__ == "__main__":
    sys.exit(main())
