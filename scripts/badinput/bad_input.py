#!/usr/bin/env python3
"""Bad input against a live swiftzk: malformed packets close only their own
connection (or get Apache's error reply), and the server keeps serving.

Usage: bad_input.py HOST PORT [--fuzz-seconds N] [--seed S]

Checks, each against the running server, while a kazoo client (the
bystander) holds a session and watches a node:
  1. a frame longer than jute.maxbuffer closes that connection;
  2. a negative frame length closes that connection;
  3. a ConnectRequest too short to decode closes that connection;
  4. an unknown opcode gets ZUNIMPLEMENTED (-6), then the connection closes;
  5. a known opcode with a truncated body gets ZMARSHALLINGERROR (-5);
  6. a request header shorter than 8 bytes closes that connection;
  7. an invalid path in a create gets ZBADARGUMENTS (-8) (its parent must
     exist: Apache looks the parent up before it validates the whole path);
  8. random bytes and mutated real packets on many connections for N
     seconds (default 20);
after each step the bystander must still read, write and get its watch
event, and `ruok` must answer `imok`.
"""
import argparse
import random
import socket
import struct
import sys
import threading
import time

from kazoo.client import KazooClient

FAILURES = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what, flush=True)
    if not cond:
        FAILURES.append(what)


def connect_request(timeout_ms=10000):
    body = struct.pack(">iqiq", 0, 0, timeout_ms, 0) + struct.pack(">i", 16) + b"\0" * 16 + b"\0"
    return struct.pack(">i", len(body)) + body


def recv_exact(sock, n, deadline):
    data = b""
    while len(data) < n:
        sock.settimeout(max(0.05, deadline - time.time()))
        chunk = sock.recv(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def recv_frame(sock, timeout=5.0):
    deadline = time.time() + timeout
    head = recv_exact(sock, 4, deadline)
    if head is None:
        return None
    (length,) = struct.unpack(">i", head)
    return recv_exact(sock, length, deadline)


def session(host, port):
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(connect_request())
    reply = recv_frame(sock)
    if reply is None or len(reply) < 36:
        raise RuntimeError("no ConnectResponse")
    return sock


def closed_by_server(sock, timeout=5.0):
    sock.settimeout(timeout)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def reply_error(sock, xid):
    frame = recv_frame(sock)
    if frame is None or len(frame) < 16:
        return None
    rxid, _zxid, err = struct.unpack(">iqi", frame[:16])
    return err if rxid == xid else ("xid", rxid)


def four_letter(host, port, word=b"ruok"):
    with socket.create_connection((host, port), timeout=5) as s:
        s.sendall(word)
        s.shutdown(socket.SHUT_WR)
        out = b""
        s.settimeout(5)
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            out += chunk
    return out


class Bystander:
    def __init__(self, host, port):
        self.client = KazooClient(hosts="%s:%d" % (host, port), timeout=10)
        self.client.start(timeout=15)
        self.client.ensure_path("/bad-input")
        self.client.create("/bad-input/watched", b"0")
        self.counter = 0

    def healthy(self, step):
        self.counter += 1
        event = threading.Event()
        self.client.get("/bad-input/watched", watch=lambda e: event.set())
        self.client.set("/bad-input/watched", str(self.counter).encode())
        data, _ = self.client.get("/bad-input/watched")
        check(data == str(self.counter).encode() and event.wait(5),
              "bystander session still reads, writes and gets its watch after: " + step)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("host")
    ap.add_argument("port", type=int)
    ap.add_argument("--fuzz-seconds", type=float, default=20)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    host, port = args.host, args.port
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    print("seed", seed)

    by = Bystander(host, port)

    s = socket.create_connection((host, port), timeout=5)
    s.sendall(struct.pack(">i", 0x100000) + b"x" * 64)
    check(closed_by_server(s), "frame over jute.maxbuffer closes its connection")
    by.healthy("oversized frame")

    s = socket.create_connection((host, port), timeout=5)
    s.sendall(struct.pack(">i", -5))
    check(closed_by_server(s), "negative frame length closes its connection")
    by.healthy("negative length")

    s = socket.create_connection((host, port), timeout=5)
    s.sendall(struct.pack(">i", 6) + b"\0" * 6)
    check(closed_by_server(s), "undecodable ConnectRequest closes its connection")
    by.healthy("bad handshake")

    s = session(host, port)
    s.sendall(struct.pack(">iii", 8, 7, 999))
    check(reply_error(s, 7) == -6, "unknown opcode 999 gets ZUNIMPLEMENTED")
    check(closed_by_server(s), "...and then its connection is closed, as Apache does")
    s = session(host, port)
    s.sendall(struct.pack(">iii", 12, 8, 4) + struct.pack(">i", 100))
    check(reply_error(s, 8) == -5, "getData with a truncated path gets ZMARSHALLINGERROR")
    acl = struct.pack(">i", 1) + struct.pack(">i", 31) + struct.pack(">i", 5) + b"world" + struct.pack(">i", 6) + b"anyone"
    body = struct.pack(">ii", 9, 1) + struct.pack(">i", 3) + b"/.." + struct.pack(">i", 0) + acl + struct.pack(">i", 0)
    s.sendall(struct.pack(">i", len(body)) + body)
    check(reply_error(s, 9) == -8, "create of an invalid path gets ZBADARGUMENTS")
    s.sendall(struct.pack(">iii", 8, -2, 11))  # a ping still works
    check(reply_error(s, -2) == 0, "the connection still answers after those errors")
    s.sendall(struct.pack(">i", 3) + b"\0\0\0")
    check(closed_by_server(s), "a request shorter than its header closes its connection")
    by.healthy("error replies")

    # Fuzz: random and mutated packets on many connections.
    real = [
        connect_request(),
        struct.pack(">iii", 8, 1, 11),
        struct.pack(">i", 20) + struct.pack(">ii", 2, 4) + struct.pack(">i", 7) + b"/zookee" + b"\0\0\0\0",
    ]
    end = time.time() + args.fuzz_seconds
    connections = 0
    while time.time() < end:
        connections += 1
        try:
            s = socket.create_connection((host, port), timeout=2)
            if rng.random() < 0.5:
                s.sendall(connect_request())
            for _ in range(rng.randrange(1, 6)):
                if rng.random() < 0.5:
                    blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
                else:
                    blob = bytearray(rng.choice(real))
                    for _ in range(rng.randrange(1, 4)):
                        blob[rng.randrange(len(blob))] = rng.randrange(256)
                    blob = bytes(blob)
                s.sendall(blob)
            s.close()
        except OSError:
            pass
    print("fuzzed", connections, "connections")
    check(four_letter(host, port) == b"imok", "server answers ruok after %d fuzzed connections" % connections)
    by.healthy("fuzzing")
    by.client.stop()
    if FAILURES:
        print("bad-input: FAIL:", len(FAILURES), "check(s) failed")
        sys.exit(1)
    print("bad-input: PASS")


if __name__ == "__main__":
    main()
